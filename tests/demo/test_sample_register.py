"""The sample register, row for row: what `transfers demo` loads for a given day is pinned in
``sample_register.json`` (every table, in id order; only the clock's timestamps left out).

The file was captured from the loader that built the register as Python literals, before the
register became a data file, so this test proves the data file loads the same register: the same
records, fields, links, dates, audit trail and change log. The clock is moved to the load day, as
the services date some rows by it. A deliberate change to the sample
register rewrites the file: ``TRANSFERS_UPDATE_SAMPLE_REGISTER=1 pytest tests/demo``.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, DateTime, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from transfers.db import session_factory
from transfers.demo import load_demo
from transfers.models import Base

SNAPSHOT = Path(__file__).with_name("sample_register.json")

#: A day in the autumn (the suite's own) and a leap day, where "a year ago" is clamped to the
#: 28th of February before the days are added.
DAYS = (date(2026, 11, 24), date(2028, 2, 29))


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _is_timestamp(column: Column[Any]) -> bool:
    return isinstance(getattr(column.type, "impl", column.type), DateTime)


async def dump(session: AsyncSession) -> dict[str, list[dict[str, Any]]]:
    """Every non-empty table's rows in primary-key order, without the columns the clock fills."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if not _is_timestamp(c)]
        statement = select(*columns).order_by(*table.primary_key.columns)
        rows = [
            {key: _plain(value) for key, value in row.items()}
            for row in (await session.execute(statement)).mappings()
        ]
        if rows:
            tables[table.name] = rows
    return dict(sorted(tables.items()))


def _one_row_a_line(snapshot: dict[str, Any]) -> str:
    """JSON with one table row a line, so that a change to the register reads as a short diff."""

    def compact(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    days = []
    for day, content in sorted(snapshot.items()):
        tables = ",\n".join(
            f"   {compact(name)}: [\n"
            + ",\n".join(f"    {compact(row)}" for row in rows)
            + "\n   ]"
            for name, rows in content["tables"].items()
        )
        days.append(
            f' {compact(day)}: {{\n  "counts": {compact(content["counts"])},\n'
            f'  "tables": {{\n{tables}\n  }}\n }}'
        )
    return "{\n" + ",\n".join(days) + "\n}\n"


async def _load_and_dump(engine: AsyncEngine, day: date) -> tuple[dict[str, int], Any]:
    maker = session_factory(engine)
    async with maker() as session:
        counts = await load_demo(session, today=day)
        await session.commit()
    async with maker() as session:
        return counts, await dump(session)


@pytest.mark.parametrize("day", DAYS, ids=str)
async def test_the_sample_register_loads_row_for_row_as_pinned(
    engine: AsyncEngine, day: date, time_machine: Any
) -> None:
    # The clock too: a new sub-processor link is dated the day it is written (notified_on).
    time_machine.move_to(datetime.combine(day, time(12), tzinfo=UTC), tick=True)
    counts, tables = await _load_and_dump(engine, day)
    got = {"counts": counts, "tables": tables}
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    if os.environ.get("TRANSFERS_UPDATE_SAMPLE_REGISTER"):
        snapshot[day.isoformat()] = got
        SNAPSHOT.write_text(_one_row_a_line(snapshot), encoding="utf-8")
    want = snapshot[day.isoformat()]
    assert list(counts) == [  # the order `transfers demo` reports them in
        "organisations",
        "vendors",
        "agreements",
        "transfers",
        "assessments",
        "processings",
    ]
    assert got["counts"] == want["counts"]
    assert got["tables"].keys() == want["tables"].keys()
    for name, rows in want["tables"].items():
        assert len(got["tables"][name]) == len(rows), name
        for i, row in enumerate(rows):
            assert got["tables"][name][i] == row, f"{name} row {i + 1}"
