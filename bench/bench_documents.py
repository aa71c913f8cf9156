"""DPA rendering: ms per document next to a bare docxtpl render of the same template and context,
and the time to render DPAs for 1,000 vendors from the register (gather + render + store).

Usage: uv run python bench/bench_documents.py [--vendors N] [--repeat R]
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _seed import bench_database_url
from docxtpl import DocxTemplate
from sqlalchemy import insert

from transfers.auth.schemas import Actor
from transfers.db import create_engine, session_factory
from transfers.document.render import builtin_template, render_docx
from transfers.document.service import render_document, sample_context
from transfers.migrate import upgrade
from transfers.models import Agreement, Organisation, Processing, Vendor, VendorSubprocessor

ACTOR = Actor(key_id=None, name="bench", role="admin")


def per_render_ms(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


async def seed(url: str, vendors: int) -> None:
    engine = create_engine(url=url)
    async with engine.begin() as conn:
        await conn.execute(
            insert(Organisation),
            [
                {
                    "id": 1,
                    "name": "Esimerkki IT-Palvelut Oy",
                    "business_id": "1234567-8",
                    "country": "FI",
                    "roles": ["controller"],
                    "version": 1,
                }
            ],
        )
        await conn.execute(
            insert(Vendor),
            [
                {
                    "id": i,
                    "name": f"Vendor {i} & Co <EU>",
                    "country": "US",
                    "role": "processor",
                    "category": "cloud_hosting",
                    "status": "approved",
                    "contacts": [],
                    "version": 1,
                }
                for i in range(1, vendors + 11)
            ],
        )
        await conn.execute(
            insert(Processing),
            [
                {
                    "vendor_id": i,
                    "organisation_id": 1,
                    "service": f"Service {i}",
                    "our_role": "controller",
                    "purposes": ["support"],
                    "data_categories": ["identity", "contact"],
                    "data_subject_categories": ["customers"],
                    "special_categories": False,
                    "criminal_data": False,
                    "version": 1,
                }
                for i in range(1, vendors + 1)
            ],
        )
        await conn.execute(
            insert(Agreement),
            [
                {
                    "vendor_id": i,
                    "kind": "dpa",
                    "status": "signed",
                    "signed_on": date(2025, 1, 1),
                    "effective_on": date(2025, 1, 1),
                    "term": "P1Y",
                    "auto_renew": True,
                    "notice_period": "P3M",
                    "subprocessor_authorisation": "general",
                    "objection_period_days": 30,
                    "version": 1,
                }
                for i in range(1, vendors + 1)
            ],
        )
        await conn.execute(
            insert(VendorSubprocessor),
            [
                {"vendor_id": i, "subprocessor_id": vendors + 1 + (i % 10)}
                for i in range(1, vendors + 1)
            ],
        )
    await engine.dispose()


async def render_all(url: str, vendors: int) -> float:
    engine = create_engine(url=url)
    try:
        async with session_factory(engine)() as session:
            t0 = time.perf_counter()
            for vid in range(1, vendors + 1):
                await render_document(
                    session,
                    kind="dpa",
                    language="fi",
                    vendor_id=vid,
                    transfer_id=None,
                    assessment_id=None,
                    as_of=date(2026, 11, 24),
                    since=None,
                    actor=ACTOR,
                )
                if vid % 100 == 0:
                    await session.commit()
                    print(f"  {vid}/{vendors} rendered", end="\r", flush=True)
            await session.commit()
            return time.perf_counter() - t0
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vendors", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    template = builtin_template("en", "dpa")
    context = sample_context("dpa", "en")

    def bare() -> None:
        doc = DocxTemplate(io.BytesIO(template))
        doc.render(context)
        doc.save(io.BytesIO())

    bare_ms = per_render_ms(bare, args.repeat)
    ours_ms = per_render_ms(lambda: render_docx(template, context), args.repeat)
    print(f"bare docxtpl render of the DPA template : {bare_ms:7.1f} ms per document")
    print(
        f"transfers render_docx (sandbox, checks) : {ours_ms:7.1f} ms per document  ratio x{ours_ms / bare_ms:.2f}"
    )

    url = bench_database_url()
    upgrade(url)
    asyncio.run(seed(url, args.vendors))
    total = asyncio.run(render_all(url, args.vendors))
    print(
        f"DPAs for {args.vendors} vendors from the register (gather + render + store): {total:.1f} s, {total / args.vendors * 1000:.1f} ms per vendor"
    )


if __name__ == "__main__":
    main()
