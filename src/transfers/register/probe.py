"""Read the register version without the request's session.

Most reads (a status, an evaluation, a workspace page) need nothing from the database but the
version: the snapshot holds the rest. Asking through the request's session costs a pooled
connection, a transaction and its rollback, several times the lookup itself. On a SQLite file a
side connection in this process answers it on the event loop's own thread in microseconds (WAL:
a read never waits for the writer, and sees every committed change).

The probe only says whether the snapshot is fresh. A refresh still reads the change log through
the session, so what is loaded is consistent with that session's own view.
"""

from __future__ import annotations

import os
import sqlite3
import weakref
from typing import Final

from sqlalchemy import Engine

#: The highest change id: SQLite has one writer at a time, so ids commit in order.
_MAX_SQL: Final = "SELECT coalesce(max(id), 0) FROM register_change"

_PROBES: weakref.WeakKeyDictionary[Engine, tuple[int, int, sqlite3.Connection | None]] = (
    weakref.WeakKeyDictionary()
)


_PATHS: weakref.WeakKeyDictionary[Engine, str | None] = weakref.WeakKeyDictionary()


def _sqlite_path(engine: Engine) -> str | None:
    try:
        return _PATHS[engine]
    except KeyError:
        path = _PATHS[engine] = _path_of(engine)
        return path


def _path_of(engine: Engine) -> str | None:
    url = engine.url
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None  # private to its own connection: nothing else can see it
    return os.path.abspath(os.path.expanduser(database))


def _connection(engine: Engine) -> sqlite3.Connection | None:
    """This process's probe for ``engine``; a new one after a fork or when the file was replaced
    (a probe on an unlinked file would report an old version for ever)."""
    path = _sqlite_path(engine)
    if path is None:
        return None
    try:
        inode = os.stat(path).st_ino
    except OSError:
        return None
    pid = os.getpid()
    held = _PROBES.get(engine)
    if held is not None and held[0] == pid and held[1] == inode:
        return held[2]
    if held is not None and held[2] is not None and held[0] == pid:
        held[2].close()
    # Autocommit: each SELECT is its own read transaction and sees the latest commit.
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA busy_timeout=10000")
    _PROBES[engine] = (pid, inode, conn)
    return conn


def version(engine: Engine) -> int | None:
    """The register version, or None when this engine has no probe (use the session)."""
    conn = _connection(engine)
    if conn is None:
        return None
    try:
        row = conn.execute(_MAX_SQL).fetchone()
    except sqlite3.Error:
        close(engine)  # e.g. the file was replaced; the session path still works
        return None
    return int(row[0]) if row else 0


def close(engine: Engine) -> None:
    """Close this engine's probe (tests and shutdown); the next call opens a new one."""
    held = _PROBES.pop(engine, None)
    if held is not None and held[2] is not None and held[0] == os.getpid():
        held[2].close()
