"""Read the sample register's data file and create its records through the domain services.

Each ``[[record]]`` of the file names its ``type`` and carries the API's fields for that record,
with references to other records by ``key`` instead of by id (``vendor = "helpdesk"`` for
``vendor_id``) and dates either fixed or relative to the load day (``"-1y+40d"``). The whole file
is read and checked first (types, keys, references, dates), so a typo fails before anything is
written, with :class:`SampleRegisterError` naming the record and the field; then each record goes
through its msgspec Create struct and its service, in the file's order.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import msgspec
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.agreement.schemas import AgreementCreate
from transfers.agreement.service import create_agreement
from transfers.assessment.schemas import AssessmentCreate
from transfers.assessment.service import create_assessment
from transfers.auth.schemas import Actor
from transfers.models import Vendor
from transfers.organisation.schemas import OrganisationCreate, ProcessingCreate
from transfers.organisation.service import create_organisation, create_processing
from transfers.transfer.schemas import TransferCreate
from transfers.transfer.service import create_transfer
from transfers.vendor.schemas import EngagementUpdate, VendorCreate
from transfers.vendor.service import create_vendor, set_engagement

DEMO_ACTOR = Actor(key_id=None, name="demo-loader", role="admin")

SAMPLE_REGISTER = Path(__file__).with_name("sample_register.toml")

#: ``+25d``, ``-2m``, ``-1y+40d``: signed amounts of years, months, weeks and days.
_RELATIVE = re.compile(r"(?:[+-]\d+[ymwd])+")
_PART = re.compile(r"([+-]\d+)([ymwd])")
_UNITS = {"y": "years", "m": "months", "w": "weeks", "d": "days"}


class SampleRegisterError(ValueError):
    """The sample register's data file is malformed: the message names the record and field."""


@dataclass(frozen=True, slots=True)
class _Reference:
    """A field of the data file that names another record by key, and the id field it fills."""

    kind: str
    into: str
    many: bool = False
    required: bool = False


Create = Callable[[AsyncSession, dict[str, Any], Actor], Awaitable[int | None]]


@dataclass(frozen=True, slots=True)
class _Kind:
    schema: type[msgspec.Struct]
    create: Create
    references: Mapping[str, _Reference] = field(default_factory=dict)
    count: str | None = None


async def _organisation(session: AsyncSession, fields: dict[str, Any], actor: Actor) -> int:
    return (
        await create_organisation(session, msgspec.convert(fields, OrganisationCreate), actor)
    ).id


async def _vendor(session: AsyncSession, fields: dict[str, Any], actor: Actor) -> int:
    return (await create_vendor(session, msgspec.convert(fields, VendorCreate), actor)).id


async def _processing(session: AsyncSession, fields: dict[str, Any], actor: Actor) -> int:
    return (await create_processing(session, msgspec.convert(fields, ProcessingCreate), actor)).id


async def _agreement(session: AsyncSession, fields: dict[str, Any], actor: Actor) -> int:
    return (await create_agreement(session, msgspec.convert(fields, AgreementCreate), actor)).id


async def _transfer(session: AsyncSession, fields: dict[str, Any], actor: Actor) -> int:
    return (await create_transfer(session, msgspec.convert(fields, TransferCreate), actor)).id


async def _assessment(session: AsyncSession, fields: dict[str, Any], actor: Actor) -> int:
    return (await create_assessment(session, msgspec.convert(fields, AssessmentCreate), actor)).id


async def _engagement(session: AsyncSession, fields: dict[str, Any], actor: Actor) -> None:
    """When a sub-processor starts (or stops) working for its parent (GDPR Art. 28(2))."""
    vendor_id, subprocessor_id = fields.pop("vendor_id"), fields.pop("subprocessor_id")
    dates = msgspec.convert(fields, EngagementUpdate)
    await set_engagement(
        session,
        vendor_id=vendor_id,
        subprocessor_id=subprocessor_id,
        engaged_on=dates.engaged_on,
        ended_on=dates.ended_on,
        actor=actor,
    )


_VENDOR = _Reference("vendor", "vendor_id", required=True)
_ORGANISATION = _Reference("organisation", "organisation_id")

