"""Engine and session factory shared by the app, the CLI, tests and benchmarks."""

from __future__ import annotations

import contextlib
import os
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool

from transfers.settings import Settings, get_settings


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite ignores foreign keys unless asked; WAL lets readers run beside one writer."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def ensure_sqlite_directory(url: str) -> None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(str(parsed.database)).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _json_loads(text: str | bytes) -> Any:
    """JSON columns decoded by msgspec: the same values as ``json.loads`` at a fraction of the
    cost (a list page decodes every vendor's contacts). What msgspec refuses but ``json.loads``
    reads (``NaN``, ``Infinity``, numbers beyond a double) is read as before."""
    import msgspec

    try:
        return msgspec.json.decode(text)
    except msgspec.DecodeError:
        import json

        return json.loads(text)


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
            json_deserializer=_json_loads,
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=0,
        pool_pre_ping=True,
        pool_timeout=30,
        json_deserializer=_json_loads,
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


_SIDE: weakref.WeakKeyDictionary[Engine, tuple[int, int, Connection]] = weakref.WeakKeyDictionary()


def sqlite_side_connection(engine: Engine) -> Connection | None:
    """This process's synchronous autocommit connection to ``engine``'s SQLite file, for reads
    run on the event loop's own thread; None for PostgreSQL and for private in-memory databases.

    Renewed after a fork and when the file was replaced (a connection to an unlinked file would
    read an old register for ever); closed with its engine.
    """
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = os.path.abspath(os.path.expanduser(database))
    try:
        inode = os.stat(path).st_ino
    except OSError:
        return None
    held = _SIDE.get(engine)
    pid = os.getpid()
    if held is not None and held[0] == pid and held[1] == inode:
        return held[2]
    if held is None:
        event.listen(engine, "engine_disposed", _close_side)
    elif held[0] == pid:
        held[2].close()
    sync = create_sync_engine(f"sqlite:///{path}", poolclass=StaticPool)
    event.listen(sync, "connect", _sqlite_pragmas)
    conn = sync.connect().execution_options(isolation_level="AUTOCOMMIT")
    _SIDE[engine] = (pid, inode, conn)
    return conn


_AUTOCOMMIT: weakref.WeakKeyDictionary[Engine, AsyncEngine] = weakref.WeakKeyDictionary()


def autocommit_engine(session: AsyncSession) -> AsyncEngine | None:
    """PostgreSQL: a pool of autocommit connections beside ``session``'s engine, for a request
    that reads with one statement while its session has not begun a transaction; None
    otherwise (SQLite has :func:`inline_reader`; a session with a transaction keeps its view).

    Through the session one read costs six round trips: the pool's liveness ping (which the
    asyncpg dialect wraps in BEGIN and ROLLBACK), then BEGIN, the query and ROLLBACK. Here it is
    the query alone: no transaction around a single statement (it sees every commit that
    preceded it), and no ping before it. A read is safe to repeat, so a connection found dead
    when used (the server restarted) is dropped with its pool and the read runs once more on
    a new one (:func:`read_rows`).
    """
    if session.in_transaction():
        return None
    engine = session.sync_session.get_bind()
    if not isinstance(engine, Engine) or engine.dialect.name != "postgresql":
        return None
    held = _AUTOCOMMIT.get(engine)
    if held is None:
        # Half the session pool's size: a second full pool would double the connections each
        # process may hold (several instances and workers share the server's max_connections),
        # and a one-statement read holds its connection for a fraction of a millisecond.
        size = engine.pool.size() if hasattr(engine.pool, "size") else 4
        held = create_async_engine(
            engine.url,
            isolation_level="AUTOCOMMIT",
            pool_size=max(2, size // 2),
            max_overflow=0,
            pool_timeout=30,
            json_deserializer=_json_loads,
        )
        _AUTOCOMMIT[engine] = held
        event.listen(engine, "engine_disposed", _dispose_autocommit)
    return held


async def read_rows(session: AsyncSession, stmt: Any, params: dict[str, Any]) -> list[Any]:
    """The rows of one read statement: on an autocommit connection where
    :func:`autocommit_engine` offers one, else through the session."""
    side = autocommit_engine(session)
    if side is None:
        return list((await session.execute(stmt, params)).all())
    from sqlalchemy.exc import DBAPIError

    try:
        async with side.connect() as conn:
            return list((await conn.execute(stmt, params)).all())
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
    # The server closed that connection (a restart): SQLAlchemy has dropped it and every
    # connection pooled before it, so this read gets a fresh one (or the outage's 503).
    async with side.connect() as conn:
        return list((await conn.execute(stmt, params)).all())


def _dispose_autocommit(engine: Engine) -> None:
    """Close the autocommit pool with its engine (``AsyncEngine.dispose`` runs this inside its
    greenlet, where the asyncpg connections can be closed properly)."""
    held = _AUTOCOMMIT.pop(engine, None)
    if held is not None:
        with contextlib.suppress(Exception):
            held.sync_engine.dispose()


def _close_side(engine: Engine) -> None:
    held = _SIDE.pop(engine, None)
    if held is not None and held[0] == os.getpid():
        with contextlib.suppress(Exception):
            held[2].close()
            held[2].engine.dispose()


def inline_reader(session: AsyncSession) -> Connection | None:
    """The side connection (:func:`sqlite_side_connection`) for a short indexed read of this
    request, or None: use the session.

    aiosqlite runs every call of every statement on a thread of its own connection: under 32
    concurrent requests those hand-offs, each waiting for the GIL, cost more than the read
    itself (a vendor by id: microseconds in SQLite). Only while the request's session has not
    begun a transaction, so nothing of its own view or its unflushed writes is missed; every
    read sees the latest commit (WAL: readers never wait for the writer).
    """
    if session.in_transaction():
        return None
    engine = session.sync_session.get_bind()
    return sqlite_side_connection(engine) if isinstance(engine, Engine) else None
