"""Every document kind's context, in both languages, for the sample register, equals the context
the gatherers produced before they moved behind one table (issue 21, part 3).

The fixture ``golden_contexts.json`` was captured from the code as it stood before the move;
``TRANSFERS_WRITE_GOLDEN=1`` writes it again (only when a change of output is intended).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from tests.conftest import Database
from transfers.common.problems import ProblemError
from transfers.db import create_engine, session_scope
from transfers.demo import load_demo
from transfers.document.service import build_context
from transfers.models import Assessment, Document, Transfer, Vendor

GOLDEN = Path(__file__).with_name("golden_contexts.json")
DAY = date(2026, 11, 24)
#: The sample register on the day it is loaded, and later: an engagement ends 45 days on.
DAYS = (DAY, date(2027, 2, 1))


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str, sort_keys=True))


async def _one(session: Any, **kw: Any) -> Any:
    try:
        context, snapshot = await build_context(session, template_version="golden", **kw)
    except ProblemError as exc:
        return {"problem": [exc.status, exc.slug, exc.detail]}
    return _plain({"context": context, "snapshot": snapshot})


async def _contexts(session: Any) -> dict[str, Any]:
    vendors = (await session.scalars(select(Vendor.id).order_by(Vendor.id))).all()
    transfers = (await session.scalars(select(Transfer.id).order_by(Transfer.id))).all()
    assessments = (await session.scalars(select(Assessment.id).order_by(Assessment.id))).all()
    jobs: list[dict[str, Any]] = [
        *({"kind": "dpa", "vendor_id": v} for v in vendors),
        *({"kind": "scc_annexes", "transfer_id": t} for t in transfers),
        *({"kind": "tia", "assessment_id": a} for a in assessments),
        {"kind": "subprocessor_list"},
        {"kind": "subprocessor_list", "since": date(2024, 1, 1)},
        *({"kind": "subprocessor_list", "vendor_id": v} for v in vendors),
        {"kind": "privacy_notice_section"},
        {"kind": "record_extract"},
    ]
    out: dict[str, Any] = {}
    for as_of in DAYS:
        for language in ("en", "fi"):
            for job in jobs:
                key = "|".join([as_of.isoformat(), language, *(f"{k}={v}" for k, v in job.items())])
                out[key] = await _one(
                    session,
                    language=language,
                    as_of=as_of,
                    vendor_id=job.get("vendor_id"),
                    transfer_id=job.get("transfer_id"),
                    assessment_id=job.get("assessment_id"),
                    since=job.get("since"),
                    kind=job["kind"],
                )
        # A new version of the list reports what differs from the one before.
        first = out[f"{as_of.isoformat()}|en|kind=subprocessor_list"]
        listed = dict(first["snapshot"]["listed"])
        gone = sorted(listed, key=int)[0]
        changed = dict(listed.pop(gone))
        listed["999999"] = {"name": "Gone Ltd", "country": "US", "purpose": "x", "mechanism": "dpf"}
        listed[gone] = changed | {"country": "SE", "mechanism": "scc_2021"}
        previous = Document(snapshot={"listed": listed})
        for language in ("en", "fi"):
            out[f"{as_of.isoformat()}|{language}|previous"] = await _one(
                session,
                kind="subprocessor_list",
                language=language,
                as_of=as_of,
                vendor_id=None,
                transfer_id=None,
                assessment_id=None,
                since=None,
                previous=previous,
                changed_on=as_of,
            )
    return out


async def test_every_context_equals_the_one_before_the_gatherers_moved(
    db: Database, time_machine: Any
) -> None:
    time_machine.move_to(datetime.combine(DAY, time(12), tzinfo=UTC), tick=False)
    engine = create_engine(url=db.url)
    try:
        async with session_scope(engine) as session:
            await load_demo(session, today=DAY)
        async with session_scope(engine) as session:
            got = await _contexts(session)
            await session.rollback()
    finally:
        await engine.dispose()
    if os.environ.get("TRANSFERS_WRITE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(got, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    expected = json.loads(GOLDEN.read_text())
    assert sorted(got) == sorted(expected)
    for key in expected:
        assert got[key] == expected[key], key
