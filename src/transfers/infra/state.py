"""State a process keeps per database engine, for exactly as long as the engine's pool lives.

The register snapshot and the reminder columns are kept per engine. They describe the database
the engine's pool reads; once the pool is disposed (a server's shutdown, a test's app stopping)
nothing guarantees the next connection finds the same register: a database restored or reset
under the same URL restarts its change ids, and a cache keyed by those ids would then answer for
the old register. So the state is dropped when its engine is disposed, never kept past it.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession

V = TypeVar("V")


class EngineState(weakref.WeakKeyDictionary[Engine, V], Generic[V]):
    """A weak per-engine map whose entry goes with ``engine.dispose()``."""

    def __setitem__(self, engine: Engine, value: V) -> None:
        if not event.contains(engine, "engine_disposed", self._drop):
            event.listen(engine, "engine_disposed", self._drop)
        super().__setitem__(engine, value)

    def setdefault(self, engine: Engine, default: V = None) -> V:  # type: ignore[assignment]
        held = self.get(engine)
        if held is None:
            self[engine] = default
            return default
        return held

    def _drop(self, engine: Engine) -> None:
        self.pop(engine, None)


def engine_of(session: AsyncSession) -> Engine:
    """The (synchronous) engine ``session`` reads through: the key of every per-engine state."""
    engine = session.sync_session.get_bind()
    assert isinstance(engine, Engine)
    return engine


def dialect_of(session: AsyncSession | Any) -> Dialect:
    """The dialect ``session`` speaks (an async or a sync session)."""
    sync = getattr(session, "sync_session", session)
    return sync.get_bind().dialect


def dialect_name(session: AsyncSession | Any) -> str:
    """``"sqlite"`` or ``"postgresql"``: for the few statements written per dialect (upserts,
    bulk JSON inserts). Takes an async or a sync session."""
    sync = getattr(session, "sync_session", session)
    return str(sync.get_bind().dialect.name)


_SLOTS: EngineState[dict[str, Any]] = EngineState()


def held(session: AsyncSession, name: str, make: Callable[[], V]) -> V:
    """The process's one ``name`` object for ``session``'s engine (made by ``make`` when there
    is none yet), dropped with the engine: the register snapshot is held here."""
    slots = _SLOTS.setdefault(engine_of(session), {})
    found = slots.get(name)
    if found is None:
        found = slots[name] = make()
    return found
