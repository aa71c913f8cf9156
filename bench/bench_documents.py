"""DPAs for 1,000 vendors through the bulk document job, next to bare docxtpl rendering the same
documents (same template, same contexts) in 2 processes, in the same run; and ms per render.

The job path is the product's: a job row, procrastinate's worker (in memory on SQLite, the
PostgreSQL queue otherwise), and for each vendor render_document (gather from the register, render
in a warm sandboxed worker with the output checks, store, audit) with its outcome row. The
baseline only renders: DocxTemplate(bytes).render(context, autoescape=True).save() in a pool of
2 processes, contexts built beforehand and not timed.

Usage: uv run python bench/bench_documents.py [--vendors N] [--repeat R]
(TRANSFERS_BENCH_DATABASE_URL: an empty database to use instead of a temporary SQLite file)
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _seed import bench_database_url
from docxtpl import DocxTemplate
from sqlalchemy import insert, select

from transfers.auth.schemas import Actor
from transfers.db import create_engine, session_factory
from transfers.document.render import builtin_template, render_docx
from transfers.document.service import build_context, sample_context, template_for
from transfers.document.worker import run_limited
from transfers.job.queue import JobQueue, Runtime, document_options
from transfers.job.schemas import DocumentJobCreate
from transfers.job.service import create_job
from transfers.migrate import upgrade
from transfers.models import (
    Agreement,
    DocumentJob,
    Organisation,
    Processing,
    Vendor,
    VendorSubprocessor,
)
from transfers.settings import Settings

ACTOR = Actor(key_id=None, name="bench", role="admin")
AS_OF = date(2026, 11, 24)
LANGUAGE = "fi"


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
                    "address": "Katu 1, Helsinki",
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
                    "role": "processor" if i <= vendors else "subprocessor",
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
                    "nature": "Hosting",
                    "our_role": "controller",
                    "purposes": ["support"],
                    "data_categories": ["identity", "contact"],
                    "data_subject_categories": ["customers"],
                    "technical_measures": "Encryption at rest",
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


async def contexts(url: str, vendors: int) -> tuple[bytes, list[dict[str, Any]]]:
    """The template and the contexts of the very documents the job generates (not timed)."""
    engine = create_engine(url=url)
    try:
        async with session_factory(engine)() as session:
            template, version = await template_for(session, "dpa", LANGUAGE)
            out = []
            for vid in range(1, vendors + 1):
                context, _ = await build_context(
                    session,
                    kind="dpa",
                    language=LANGUAGE,
                    vendor_id=vid,
                    transfer_id=None,
                    assessment_id=None,
                    as_of=AS_OF,
                    since=None,
                    template_version=version,
                    options=document_options(Settings()),
                )
                out.append(context)
            return template, out
    finally:
        await engine.dispose()


_TEMPLATE = b""


def _init(template: bytes) -> None:
    global _TEMPLATE
    _TEMPLATE = template


def _bare(context: dict[str, Any]) -> int:
    doc = DocxTemplate(io.BytesIO(_TEMPLATE))
    doc.render(context, autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return len(out.getvalue())


def bare_in_two_processes(template: bytes, items: list[dict[str, Any]]) -> float:
    with ProcessPoolExecutor(2, initializer=_init, initargs=(template,)) as pool:
        list(pool.map(_bare, items[:4]))  # both processes started and warm, as the job's are
        t0 = time.perf_counter()
        sizes = list(pool.map(_bare, items, chunksize=8))
        elapsed = time.perf_counter() - t0
    assert len(sizes) == len(items)
    return elapsed


async def through_the_job(url: str, vendors: int) -> tuple[float, dict[str, int]]:
    settings = replace(Settings(), database_url=url, digest_cron="")
    engine = create_engine(settings)
    maker = session_factory(engine)
    queue = JobQueue(Runtime(settings, maker))
    try:
        async with maker() as session:
            job = await create_job(
                session,
                DocumentJobCreate(
                    kind="dpa",
                    language=LANGUAGE,
                    vendor_ids=list(range(1, vendors + 1)),
                    as_of=AS_OF,
                ),
                ACTOR,
            )
            await session.commit()
        await queue.start_worker()
        run_limited(len, b"")  # the render workers are started, as in a running server
        t0 = time.perf_counter()
        await queue.defer_document_job(job.id)
        # Poll the state alone (the row's list of 1,000 vendor ids is not what a poll needs),
        # ten times a second: the harness's own reads must not eat the job's CPU.
        state = select(DocumentJob.state).where(DocumentJob.id == job.id)
        while True:
            async with maker() as session:
                if await session.scalar(state) in ("done", "failed"):
                    break
            await asyncio.sleep(0.1)
        elapsed = time.perf_counter() - t0
        async with maker() as session:
            from transfers.job.service import get_job, to_read

            read = await to_read(session, await get_job(session, job.id))
        assert read.state == "done", read.error
        return elapsed, {"documents": read.progress.documents, "problems": read.progress.problems}
    finally:
        await queue.close()
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
        doc.render(context, autoescape=True)
        doc.save(io.BytesIO())

    bare_ms = per_render_ms(bare, args.repeat)
    ours_ms = per_render_ms(lambda: render_docx(template, context), args.repeat)
    pooled_ms = per_render_ms(lambda: run_limited(render_docx, template, context), args.repeat)
    print(f"bare docxtpl render of the DPA template      : {bare_ms:7.1f} ms per document")
    print(
        f"render_docx (sandbox, checks, prepared)      : {ours_ms:7.1f} ms per document"
        f"  ratio x{ours_ms / bare_ms:.2f}"
    )
    print(
        f"render_docx in a warm sandboxed worker       : {pooled_ms:7.1f} ms per document"
        f"  ratio x{pooled_ms / bare_ms:.2f}"
    )

    url = bench_database_url()
    upgrade(url)
    asyncio.run(seed(url, args.vendors))
    template_bytes, items = asyncio.run(contexts(url, args.vendors))
    baseline = bare_in_two_processes(template_bytes, items)
    print(
        f"bare docxtpl, the same {args.vendors} DPAs in 2 processes      : {baseline:6.1f} s"
        f"  ({baseline / args.vendors * 1000:.1f} ms per document)"
    )
    total, outcome = asyncio.run(through_the_job(url, args.vendors))
    print(
        f"bulk job, {args.vendors} DPAs (gather + render + store + audit): {total:6.1f} s"
        f"  ({total / args.vendors * 1000:.1f} ms per vendor; {outcome['documents']} documents,"
        f" {outcome['problems']} problems)  ratio x{total / baseline:.2f} (goal <= 1.3)"
    )


if __name__ == "__main__":
    main()
