"""Bulk-load a synthetic register for benchmarks (core inserts: seeding is not what we measure)."""

from __future__ import annotations

import asyncio
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from transfers.auth.schemas import Actor
from transfers.auth.service import create_key
from transfers.db import create_engine, session_factory
from transfers.migrate import upgrade
from transfers.models import Agreement, Assessment, Transfer, Vendor, VendorSubprocessor

COUNTRIES = ["US", "JP", "IN", "IE", "DE", "GB", "CH", "BR", "KR", "CN", "SE", "CA"]
MECHANISMS = [
    ("US", "dpf", None),
    ("US", "scc_2021", 2),
    ("IN", "scc_2021", 3),
    ("JP", "adequacy", None),
    ("GB", "adequacy", None),
    ("US", "privacy_shield", None),
    ("CN", "scc_2010", None),
    ("DE", "none", None),
    ("BR", "adequacy", None),
    ("KR", "adequacy", None),
    ("US", "derogation_49_1_b", None),
    ("CH", "adequacy", None),
]


def bench_database_url() -> str:
    import os

    url = os.environ.get("TRANSFERS_BENCH_DATABASE_URL")
    if url:
        return url
    path = Path(tempfile.mkdtemp(prefix="transfers-bench-")) / "bench.sqlite3"
    return f"sqlite+aiosqlite:///{path}"


async def _seed(
    url: str, vendors: int, transfers_per_vendor: int, agreements_per_vendor: int = 1
) -> str:
    rng = random.Random(42)
    engine = create_engine(url=url)
    async with engine.begin() as conn:
        rows = [
            {
                "id": i,
                "name": f"Vendor {i:05d}",
                "country": rng.choice(COUNTRIES),
                "category": "cloud_hosting",
                "role": rng.choice(["processor", "processor", "subprocessor", "controller"]),
                "status": rng.choice(["approved", "approved", "approved", "in_review"]),
                "contacts": [],
                "version": 1,
            }
            for i in range(1, vendors + 1)
        ]
        for chunk in range(0, len(rows), 2000):
            await conn.execute(insert(Vendor), rows[chunk : chunk + 2000])
        agreements = []
        aid = 0
        for i in range(1, vendors + 1):
            for _ in range(agreements_per_vendor):
                aid += 1
                start = date(2022, 1, 1) + timedelta(days=rng.randrange(0, 1400))
                agreements.append(
                    {
                        "id": aid,
                        "vendor_id": i,
                        "kind": "dpa",
                        "status": "signed",
                        "signed_on": start,
                        "effective_on": start,
                        "term": rng.choice(["P1Y", "P2Y", "P3Y"]),
                        "auto_renew": rng.random() < 0.7,
                        "notice_period": rng.choice(["P1M", "P3M", "P6M"]),
                        "version": 1,
                    }
                )
        for chunk in range(0, len(agreements), 2000):
            await conn.execute(insert(Agreement), agreements[chunk : chunk + 2000])
        transfers = []
        assessments = []
        tid = 0
        for i in range(1, vendors + 1):
            for _ in range(transfers_per_vendor):
                tid += 1
                dest, mech, module = rng.choice(MECHANISMS)
                transfers.append(
                    {
                        "id": tid,
                        "vendor_id": i,
                        "exporter_role": "controller" if module != 3 else "processor",
                        "destination_country": dest,
                        "mechanism": mech,
                        "scc_module": module,
                        "data_categories": ["identity", "contact"],
                        "transfer_type": "storage",
                        "frequency": "systematic",
                        "dpf_certified": True if mech == "dpf" else None,
                        "dpf_verified_on": date(2026, 1, 1) if mech == "dpf" else None,
                        "started_on": date(2023, 1, 1),
                        "version": 1,
                        "agreement_id": None,
                    }
                )
                if mech.startswith("scc") and rng.random() < 0.5:
                    assessments.append(
                        {
                            "transfer_id": tid,
                            "completed_on": date(2025, 6, 1),
                            "conclusion": "adequate_with_measures",
                            "next_review_on": date(2026, 6, 1),
                            "version": 1,
                        }
                    )
        for chunk in range(0, len(transfers), 2000):
            await conn.execute(insert(Transfer), transfers[chunk : chunk + 2000])
        for chunk in range(0, len(assessments), 2000):
            await conn.execute(insert(Assessment), assessments[chunk : chunk + 2000])
        links = [{"vendor_id": i, "subprocessor_id": i + 1} for i in range(1, vendors, 10)]
        await conn.execute(insert(VendorSubprocessor), links)
    maker = session_factory(engine)
    async with maker() as session:
        _, secret = await create_key(
            session,
            name="bench",
            role="procurement",
            actor=Actor(key_id=None, name="bench", role="admin"),
        )
        await session.commit()
    await engine.dispose()
    return secret


def seed(vendors: int, transfers_per_vendor: int, url: str | None = None) -> tuple[str, str]:
    """Migrate a fresh database, load it, and return (database URL, procurement key)."""
    url = url or bench_database_url()
    upgrade(url)
    secret = asyncio.run(_seed(url, vendors, transfers_per_vendor))
    asyncio.run(_settled(url))
    return url, secret


async def _settled(url: str) -> None:
    """PostgreSQL: VACUUM ANALYZE the freshly loaded tables, as autovacuum would within a minute
    or two on a live database. Without planner statistics a list page by country sorted all
    824 matching vendors instead of reading the first 50 off the (country, name) index (1.3 ms
    against 0.8 ms), so a figure depended on whether autovacuum had come round yet."""
    engine = create_engine(url=url)
    try:
        if engine.dialect.name == "postgresql":
            async with engine.connect() as conn:
                await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text("VACUUM ANALYZE"))
    finally:
        await engine.dispose()
