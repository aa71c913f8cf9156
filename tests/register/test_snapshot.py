"""The register snapshot held per process: never stale after a write by anyone, never holding
a write that was rolled back, and reloading only what changed."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests import factories
from tests.conftest import SYSTEM, Api, Database, Keys
from transfers import register
from transfers.app import create_app
from transfers.auth.service import create_key
from transfers.compliance.service import warm
from transfers.db import create_engine, session_factory
from transfers.settings import Settings


async def status(api: Api, vendor_id: int) -> str:
    response = await api.get(f"/api/v1/vendors/{vendor_id}/status", role="procurement")
    assert response.status_code == 200, response.text
    value: str = response.json()["status"]
    return value


@pytest.fixture
async def second_api(db: Database, keys: Keys) -> AsyncIterator[Api]:
    """Another instance on the same database: its own engine, so its own snapshot."""
    app = create_app(Settings(database_url=db.url, db_pool_size=5))
    async with AsyncTestClient(app=app) as client:
        yield Api(client, keys)


async def test_every_table_write_bumps_the_register_version(api: Api, engine: AsyncEngine) -> None:
    async def version() -> int:
        async with session_factory(engine)() as s:
            return await register.register_version(s)

    start = await version()
    v = await factories.vendor(api)
    after_vendor = await version()
    a = await factories.agreement(api, v["id"])
    after_agreement = await version()
    t = await factories.transfer(api, v["id"], agreement_id=None)
    after_transfer = await version()
    await api.create(
        "/api/v1/assessments",
        {"transfer_id": t["id"], "completed_on": "2024-01-01", "conclusion": "adequate"},
    )
    after_assessment = await version()
    assert start < after_vendor < after_agreement < after_transfer < after_assessment
    assert a["id"]


async def test_another_instance_sees_a_write_at_once(api: Api, second_api: Api) -> None:
    v = await factories.vendor(api, country="CH", name="Bharat Support", status="approved")
    await factories.agreement(api, v["id"])
    t = await factories.transfer(
        api, v["id"], destination_country="IN", mechanism="none", scc_module=None
    )
    assert await status(second_api, v["id"]) == "blocked"  # second instance loads its snapshot
    # Fix the transfer on the first instance: the second one must agree on its next request.
    response = await api.patch(
        f"/api/v1/transfers/{t['id']}",
        json={"destination_country": "CH", "version": t["version"]},
    )
    assert response.status_code == 200
    assert await status(second_api, v["id"]) == "approved"
    assert await status(api, v["id"]) == "approved"


async def test_a_write_outside_the_application_is_seen(api: Api, engine: AsyncEngine) -> None:
    v = await factories.vendor(api, country="CH", status="approved")
    await factories.agreement(api, v["id"])
    t = await factories.transfer(
        api, v["id"], destination_country="IN", mechanism="none", scc_module=None
    )
    assert await status(api, v["id"]) == "blocked"
    async with engine.begin() as conn:  # raw SQL, as an operator or another tool would
        await conn.execute(
            text("UPDATE transfer SET destination_country = 'CH' WHERE id = :id"),
            {"id": t["id"]},
        )
    assert await status(api, v["id"]) == "approved"


async def test_a_fresh_snapshot_is_served_without_a_transaction(
    api: Api, engine: AsyncEngine
) -> None:
    """The version comes from the process's probe (a side connection): a read from a fresh
    snapshot opens no transaction of its own, yet a write by anyone is seen on the next read."""
    v = await factories.vendor(api, country="CH", status="approved")
    await factories.agreement(api, v["id"])
    t = await factories.transfer(
        api, v["id"], destination_country="IN", mechanism="none", scc_module=None
    )
    async with session_factory(engine)() as s:
        await register.current(s)  # loads the snapshot (through the session)
    async with session_factory(engine)() as s:
        before = (await register.current(s)).version
        assert not s.in_transaction()
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE transfer SET destination_country = 'CH' WHERE id = :id"), {"id": t["id"]}
        )
    async with session_factory(engine)() as s:
        again = await register.current(s)
        assert again.version is not None and before is not None
        assert again.version > before
        facts = again.facts(date.today(), [v["id"]])[v["id"]]
        assert [x.destination_country for x in facts.transfers] == ["CH"]


async def test_a_rolled_back_write_never_reaches_the_snapshot(
    api: Api, engine: AsyncEngine
) -> None:
    v = await factories.vendor(api, country="CH")
    await factories.agreement(api, v["id"])
    t = await factories.transfer(
        api, v["id"], destination_country="IN", mechanism="none", scc_module=None
    )
    async with session_factory(engine)() as s:
        await s.execute(
            text("UPDATE transfer SET destination_country = 'CH' WHERE id = :id"),
            {"id": t["id"]},
        )
        # Inside the writing transaction its own write is seen...
        snapshot = await register.current(s)
        facts = snapshot.facts(date.today(), [v["id"]])
        assert facts[v["id"]].transfers[0].destination_country == "CH"
        await s.rollback()
    # ...and after the rollback nobody sees it.
    assert await status(api, v["id"]) == "blocked"
    async with session_factory(engine)() as s:
        snapshot = await register.current(s)
        assert (
            snapshot.facts(date.today(), [v["id"]])[v["id"]].transfers[0].destination_country
            == "IN"
        )


async def test_only_changed_vendors_are_reloaded(api: Api, engine: AsyncEngine) -> None:
    first = await factories.vendor(api, name="First")
    second = await factories.vendor(api, name="Second")
    async with session_factory(engine)() as s:
        snapshot = await register.current(s)
        rows_of_second = snapshot.vendors[second["id"]]
    response = await api.patch(
        f"/api/v1/vendors/{first['id']}", json={"status": "approved", "version": first["version"]}
    )
    assert response.status_code == 200
    async with session_factory(engine)() as s:
        snapshot = await register.current(s)
        assert snapshot.vendors[second["id"]] is rows_of_second  # untouched
        assert snapshot.vendors[first["id"]].vendor.status == "approved"


async def test_a_deleted_vendor_leaves_the_snapshot(api: Api, engine: AsyncEngine) -> None:
    v = await factories.vendor(api)
    assert await status(api, v["id"]) in {"blocked", "conditional"}
    response = await api.delete(f"/api/v1/vendors/{v['id']}", headers={"If-Match": '"1"'})
    assert response.status_code in (200, 204), response.text
    response = await api.get(f"/api/v1/vendors/{v['id']}/status", role="procurement")
    assert response.status_code == 404


async def test_a_late_commit_with_a_lower_id_is_seen(
    api: Api, engine: AsyncEngine, db: Database
) -> None:
    """PostgreSQL hands out ids when a transaction writes, not when it commits: a slow writer
    commits an older id after a newer one was read. Its vendor must not stay stale."""
    if db.backend != "postgresql":
        pytest.skip("SQLite has one writer at a time: ids commit in order")
    slow = await factories.vendor(api, country="CH", name="Slow Writer", status="approved")
    await factories.agreement(api, slow["id"])
    t = await factories.transfer(
        api, slow["id"], destination_country="IN", mechanism="none", scc_module=None
    )
    fast = await factories.vendor(api, name="Fast Writer")
    assert await status(api, slow["id"]) == "blocked"
    async with engine.connect() as slow_conn:
        tx = await slow_conn.begin()
        await slow_conn.execute(  # takes the lower change id, commits last
            text("UPDATE transfer SET destination_country = 'CH' WHERE id = :id"), {"id": t["id"]}
        )
        async with engine.begin() as fast_conn:
            await fast_conn.execute(
                text("UPDATE vendor SET notes = 'fast' WHERE id = :id"), {"id": fast["id"]}
            )
        assert await status(api, slow["id"]) == "blocked"  # the snapshot moves past both ids
        await tx.commit()
    assert await status(api, slow["id"]) == "approved"


async def test_pruning_the_change_log_keeps_the_version_and_snapshots_right(
    api: Api, engine: AsyncEngine
) -> None:
    v = await factories.vendor(api, country="CH", status="approved")
    await factories.agreement(api, v["id"])
    t = await factories.transfer(
        api, v["id"], destination_country="IN", mechanism="none", scc_module=None
    )
    assert await status(api, v["id"]) == "blocked"
    async with session_factory(engine)() as s:
        before = await register.register_version(s)
        removed = await register.prune(s, keep=1)
        await s.commit()
        assert removed > 0
        assert await register.register_version(s) == before  # never goes back
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE transfer SET destination_country = 'CH' WHERE id = :id"), {"id": t["id"]}
        )
    assert await status(api, v["id"]) == "approved"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
async def test_two_served_instances_with_two_workers_agree_after_a_write(
    db: Database, tmp_path: Path
) -> None:
    """Two ``transfers serve --workers 2`` on one database: after a write through one, every
    worker of both answers with the new verdict."""
    if db.backend != "postgresql":
        pytest.skip("several instances on one database is the PostgreSQL deployment")
    engine = create_engine(url=db.url)
    try:
        async with session_factory(engine)() as s:
            _, secret = await create_key(s, name="ops", role="admin", actor=SYSTEM)
            await s.commit()
    finally:
        await engine.dispose()
    ports = [_free_port(), _free_port()]
    env = {**os.environ, "TRANSFERS_DATABASE_URL": db.url}
    servers = [
        subprocess.Popen(  # noqa: ASYNC220  (started once; the servers outlive the call)
            [
                sys.executable,
                "-m",
                "transfers.cli",
                "serve",
                "--no-migrate",
                "--workers",
                "2",
                "--port",
                str(port),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(tmp_path / f"server-{port}.log").open("w"),
            start_new_session=True,
        )
        for port in ports
    ]
    headers = {"Authorization": f"Bearer {secret}"}
    try:
        async with httpx.AsyncClient(headers=headers, timeout=10) as client:
            for port in ports:
                await _wait_ready(client, port)
            a, b = (f"http://127.0.0.1:{p}/api/v1" for p in ports)
            v = (
                await client.post(
                    f"{a}/vendors",
                    json={
                        "name": "Bharat",
                        "country": "CH",
                        "role": "controller",
                        "category": "other",
                        "status": "approved",
                    },
                )
            ).json()
            t = (
                await client.post(
                    f"{a}/transfers",
                    json={
                        "vendor_id": v["id"],
                        "exporter_role": "controller",
                        "destination_country": "IN",
                        "mechanism": "none",
                    },
                )
            ).json()
            for base in (a, b):  # warm every worker's snapshot (connections spread over workers)
                for _ in range(6):
                    body = (await client.get(f"{base}/vendors/{v['id']}/status")).json()
                    assert body["status"] == "blocked"
            fixed = await client.patch(
                f"{b}/transfers/{t['id']}",
                json={"destination_country": "CH", "version": t["version"]},
            )
            assert fixed.status_code == 200, fixed.text
            for base in (a, b):
                for _ in range(6):
                    async with httpx.AsyncClient(headers=headers, timeout=10) as fresh:
                        body = (await fresh.get(f"{base}/vendors/{v['id']}/status")).json()
                    assert body["status"] == "approved", body
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            server.wait(timeout=20)


async def _wait_ready(client: httpx.AsyncClient, port: int) -> None:
    deadline = time.monotonic() + 300  # a start, not a speed: generous for a busy machine
    while True:
        try:
            response = await client.get(f"http://127.0.0.1:{port}/api/v1/vendors")
            if response.status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"server on port {port} did not start")
        await asyncio.sleep(0.3)


TRIGGERED = (
    "vendor",
    "agreement",
    "transfer",
    "assessment",
    "processing",
    "vendor_subprocessor",
    "intake_request",
)


async def test_change_triggers_exist_after_every_migration(
    db: Database, engine: AsyncEngine
) -> None:
    """A later migration that rebuilds a table (SQLite batch mode) must not drop them."""
    async with engine.connect() as conn:
        if db.backend == "postgresql":
            rows = await conn.execute(
                text(
                    "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                    "WHERE t.tgname LIKE 'register_change_%'"
                )
            )
            tables = {r[0] for r in rows}
        else:
            rows = await conn.execute(
                text(
                    "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                    "AND name LIKE 'register_change_%'"
                )
            )
            tables = {r[0] for r in rows}
    assert tables == set(TRIGGERED)


async def test_a_served_instance_warms_its_snapshot_at_start(api: Api, db: Database) -> None:
    """`transfers serve` loads the register and evaluates today's vendors before anyone asks,
    so the first page opened after a start does not pay for it."""
    await factories.vendor(api, name="Warm Oy")
    engine = create_engine(url=db.url)
    try:
        await warm(session_factory(engine))
        async with session_factory(engine)() as s:
            snapshot = await register.current(s)
        assert any(v.vendor.name == "Warm Oy" for v in snapshot.vendors.values())
        [memo] = snapshot.memos.values()  # today's evaluation is done already
        assert set(memo) == set(snapshot.vendors)
    finally:
        await engine.dispose()
    app = create_app(Settings(database_url=db.url, db_pool_size=5, warm_on_start=True))
    async with AsyncTestClient(app=app) as client:  # the warm-up never delays the answers
        health = await client.get("/health")
        assert health.status_code == 200 and health.json()["snapshot"] in {"warming", "warm"}
        for _ in range(600):  # and says when it is done
            if (await client.get("/health")).json()["snapshot"] == "warm":
                break
            await asyncio.sleep(0.05)
        assert (await client.get("/health")).json()["snapshot"] == "warm"
    async with AsyncTestClient(app=create_app(Settings(database_url=db.url))) as client:
        assert (await client.get("/health")).json() == {
            "status": "ok",
            "database": "up",
            "snapshot": "on_demand",
        }
