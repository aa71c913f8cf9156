"""State a process keeps per database engine, for exactly as long as the engine's pool lives.

The register snapshot and the reminder columns are kept per engine. They describe the database
the engine's pool reads; once the pool is disposed (a server's shutdown, a test's app stopping)
nothing guarantees the next connection finds the same register: a database restored or reset
under the same URL restarts its change ids, and a cache keyed by those ids would then answer for
the old register. So the state is dropped when its engine is disposed, never kept past it.
"""

from __future__ import annotations

import weakref
from typing import Generic, TypeVar

from sqlalchemy import Engine, event

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
