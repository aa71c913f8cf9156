"""Reads served from the register snapshot, next to a bare ORM read of the same row, same run.

1. GET /api/v1/vendors/{id}, .../status, GET /api/v1/transfers/{id}/evaluation and the vendor
   list by country, each against a bare Litestar app doing one ORM get of the vendor row from the
   same database (bench/bare_orm_app); then a mix of the four on 32 connections.
2. The register-wide view (GET /api/v1/compliance) end to end, and the snapshot's cold load and
   incremental refresh after one write.

Both servers run at once and are measured in alternating rounds (medians), so a load spike on
the box hits both sides of a ratio.

Usage: python bench/bench_read_model.py [--vendors 10000] [--seconds 2] [--rounds 5]
       [--concurrency 16] [--mixed-seconds 30]
(TRANSFERS_BENCH_DATABASE_URL=postgresql+asyncpg://... for PostgreSQL).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._load import load, median, server
from bench._seed import seed
from sqlalchemy import text

from transfers import register
from transfers.db import create_engine, session_factory

AS_OF = date(2026, 11, 24)


async def snapshot_figures(url: str) -> tuple[float, float, float]:
    engine = create_engine(url=url)
    try:
        async with session_factory(engine)() as s:
            t0 = time.perf_counter()
            snapshot = await register.current(s)
            cold = time.perf_counter() - t0
            t1 = time.perf_counter()
            snapshot.facts(AS_OF)
            build = time.perf_counter() - t1
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE vendor SET notes = 'bench' WHERE id = 1"))
        async with session_factory(engine)() as s:
            t2 = time.perf_counter()
            await register.current(s)
            refresh = time.perf_counter() - t2
        return cold, build, refresh
    finally:
        await engine.dispose()


def _timed_get(base: str, path: str, headers: dict[str, str]) -> tuple[float, httpx.Response]:
    t0 = time.perf_counter()
    response = httpx.get(f"{base}{path}", headers=headers, timeout=300)
    return time.perf_counter() - t0, response


def _wait_warm(base: str) -> None:
    """Until /health says warm (the warm-up holds the event loop while it evaluates)."""
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=60).json().get("snapshot") == "warm":
                return
        except httpx.TimeoutException:
            pass
        time.sleep(0.1)


def compliance_figures(url: str, env: dict[str, str], headers: dict[str, str]) -> list[str]:
    """GET /compliance on an instance started as `transfers serve` starts it (warm-up on):
    the first call once /health says warm, the first after a write elsewhere, and a day nobody
    asked about yet (the whole register evaluated for that day within the request)."""
    lines = []
    started = time.perf_counter()
    with server("transfers.app:create_app", {**env, "TRANSFERS_WARM_ON_START": "1"}) as app:
        _wait_warm(app)
        lines.append(f"served instance warm after {time.perf_counter() - started:.1f} s")
        first, response = _timed_get(app, "/api/v1/compliance", headers)
        lines.append(
            f"GET /compliance (today), first call after warm-up: {first:.2f} s, "
            f"{len(response.content) / 1e6:.2f} MB (status {response.status_code})"
        )
        asyncio.run(_write_elsewhere(url))
        after, response = _timed_get(app, "/api/v1/compliance", headers)
        lines.append(
            f"GET /compliance (today), first call after a write elsewhere: {after:.2f} s "
            f"(status {response.status_code})"
        )
        cold, response = _timed_get(app, "/api/v1/compliance?as_of=2027-03-01", headers)
        lines.append(
            f"GET /compliance?as_of=2027-03-01, a day not asked before: {cold:.2f} s "
            f"(status {response.status_code})"
        )
    return lines


async def _write_elsewhere(url: str) -> None:
    engine = create_engine(url=url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE vendor SET notes = 'bench again' WHERE id = 2"))
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vendors", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--mixed-seconds", type=float, default=30.0)
    args = parser.parse_args()
    url, key = seed(args.vendors, 5)
    cold, build, refresh = asyncio.run(snapshot_figures(url))
    print(
        f"snapshot of {args.vendors} vendors x 5 transfers: cold load {cold * 1000:.0f} ms, "
        f"facts for one day {build * 1000:.0f} ms, refresh after one write {refresh * 1000:.1f} ms"
    )
    env = {"TRANSFERS_DATABASE_URL": url, "TRANSFERS_DB_POOL_SIZE": str(args.concurrency)}
    headers = {"Authorization": f"Bearer {key}"}
    vendors = args.vendors
    reads: list[tuple[str, Callable[[random.Random], str]]] = [
        ("GET /vendors/{id}", lambda r: f"/api/v1/vendors/{r.randint(1, vendors)}"),
        ("GET /vendors/{id}/status", lambda r: f"/api/v1/vendors/{r.randint(1, vendors)}/status"),
        (
            "GET /transfers/{id}/evaluation",
            lambda r: f"/api/v1/transfers/{r.randint(1, vendors * 5)}/evaluation",
        ),
        (
            "GET /vendors?country=US&limit=50",
            lambda r: f"/api/v1/vendors?country=US&limit=50&offset={r.randint(0, 20) * 50}",
        ),
    ]
    # Both servers up at once and measured in alternating rounds, so a load spike on the box
    # hits both sides of a ratio; the figures are medians of the rounds. The product runs as
    # `transfers serve` runs it: warm-up at start (snapshot, today's evaluation, heap settled).
    with (
        server("bench.bare_orm_app:create_app", env) as bare,
        server("transfers.app:create_app", {**env, "TRANSFERS_WARM_ON_START": "1"}) as app,
    ):
        _wait_warm(app)
        rows = []
        for name, path in reads:
            bare_rps, real_rps, ratios, p99s = [], [], [], []
            for _ in range(args.rounds):
                b = load(
                    "bare",
                    bare,
                    lambda r: f"/vendors/{r.randint(1, vendors)}",
                    concurrency=args.concurrency,
                    duration=args.seconds,
                )
                t = load(
                    name,
                    app,
                    path,
                    headers=headers,
                    concurrency=args.concurrency,
                    duration=args.seconds,
                )
                bare_rps.append(b.rps)
                real_rps.append(t.rps)
                ratios.append(t.rps / b.rps)
                p99s.append(t.pct(0.99))
                if t.errors:
                    print(f"{name}: {t.errors} errors")
            rows.append(
                f"{name:<34} {median(real_rps):>7.0f} req/s (bare ORM get {median(bare_rps):>5.0f})"
                f"  p99 {median(p99s):6.1f} ms   {median(ratios):.2f}x bare "
                f"(rounds {min(ratios):.2f}-{max(ratios):.2f})"
            )
        mixed_paths = [
            lambda r: f"/api/v1/vendors/{r.randint(1, args.vendors)}",
            lambda r: f"/api/v1/vendors/{r.randint(1, args.vendors)}/status",
            lambda r: f"/api/v1/transfers/{r.randint(1, args.vendors * 5)}/evaluation",
            lambda r: f"/api/v1/vendors?country=US&limit=50&offset={r.randint(0, 20) * 50}",
        ]
        bare32 = load(
            "bare ORM GET (32 connections)",
            bare,
            lambda r: f"/vendors/{r.randint(1, vendors)}",
            concurrency=32,
            duration=min(10.0, args.mixed_seconds),
        )
        mixed = load(
            "mixed reads (32 connections)",
            app,
            lambda r: r.choice(mixed_paths)(r),
            headers=headers,
            concurrency=32,
            duration=args.mixed_seconds,
        )
        t0 = time.perf_counter()
        response = httpx.get(f"{app}/api/v1/compliance?as_of={AS_OF}", headers=headers, timeout=300)
        compliance_s = time.perf_counter() - t0
    compliance = compliance_figures(url, env, headers)
    print(
        f"single reads, {args.concurrency} connections, {args.rounds} alternating rounds of "
        f"{args.seconds:.1f} s per side (status and evaluation for today, as procurement asks):"
    )
    for row in rows:
        print(row)
    print(bare32.row())
    print(mixed.row())
    print(
        f"GET /compliance?as_of={AS_OF} after the loads above (that day's facts partly built): "
        f"{compliance_s:.2f} s, {len(response.content) / 1e6:.2f} MB (status {response.status_code})"
    )
    for line in compliance:
        print(line)


if __name__ == "__main__":
    main()