#: Each record type: its schema, its service, the fields that refer to other records, and the
#: count `transfers demo` reports (in this order).
KINDS: Mapping[str, _Kind] = {
    "organisation": _Kind(OrganisationCreate, _organisation, count="organisations"),
    "vendor": _Kind(
        VendorCreate,
        _vendor,
        {
            "parent_vendors": _Reference("vendor", "parent_vendor_ids", many=True),
            "subprocessors": _Reference("vendor", "subprocessor_ids", many=True),
        },
        count="vendors",
    ),
    "agreement": _Kind(
        AgreementCreate,
        _agreement,
        {"vendor": _VENDOR, "organisation": _ORGANISATION},
        count="agreements",
    ),
    "transfer": _Kind(
        TransferCreate,
        _transfer,
        {
            "vendor": _VENDOR,
            "organisation": _ORGANISATION,
            "agreement": _Reference("agreement", "agreement_id"),
            "processing": _Reference("processing", "processing_id"),
        },
        count="transfers",
    ),
    "assessment": _Kind(
        AssessmentCreate,
        _assessment,
        {"transfer": _Reference("transfer", "transfer_id", required=True)},
        count="assessments",
    ),
    "processing": _Kind(
        ProcessingCreate,
        _processing,
        {"vendor": _VENDOR, "organisation": _ORGANISATION},
        count="processings",
    ),
    "engagement": _Kind(
        EngagementUpdate,
        _engagement,
        {
            "vendor": _VENDOR,
            "subprocessor": _Reference("vendor", "subprocessor_id", required=True),
        },
    ),
}


@dataclass(frozen=True, slots=True)
class Record:
    """One record of the data file, checked: dates resolved, references still by key."""

    number: int
    type: str
    key: str | None
    fields: dict[str, Any]
    references: dict[str, str | list[str]]

    @property
    def label(self) -> str:
        name = f" {self.key!r}" if self.key else ""
        return f"record {self.number} ({self.type}{name})"


@cache
def _date_fields(schema: type[msgspec.Struct]) -> frozenset[str]:
    """The fields of ``schema`` that hold a date (alone or in a union with None)."""
    info = msgspec.inspect.type_info(schema)
    assert isinstance(info, msgspec.inspect.StructType)

    def is_date(t: msgspec.inspect.Type) -> bool:
        if isinstance(t, msgspec.inspect.UnionType):
            return any(is_date(u) for u in t.types)
        return isinstance(t, msgspec.inspect.DateType)

    return frozenset(f.name for f in info.fields if is_date(f.type))


def relative_date(text: str, today: date) -> date | None:
    """``today`` moved by ``"+25d"``, ``"-2m"`` or ``"-1y+40d"`` (None when ``text`` is not one):
    years and months first, clamped to the end of a short month, then weeks and days."""
    if not _RELATIVE.fullmatch(text):
        return None
    amounts: dict[str, int] = {}
    for amount, unit in _PART.findall(text):
        amounts[_UNITS[unit]] = amounts.get(_UNITS[unit], 0) + int(amount)
    return today + relativedelta(**amounts)  # type: ignore[arg-type]


def read_register(data: Mapping[str, Any], today: date) -> list[Record]:
    """Check the whole data file before anything is written: every record's type, key,
    references (each to a record above it) and dates."""
    unknown = set(data) - {"record"}
    if unknown:
        raise SampleRegisterError(
            f"unknown top-level entries {sorted(unknown)}: every record is a [[record]]"
        )
    entries = data.get("record", [])
    if not isinstance(entries, list):
        raise SampleRegisterError("'record' must be an array of tables: [[record]]")
    defined_at: dict[tuple[str, str], int] = {}
    for number, entry in enumerate(entries, start=1):
        if isinstance(entry, dict) and isinstance(entry.get("key"), str):
            defined_at.setdefault((str(entry.get("type")), entry["key"]), number)

    records: list[Record] = []
    for number, entry in enumerate(entries, start=1):
        records.append(_read_record(number, entry, today, defined_at))
    return records


