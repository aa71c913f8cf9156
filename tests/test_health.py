"""/health says whether the database answers; /ready also whether the schema is at head and
the warm-up is done (issue 22, item 7): /health said "ok" while the database was down."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import replace
from pathlib import Path

from litestar.testing import AsyncTestClient

from tests.conftest import Api
from transfers.app import create_app
from transfers.migrate import upgrade
from transfers.settings import Settings


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_health_and_readiness_with_the_database_up(api: Api) -> None:
    health = await api.get("/health", role=None)
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "database": "up", "snapshot": "on_demand"}
    ready = await api.get("/ready", role=None)
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ready"


async def test_health_and_readiness_say_so_while_the_database_is_down() -> None:
    url = f"postgresql+asyncpg://transfers@127.0.0.1:{_closed_port()}/transfers"
    async with AsyncTestClient(app=create_app(replace(Settings(), database_url=url))) as client:
        for path in ("/health", "/ready"):
            response = await client.get(path)
            assert response.status_code == 503, (path, response.text)
            assert response.headers["retry-after"].isdigit()
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.json()["database"] == "down"


async def test_a_database_behind_the_migrations_is_live_but_not_ready(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
    await asyncio.to_thread(upgrade, url, "5a7e2b91c0d4")
    async with AsyncTestClient(app=create_app(replace(Settings(), database_url=url))) as client:
        assert (await client.get("/health")).status_code == 200
        response = await client.get("/ready")
    assert response.status_code == 503
    assert response.json()["schema"] == "5a7e2b91c0d4"
    assert "transfers db upgrade" in response.json()["detail"]
