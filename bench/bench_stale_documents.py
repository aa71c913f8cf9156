"""Staleness of many documents at once, next to a bare ORM read of the same documents, same run.

Each document stores the register values it used (here: a DPA's vendor row, its transfers and
its sets of sub-processors and transfers, built by the same ``Used`` recorder the renderer
uses). The check compares them with the register: one query per entity for every document,
no rendering. Baseline: ``select(Document)`` of the same documents, the read any list does.

Usage: python bench/bench_stale_documents.py [--vendors 10000] [--documents 2000] [--runs 5]
(TRANSFERS_BENCH_DATABASE_URL=postgresql+asyncpg://... for PostgreSQL).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._seed import seed
from sqlalchemy import select, update

from transfers.db import create_engine, session_factory
from transfers.document.stale import Used
from transfers.document.versions import statuses
from transfers.models import Document, Transfer, Vendor
from transfers.register.snapshot import current


async def make_documents(url: str, count: int) -> None:
    engine = create_engine(url=url)
    try:
        async with session_factory(engine)() as s:
            snapshot = await current(s)
            vendors = (await s.scalars(select(Vendor).order_by(Vendor.id).limit(count))).all()
            ids = [v.id for v in vendors]
            transfers = (await s.scalars(select(Transfer).where(Transfer.vendor_id.in_(ids)))).all()
            by_vendor: dict[int, list[Transfer]] = {}
            for t in transfers:
                by_vendor.setdefault(t.vendor_id, []).append(t)
            for v in vendors:
                used = Used(snapshot)
                used.add("vendor", v)
                used.derive({v.id}, "subprocessor_ids", "transfer_ids")
                used.add_all("transfer", by_vendor.get(v.id, ()))
                s.add(
                    Document(
                        kind="dpa",
                        language="en",
                        vendor_id=v.id,
                        as_of=date(2026, 11, 26),
                        template_version="builtin",
                        filename=f"dpa-{v.id}.docx",
                        sha256="0" * 64,
                        size=1,
                        content=b"x",
                        snapshot={"kind": "dpa", "values": used.values},
                        created_by="bench",
                    )
                )
            await s.commit()
    finally:
        await engine.dispose()


async def measure(url: str, runs: int) -> tuple[list[float], list[float], int]:
    engine = create_engine(url=url)
    bare: list[float] = []
    checked: list[float] = []
    stale = 0
    try:
        for _ in range(runs):
            async with session_factory(engine)() as s:
                await current(s)  # the read model is warm in a serving process
                t0 = time.perf_counter()
                docs = (await s.scalars(select(Document))).all()
                bare.append(time.perf_counter() - t0)
            async with session_factory(engine)() as s:
                await current(s)
                t1 = time.perf_counter()
                docs = (await s.scalars(select(Document))).all()
                found = await statuses(s, docs)
                checked.append(time.perf_counter() - t1)
                stale = sum(1 for f in found if f.stale)
    finally:
        await engine.dispose()
    return bare, checked, stale


async def change_addresses(url: str, every: int) -> None:
    engine = create_engine(url=url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                update(Vendor)
                .where(Vendor.id % every == 0)
                .values(address="1 Moved Street", version=Vendor.version + 1)
            )
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vendors", type=int, default=10_000)
    parser.add_argument("--documents", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    url, _ = seed(args.vendors, 5)
    asyncio.run(make_documents(url, args.documents))
    for label, prepare in (("unchanged register", None), ("every 10th vendor moved", 10)):
        if prepare:
            asyncio.run(change_addresses(url, prepare))
        bare, checked, stale = asyncio.run(measure(url, args.runs))
        b, c = statistics.median(bare), statistics.median(checked)
        print(
            f"{label}: {args.documents} documents, bare ORM list {b * 1000:.0f} ms, "
            f"list + staleness {c * 1000:.0f} ms ({c / b:.2f}x the bare read), "
            f"{stale} stale, {(c - b) / args.documents * 1e6:.0f} µs per document checked"
        )


if __name__ == "__main__":
    main()
