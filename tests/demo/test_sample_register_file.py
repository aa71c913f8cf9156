"""The sample register's data file: references by key, dates relative to the load day, and an
error that names the record and the field when the file is wrong."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.common.problems import ProblemError
from transfers.demo import (
    SAMPLE_REGISTER,
    SampleRegisterError,
    load_demo,
    read_register,
    register_is_empty,
)
from transfers.demo.loader import relative_date
from transfers.models import Processing, Transfer, Vendor, VendorSubprocessor

DAY = date(2026, 11, 24)

ORGANISATION = '[[record]]\ntype = "organisation"\nkey = "us"\nname = "Us Oy"\ncountry = "FI"\n'


def _vendor(key: str, country: str = '"US"', **extra: str) -> str:
    lines = [f"{name} = {value}" for name, value in extra.items()]
    return "\n".join(
        [
            "[[record]]",
            'type = "vendor"',
            f'key = "{key}"',
            f'name = "Vendor {key}"',
            f"country = {country}",
            'role = "processor"',
            *lines,
            "",
        ]
    )


def _read(text: str) -> Any:
    return read_register(tomllib.loads(text), DAY)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("+25d", DAY, date(2026, 12, 19)),
        ("-2m", DAY, date(2026, 9, 24)),
        ("-13m", DAY, date(2025, 10, 24)),
        ("+1w", DAY, date(2026, 12, 1)),
        # a year back from a leap day is the 28th of February; the days are added after
        ("-1y+40d", date(2028, 2, 29), date(2027, 4, 9)),
        ("+40d-1y", date(2028, 2, 29), date(2027, 4, 9)),
        ("-2y+20d", date(2028, 2, 29), date(2026, 3, 20)),
        ("2024-06-01", DAY, None),
        ("25d", DAY, None),
        ("+25", DAY, None),
        ("", DAY, None),
    ],
)
def test_a_relative_date_moves_the_load_day(text: str, today: date, expected: date | None) -> None:
    assert relative_date(text, today) == expected


def test_the_sample_register_reads_without_a_database() -> None:
    with SAMPLE_REGISTER.open("rb") as file:
        records = read_register(tomllib.load(file), DAY)
    assert len(records) == 48
    assessment = next(r for r in records if r.type == "assessment")
    assert assessment.references == {"transfer": "helpdesk_tickets"}
    assert assessment.fields["next_review_on"] == date(2026, 12, 19)
    assert assessment.fields["completed_on"] == date(2025, 12, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            ORGANISATION
            + _vendor("a")
            + '[[record]]\ntype = "agreement"\nvendor = "b"\nkind = "dpa"\n',
            "record 3 (agreement): vendor = 'b' is no vendor's key",
        ),
        (
            _vendor("a", parent_vendors='["a", "zz"]'),
            "record 1 (vendor 'a'): parent_vendors = 'a' is this record",
        ),
        (
            _vendor("a", parent_vendors='["b"]') + _vendor("b"),
            "record 1 (vendor 'a'): parent_vendors = 'b' is defined below (record 2)",
        ),
        (
            ORGANISATION + _vendor("a") + '[[record]]\ntype = "transfer"\nvendor = "a"\n'
            'agreement = "us"\nexporter_role = "controller"\ndestination_country = "US"\n'
            'mechanism = "none"\n',
            "record 3 (transfer): agreement = 'us' is no agreement's key",
        ),
        (
            _vendor("a") + '[[record]]\ntype = "agreement"\nvendor_id = 1\nkind = "dpa"\n',
            "record 2 (agreement): vendor_id - refer to the vendor by its key: vendor = ...",
        ),
        (
            '[[record]]\ntype = "assessment"\ncompleted_on = 2025-01-01\n',
            "record 1 (assessment): transfer is missing (the key of a transfer above)",
        ),
        (
            _vendor("a") + _vendor("a"),
            "record 2 (vendor 'a'): key 'a' is already the key of record 1",
        ),
        (
            _vendor("a") + '[[record]]\ntype = "agreement"\nvendor = "a"\nkind = "dpa"\n'
            'signed_on = "last year"\n',
            "record 2 (agreement): signed_on = 'last year' is neither a date",
        ),
        ('[[record]]\ntype = "contract"\n', "record 1: type = 'contract' is not one of"),
        ('[[vendor]]\nname = "x"\n', "unknown top-level entries ['vendor']"),
    ],
)
def test_a_wrong_data_file_names_the_record_and_the_field(text: str, message: str) -> None:
    with pytest.raises(SampleRegisterError) as error:
        _read(text)
    assert message in str(error.value)


async def test_an_unknown_key_fails_before_anything_is_written(
    session: AsyncSession, tmp_path: Path
) -> None:
    path = tmp_path / "register.toml"
    path.write_text(
        ORGANISATION + _vendor("a") + '[[record]]\ntype = "processing"\nvendor = "nope"\n'
        'service = "Hosting"\n',
        encoding="utf-8",
    )
    with pytest.raises(SampleRegisterError, match=r"register\.toml, record 3 \(processing\): "):
        await load_demo(session, today=DAY, path=path)
    assert await register_is_empty(session)


async def test_a_value_the_schema_refuses_names_the_record(
    session: AsyncSession, tmp_path: Path
) -> None:
    path = tmp_path / "register.toml"
    path.write_text(_vendor("a") + _vendor("b", status='"gone"'), encoding="utf-8")
    with pytest.raises(SampleRegisterError, match=r"record 2 \(vendor 'b'\): .*\$\.status"):
        await load_demo(session, today=DAY, path=path)


async def test_a_value_the_service_refuses_is_its_problem_with_the_record_noted(
    session: AsyncSession, tmp_path: Path
) -> None:
    path = tmp_path / "register.toml"
    path.write_text(_vendor("a") + _vendor("b", country='"USA"'), encoding="utf-8")
    with pytest.raises(ProblemError, match="Unknown country code 'USA'") as error:
        await load_demo(session, today=DAY, path=path)
    assert error.value.__notes__ == ["while loading register.toml, record 2 (vendor 'b')"]


async def test_a_new_record_needs_only_the_data_file(session: AsyncSession, tmp_path: Path) -> None:
    """Every reference the loader knows, including the two the sample register does not use
    (a vendor's sub-processors, a transfer's processing)."""
    path = tmp_path / "register.toml"
    path.write_text(
        ORGANISATION
        + _vendor("child")
        + _vendor("parent", subprocessors='["child"]')
        + '[[record]]\ntype = "processing"\nkey = "hosting"\nvendor = "parent"\n'
        'organisation = "us"\nservice = "Hosting"\n'
        '[[record]]\ntype = "transfer"\nvendor = "parent"\norganisation = "us"\n'
        'processing = "hosting"\nexporter_role = "controller"\ndestination_country = "US"\n'
        'mechanism = "dpf"\ndpf_certified = true\ndpf_verified_on = "-1m"\n'
        '[[record]]\ntype = "engagement"\nvendor = "parent"\nsubprocessor = "child"\n'
        'engaged_on = "-1w"\n',
        encoding="utf-8",
    )
    counts = await load_demo(session, today=DAY, path=path)
    assert counts == {
        "organisations": 1,
        "vendors": 2,
        "agreements": 0,
        "transfers": 1,
        "assessments": 0,
        "processings": 1,
    }
    vendors = {v.name: v.id for v in await session.scalars(select(Vendor))}
    link = await session.scalar(select(VendorSubprocessor))
    assert link is not None
    assert (link.vendor_id, link.subprocessor_id) == (
        vendors["Vendor parent"],
        vendors["Vendor child"],
    )
    assert link.engaged_on == date(2026, 11, 17)
    transfer = await session.scalar(select(Transfer))
    assert transfer is not None
    assert transfer.processing_id == await session.scalar(select(Processing.id))
    assert transfer.dpf_verified_on == date(2026, 10, 24)
