"""One import cannot hold the server: a deadline, a stop when the client leaves, N at a time."""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import replace
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.conftest import Api, Keys
from tests.importer.sheets import FLAT_HEADER
from tests.importer.test_import_db import CSV, counts, upload
from transfers.app import create_app
from transfers.importer import service as import_service
from transfers.importer.validate import plan_import
from transfers.settings import Settings

IMPORTS = "/api/v1/imports"


def big_csv(rows: int = 60_000) -> bytes:
    header = ",".join(FLAT_HEADER[:7]) + "\n"
    return (
        header + "".join(f"Vendor {i},{i}-1,FI,processor,other,US,DPF\n" for i in range(rows))
    ).encode()


class Asgi:
    """Calls the app as a server would, so that requests run concurrently in this event loop
    and the client can be made to leave while the request is still being handled."""

    def __init__(self, app: Litestar, keys: Keys) -> None:
        self.app, self.keys = app, keys

    async def upload(
        self, content: bytes, *, leave: bool = False
    ) -> tuple[int, dict[str, str], bytes]:
        request = httpx.Request(
            "POST",
            f"http://test{IMPORTS}?dry_run=true",
            files={"file": ("register.csv", content, "text/csv")},
            headers=self.keys.headers("legal"),
        )
        messages: list[dict[str, Any]] = [
            {"type": "http.request", "body": request.read(), "more_body": False}
        ]
        done = asyncio.Event()
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            if messages:
                return messages.pop(0)
            if not leave:  # a client that stays waits for the response
                await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                done.set()

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": IMPORTS,
            "raw_path": IMPORTS.encode(),
            "query_string": b"dry_run=true",
            "root_path": "",
            "headers": [(k.lower().encode(), v.encode()) for k, v in request.headers.items()],
            "client": ("127.0.0.1", 1234),
            "server": ("test", 80),
        }
        await self.app(scope, receive, send)  # type: ignore[arg-type]
        start = sent[0]
        headers = {k.decode().lower(): v.decode() for k, v in start["headers"]}
        return start["status"], headers, b"".join(m.get("body", b"") for m in sent[1:])


@pytest.fixture
async def limited(settings: Settings, keys: Keys) -> Any:
    """Apps with changed settings, their lifespan running for the test."""

    async def make(**changes: Any) -> tuple[Api, Asgi]:
        app = create_app(replace(settings, **changes))
        client = AsyncTestClient(app=app)
        await client.__aenter__()
        opened.append(client)
        return Api(client, keys), Asgi(app, keys)

    opened: list[AsyncTestClient[Litestar]] = []
    yield make
    for client in opened:
        await client.__aexit__(None, None, None)


async def test_one_import_too_many_gets_429_with_retry_after(
    limited: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, asgi = await limited(max_concurrent_imports=1)
    entered, release = threading.Event(), threading.Event()
    real = plan_import

    def held(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        release.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(import_service, "plan_import", held)
    first = asyncio.create_task(asgi.upload(CSV.encode()))
    assert await asyncio.to_thread(entered.wait, 30)
    status, headers, body = await asgi.upload(CSV.encode())
    release.set()
    assert status == 429, body
    assert headers["retry-after"] == "60"
    assert json.loads(body)["type"].endswith("too-many-imports")
    assert (await first)[0] == 200
    assert (await asgi.upload(CSV.encode()))[0] == 200  # the slot is free again


async def test_an_import_past_its_deadline_is_refused_and_writes_nothing(limited: Any) -> None:
    api, _ = await limited(import_seconds=0)
    before = await counts(api)
    response = await upload(api, CSV.encode(), dry_run=False)
    assert response.status_code == 422, response.text
    assert "longer than" in response.text
    assert await counts(api) == before


async def test_an_import_stops_when_the_client_disconnects(
    limited: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, asgi = await limited()
    plans: list[Any] = []
    real = plan_import

    def recorded(*args: Any, **kwargs: Any) -> Any:
        plans.append(real(*args, **kwargs))
        return plans[-1]

    monkeypatch.setattr(import_service, "plan_import", recorded)
    status, _, _ = await asgi.upload(big_csv(), leave=True)
    assert status == 422
    assert len(plans) == 1
    assert [p.message for p in plans[0].problems] == [
        "the import was stopped: the client disconnected"
    ]
    assert plans[0].problems[0].row < 60_000
    assert (await asgi.upload(big_csv(1000)))[0] == 200  # a client that stays is served
