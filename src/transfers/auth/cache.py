"""A short-lived cache of verified keys, so a request costs one database session, not two.

Revoking through the API clears it at once in this process; a revocation made elsewhere (the
CLI, another instance) takes effect within ``Settings.auth_cache_seconds``
(``TRANSFERS_AUTH_CACHE_SECONDS``, default 5 s; 0 turns the cache off), applied by ``create_app``.
"""

from __future__ import annotations

import time

from transfers.auth.schemas import Actor


class ActorCache:
    def __init__(self, ttl_seconds: float, max_entries: int = 1024) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._entries: dict[str, tuple[float, Actor]] = {}

    def get(self, digest: str) -> Actor | None:
        entry = self._entries.get(digest)
        if entry is None:
            return None
        expires, actor = entry
        if time.monotonic() >= expires:
            self._entries.pop(digest, None)
            return None
        return actor

    def put(self, digest: str, actor: Actor) -> None:
        if self.ttl <= 0:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[digest] = (time.monotonic() + self.ttl, actor)

    def clear(self) -> None:
        self._entries.clear()

    def configure(self, ttl_seconds: float) -> None:
        """Take the TTL from the app's settings (entries cached under another TTL are dropped)."""
        self.ttl = ttl_seconds
        self._entries.clear()


actor_cache = ActorCache(5.0)
"""The process's cache; ``create_app`` sets its TTL from ``Settings.auth_cache_seconds``."""
