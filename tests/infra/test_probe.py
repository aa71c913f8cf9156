"""The register version probe. SQLite: answers for a file, declines what it cannot see, follows
a file that was replaced. PostgreSQL: concurrent reads share one query, never a stale one."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from tests.conftest import Database
from transfers.infra import probe


def _register(path: Path, ids: int) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE register_change (id INTEGER PRIMARY KEY, vendor_id INTEGER)")
        conn.executemany("INSERT INTO register_change (vendor_id) VALUES (?)", [(1,)] * ids)


def test_reads_the_highest_change_id_of_a_file(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    _register(path, 3)
    engine = create_engine(f"sqlite:///{path}")
    assert probe.version(engine) == 3
    with sqlite3.connect(path) as conn:  # another connection commits
        conn.execute("INSERT INTO register_change (vendor_id) VALUES (2)")
    assert probe.version(engine) == 4
    engine.dispose()  # closes the side connection too


def test_declines_memory_databases_and_other_engines(tmp_path: Path) -> None:
    assert probe.version(create_engine("sqlite://")) is None
    assert probe.version(create_engine("sqlite:///:memory:")) is None
    assert probe.version(create_engine(f"sqlite:///{tmp_path / 'missing.sqlite3'}")) is None


def test_a_replaced_file_is_followed(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    _register(path, 5)
    engine = create_engine(f"sqlite:///{path}")
    assert probe.version(engine) == 5
    path.unlink()  # e.g. restored from a backup: a probe on the old inode would never move
    _register(path, 2)
    assert probe.version(engine) == 2
    engine.dispose()  # closes the side connection too


def test_a_file_without_a_change_log_falls_back_to_the_session(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    sqlite3.connect(path).close()
    assert probe.version(create_engine(f"sqlite:///{path}")) is None


async def test_concurrent_requests_never_share_a_query_started_before_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A read waits for a query that starts after it arrived, so it sees every commit that
    preceded it; reads arriving together share that one query."""
    started: list[int] = []
    gate = asyncio.Event()

    async def fake_query(self: object, floor: int) -> tuple[int, int, int]:
        n = len(started)
        started.append(n)
        if n == 0:
            await gate.wait()
        return n, 0, floor

    monkeypatch.setattr(probe._PostgresProbe, "_query", fake_query)
    engine = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    held = probe._PostgresProbe(engine, asyncio.get_running_loop())
    first = asyncio.create_task(held.window(lambda: 7))
    for _ in range(3):
        await asyncio.sleep(0)
    assert started == [0]  # in flight, not finished
    later = [asyncio.create_task(held.window(lambda: 7)) for _ in range(5)]
    for _ in range(3):
        await asyncio.sleep(0)
    assert started == [0]  # the later reads wait rather than join the query in flight
    gate.set()
    assert await first == (0, 0, 7)
    assert [await t for t in later] == [(1, 0, 7)] * 5
    assert started == [0, 1]


async def test_the_postgresql_probe_is_closed_with_its_engine(db: Database) -> None:
    if db.backend != "postgresql":
        pytest.skip("the connection probe is PostgreSQL's")
    engine = create_async_engine(db.url)
    async with AsyncSession(engine) as session:
        found = await probe.window(session, lambda: 0)
    assert found is not None and found[2] == 0
    held = probe._PG[engine.sync_engine]
    conn = held.conn
    assert conn is not None and not conn.is_closed()
    await engine.dispose()
    assert conn.is_closed()
    assert engine.sync_engine not in probe._PG
