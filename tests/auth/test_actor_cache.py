"""The key cache checks a key once per expiry, however many requests carry it (issue 25)."""

from __future__ import annotations

import asyncio

import pytest

from transfers.auth.cache import REFRESH_AHEAD, ActorCache
from transfers.auth.schemas import Actor

ACTOR = Actor(key_id=1, name="legal-key", role="legal")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Loader:
    """A key check that takes a moment, counting how often it runs."""

    def __init__(self, answer: Actor | None = ACTOR, fail: bool = False) -> None:
        self.calls = 0
        self.answer = answer
        self.fail = fail
        self.release = asyncio.Event()

    async def __call__(self) -> Actor | None:
        self.calls += 1
        await self.release.wait()
        if self.fail:
            raise ConnectionError("database down")
        return self.answer


async def _burst(cache: ActorCache, load: Loader, n: int = 32) -> list[Actor | None]:
    tasks = [asyncio.create_task(cache.resolve("digest", load)) for _ in range(n)]
    await asyncio.sleep(0)
    load.release.set()
    return await asyncio.gather(*tasks)


async def test_a_burst_on_a_cold_or_expired_key_checks_it_once() -> None:
    clock = Clock()
    cache = ActorCache(5.0, clock=clock)
    first = Loader()
    assert await _burst(cache, first) == [ACTOR] * 32
    assert first.calls == 1

    clock.now += 5.0  # expired: every request in flight used to check it again
    again = Loader()
    assert await _burst(cache, again) == [ACTOR] * 32
    assert again.calls == 1


async def test_near_expiry_one_request_refreshes_while_the_others_keep_the_cached_answer() -> None:
    clock = Clock()
    cache = ActorCache(5.0, clock=clock)
    warm = Loader()
    warm.release.set()
    await cache.resolve("digest", warm)

    clock.now += 5.0 * (1 - REFRESH_AHEAD) + 0.01  # inside the refresh window, not expired
    refresh = Loader(answer=Actor(key_id=1, name="renamed", role="legal"))
    refreshing = asyncio.create_task(cache.resolve("digest", refresh))
    await asyncio.sleep(0)
    others = [await cache.resolve("digest", refresh) for _ in range(10)]
    assert others == [ACTOR] * 10  # answered from the cache, not queued behind the check
    refresh.release.set()
    assert (await refreshing).name == "renamed"
    assert refresh.calls == 1

    clock.now += 1.0  # the refreshed entry lives a whole TTL from its refresh
    assert (await cache.resolve("digest", Loader())).name == "renamed"


async def test_an_unknown_key_is_not_cached_and_a_failed_check_is_not_kept() -> None:
    cache = ActorCache(5.0, clock=Clock())
    unknown = Loader(answer=None)
    assert await _burst(cache, unknown, 8) == [None] * 8
    assert unknown.calls == 1
    later = Loader()
    later.release.set()
    assert await cache.resolve("digest", later) == ACTOR  # asked again, not a cached "no"

    failing = Loader(fail=True)
    cold = ActorCache(5.0, clock=Clock())
    with pytest.raises(ConnectionError):
        await _burst(cold, failing, 4)
    ok = Loader()
    ok.release.set()
    assert await cold.resolve("digest", ok) == ACTOR and ok.calls == 1


async def test_a_zero_ttl_checks_every_request() -> None:
    cache = ActorCache(0.0, clock=Clock())
    load = Loader()
    load.release.set()
    for _ in range(3):
        await cache.resolve("digest", load)
    assert load.calls == 3
