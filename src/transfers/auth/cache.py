"""A short-lived cache of verified keys, so a request costs one database session, not two.

Revoking through the API clears it at once in this process; a revocation made elsewhere (the
CLI, another instance) takes effect within ``Settings.auth_cache_seconds``
(``TRANSFERS_AUTH_CACHE_SECONDS``, default 5 s; 0 turns the cache off), applied by the app's
start.

A key is checked once per expiry however many requests carry it (single flight), and the first
request in the last fifth of an entry's life checks it again while the others keep the cached
answer: at 32 concurrent requests an expiry used to send every request in flight to the
database at once, which set the p99 (issue 25).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from transfers.auth.schemas import Actor

#: The share of an entry's life, at its end, in which one request refreshes it ahead of expiry.
REFRESH_AHEAD = 0.2


class ActorCache:
    def __init__(
        self,
        ttl_seconds: float,
        max_entries: int = 1024,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._clock = clock
        self._entries: dict[str, tuple[float, Actor]] = {}
        self._flights: dict[str, asyncio.Task[Actor | None]] = {}

    async def resolve(
        self, digest: str, load: Callable[[], Awaitable[Actor | None]]
    ) -> Actor | None:
        """The actor of a key: cached while fresh; else ``load`` runs once for all who ask.

        An unknown or revoked key (``None``) is not cached: the next request asks again.
        """
        if self.ttl <= 0:
            return await load()
        entry = self._entries.get(digest)
        flight = self._flights.get(digest)
        if entry is not None:
            expires, actor = entry
            now = self._clock()
            if now < expires and (flight is not None or now < expires - self.ttl * REFRESH_AHEAD):
                return actor
        if flight is None:
            flight = asyncio.ensure_future(self._load(digest, load))
            self._flights[digest] = flight
        # Shielded: a caller that goes away does not cancel the check the others wait for.
        return await asyncio.shield(flight)

    async def _load(self, digest: str, load: Callable[[], Awaitable[Actor | None]]) -> Actor | None:
        try:
            actor = await load()
            if actor is not None:
                self.put(digest, actor)
            return actor
        finally:
            self._flights.pop(digest, None)

    def get(self, digest: str) -> Actor | None:
        entry = self._entries.get(digest)
        if entry is None:
            return None
        expires, actor = entry
        if self._clock() >= expires:
            self._entries.pop(digest, None)
            return None
        return actor

    def put(self, digest: str, actor: Actor) -> None:
        if self.ttl <= 0:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[digest] = (self._clock() + self.ttl, actor)

    def clear(self) -> None:
        self._entries.clear()

    def configure(self, ttl_seconds: float) -> None:
        """Take the TTL from the app's settings (entries cached under another TTL are dropped,
        and checks begun under another event loop are forgotten)."""
        self.ttl = ttl_seconds
        self._entries.clear()
        self._flights.clear()


actor_cache = ActorCache(5.0)
"""The process's cache; ``create_app`` sets its TTL from ``Settings.auth_cache_seconds``."""
