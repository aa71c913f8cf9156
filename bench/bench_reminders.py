"""Reminders for 10,000 agreements and 50,000 transfers: the time to compute every deadline.

Prints the pure computation over in-memory inputs and the service path (load from the database
+ compute), SQLite by default (TRANSFERS_BENCH_DATABASE_URL for PostgreSQL).
Usage: uv run python bench/bench_reminders.py [--vendors N]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _seed import seed

from transfers.db import create_engine, session_factory
from transfers.reminder.service import compute
from transfers.settings import Settings

AS_OF = date(2026, 11, 24)


async def run(url: str, horizon: int) -> tuple[float, int]:
    engine = create_engine(url=url)
    try:
        async with session_factory(engine)() as session:
            await compute(session, AS_OF, 30, Settings())  # warm caches (reference, holidays)
            t0 = time.perf_counter()
            found = await compute(session, AS_OF, horizon, Settings())
            return time.perf_counter() - t0, len(found)
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vendors", type=int, default=10_000)
    args = parser.parse_args()
    t0 = time.perf_counter()
    url, _ = seed(args.vendors, 5)
    print(
        f"seeded {args.vendors} agreements and {5 * args.vendors} transfers in {time.perf_counter() - t0:.1f} s"
    )
    for horizon in (90, 365):
        elapsed, count = asyncio.run(run(url, horizon))
        print(
            f"deadlines within {horizon:>3} days: {count:>6} found in {elapsed * 1000:7.0f} ms (load + compute)"
        )


if __name__ == "__main__":
    main()
