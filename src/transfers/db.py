"""Engine and session factory shared by the app, the CLI, tests and benchmarks."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from transfers.infra.fetch import json_loads, sqlite_pragmas
from transfers.settings import Settings, get_settings


def ensure_sqlite_directory(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(str(parsed.database)).expanduser().parent.mkdir(parents=True, exist_ok=True)


def create_engine(settings: Settings | None = None, *, url: str | None = None) -> AsyncEngine:
    settings = settings or get_settings()
    url = url or settings.database_url
    ensure_sqlite_directory(url)
    if url.startswith("sqlite"):
        # A small pool: opening an aiosqlite connection starts a thread, far too slow per request.
        engine = create_async_engine(
            url,
            pool_size=min(settings.db_pool_size, 8),
            max_overflow=0,
            pool_timeout=30,
            json_deserializer=json_loads,
        )
        event.listen(engine.sync_engine, "connect", sqlite_pragmas)
        return engine
    return create_async_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=0,
        pool_pre_ping=True,
        pool_timeout=30,
        json_deserializer=json_loads,
    )


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def session_scope(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """One transaction for a CLI command: commit on success, roll back on any error."""
    async with session_factory(engine)() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


def tolerant_close(handler: Any) -> Any:
    """Wrap advanced-alchemy's before-send handler, which closes the request's session as the
    response starts: a connection the database dropped meanwhile must not turn a finished answer
    into an error after the response started. Closing only rolls back what was never committed,
    and the server already did that when it dropped the connection."""
    from sqlalchemy.exc import SQLAlchemyError

    async def close(message: Any, scope: Any) -> None:
        with contextlib.suppress(SQLAlchemyError, OSError):
            await handler(message, scope)

    return close
