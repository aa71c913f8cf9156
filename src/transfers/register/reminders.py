"""What reminders need beyond the engine's facts, read next to the register snapshot.

The snapshot holds the rows the rules engine reads; reminders also need owners, notice periods,
the objection window of general sub-processor authorisations and when a sub-processor was
notified. Those columns live in the same tables the register change log watches, so they are
loaded once per register version (a few narrow queries) and kept beside the snapshot, never
re-read per request. Read-only helpers: the snapshot itself is not changed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.infra.cache import RegisterCache
from transfers.infra.gc import gc_paused
from transfers.models import Agreement, Assessment, Transfer, Vendor, VendorSubprocessor
from transfers.register.rows import VendorRows, record_type, records
from transfers.register.snapshot import Snapshot, current


@dataclass(frozen=True, slots=True)
class AgreementExtras:
    notice_period: str | None
    subprocessor_authorisation: str | None
    objection_period_days: int | None
    owner: str | None


@dataclass(slots=True)
class ReminderRows:
    """Reminder-only columns of the register (``version`` None: a private read, not kept)."""

    version: int | None
    vendor_owner: dict[int, str | None]
    agreements: dict[int, AgreementExtras]
    assessment_owner: dict[int, str | None]
    notified: list[tuple[int, int, date]]
    seen: dict[int, VendorRows] = field(default_factory=dict)
    """The snapshot's rows of each vendor when these columns were read: a vendor whose rows
    object was replaced since then was written to, and only its columns are read again."""


_KEPT: Final = RegisterCache("reminder columns", size=1)
#: Past this many changed vendors one full read is cheaper than long IN lists.
FULL_RELOAD_AFTER: Final = 2000

_V = Vendor.__table__.c
_A = Agreement.__table__.c
_S = Assessment.__table__.c
_T = Transfer.__table__.c
_L = VendorSubprocessor.__table__.c


async def _rows(session: AsyncSession, stmt: Any, column: Any, ids: list[int] | None) -> list[Any]:
    if ids is None:
        return list((await session.execute(stmt)).all())
    out: list[Any] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        out.extend((await session.execute(stmt.where(column.in_(chunk)))).all())
    return out


async def _load(
    session: AsyncSession,
    snapshot: Snapshot,
    base: ReminderRows | None,
    changed: set[int] | None,
) -> ReminderRows:
    """The columns of every vendor (``changed`` None), or of ``changed`` vendors on top of
    ``base``."""
    ids = sorted(changed) if changed is not None else None
    vendors = await _rows(session, select(_V.id, _V.owner), _V.id, ids)
    agreements = await _rows(
        session,
        select(
            _A.id,
            _A.notice_period,
            _A.subprocessor_authorisation,
            _A.objection_period_days,
            _A.owner,
        ),
        _A.vendor_id,
        ids,
    )
    assessments = await _rows(
        session,
        select(_S.id, _S.owner)
        .join(Transfer.__table__, _T.id == _S.transfer_id)
        .where(_S.owner.is_not(None)),
        _T.vendor_id,
        ids,
    )
    links_stmt = select(_L.vendor_id, _L.subprocessor_id, _L.notified_on).where(
        _L.notified_on.is_not(None)
    )
    links = await _rows(session, links_stmt, _L.vendor_id, ids)
    if ids is not None:
        links += await _rows(session, links_stmt, _L.subprocessor_id, ids)
    # Tens of thousands of new objects would trigger cyclic GC passes over the whole snapshot;
    # none of them can be garbage yet.
    with gc_paused():
        out = ReminderRows(snapshot.version, {}, {}, {}, [], dict(snapshot.vendors))
        if base is not None and changed is not None:
            out.vendor_owner = {k: v for k, v in base.vendor_owner.items() if k not in changed}
            gone_agreements = {
                g.id for v in changed if v in base.seen for g in base.seen[v].agreements
            }
            gone_assessments = {
                a.id
                for v in changed
                if v in base.seen
                for found in base.seen[v].assessments.values()
                for a in found
            }
            out.agreements = {k: v for k, v in base.agreements.items() if k not in gone_agreements}
            out.assessment_owner = {
                k: v for k, v in base.assessment_owner.items() if k not in gone_assessments
            }
            out.notified = [n for n in base.notified if n[0] not in changed and n[1] not in changed]
        out.vendor_owner.update((r.id, r.owner) for r in vendors)
        out.agreements.update(
            (
                r.id,
                AgreementExtras(
                    r.notice_period, r.subprocessor_authorisation, r.objection_period_days, r.owner
                ),
            )
            for r in agreements
        )
        out.assessment_owner.update((r.id, r.owner) for r in assessments)
        out.notified.extend(
            sorted({(r.vendor_id, r.subprocessor_id, r.notified_on) for r in links})
        )
        return out


async def reminder_rows(session: AsyncSession) -> tuple[Snapshot, ReminderRows]:
    """The register snapshot and the reminder columns of the same version.

    A snapshot with uncommitted writes of this session (version None) gets a fresh, uncached
    read. After a write only the vendors whose snapshot rows were replaced are read again. The
    columns are read after the snapshot's version, so they are never older than it; a row
    missing from either side (a write in between) is skipped by the caller.
    """
    snapshot = await current(session)
    if snapshot.version is None:
        return snapshot, await _load(session, snapshot, None, None)
    kept: ReminderRows | None = _KEPT.stale(session, None)
    changed: set[int] | None = None
    if kept is not None:
        # Compared by the identity of each vendor's rows, not by the version number alone: the
        # snapshot replaces the rows of every vendor it reloads (a late commit included).
        changed = {v for v, rows in snapshot.vendors.items() if kept.seen.get(v) is not rows}
        changed |= kept.seen.keys() - snapshot.vendors.keys()
        if not changed:
            return snapshot, kept
        if len(changed) > FULL_RELOAD_AFTER:
            changed = None
    kept = await _load(session, snapshot, kept if changed is not None else None, changed)
    _KEPT.put(session, None, kept.version, kept)
    return snapshot, kept


_ONE_SHOT_VENDORS = select(_V.id, _V.name, _V.status, _V.owner)
_ONE_SHOT_AGREEMENTS = select(
    _A.id,
    _A.vendor_id,
    _A.kind,
    _A.status,
    _A.effective_on,
    _A.signed_on,
    _A.term,
    _A.ends_on,
    _A.auto_renew,
    _A.renewal_term,
    _A.notice_period,
    _A.subprocessor_authorisation,
    _A.objection_period_days,
    _A.owner,
)
_ONE_SHOT_TRANSFERS = select(
    _T.id,
    _T.vendor_id,
    _T.destination_country,
    _T.mechanism,
    _T.dpf_verified_on,
    _T.started_on,
    _T.ended_on,
)
_ONE_SHOT_ASSESSMENTS = select(
    _S.id,
    _S.transfer_id,
    _S.completed_on,
    _S.conclusion,
    _S.next_review_on,
    _S.owner,
    _T.vendor_id,
).join(Transfer.__table__, _T.id == _S.transfer_id)
_ONE_SHOT_LINKS = select(_L.vendor_id, _L.subprocessor_id, _L.notified_on)
_ONE_SHOT = tuple(
    (stmt, record_type(name, stmt))
    for name, stmt in (
        ("ReminderVendor", _ONE_SHOT_VENDORS),
        ("ReminderAgreement", _ONE_SHOT_AGREEMENTS),
        ("ReminderTransfer", _ONE_SHOT_TRANSFERS),
        ("ReminderAssessment", _ONE_SHOT_ASSESSMENTS),
        ("ReminderLink", _ONE_SHOT_LINKS),
    )
)


async def one_shot_rows(session: AsyncSession) -> tuple[Snapshot, ReminderRows]:
    """The columns reminders read, for a process that computes them once (the CLI): a few
    narrow queries instead of the whole register snapshot, which the engine's verdicts need
    but reminders do not. Nothing is kept (version None). Rows are named tuples, as in the
    snapshot (a ``Row`` reads each field by name in Python)."""
    vendor_rows, agreement_rows, transfer_rows, assessment_rows, link_rows = [
        await records(session, stmt, record) for stmt, record in _ONE_SHOT
    ]
    with gc_paused():
        vendors = {r.id: VendorRows(r) for r in vendor_rows}
        for g in agreement_rows:
            if g.vendor_id in vendors:
                vendors[g.vendor_id].agreements.append(g)
        for t in transfer_rows:
            if t.vendor_id in vendors:
                vendors[t.vendor_id].transfers.append(t)
        for a in assessment_rows:
            if a.vendor_id in vendors:
                vendors[a.vendor_id].assessments.setdefault(a.transfer_id, []).append(a)
        parents: dict[int, list[int]] = {}
        children: dict[int, list[int]] = {}
        for link in link_rows:
            children.setdefault(link.vendor_id, []).append(link.subprocessor_id)
            parents.setdefault(link.subprocessor_id, []).append(link.vendor_id)
        snapshot = Snapshot(
            version=None, vendors=vendors, children=children, parents=parents, loaded=True
        )
        extra = ReminderRows(
            None,
            {r.id: r.owner for r in vendor_rows},
            {
                g.id: AgreementExtras(
                    g.notice_period, g.subprocessor_authorisation, g.objection_period_days, g.owner
                )
                for g in agreement_rows
            },
            {a.id: a.owner for a in assessment_rows if a.owner is not None},
            sorted(
                (r.vendor_id, r.subprocessor_id, r.notified_on)
                for r in link_rows
                if r.notified_on is not None
            ),
            vendors,
        )
        return snapshot, extra
