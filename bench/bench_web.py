"""Server-side render time of each workspace page, with the sample register and with 10,000
vendors, next to a bare baseline measured in the same run (an ORM primary-key read rendered
through a one-line Jinja template by a bare Litestar app).

Requests go through the ASGI app in-process (no sockets), so the figures are the server's own
time: session lookup, queries, rules, template. "first" is the first request after start (Today
and "Is it lawful?" evaluate the whole register once per register change and day, then reuse it).
Usage:
    uv run python bench/bench_web.py [--vendors N] [--repeat R]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _seed import bench_database_url, seed
from jinja2 import Environment
from litestar import Litestar, MediaType, get
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.app import create_app
from transfers.auth.schemas import Actor
from transfers.db import create_engine, session_factory, session_scope
from transfers.demo import load_demo
from transfers.migrate import upgrade
from transfers.models import Vendor
from transfers.settings import Settings
from transfers.user.service import create_user

AFTER_WRITE = ["/", "/vendors", "/lawful", "/lawful?dpf_falls_on=2027-06-01", "/reminders"]
ACTOR = Actor(key_id=None, name="bench", role="admin")
PASSWORD = "bench-password-1"
PAGES = [
    "/",
    "/vendors",
    "/vendors?q=00042",
    "/vendors/1",
    "/vendors/1/edit",
    "/vendors/1/transfers/new",
    "/transfers/1",
    "/assessments/1",
    "/agreements/1/edit",
    "/processings/1/edit",
    "/organisations/1/edit",
    "/account/password",
    "/check?q=00042",
    "/lawful",
    "/lawful?dpf_falls_on=2027-06-01",
    "/reminders",
    "/documents",
    "/import",
    "/audit",
    "/audit?since=2026-01-01&until=2026-12-31",
    "/admin",
    "/intake",
    "/intake/new?vendor_q=00042",
    "/notices",
    "/dpf",
]


async def _add_admin(url: str) -> None:
    engine = create_engine(url=url)
    async with session_scope(engine) as session:
        await create_user(
            session,
            email="bench@example.com",
            name="Bench",
            role="admin",
            password=PASSWORD,
            actor=ACTOR,
            language="en",
        )
    await engine.dispose()


async def _sample(url: str) -> None:
    engine = create_engine(url=url)
    async with session_scope(engine) as session:
        await load_demo(session)
    await engine.dispose()


def bare_app(url: str) -> Litestar:
    """The baseline: one ORM read by primary key and a trivial template, nothing else."""
    engine = create_engine(url=url)
    maker = session_factory(engine)
    template = Environment(autoescape=True).from_string(
        "<h1>{{ v.name }}</h1><p>{{ v.country }}</p>"
    )

    @get("/vendors/{vendor_id:int}", media_type=MediaType.HTML)
    async def page(vendor_id: int) -> str:
        session: AsyncSession
        async with maker() as session:
            vendor = await session.get(Vendor, vendor_id)
            return template.render(v=vendor)

    return Litestar(route_handlers=[page])


async def timed(
    client: AsyncTestClient[Litestar], path: str, repeat: int
) -> tuple[float, float, int, float]:
    times = []
    status = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = await client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        status = response.status_code
    first = times[0]
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], status, first


async def measure(label: str, url: str, repeat: int) -> None:
    async with AsyncTestClient(app=bare_app(url)) as bare:
        base = await timed(bare, "/vendors/1", repeat * 3)
    settings = replace(Settings(), database_url=url, db_pool_size=4)
    async with AsyncTestClient(app=create_app(settings)) as client:
        login = await client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
        assert token is not None
        await client.post(
            "/login",
            data={"email": "bench@example.com", "password": PASSWORD, "csrf_token": token.group(1)},
        )
        print(f"\n== {label}")
        print(f"{'page':40} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'x bare':>7}  status")
        print(
            f"{'bare ORM read + template (baseline)':40} {base[3]:9.1f} {base[0]:8.1f} {base[1]:8.1f} {1:7.1f}"
        )
        for path in PAGES:
            p50, p95, status, first = await timed(client, path, repeat)
            print(f"{path:40} {first:9.1f} {p50:8.1f} {p95:8.1f} {p50 / base[0]:7.1f}  {status}")
        # A colleague edits one vendor: the register-wide pages are computed again, but only
        # that vendor is re-evaluated (the snapshot's per-vendor memo).
        print(f"{'after one write elsewhere':40} {'first ms':>9}")
        for path in AFTER_WRITE:
            engine = create_engine(url=url)
            async with engine.begin() as conn:
                await conn.execute(
                    text("UPDATE vendor SET notes = :n WHERE id = 2"), {"n": f"bench {path}"}
                )
            await engine.dispose()
            t0 = time.perf_counter()
            response = await client.get(path)
            first = (time.perf_counter() - t0) * 1000
            print(f"{path:40} {first:9.1f} {'':8} {'':8} {'':7}  {response.status_code}")


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser()
    parser.add_argument("--vendors", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    sample_url = bench_database_url()
    upgrade(sample_url)
    asyncio.run(_sample(sample_url))
    asyncio.run(_add_admin(sample_url))
    asyncio.run(measure("sample register", sample_url, args.repeat))

    t0 = time.perf_counter()
    big_url, _key = seed(args.vendors, 3)
    asyncio.run(_add_admin(big_url))
    print(f"\nseeded {args.vendors} vendors in {time.perf_counter() - t0:.1f} s")
    asyncio.run(measure(f"{args.vendors} vendors, 3 transfers each", big_url, args.repeat))


if __name__ == "__main__":
    main()
