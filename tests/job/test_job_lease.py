"""A document job whose server was killed does not stay "running" for ever on SQLite (issue 22,
item 7): its lease runs out and the next server to start takes it over."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Api
from tests.job.test_document_jobs import JOBS, _register
from transfers.app import create_app
from transfers.auth.schemas import Actor
from transfers.db import session_factory
from transfers.job.lease import LEASE
from transfers.job.schemas import DocumentJobCreate
from transfers.job.service import create_job
from transfers.models import DocumentJobItem
from transfers.models.base import utcnow
from transfers.settings import Settings

LEGAL = Actor(key_id=None, name="legal", role="legal")


async def test_the_jobs_of_a_killed_server_are_taken_over_and_a_live_ones_are_not(
    api: Api, engine: AsyncEngine, settings: Settings
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL: procrastinate's own stalled-job recovery")
    vendors = await _register(api, 3)
    ids = [v["id"] for v in vendors]
    maker = session_factory(engine)
    long_ago = utcnow() - LEASE - timedelta(minutes=1)
    async with maker() as session:
        running = await create_job(session, DocumentJobCreate(vendor_ids=ids), LEGAL)
        running.state, running.heartbeat_at = "running", long_ago  # killed after one vendor
        session.add(DocumentJobItem(job_id=running.id, vendor_id=ids[0], vendor_name="done"))
        queued = await create_job(session, DocumentJobCreate(vendor_ids=ids[:1]), LEGAL)
        queued.heartbeat_at = long_ago  # queued in memory, never started
        alive = await create_job(session, DocumentJobCreate(vendor_ids=ids[:1]), LEGAL)
        alive.state = "running"  # another server holds it and renews its lease
        await session.commit()

    async with AsyncTestClient(app=create_app(settings)) as client:
        headers = api.keys.headers("legal")
        for _ in range(600):
            states = [
                (await client.get(f"{JOBS}/{job.id}", headers=headers)).json()["state"]
                for job in (running, queued)
            ]
            if states == ["done", "done"]:
                break
            await asyncio.sleep(0.05)
        assert states == ["done", "done"]
        resumed = (await client.get(f"{JOBS}/{running.id}", headers=headers)).json()
        assert resumed["progress"]["documents"] == 2, "the vendor done before was not redone"
        other = (await client.get(f"{JOBS}/{alive.id}", headers=headers)).json()
        assert other["state"] == "running"
