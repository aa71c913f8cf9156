"""Vendor reads outside a transaction: on SQLite on the event loop's own thread
(infra.fetch.inline_reader), on PostgreSQL on an autocommit connection (infra.fetch.autocommit_engine). They must
see every commit at once, and never bypass a session that has begun its own transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests import factories
from tests.conftest import Api, Database
from transfers.db import session_factory
from transfers.infra.fetch import autocommit_engine, inline_reader
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
            assert inline_reader(session) is not None and autocommit_engine(session) is None
        else:
            assert inline_reader(session) is None and autocommit_engine(session) is not None
        await session.execute(
            text("UPDATE vendor SET name = 'Unflushed Oy' WHERE id = :id"), {"id": v["id"]}
        )
        # Begun: its own uncommitted write must show, so neither side path is offered.
        assert inline_reader(session) is None and autocommit_engine(session) is None
        assert (await service.read_vendor_by_id(session, v["id"])).name == "Unflushed Oy"
        await session.rollback()
    assert (await api.get(f"/api/v1/vendors/{v['id']}")).json()["name"] == "Own View Oy"


async def test_an_uncommitted_write_is_not_read_elsewhere_and_a_commit_is(
    api: Api, engine: AsyncEngine
) -> None:
    v = await factories.vendor(api, name="Pending Oy", country="SE")
    maker = session_factory(engine)
    async with maker() as writer:
        await writer.execute(
            text("UPDATE vendor SET name = 'Written Oy' WHERE id = :id"), {"id": v["id"]}
        )
        async with maker() as reader:  # not begun: the side path answers
            assert (await service.read_vendor_by_id(reader, v["id"])).name == "Pending Oy"
            items, total = await service.list_vendors(reader, country_code="SE")
            assert [i.name for i in items] == ["Pending Oy"] and total == 1
        await writer.commit()
    async with maker() as reader:
        assert (await service.read_vendor_by_id(reader, v["id"])).name == "Written Oy"
        items, total = await service.list_vendors(reader, country_code="SE", offset=5)
        assert items == [] and total == 1  # past the last page: the total alone


async def test_a_connection_the_server_closed_is_replaced_and_the_read_repeated(
    api: Api, engine: AsyncEngine, db: Database
) -> None:
    """The autocommit pool sends no liveness ping before a read: a read that meets a dead
    connection (the server restarted) is repeated once on a fresh one."""
    if db.backend != "postgresql":
        pytest.skip("the autocommit pool is PostgreSQL's")
    v = await factories.vendor(api, name="Survivor Oy")
    async with session_factory(engine)() as reader:
        side = autocommit_engine(reader)
        assert side is not None
        assert (await service.read_vendor_by_id(reader, v["id"])).name == "Survivor Oy"
        async with side.connect() as conn:  # the pool's only connection so far
            pid = (await conn.execute(text("SELECT pg_backend_pid()"))).scalar()
        async with engine.connect() as admin:
            await admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        assert (await service.read_vendor_by_id(reader, v["id"])).name == "Survivor Oy"
        items, total = await service.list_vendors(reader, q="Survivor")
        assert [i.name for i in items] == ["Survivor Oy"] and total == 1
