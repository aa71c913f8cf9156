"""GET /api/v1/vendors/{id} over 10,000 vendors (3 transfers each) vs a bare Litestar endpoint.

Prints requests/s, p50 and p99 for both, measured in the same run, and the ratio.
Usage: uv run python bench/bench_vendor_api.py [--vendors N] [--seconds S] [--concurrency C]
Set TRANSFERS_BENCH_DATABASE_URL to benchmark on PostgreSQL (the database must be empty).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _load import load, server
from _seed import seed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vendors", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    t0 = time.perf_counter()
    url, key = seed(args.vendors, 3)
    print(
        f"seeded {args.vendors} vendors, {3 * args.vendors} transfers in {time.perf_counter() - t0:.1f} s ({url.split(':')[0]})"
    )

    with server("bench.bare_app:create_app") as bare:
        baseline = load(
            "bare Litestar GET /vendors/{id}",
            bare,
            lambda r: f"/vendors/{r.randint(1, args.vendors)}",
            concurrency=args.concurrency,
            duration=args.seconds,
        )
    env = {"TRANSFERS_DATABASE_URL": url, "TRANSFERS_DB_POOL_SIZE": str(args.concurrency)}
    with server("transfers.app:create_app", env) as app:
        real = load(
            "transfers GET /api/v1/vendors/{id}",
            app,
            lambda r: f"/api/v1/vendors/{r.randint(1, args.vendors)}",
            headers={"Authorization": f"Bearer {key}"},
            concurrency=args.concurrency,
            duration=args.seconds,
        )
    print(baseline.row())
    print(real.row())
    print(
        f"ratio transfers/bare: {real.rps / baseline.rps:.3f} of the throughput, p50 x{real.pct(0.5) / baseline.pct(0.5):.1f}"
    )


if __name__ == "__main__":
    main()
