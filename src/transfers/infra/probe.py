"""Read the register version without the request's session.

Most reads (a status, an evaluation, a workspace page) need nothing from the database but the
version: the snapshot holds the rest. Asking through the request's session costs a pooled
connection, a transaction and its rollback, several times the lookup itself. On a SQLite file the
process's side connection (``db.sqlite_side_connection``) answers it on the event loop's own
thread in microseconds (WAL: a read never waits for the writer, and sees every committed change).

On PostgreSQL each process holds one autocommit connection (asyncpg) for the change-log window.
Concurrent requests share a query, but never one that started before they arrived: a request
waits for the next query to start, so it sees every commit that preceded it (a write answered to
a client is seen by that client's next read, on any worker).

The probe only says whether the snapshot is fresh. A refresh still reads the change log through
the session, so what is loaded is consistent with that session's own view.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import Callable
from typing import Any, Final

from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.infra.fetch import sqlite_side_connection
from transfers.infra.state import engine_of

#: The highest change id: SQLite has one writer at a time, so ids commit in order.
_MAX_SQL: Final = "SELECT coalesce(max(id), 0) FROM register_change"


def version(engine: Engine) -> int | None:
    """The register version from the process's SQLite side connection, or None when there is
    none (PostgreSQL, a private in-memory database): use the session."""
    conn = sqlite_side_connection(engine)
    if conn is None:
        return None
    try:
        found = conn.exec_driver_sql(_MAX_SQL).scalar()
    except DBAPIError:
        return None  # e.g. not migrated yet: the session path reports it properly
    return int(found or 0)


#: After a failed connect, requests use their session for this long before trying again.
RETRY_SECONDS: Final = 5.0
_WINDOW_SQL: Final = (
    "SELECT coalesce(max(id), 0), count(*) FROM register_change WHERE id > $1::bigint"
)
_log = logging.getLogger(__name__)


class _PostgresProbe:
    """One autocommit connection of this process, shared by concurrent requests."""

    def __init__(self, engine: Engine, loop: asyncio.AbstractEventLoop) -> None:
        self.dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.loop = loop
        self.conn: Any = None
        self.pending: asyncio.Task[tuple[int, int, int] | None] | None = None
        self.running: asyncio.Task[tuple[int, int, int] | None] | None = None
        self.failed_at = 0.0

    async def window(self, floor_of: Callable[[], int]) -> tuple[int, int, int] | None:
        if self.pending is None:
            self.pending = asyncio.ensure_future(self._next(floor_of))
        try:
            # Shielded: a request that goes away must not cancel the query others wait for.
            return await asyncio.shield(self.pending)
        except asyncio.CancelledError:
            raise
        except Exception:  # never fail a read over the probe: the session can still answer
            _log.exception("register probe failed; using the session")
            return None

    async def _next(self, floor_of: Callable[[], int]) -> tuple[int, int, int] | None:
        running = self.running
        if running is not None:
            await asyncio.wait([running])  # it started before some of our waiters arrived
        self.pending = None  # from here on, a new arrival needs a newer query
        self.running = asyncio.current_task()
        try:
            return await self._query(floor_of())
        finally:
            if self.running is asyncio.current_task():
                self.running = None

    async def _query(self, floor: int) -> tuple[int, int, int] | None:
        import asyncpg

        if self.conn is None or self.conn.is_closed():
            if time.monotonic() - self.failed_at < RETRY_SECONDS:
                return None
            try:
                self.conn = await asyncpg.connect(self.dsn, timeout=5, statement_cache_size=8)
            except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
                self.failed_at = time.monotonic()
                _log.warning("register probe: no connection (%s); using the session", exc)
                return None
        try:
            row = await self.conn.fetchrow(_WINDOW_SQL, floor)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            _log.warning("register probe: %s; using the session", exc)
            self.close()
            return None
        return int(row[0]), int(row[1]), floor

    def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None and not conn.is_closed():
            conn.terminate()  # synchronous: also safe from the engine's dispose


_PG: weakref.WeakKeyDictionary[Engine, _PostgresProbe] = weakref.WeakKeyDictionary()


def _close_pg(engine: Engine) -> None:
    held = _PG.pop(engine, None)
    if held is not None:
        with contextlib.suppress(Exception):
            held.close()


async def window(
    session: AsyncSession, floor_of: Callable[[], int]
) -> tuple[int, int | None, int] | None:
    """(highest id, rows above the floor or None, the floor used), or None: ask the session.

    ``floor_of`` is called when the query starts, so the window matches the snapshot's version
    at that moment; the caller compares the floor it gets back with its own before trusting it.
    """
    engine = engine_of(session)
    if engine.dialect.name == "sqlite":
        found = version(engine)
        return None if found is None else (found, None, floor_of())
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "asyncpg":
        return None
    loop = asyncio.get_running_loop()
    held = _PG.get(engine)
    if held is None or held.loop is not loop:
        if held is None:
            event.listen(engine, "engine_disposed", _close_pg)
        else:
            held.conn = None  # bound to a loop that is gone; nothing to await on it
        held = _PG[engine] = _PostgresProbe(engine, loop)
    return await held.window(floor_of)
