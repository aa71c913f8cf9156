"""Leases on document jobs for SQLite's in-memory queue.

On PostgreSQL procrastinate keeps its jobs in the database and hands a dead worker's job to
another (``resume_stalled_jobs``). On SQLite the queue lives in the memory of the process that
took the job: when that process was killed, its jobs stayed "queued" or "running" for ever.
Here the process that holds a job renews ``document_job.heartbeat_at`` every
:data:`RENEW_SECONDS`; a process starting up, and every running one on each renewal, takes over
the jobs whose lease (:data:`LEASE`) ran out and runs them again (a job resumes with the vendors
not done yet, so nothing is generated twice).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from transfers.models import DocumentJob
from transfers.models.base import utcnow

LEASE = timedelta(minutes=2)
RENEW_SECONDS = 30.0
_OPEN = ("queued", "running")


async def renew(maker: async_sessionmaker[AsyncSession], job_ids: Iterable[int]) -> None:
    ids = sorted(job_ids)
    if not ids:
        return
    async with maker() as session:
        await session.execute(
            update(DocumentJob)
            .where(DocumentJob.id.in_(ids), DocumentJob.state.in_(_OPEN))
            .values(heartbeat_at=utcnow())
        )
        await session.commit()


async def take_over_stale(
    maker: async_sessionmaker[AsyncSession],
    *,
    now: datetime | None = None,
    lease: timedelta = LEASE,
) -> list[int]:
    """Claim the open jobs whose lease ran out (each with one conditional UPDATE, so two
    processes starting together never both take one); returns the ids claimed."""
    now = now or utcnow()
    cutoff = now - lease
    stale = or_(DocumentJob.heartbeat_at.is_(None), DocumentJob.heartbeat_at < cutoff)
    taken: list[int] = []
    async with maker() as session:
        ids = (
            await session.scalars(select(DocumentJob.id).where(DocumentJob.state.in_(_OPEN), stale))
        ).all()
        for job_id in ids:
            result = await session.execute(
                update(DocumentJob)
                .where(DocumentJob.id == job_id, DocumentJob.state.in_(_OPEN), stale)
                .values(heartbeat_at=now)
            )
            if getattr(result, "rowcount", 0) == 1:
                taken.append(job_id)
        await session.commit()
    return taken
