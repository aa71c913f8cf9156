"""The login throttle under bursts, and password hashing off the event loop (issue 22, items 2
and 3): counting and deciding are one statement, and Argon2 runs in a bounded thread pool."""

from __future__ import annotations

import asyncio
import re
import threading
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Keys
from tests.web.conftest import PASSWORD, Browser, People
from transfers.app import create_app
from transfers.common.problems import ProblemError
from transfers.db import session_factory
from transfers.settings import Settings
from transfers.user import passwords
from transfers.user.service import claim_attempt

WRONG = "wrong password!"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@asynccontextmanager
async def served(settings: Settings) -> AsyncIterator[httpx.ASGITransport]:
    """The app on httpx's ASGI transport, which runs requests concurrently in this event loop
    (Litestar's test client hands them to a portal thread one at a time: no burst at all)."""
    app = create_app(settings)
    async with app.lifespan():
        yield httpx.ASGITransport(app=app)


async def _visitor(transport: httpx.ASGITransport) -> tuple[httpx.AsyncClient, str]:
    """A client of its own (as each request of a burst would be), holding a login form."""
    client = httpx.AsyncClient(
        transport=transport, base_url="http://t", headers={"accept-language": "en"}
    )
    page = await client.get("/login")
    found = CSRF.search(page.text)
    assert found, page.text
    return client, found.group(1)


async def _burst(settings: Settings, email: str, attempts: list[str]) -> Counter[int]:
    async with served(settings) as transport:
        visitors = [await _visitor(transport) for _ in attempts]
        try:
            responses = await asyncio.gather(
                *(
                    client.post(
                        "/login", data={"email": email, "password": password, "csrf_token": csrf}
                    )
                    for (client, csrf), password in zip(visitors, attempts, strict=True)
                )
            )
        finally:
            for client, _ in visitors:
                await client.aclose()
    return Counter(r.status_code for r in responses)


async def test_thirty_parallel_wrong_passwords_check_at_most_the_limit(
    settings: Settings, people: People, browser: Browser
) -> None:
    """The probe saw 21-23 of 30 checked: each read the count before any wrote it."""
    statuses = await _burst(settings, people.legal, [WRONG] * 30)
    assert statuses[401] <= 5, statuses
    assert statuses[401] + statuses[429] == 30, statuses
    assert (await browser.login(people.legal)).status_code == 429


async def test_the_right_password_in_a_burst_counts_among_the_limit(
    settings: Settings, people: People
) -> None:
    """The right password logs in only if it is one of the first five attempts, as it would
    in any sequential order; never as a sixth, seventh, ... check."""
    statuses = await _burst(settings, people.legal, [WRONG] * 29 + [PASSWORD])
    assert statuses[401] + statuses[303] <= 5, statuses
    assert statuses[401] + statuses[303] + statuses[429] == 30, statuses


async def test_the_right_password_hidden_in_a_burst_does_not_log_in_once_locked(
    settings: Settings, people: People
) -> None:
    await _burst(settings, people.legal, [WRONG] * 30)
    statuses = await _burst(settings, people.legal, [WRONG] * 10 + [PASSWORD] + [WRONG] * 10)
    assert statuses == Counter({429: 21})


async def test_parallel_claims_on_separate_connections_are_counted_once_each(
    engine: AsyncEngine, settings: Settings
) -> None:
    """The service alone, on real concurrent connections: exactly the limit are let through."""

    async def attempt() -> bool:
        async with session_factory(engine)() as session:
            try:
                await claim_attempt(session, "nobody@example.com", settings)
            except ProblemError as exc:
                assert exc.status == 429
                return False
            return True

    allowed = await asyncio.gather(*(attempt() for _ in range(30)))
    assert sum(allowed) == settings.login_max_failures


async def test_a_successful_login_starts_the_count_afresh(browser: Browser, people: People) -> None:
    for _ in range(4):
        assert (await browser.login(people.legal, WRONG)).status_code == 401
    assert (await browser.login(people.legal)).status_code == 303
    for _ in range(4):
        assert (await browser.login(people.legal, WRONG)).status_code == 401


@pytest.fixture
def held_hash(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Password checks wait on an event, in whatever thread runs them."""
    state: dict[str, Any] = {"release": threading.Event(), "threads": [], "started": 0}
    real = passwords._verify

    def verify(password_hash: str, password: str) -> bool:
        state["threads"].append(threading.current_thread().name)
        state["started"] += 1
        state["release"].wait(10)
        return real(password_hash, password)

    monkeypatch.setattr(passwords, "_verify", verify)
    return state


async def test_a_login_being_hashed_does_not_stop_authenticated_requests(
    settings: Settings, people: People, keys: Keys, held_hash: dict[str, Any]
) -> None:
    """The probe: ~5 logins a second took an authenticated read's p99 from 13 ms to 779 ms,
    30 at once froze /health for 2.9 s. Here a login's hash is held (as a slow hash would be),
    and an API read and /health must still be answered meanwhile."""
    pooled = replace(settings, password_hash_workers=1, password_hash_queue=4)
    async with served(pooled) as transport:
        client, csrf = await _visitor(transport)
        login = asyncio.create_task(
            client.post(
                "/login", data={"email": people.legal, "password": PASSWORD, "csrf_token": csrf}
            )
        )
        await _until(lambda: held_hash["started"] > 0)
        try:
            read = await asyncio.wait_for(
                client.get("/api/v1/vendors", headers=keys.headers("legal")), timeout=10
            )
            health = await asyncio.wait_for(client.get("/health"), timeout=10)
        finally:
            held_hash["release"].set()
        assert (await login).status_code == 303
        await client.aclose()
    assert read.status_code == 200
    assert health.status_code == 200
    assert held_hash["threads"] and all(t.startswith("argon2") for t in held_hash["threads"])


async def test_checks_beyond_the_pool_and_its_queue_are_refused_with_503(
    settings: Settings, people: People, held_hash: dict[str, Any]
) -> None:
    pooled = replace(settings, password_hash_workers=1, password_hash_queue=1)
    async with served(pooled) as transport:
        visitors = [await _visitor(transport) for _ in range(3)]
        emails = (people.legal, people.admin, people.procurement)

        def post(i: int) -> Any:
            client, csrf = visitors[i]
            return client.post(
                "/login", data={"email": emails[i], "password": PASSWORD, "csrf_token": csrf}
            )

        first = [asyncio.create_task(post(i)) for i in range(2)]
        await _until(lambda: held_hash["started"] > 0 and password_pool_admitted() == 2)
        try:
            busy = await asyncio.wait_for(post(2), timeout=10)
        finally:
            held_hash["release"].set()
        done = [await task for task in first]
        for client, _ in visitors:
            await client.aclose()
    assert busy.status_code == 503
    assert busy.headers["retry-after"] == "1"
    assert "Too many logins at once" in busy.text
    assert [r.status_code for r in done] == [303, 303]


def password_pool_admitted() -> int:
    return passwords.password_pool._admitted


async def _until(condition: Callable[[], bool]) -> None:
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the condition never held")
