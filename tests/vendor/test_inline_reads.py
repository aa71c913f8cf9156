"""Vendor reads on SQLite run on the event loop's own thread (db.inline_reader): they must see
every commit at once, and never bypass a session that has begun its own transaction."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests import factories
from tests.conftest import Api, Database
from transfers.db import inline_reader, session_factory
from transfers.vendor import service


async def test_a_read_sees_a_commit_made_elsewhere_at_once(api: Api, engine: AsyncEngine) -> None:
    v = await factories.vendor(api, name="Before Oy", country="FI")
    assert (await api.get(f"/api/v1/vendors/{v['id']}")).json()["name"] == "Before Oy"
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE vendor SET name = 'After Oy' WHERE id = :id"), {"id": v["id"]}
        )
    assert (await api.get(f"/api/v1/vendors/{v['id']}")).json()["name"] == "After Oy"
    page = (await api.get("/api/v1/vendors?country=FI")).json()
    assert [i["name"] for i in page["items"]] == ["After Oy"] and page["total"] == 1


async def test_a_session_in_a_transaction_reads_its_own_view(
    api: Api, engine: AsyncEngine, db: Database
) -> None:
    v = await factories.vendor(api, name="Own View Oy")
    async with session_factory(engine)() as session:
        if db.backend == "sqlite":
            assert inline_reader(session) is not None
        else:
            assert inline_reader(session) is None  # asyncpg is async already
        await session.execute(
            text("UPDATE vendor SET name = 'Unflushed Oy' WHERE id = :id"), {"id": v["id"]}
        )
        assert inline_reader(session) is None  # begun: its own uncommitted write must show
        assert (await service.read_vendor_by_id(session, v["id"])).name == "Unflushed Oy"
        await session.rollback()
    assert (await api.get(f"/api/v1/vendors/{v['id']}")).json()["name"] == "Own View Oy"
