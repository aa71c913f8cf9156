"""What reminders need beyond the engine's facts, read next to the register snapshot.

The snapshot holds the rows the rules engine reads; reminders also need owners, notice periods,
the objection window of general sub-processor authorisations and when a sub-processor was
notified. Those columns live in the same tables the register change log watches, so they are
loaded once per register version (a few narrow queries) and kept beside the snapshot, never
re-read per request. Read-only helpers: the snapshot itself is not changed here.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.models import Agreement, Assessment, Vendor, VendorSubprocessor
from transfers.register.snapshot import Snapshot, current


@dataclass(frozen=True, slots=True)
class AgreementExtras:
    notice_period: str | None
    subprocessor_authorisation: str | None
    objection_period_days: int | None
    owner: str | None


@dataclass(slots=True)
class ReminderRows:
    """Reminder-only columns of the register at ``version`` (None: not cacheable)."""

    version: int | None
    vendor_owner: dict[int, str | None]
    agreements: dict[int, AgreementExtras]
    assessment_owner: dict[int, str | None]
    notified: list[tuple[int, int, date]]
    cache: dict[Any, Any] = field(default_factory=dict)
    """Inputs built from these rows for one day and settings (see reminder.service)."""


_KEPT: weakref.WeakKeyDictionary[Engine, ReminderRows] = weakref.WeakKeyDictionary()

_V = Vendor.__table__.c
_A = Agreement.__table__.c
_S = Assessment.__table__.c
_L = VendorSubprocessor.__table__.c


async def _load(session: AsyncSession, version: int | None) -> ReminderRows:
    vendor_owner = {r.id: r.owner for r in await session.execute(select(_V.id, _V.owner))}
    agreements = {
        r.id: AgreementExtras(
            r.notice_period, r.subprocessor_authorisation, r.objection_period_days, r.owner
        )
        for r in await session.execute(
            select(
                _A.id,
                _A.notice_period,
                _A.subprocessor_authorisation,
                _A.objection_period_days,
                _A.owner,
            )
        )
    }
    assessment_owner = {
        r.id: r.owner
        for r in await session.execute(select(_S.id, _S.owner).where(_S.owner.is_not(None)))
    }
    notified = [
        (r.vendor_id, r.subprocessor_id, r.notified_on)
        for r in await session.execute(
            select(_L.vendor_id, _L.subprocessor_id, _L.notified_on).where(
                _L.notified_on.is_not(None)
            )
        )
    ]
    return ReminderRows(version, vendor_owner, agreements, assessment_owner, notified)


async def reminder_rows(session: AsyncSession) -> tuple[Snapshot, ReminderRows]:
    """The register snapshot and the reminder columns of the same version.

    A snapshot with uncommitted writes of this session (version None) gets a fresh, uncached
    read. The extra columns are read after the snapshot's version, so they are never older than
    it; a row missing from either side (a write in between) is skipped by the caller.
    """
    snapshot = await current(session)
    if snapshot.version is None:
        return snapshot, await _load(session, None)
    engine = session.sync_session.get_bind()
    assert isinstance(engine, Engine)
    kept = _KEPT.get(engine)
    if kept is None or kept.version != snapshot.version:
        kept = await _load(session, snapshot.version)
        _KEPT[engine] = kept
    return snapshot, kept
