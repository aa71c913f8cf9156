"""`transfers users ...`: what an operator types, against the real database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator

import pytest
from click.testing import CliRunner, Result
from litestar import Litestar

from tests.conftest import Database
from tests.web.conftest import Browser
from transfers.cli import main
from transfers.cli._base import console
from transfers.settings import get_settings

Cli = Callable[..., Awaitable[Result]]


@pytest.fixture
def users_cli(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    """The ``transfers users`` command group, invoked in this process (with the suite's light
    Argon2 profile); ``tests/test_cli.py`` runs the console script itself as a subprocess."""
    monkeypatch.setenv("TRANSFERS_DATABASE_URL", db.url)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(console, "_console", None)  # a console as wide as this terminal
    get_settings.cache_clear()

    async def run(*args: str) -> Result:
        return await asyncio.to_thread(CliRunner().invoke, main, ["users", *args])

    yield run
    get_settings.cache_clear()


async def test_users_create_list_set_password_and_disable(
    users_cli: Cli, app: Litestar, browser: Browser
) -> None:
    _cli = users_cli
    created = await _cli(
        "create", "--email", "Maija@Example.com", "--name", "Maija M", "--role", "legal"
    )
    assert created.exit_code == 0, created.stderr
    password = created.stdout.strip()
    assert len(password) >= 10
    assert (await browser.login("maija@example.com", password)).status_code == 303

    listed = await _cli("list")
    assert "maija@example.com" in listed.stdout
    assert password not in listed.stdout

    duplicate = await _cli(
        "create", "--email", "maija@example.com", "--name", "X", "--role", "legal"
    )
    assert duplicate.exit_code != 0
    assert "already exists" in duplicate.stderr

    reset = await _cli("set-password", "maija@example.com", "--password", "a-new-long-password")
    assert reset.exit_code == 0, reset.stderr
    assert (await browser.get("/")).status_code in (302, 303)  # the reset ended the session
    assert (await browser.login("maija@example.com", password)).status_code == 401
    assert (await browser.login("maija@example.com", "a-new-long-password")).status_code == 303

    disabled = await _cli("disable", "maija@example.com")
    assert disabled.exit_code == 0, disabled.stderr
    assert (await browser.get("/")).status_code in (302, 303)
    assert (await browser.login("maija@example.com", "a-new-long-password")).status_code == 401
