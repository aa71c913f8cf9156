"""`transfers users ...`: what an operator types, against the real database."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from litestar import Litestar

from tests.conftest import Database
from tests.web.conftest import Browser


async def _cli(db: Database, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRANSFERS_DATABASE_URL": db.url, "COLUMNS": "200"}
    return await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "transfers.cli", "users", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_users_create_list_set_password_and_disable(
    db: Database, app: Litestar, browser: Browser
) -> None:
    created = await _cli(
        db, "create", "--email", "Maija@Example.com", "--name", "Maija M", "--role", "legal"
    )
    assert created.returncode == 0, created.stderr
    password = created.stdout.strip()
    assert len(password) >= 10
    assert (await browser.login("maija@example.com", password)).status_code == 303

    listed = await _cli(db, "list")
    assert "maija@example.com" in listed.stdout
    assert password not in listed.stdout

    duplicate = await _cli(
        db, "create", "--email", "maija@example.com", "--name", "X", "--role", "legal"
    )
    assert duplicate.returncode != 0
    assert "already exists" in duplicate.stderr

    reset = await _cli(db, "set-password", "maija@example.com", "--password", "a-new-long-password")
    assert reset.returncode == 0, reset.stderr
    assert (await browser.get("/")).status_code in (302, 303)  # the reset ended the session
    assert (await browser.login("maija@example.com", password)).status_code == 401
    assert (await browser.login("maija@example.com", "a-new-long-password")).status_code == 303

    disabled = await _cli(db, "disable", "maija@example.com")
    assert disabled.returncode == 0, disabled.stderr
    assert (await browser.get("/")).status_code in (302, 303)
    assert (await browser.login("maija@example.com", "a-new-long-password")).status_code == 401
