"""The one cache of things computed from the register, keyed by the register version.

A register-wide view (the workspace's Today and lists, the reminder deadlines per horizon, the
reminder columns) is expensive to compute and stays right until the register changes. Each is
kept here under a name and a key of its own, tagged with the register version it was computed at
(the snapshot's change-log version, see :mod:`transfers.register.snapshot`); a read at another
version recomputes. Per engine, and dropped with it (:class:`~transfers.infra.state.EngineState`):
a database reset under the same URL restarts its change ids.

Incremental caches (which recompute only the vendors whose rows changed) keep their previous
value here too and receive it back as ``stale`` to work from.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from transfers.infra.state import EngineState, engine_of


@dataclass(slots=True)
class _Entry:
    version: Any
    value: Any


@dataclass(slots=True)
class _Named:
    size: int
    entries: OrderedDict[Hashable, _Entry] = field(default_factory=OrderedDict)


_HELD: EngineState[dict[str, _Named]] = EngineState()


class RegisterCache:
    """Values named ``name``, at most ``size`` keys, each valid at one register version."""

    def __init__(self, name: str, size: int = 8) -> None:
        self.name = name
        self.size = size

    def _named(self, session: AsyncSession) -> _Named:
        per_engine = _HELD.setdefault(engine_of(session), {})
        named = per_engine.get(self.name)
        if named is None:
            named = per_engine[self.name] = _Named(self.size)
        return named

    def get(self, session: AsyncSession, key: Hashable, version: Any) -> Any | None:
        """The value kept for ``key`` at exactly ``version``, else None."""
        entry = self._named(session).entries.get(key)
        return entry.value if entry is not None and entry.version == version else None

    def stale(self, session: AsyncSession, key: Hashable) -> Any | None:
        """The value kept for ``key`` at whatever version (for incremental recomputation)."""
        entry = self._named(session).entries.get(key)
        return entry.value if entry is not None else None

    def put(self, session: AsyncSession, key: Hashable, version: Any, value: Any) -> Any:
        """Keep ``value`` for ``key`` at ``version`` (the oldest key goes past ``size``)."""
        named = self._named(session)
        named.entries[key] = _Entry(version, value)
        named.entries.move_to_end(key)
        while len(named.entries) > named.size:
            named.entries.popitem(last=False)
        return value