def _read_record(
    number: int, entry: Any, today: date, defined_at: Mapping[tuple[str, str], int]
) -> Record:
    where = f"record {number}"
    if not isinstance(entry, dict):
        raise SampleRegisterError(f"{where}: not a table")
    fields = dict(entry)
    type_ = fields.pop("type", None)
    if type_ not in KINDS:
        raise SampleRegisterError(
            f"{where}: type = {type_!r} is not one of {', '.join(sorted(KINDS))}"
        )
    kind = KINDS[type_]
    key = fields.pop("key", None)
    if key is not None:
        if not isinstance(key, str) or not key:
            raise SampleRegisterError(f"{where} ({type_}): key must be a non-empty string")
        if defined_at[(type_, key)] != number:
            raise SampleRegisterError(
                f"{where} ({type_} {key!r}): key {key!r} is already the key of "
                f"record {defined_at[(type_, key)]}"
            )
    record = Record(number, type_, key, {}, {})

    for name, ref in kind.references.items():
        if ref.into in fields:
            raise SampleRegisterError(
                f"{record.label}: {ref.into} - refer to the {ref.kind} by its key: {name} = ..."
            )
        value = fields.pop(name, None)
        if value is None:
            if ref.required:
                raise SampleRegisterError(
                    f"{record.label}: {name} is missing (the key of a {ref.kind} above)"
                )
            continue
        keys = value if ref.many else [value]
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            shape = "a list of keys" if ref.many else "a key"
            raise SampleRegisterError(f"{record.label}: {name} must be {shape} of {ref.kind}s")
        for k in keys:
            at = defined_at.get((ref.kind, k))
            if at is None:
                raise SampleRegisterError(f"{record.label}: {name} = {k!r} is no {ref.kind}'s key")
            if at >= number:
                below = "is this record" if at == number else f"is defined below (record {at})"
                raise SampleRegisterError(
                    f"{record.label}: {name} = {k!r} {below}; a record can refer only to one "
                    "above it"
                )
        record.references[ref.into] = keys if ref.many else keys[0]

    for name, value in fields.items():
        if name in _date_fields(kind.schema) and isinstance(value, str):
            moved = relative_date(value, today)
            if moved is None:
                raise SampleRegisterError(
                    f"{record.label}: {name} = {value!r} is neither a date (2024-06-01) nor "
                    'relative to the load day ("+25d", "-2m", "-1y+40d")'
                )
            value = moved
        record.fields[name] = value
    return record


async def register_is_empty(session: AsyncSession) -> bool:
    return not await session.scalar(select(func.count()).select_from(Vendor))


async def load_demo(
    session: AsyncSession,
    today: date | None = None,
    actor: Actor = DEMO_ACTOR,
    *,
    path: Path = SAMPLE_REGISTER,
) -> dict[str, int]:
    """Create the sample register in the caller's transaction; returns counts by entity."""
    today = today or date.today()
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except tomllib.TOMLDecodeError as exc:
        raise SampleRegisterError(f"{path.name}: {exc}") from exc
    try:
        records = read_register(data, today)
    except SampleRegisterError as exc:
        raise SampleRegisterError(f"{path.name}, {exc}") from None

    counts = {kind.count: 0 for kind in KINDS.values() if kind.count}
    ids: dict[tuple[str, str], int] = {}
    for record in records:
        kind = KINDS[record.type]
        fields = dict(record.fields)
        for into, keys in record.references.items():
            target = next(ref.kind for ref in kind.references.values() if ref.into == into)
            if isinstance(keys, list):
                fields[into] = [ids[(target, k)] for k in keys]
            else:
                fields[into] = ids[(target, keys)]
        try:
            new_id = await kind.create(session, fields, actor)
        except msgspec.ValidationError as exc:
            raise SampleRegisterError(f"{path.name}, {record.label}: {exc}") from exc
        except Exception as exc:
            exc.add_note(f"while loading {path.name}, {record.label}")
            raise
        if record.key is not None and new_id is not None:
            ids[(record.type, record.key)] = new_id
        if kind.count:
            counts[kind.count] += 1
    return counts
