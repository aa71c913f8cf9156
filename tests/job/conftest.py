"""Job tests run with the in-process job worker on, and leave procrastinate's queue empty."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from sqlalchemy import text

from tests.conftest import Database
from transfers.db import create_engine
from transfers.settings import Settings

QUEUE_TABLES = (
    "procrastinate_jobs",
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_workers",
)


async def _truncate_queue(db: Database) -> None:
    if db.backend != "postgresql":
        return
    engine = create_engine(url=db.url)
    try:
        async with engine.begin() as conn:
            tables = ", ".join(f"procrastinate.{t}" for t in QUEUE_TABLES)
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture
async def empty_queue(db: Database) -> AsyncIterator[None]:
    """Empty before (another test's app may have queued jobs whose ids this test's rows reuse)
    and after (leave nothing behind)."""
    await _truncate_queue(db)
    yield
    await _truncate_queue(db)


@pytest.fixture
def settings(db: Database, empty_queue: None) -> Settings:
    return replace(Settings(), database_url=db.url, db_pool_size=5, job_worker=True, digest_cron="")
