"""Liveness (``/health``) and readiness (``/ready``) for load balancers and orchestrators.

``/health`` answers whether this process can serve: it asks the database for one row, so a
server whose database is down says so (503) instead of "ok". ``/ready`` also says whether it
should be sent traffic yet: the schema is at the migrations' head (a server started before
``transfers db upgrade`` ran would fail on every write) and the start-up warm-up is done.
"""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from typing import Any

from litestar import get
from litestar.datastructures import State
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from transfers.common.problems import ProblemError

log = logging.getLogger("transfers")

#: How long a check waits for the database before calling it down.
CHECK_SECONDS = 3.0
RETRY_AFTER_SECONDS = 5


def _snapshot(state: State) -> str:
    warming: asyncio.Task[None] | None = state.get("warming")
    return "on_demand" if warming is None else "warm" if warming.done() else "warming"


@lru_cache(maxsize=1)
def _head() -> str | None:
    from alembic.script import ScriptDirectory

    from transfers.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def _database(state: State, *, revision: bool) -> tuple[bool, str | None]:
    """Whether the database answers, and (if asked) its schema revision."""
    maker: async_sessionmaker[AsyncSession] = state.session_maker
    try:
        async with asyncio.timeout(CHECK_SECONDS), maker() as session:
            if revision:
                found = await session.scalar(text("SELECT version_num FROM alembic_version"))
                return True, str(found) if found is not None else None
            await session.execute(text("SELECT 1"))
            return True, None
    except Exception as exc:  # any failure to answer is "down" here, never a 500
        log.warning("health check: database unavailable: %r", exc)
        return False, None


def _unavailable(detail: str, **facts: Any) -> ProblemError:
    return ProblemError(
        503,
        "not-ready"
        if "database" not in facts or facts["database"] == "up"
        else "database-unavailable",
        detail,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        **facts,
    )


@get("/health", operation_id="Health", tags=["meta"])
async def health(state: State) -> dict[str, str]:
    """Liveness: the process serves and its database answers (503 with Retry-After when it
    does not), and whether the start-up warm-up of the register is done (a load balancer or a
    benchmark can wait for ``snapshot: warm`` before sending traffic)."""
    snapshot = _snapshot(state)
    up, _ = await _database(state, revision=False)
    if not up:
        raise _unavailable("The database is unavailable.", database="down", snapshot=snapshot)
    return {"status": "ok", "database": "up", "snapshot": snapshot}


@get("/ready", operation_id="Ready", tags=["meta"])
async def ready(state: State) -> dict[str, str]:
    """Readiness: the database answers, its schema is at the migrations' head, and the
    warm-up (when on) is done; 503 with Retry-After and the failing check otherwise."""
    snapshot = _snapshot(state)
    up, revision = await _database(state, revision=True)
    if not up:
        raise _unavailable("The database is unavailable.", database="down", snapshot=snapshot)
    head = _head()
    if revision != head:
        raise _unavailable(
            f"The database schema is at {revision}, not {head}: run 'transfers db upgrade'.",
            database="up",
            schema=revision or "none",
            snapshot=snapshot,
        )
    if snapshot == "warming":
        raise _unavailable("The register is still warming up.", database="up", snapshot=snapshot)
    return {"status": "ready", "database": "up", "schema": head or "none", "snapshot": snapshot}
