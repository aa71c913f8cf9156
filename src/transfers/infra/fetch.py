"""One way to read: :func:`fetch` picks the connection a read statement runs on.

A request that reads with one statement while its session has not begun a transaction does not
need the session's connection, transaction and rollback (six round trips on PostgreSQL; on SQLite
a thread hop per call through aiosqlite, which under 32 concurrent requests cost more than the
read itself). So:

- SQLite file: the process's synchronous autocommit side connection, on the event loop's own
  thread (WAL: a read never waits for the writer and sees every commit);
- PostgreSQL: a small pool of autocommit connections beside the session's engine, no pre-ping;
- otherwise (a transaction begun, a private in-memory database): the session itself, so nothing
  of its own view or its unflushed writes is missed.

Domain services call :func:`fetch` / :func:`fetch_first`; none of them picks a connection or
touches the engine itself (``tests/test_layering.py``). Figures: ``docs/benchmarks.md``.
"""

from __future__ import annotations

import contextlib
import os
import weakref
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import Connection, Engine, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import StaticPool


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """SQLite ignores foreign keys unless asked; WAL lets readers run beside one writer."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def json_loads(text: str | bytes) -> Any:
    """JSON columns decoded by msgspec: the same values as ``json.loads`` at a fraction of the
    cost (a list page decodes every vendor's contacts). What msgspec refuses but ``json.loads``
    reads (``NaN``, ``Infinity``, numbers beyond a double) is read as before."""
    import msgspec

    try:
        return msgspec.json.decode(text)
    except msgspec.DecodeError:
        import json

        return json.loads(text)


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
    event.listen(sync, "connect", sqlite_pragmas)
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
            json_deserializer=json_loads,
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


async def fetch(
    session: AsyncSession, stmt: Any, params: dict[str, Any] | None = None, *, scan: bool = False
) -> list[Any]:
    """The rows of one read statement, on the cheapest connection that sees what ``session``
    would see (the module's docstring). ``scan``: a read that may take long (a text search);
    on SQLite it waits on aiosqlite's thread instead of holding the event loop."""
    params = params or {}
    inline = None if scan else inline_reader(session)
    if inline is not None:
        return list(inline.execute(stmt, params).all())
    return await read_rows(session, stmt, params)


async def fetch_first(
    session: AsyncSession, stmt: Any, params: dict[str, Any] | None = None
) -> Any:
    """The first row of one read statement (:func:`fetch`), or None."""
    params = params or {}
    inline = inline_reader(session)
    if inline is not None:
        return inline.execute(stmt, params).first()
    rows = await read_rows(session, stmt, params)
    return rows[0] if rows else None


@contextlib.asynccontextmanager
async def beside(session: AsyncSession) -> AsyncIterator[AsyncConnection]:
    """A transaction of its own on ``session``'s engine, committed when the block ends: for a
    write that must outlive the request's own transaction (a failed login is counted even
    though the request that counted it fails)."""
    bind = session.bind
    if bind is None:
        raise RuntimeError("the session is not bound to an engine")
    engine = bind if isinstance(bind, AsyncEngine) else bind.engine
    async with engine.begin() as conn:
        yield conn
