"""Import 10,000 vendors (with a DPA each) and 30,000 transfers from CSV and from XLSX, each next
to a bare baseline run in the same process on a fresh register of the same schema.

Bare baseline: read the same file (``csv`` module / openpyxl read-only) and bulk-insert the same
vendors, agreements and transfers with Core ``executemany``: no mapping, no validation, no
audit. The real import is what ``transfers import`` runs: read, map, validate, write through the
domain services' batched entry points with one audit event per row, in one transaction.

Usage: uv run python bench/bench_import.py [--vendors N] [--format csv|xlsx|both] [--repeat 3]
(TRANSFERS_BENCH_DATABASE_URL=postgresql+asyncpg://.../a_bench_database for PostgreSQL: its
register tables, audit trail included, are emptied before each run.)
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import os
import resource
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from statistics import median
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _seed import bench_database_url
from openpyxl import load_workbook
from sqlalchemy import insert, text

from transfers.auth.schemas import Actor
from transfers.db import create_engine, session_scope
from transfers.importer.export import (
    ExportAgreement,
    ExportData,
    ExportTransfer,
    ExportVendor,
    render,
)
from transfers.importer.service import run_import
from transfers.migrate import upgrade
from transfers.models import Agreement, Transfer, Vendor

ACTOR = Actor(key_id=None, name="bench", role="admin")
TABLES = "audit_event, register_change, vendor_subprocessor, transfer, agreement, vendor"


def register(vendors: int) -> ExportData:
    dests = (("US", "dpf", None), ("IN", "scc_2021", 2), ("JP", "adequacy", None))
    return ExportData(
        vendors=[
            ExportVendor(i, f"Vendor {i}", "FI", "processor", "cloud_hosting", business_id=f"{i}-1")
            for i in range(1, vendors + 1)
        ],
        agreements=[
            ExportAgreement(i, i, "dpa", status="signed", signed_on=date(2024, 1, 1))
            for i in range(1, vendors + 1)
        ],
        transfers=[
            ExportTransfer(
                j,
                (j - 1) // 3 + 1,
                dests[j % 3][0],
                dests[j % 3][1],
                scc_module=dests[j % 3][2],
                data_categories=("contact",),
            )
            for j in range(1, 3 * vendors + 1)
        ],
        links=[],
        verdicts={},
        as_of=date(2026, 11, 24),
    )


def fresh_url(base: str | None) -> str:
    """A migrated, empty register: a new SQLite file, or the PostgreSQL one emptied."""
    if base is None:
        os.environ.pop("TRANSFERS_BENCH_DATABASE_URL", None)
        url = bench_database_url()
        upgrade(url)
        return url
    upgrade(base)

    async def empty() -> None:
        engine = create_engine(url=base)
        async with engine.begin() as conn:  # the bench's own database: lift the audit guard
            await conn.execute(
                text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_truncate")
            )
            await conn.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
            await conn.execute(
                text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_truncate")
            )
        await engine.dispose()

    asyncio.run(empty())
    return base


# -- bare baseline ----------------------------------------------------------------------------


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return value.date() if hasattr(value, "date") else date.fromisoformat(str(value))


def _rows_csv(content: bytes) -> Iterator[dict[str, Any]]:
    yield from csv.DictReader(io.StringIO(content.decode("utf-8-sig")))


def _rows_xlsx(content: bytes) -> dict[str, list[dict[str, Any]]]:
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    out = {}
    for sheet in book.worksheets:
        rows = sheet.iter_rows(values_only=True)
        header = [str(h) for h in next(rows)]
        out[sheet.title] = [dict(zip(header, r, strict=False)) for r in rows]
    book.close()
    return out


def bare_rows(content: bytes, fmt: str) -> tuple[list[Any], list[Any], list[Any]]:
    """The same vendors, DPAs and transfers as plain dicts, the least work a reader can do."""
    vendors: dict[str, dict[str, Any]] = {}
    agreements: list[dict[str, Any]] = []
    transfers: list[dict[str, Any]] = []
    sheets = {"flat": list(_rows_csv(content))} if fmt == "csv" else _rows_xlsx(content)
    for r in sheets.get("flat", []) + sheets.get("vendors", []):
        bid = r["business_id"]
        if bid not in vendors:
            vendors[bid] = r
            if r.get("dpa_signed_on"):
                agreements.append({"bid": bid, "kind": "dpa", "signed_on": r["dpa_signed_on"]})
        if r.get("destination_country"):
            transfers.append(r | {"bid": bid})
    agreements += [r | {"bid": r["business_id"]} for r in sheets.get("agreements", [])]
    transfers += [r | {"bid": r["business_id"]} for r in sheets.get("transfers", [])]
    return list(vendors.values()), agreements, transfers


async def bare_insert(url: str, rows: tuple[list[Any], list[Any], list[Any]]) -> None:
    vendors, agreements, transfers = rows
    engine = create_engine(url=url)
    now = datetime.now(UTC)
    try:
        async with engine.begin() as conn:
            result = await conn.execute(
                insert(Vendor.__table__).returning(Vendor.id, sort_by_parameter_order=True),
                [
                    {
                        "name": v["name"],
                        "business_id": v["business_id"],
                        "country": v["country"],
                        "role": v["role"],
                        "category": v["category"],
                        "status": v.get("status") or "proposed",
                        "contacts": [],
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for v in vendors
                ],
            )
            ids = {v["business_id"]: i for v, (i,) in zip(vendors, result.all(), strict=True)}
            await conn.execute(
                insert(Agreement.__table__),
                [
                    {
                        "vendor_id": ids[a["bid"]],
                        "kind": a["kind"],
                        "status": "signed",
                        "signed_on": _date(a["signed_on"]),
                        "auto_renew": False,
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for a in agreements
                ],
            )
            await conn.execute(
                insert(Transfer.__table__),
                [
                    {
                        "vendor_id": ids[t["bid"]],
                        "destination_country": t["destination_country"],
                        "mechanism": t["mechanism"],
                        "scc_module": int(t["scc_module"]) if t["scc_module"] else None,
                        "exporter_role": t["exporter_role"] or "controller",
                        "data_categories": [t["data_categories"]],
                        "transfer_type": "storage",
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for t in transfers
                ],
            )
    finally:
        await engine.dispose()


# -- the real import --------------------------------------------------------------------------


async def real_import(url: str, content: bytes, fmt: str) -> dict[str, Any]:
    engine = create_engine(url=url)
    try:
        async with session_scope(engine) as session:
            report = await run_import(
                session,
                content,
                filename=f"bench.{fmt}",
                actor=ACTOR,
                dry_run=False,
                max_bytes=200_000_000,
            )
            assert report.ok, report.problems[:3]
            return report.counts
    finally:
        await engine.dispose()


def measure(content: bytes, fmt: str, base: str | None, repeat: int) -> dict[str, list[Any]]:
    """(wall, CPU) seconds of the bare baseline and of the real import, ``repeat`` times each,
    interleaved (bare, import, bare, import, ...) so that a burst of load from other processes
    on a shared machine falls on both. CPU time is the whole process's (the SQLite driver's
    thread included): on a shared machine it is the steadier figure, wall time is what a user
    waits."""
    out: dict[str, list[Any]] = {"bare": [], "import": []}
    for _ in range(repeat):
        for name, run in (
            ("bare", lambda url: bare_insert(url, bare_rows(content, fmt))),
            ("import", lambda url: real_import(url, content, fmt)),
        ):
            url = fresh_url(base)
            wall, cpu = time.perf_counter(), time.process_time()
            result = asyncio.run(run(url))
            out[name].append((time.perf_counter() - wall, time.process_time() - cpu))
            if name == "import" and len(out[name]) == 1:
                print(f"  created {result['created']}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vendors", type=int, default=10_000)
    parser.add_argument("--format", choices=("csv", "xlsx", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved runs; medians")
    args = parser.parse_args()
    base = os.environ.get("TRANSFERS_BENCH_DATABASE_URL")
    engine = "PostgreSQL" if base and base.startswith("postgresql") else "SQLite"
    data = register(args.vendors)
    goals = {"csv": 2.0, "xlsx": 1.5}
    for fmt in ("csv", "xlsx") if args.format == "both" else (args.format,):
        content = render(data, fmt)  # type: ignore[arg-type]
        print(
            f"{fmt} on {engine}: {args.vendors} vendors, {args.vendors} DPAs, "
            f"{3 * args.vendors} transfers, {len(content) / 1e6:.1f} MB"
        )
        times = measure(content, fmt, base, args.repeat)
        bare, bare_cpu = (median(t[i] for t in times["bare"]) for i in (0, 1))
        real, real_cpu = (median(t[i] for t in times["import"]) for i in (0, 1))
        ratios = sorted(r[0] / b[0] for r, b in zip(times["import"], times["bare"], strict=True))
        print(f"  bare read + bulk insert  {bare:6.1f} s wall  {bare_cpu:6.1f} s CPU (median)")
        print(f"  transfers import         {real:6.1f} s wall  {real_cpu:6.1f} s CPU (median)")
        print(
            f"  ratio {real / bare:4.2f}x wall, {real_cpu / bare_cpu:4.2f}x CPU "
            f"(goal <= {goals[fmt]}x); wall ratio of each pair "
            + ", ".join(f"{r:.2f}" for r in ratios)
        )
        for n, (b, r) in enumerate(zip(times["bare"], times["import"], strict=True), 1):
            print(
                f"    pair {n}: bare {b[0]:5.2f} s, import {r[0]:5.2f} s, {r[0] / b[0]:4.2f}x wall"
            )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS of the process) {rss:.0f} MB")


if __name__ == "__main__":
    main()
