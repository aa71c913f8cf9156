"""Import 10,000 vendors with 30,000 transfers from XLSX into a fresh SQLite register.

Prints parse+validate time, write time, total and peak memory (ru_maxrss of the process). Usage: uv run python bench/bench_import.py [--vendors N]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _seed import bench_database_url

from transfers.auth.schemas import Actor
from transfers.db import create_engine, session_scope
from transfers.importer.export import (
    ExportAgreement,
    ExportData,
    ExportTransfer,
    ExportVendor,
    render,
)
from transfers.importer.validate import plan_import
from transfers.importer.writer import apply_plan
from transfers.migrate import upgrade

ACTOR = Actor(key_id=None, name="bench", role="admin")


def workbook(vendors: int) -> bytes:
    dests = (("US", "dpf", None), ("IN", "scc_2021", 2), ("JP", "adequacy", None))
    data = ExportData(
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
    return render(data, "xlsx")


async def write(url: str, plan: object) -> dict[str, dict[str, int]]:
    engine = create_engine(url=url)
    try:
        async with session_scope(engine) as session:
            result = await apply_plan(session, plan, ACTOR)  # type: ignore[arg-type]
            return result.as_dict()
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vendors", type=int, default=10_000)
    args = parser.parse_args()
    content = workbook(args.vendors)
    print(
        f"workbook: {args.vendors} vendors, {3 * args.vendors} transfers, {len(content) / 1e6:.1f} MB"
    )
    url = bench_database_url()
    upgrade(url)
    t0 = time.perf_counter()
    plan = plan_import(content, filename="bench.xlsx")
    parsed = time.perf_counter() - t0
    assert plan.complete, plan.problems[:3]
    t1 = time.perf_counter()
    counts = asyncio.run(write(url, plan))
    written = time.perf_counter() - t1
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"parse + validate {parsed:6.1f} s")
    print(f"write (audited)  {written:6.1f} s   {counts['created']}")
    print(
        f"total            {parsed + written:6.1f} s   peak memory (max RSS of the process) {rss:.0f} MB"
    )


if __name__ == "__main__":
    main()
