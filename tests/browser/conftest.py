"""Browser journeys: a real uvicorn server on a free port, a migrated temporary database with the
sample register, and Debian's Chromium driven by Playwright.

The server runs on SQLite and on PostgreSQL (a fresh database; select it with ``-k postgresql``
like the rest of the suite). On PostgreSQL the journeys that write through the forms run; the
ones that only read or exercise the browser itself (screenshots of every page at two widths,
login throttling, reminders) are marked ``sqlite_only`` to keep the run short.

Screenshots of every main page land in ``screenshots/`` (git-ignored) at 1280 px and 768 px.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import BACKENDS, SYSTEM, _create_pg_database, _drop_pg_database
from transfers.db import create_engine, session_scope
from transfers.demo import load_demo
from transfers.migrate import upgrade
from transfers.user.service import create_user

CHROMIUM = os.environ.get("TRANSFERS_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PASSWORD = "correct-horse-battery"
USERS = {
    "legal": "laura@example.com",
    "legal2": "lasse@example.com",
    "procurement": "pekka@example.com",
    "procurement2": "paula@example.com",
    "admin": "aino@example.com",
}

playwright_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():  # pragma: no cover - .ci/run installs it
    pytest.skip(f"Chromium not found at {CHROMIUM}", allow_module_level=True)


@dataclass
class Server:
    url: str
    database_url: str
    backend: str = "sqlite"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _seed(url: str) -> None:
    engine = create_engine(url=url)
    try:
        async with session_scope(engine) as session:
            await load_demo(session)
            for role, email in USERS.items():
                await create_user(
                    session,
                    email=email,
                    name=f"{role.title()} Tester",
                    role=role.rstrip("2"),
                    password=PASSWORD,
                    actor=SYSTEM,
                    language="en",
                )
    finally:
        await engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """Module-scoped, like ``chromium``: Playwright's sync API holds an event loop on this
    thread while it is open, which the asyncio tests of other modules must not inherit."""
    backend: str = request.param
    pg_name = f"transfers_browser_{uuid.uuid4().hex[:8]}"
    with ThreadPoolExecutor(1) as pool:  # pytest-asyncio may already run a loop here
        if backend == "postgresql":
            url = pool.submit(_create_pg_database, pg_name).result()
        else:
            url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('browser') / 'transfers.sqlite3'}"
        pool.submit(upgrade, url).result()
        pool.submit(lambda: asyncio.run(_seed(url))).result()
    port = _free_port()
    env = {
        **os.environ,
        "TRANSFERS_DATABASE_URL": url,
        "TRANSFERS_PUBLIC_URL": f"http://127.0.0.1:{port}",
        # A module may give its server more settings (an SMTP server, the public page).
        **getattr(request.module, "SERVER_ENV", {}),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "transfers.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if httpx.get(base + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                raise RuntimeError("the server exited during start-up")
            time.sleep(0.25)
        else:
            raise RuntimeError("the server did not start")
        yield Server(base, url, backend)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if backend == "postgresql":
            with ThreadPoolExecutor(1) as pool:
                pool.submit(_drop_pg_database, pg_name).result()


@pytest.fixture
def sqlite_only(server: Server) -> None:
    """Journeys that do not depend on the database engine run once, on SQLite."""
    if server.backend != "sqlite":
        pytest.skip("engine-independent journey: run on SQLite only")


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


class Person:
    """One person at one browser window."""

    def __init__(self, chromium: object, server: Server, width: int = 1280) -> None:
        self.server = server
        self.context = chromium.new_context(  # type: ignore[attr-defined]
            viewport={"width": width, "height": 900}, locale="en-GB", accept_downloads=True
        )
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("dialog", self._dialog)

    def _console(self, message: object) -> None:
        if getattr(message, "type", "") == "error":
            self.errors.append(str(getattr(message, "text", "")))

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(str(getattr(dialog, "message", "")))
        dialog.dismiss()  # type: ignore[attr-defined]

    def go(self, path: str) -> object:
        return self.page.goto(self.server.url + path)

    def login(self, who: str, password: str = PASSWORD) -> None:
        self.go("/login")
        self.page.get_by_label("E-mail").fill(USERS[who])
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Log in").click()

    def shot(self, name: str) -> None:
        SHOTS.mkdir(exist_ok=True)
        width = self.page.viewport_size["width"]
        self.page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def person(chromium: object, server: Server) -> Iterator[Person]:
    p = Person(chromium, server)
    yield p
    p.close()


@pytest.fixture
def other_person(chromium: object, server: Server) -> Iterator[Person]:
    p = Person(chromium, server)
    yield p
    p.close()
