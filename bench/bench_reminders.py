"""Reminders on 10,000 agreements and 50,000 transfers, each figure next to a bare baseline.

1. In this process: a bare Core fetch of the rows reminders read (the baseline), the register
   snapshot's cold load, the first computation of every deadline, a repeat with the register
   unchanged, and the refresh after one write.
2. GET /api/v1/reminders?within=365d end to end on a uvicorn server (median of 5, after one
   warm-up request that loads the snapshot), and the first request after a write.
3. `transfers reminders list --within 365d` as a user runs it (a fresh process), and `--all`,
   next to a fresh process that only fetches the same rows.

Usage: python bench/bench_reminders.py [--vendors 10000]
(TRANSFERS_BENCH_DATABASE_URL=postgresql+asyncpg://... for PostgreSQL). The seeded register is
the one bench/bench_read_model.py uses (bench/_seed.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._load import server
from bench._seed import seed
from sqlalchemy import text

from transfers.db import create_engine, session_factory
from transfers.reminder.service import compute
from transfers.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 11, 24)
QUERIES = (
    "SELECT id, name, status, owner FROM vendor",
    "SELECT * FROM agreement",
    "SELECT id, vendor_id, destination_country, mechanism, dpf_verified_on, started_on, ended_on "
    "FROM transfer",
    "SELECT id, transfer_id, completed_on, next_review_on, owner FROM assessment",
)
BARE_FETCH = f"""
import asyncio, sys
from sqlalchemy import text
from transfers.db import create_engine
async def main():
    engine = create_engine(url=sys.argv[1])
    async with engine.connect() as c:
        for q in {QUERIES!r}:
            (await c.execute(text(q))).all()
    await engine.dispose()
asyncio.run(main())
"""


async def bare_fetch(url: str) -> float:
    """The baseline: fetch the rows reminders need with plain Core queries."""
    engine = create_engine(url=url)
    try:
        async with engine.connect() as conn:
            t0 = time.perf_counter()
            for sql in QUERIES:
                (await conn.execute(text(sql))).all()
            return time.perf_counter() - t0
    finally:
        await engine.dispose()


async def in_process(url: str) -> dict[str, float]:
    from transfers import register

    engine = create_engine(url=url)
    figures: dict[str, float] = {}
    try:
        async with session_factory(engine)() as session:
            t0 = time.perf_counter()
            await register.current(session)
            figures["snapshot cold load"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            found = await compute(session, AS_OF, 365, Settings())
            figures["first computation (365 days)"] = time.perf_counter() - t0
            figures["deadlines"] = len(found)
            t0 = time.perf_counter()
            await compute(session, AS_OF, 365, Settings())
            figures["repeat, register unchanged"] = time.perf_counter() - t0
        async with engine.begin() as conn:
            await conn.execute(
                text("UPDATE agreement SET owner = 'bench@example.com' WHERE id = 1")
            )
        async with session_factory(engine)() as session:
            t0 = time.perf_counter()
            await compute(session, AS_OF, 365, Settings())
            figures["after one write"] = time.perf_counter() - t0
    finally:
        await engine.dispose()
    return figures


def timed(args: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vendors", type=int, default=10_000)
    args = parser.parse_args()
    t0 = time.perf_counter()
    url, key = seed(args.vendors, 5)
    print(
        f"seeded {args.vendors} vendors, {args.vendors} agreements, {5 * args.vendors} transfers "
        f"in {time.perf_counter() - t0:.1f} s ({url.split(':')[0]})"
    )

    bare = asyncio.run(bare_fetch(url))
    print(f"baseline: bare Core fetch of the rows reminders read   {bare * 1000:7.0f} ms")
    figures = asyncio.run(in_process(url))
    count = int(figures.pop("deadlines"))
    for name, seconds in figures.items():
        print(f"{name:<52} {seconds * 1000:7.0f} ms  ({seconds / bare:5.2f}x baseline)")
    print(f"deadlines within 365 days: {count}")

    env = {"TRANSFERS_DATABASE_URL": url}
    headers = {"Authorization": f"Bearer {key}"}
    path = f"/api/v1/reminders?within=365d&as_of={AS_OF.isoformat()}"
    with (
        server("transfers.app:create_app", env) as base,
        httpx.Client(base_url=base, headers=headers, timeout=300) as client,
    ):
        t0 = time.perf_counter()
        first = client.get(path)
        cold = time.perf_counter() - t0
        assert first.status_code == 200, first.text
        runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            r = client.get(path)
            runs.append(time.perf_counter() - t0)
            assert r.status_code == 200
        warm = statistics.median(runs)
        asyncio.run(_write(url))
        t0 = time.perf_counter()
        client.get(path)
        after_write = time.perf_counter() - t0
    print(
        f"GET /reminders?within=365d ({r.json()['total']} items, {len(r.content) // 1024} KB): "
        f"first {cold * 1000:.0f} ms (loads the snapshot), median {warm * 1000:.0f} ms, "
        f"after a write {after_write * 1000:.0f} ms; goal < 500 ms"
    )

    cli_env = {**os.environ, "TRANSFERS_DATABASE_URL": url}
    cli_env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: bytecode cached after a run
    cli = [str(Path(sys.executable).parent / "transfers"), "reminders", "list"]
    cli += ["--within", "365d", "--as-of", AS_OF.isoformat()]
    bare_cmd = [sys.executable, "-c", BARE_FETCH, url]
    timed(cli, cli_env)  # writes bytecode once
    summary = statistics.median(timed(cli, cli_env) for _ in range(3))
    every = statistics.median(timed([*cli, "--all"], cli_env) for _ in range(3))
    bare_proc = statistics.median(timed(bare_cmd, cli_env) for _ in range(3))
    print(
        f"transfers reminders list --within 365d: {summary:.2f} s (summary + 20 rows), "
        f"--all {every:.2f} s; a process that only fetches the rows {bare_proc:.2f} s "
        f"({summary / bare_proc:.2f}x); goal < 2 s"
    )


async def _write(url: str) -> None:
    engine = create_engine(url=url)
    async with engine.begin() as conn:
        await conn.execute(text("UPDATE agreement SET owner = 'other@example.com' WHERE id = 2"))
    await engine.dispose()


if __name__ == "__main__":
    main()
