"""Reminders: deadlines are always recomputed from the register; only what people did with
them (acknowledged, snoozed, done) and what was sent are stored."""

from __future__ import annotations

import asyncio
import hashlib
import heapq
import re
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final, TypeVar, cast

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.audit.service import record
from transfers.auth.schemas import Actor
from transfers.common.problems import ProblemError, invalid, not_found
from transfers.infra.cache import RegisterCache
from transfers.infra.gc import gc_paused
from transfers.infra.state import dialect_name
from transfers.intake.service import open_conditions
from transfers.models import CalendarFeed, ReminderDelivery, ReminderState, User
from transfers.notice.service import decide_by, pending_with_deadlines
from transfers.reference import load_reference
from transfers.register.reminders import ReminderRows, one_shot_rows, reminder_rows
from transfers.register.rows import VendorRows
from transfers.register.snapshot import Snapshot
from transfers.reminder.digest import build_digest, send_messages
from transfers.reminder.schemas import ReminderRead
from transfers.rules.calendar import parse_duration
from transfers.rules.deadlines import (
    DEFAULT_LEADS,
    KINDS,
    AgreementInput,
    AssessmentInput,
    ConditionInput,
    CustomerNoticeInput,
    Deadline,
    LegalEventInput,
    NoticeInput,
    SubprocessorChangeInput,
    TransferInput,
    compute_deadlines,
    due_leads,
    parse_leads,
)
from transfers.rules.evaluate import deciding_assessment, is_active
from transfers.rules.facts import AssessmentFacts, TransferFacts
from transfers.settings import Settings

AGREEMENT_LABELS = {
    "dpa": "DPA",
    "joint_controller": "joint-controller arrangement",
    "other": "agreement",
}
T = TypeVar("T")
_WITHIN = re.compile(r"^\s*(\d+)\s*([dwmy]?)\s*$", re.IGNORECASE)
MAX_WITHIN_DAYS = 3660


def parse_within(text: str | None, default: int = 90) -> int:
    """``90d``, ``12w``, ``3m``, ``1y``, plain days, or an ISO duration such as ``P3M``."""
    if text is None or not text.strip():
        return default
    match = _WITHIN.match(text)
    if match:
        number, unit = int(match.group(1)), (match.group(2) or "d").lower()
        days = number * {"d": 1, "w": 7, "m": 30, "y": 365}[unit]
    else:
        try:
            delta = parse_duration(text)
        except ValueError as exc:
            raise invalid(
                f"within must look like 90d, 12w, 3m or P3M, got {text!r}.", field="within"
            ) from exc
        days = delta.years * 365 + delta.months * 30 + delta.days
    if days > MAX_WITHIN_DAYS:
        raise invalid(f"within may be at most {MAX_WITHIN_DAYS} days.", field="within")
    return days


def lead_table(settings: Settings) -> dict[str, tuple[int, ...]]:
    """Lead times per kind: defaults, overridden by TRANSFERS_REMINDER_LEAD_DAYS
    (``90,30,7`` for every kind, or ``notice_deadline=60,14;assessment_review=30``)."""
    table = dict(DEFAULT_LEADS)
    raw = settings.reminder_lead_days.strip()
    if not raw:
        return table
    if "=" not in raw:
        leads = parse_leads(raw)
        return dict.fromkeys(KINDS, leads)
    for part in raw.split(";"):
        if not part.strip():
            continue
        kind, _, values = part.partition("=")
        if kind.strip() not in KINDS:
            raise ValueError(
                f"Unknown reminder kind {kind.strip()!r} in TRANSFERS_REMINDER_LEAD_DAYS."
            )
        table[kind.strip()] = parse_leads(values)
    return table


def legal_events(as_of: date) -> list[LegalEventInput]:
    """Expiry and end-of-validity dates from the reference data, from ``as_of`` on."""
    ref = load_reference()
    events: list[LegalEventInput] = []
    for decision in ref.adequacy_decisions():
        if decision.valid_until is not None and decision.valid_until >= as_of - timedelta(days=365):
            events.append(
                LegalEventInput(
                    key=f"adequacy:{decision.id}",
                    on=decision.valid_until,
                    title=f"Adequacy decision {decision.name} expires unless extended",
                    citation=decision.expiry_citation,
                    countries=tuple(decision.countries),
                    mechanism=None,
                    title_key="legal_adequacy",
                )
            )
    for mechanism in ref.mechanisms():
        end = mechanism.valid_until or mechanism.invalid_from
        if end is not None and end >= as_of - timedelta(days=365):
            events.append(
                LegalEventInput(
                    key=f"mechanism:{mechanism.code}",
                    on=end,
                    title=f"{mechanism.name} can no longer be relied on",
                    citation=mechanism.invalidation_citation
                    or mechanism.repeal_citation
                    or mechanism.citation,
                    mechanism=mechanism.code,
                    title_key="legal_mechanism",
                )
            )
    return events


@dataclass(frozen=True, slots=True)
class Filters:
    kind: str | None = None
    owner: str | None = None
    vendor_id: int | None = None
    include_done: bool = False


def _vendor_inputs(
    rows: VendorRows,
    extra: ReminderRows,
    as_of: date,
    default_owner: str | None,
    countries: set[str],
    mechanisms: set[str],
) -> tuple[list[AgreementInput], list[AssessmentInput], list[TransferInput]]:
    """One vendor's deadline inputs from the register read model. Whether a transfer is active
    and which TIA decides are the engine's own answers (``is_active``, ``deciding_assessment``),
    so a reminder never disagrees with a verdict.

    A transfer matters to deadlines only through DPF re-verification or a legal event on its
    country or mechanism, so the others are not copied (most of a 50,000-transfer register).
    """
    v = rows.vendor
    vendor_id, name = v.id, v.name
    vendor_owner = extra.vendor_owner.get(vendor_id) or default_owner
    agreements: list[AgreementInput] = []
    assessments: list[AssessmentInput] = []
    transfers: list[TransferInput] = []
    for g in rows.agreements:
        more = extra.agreements.get(g.id)
        if more is None:
            continue  # written after the snapshot's version: the next version has it
        agreements.append(
            AgreementInput(
                g.id,
                vendor_id,
                name,
                g.kind,
                g.status,
                g.effective_on or g.signed_on,
                g.term,
                g.ends_on,
                g.auto_renew,
                g.renewal_term,
                more.notice_period,
                more.subprocessor_authorisation,
                more.objection_period_days,
                more.owner or vendor_owner,
            )
        )
    for t in rows.transfers:
        found = rows.assessments.get(t.id)
        dated = t.mechanism in mechanisms or t.destination_country in countries
        if not dated and not found:
            continue
        if dated:
            # The engine reads only started_on / ended_on to decide activity.
            active = is_active(cast(TransferFacts, t), as_of)
            transfers.append(
                TransferInput(
                    t.id,
                    vendor_id,
                    name,
                    t.destination_country,
                    t.mechanism,
                    t.dpf_verified_on,
                    active,
                    vendor_owner,
                    t.ended_on,
                )
            )
        if not found or (t.ended_on is not None and t.ended_on < as_of):
            continue  # a TIA of a transfer that has ended needs no re-evaluation
        tia = deciding_assessment(
            (AssessmentFacts(a.id, a.completed_on, a.conclusion, a.next_review_on) for a in found),
            as_of,
        )
        if tia is None or tia.id is None:
            continue
        assessments.append(
            AssessmentInput(
                tia.id,
                t.id,
                vendor_id,
                name,
                tia.completed_on,
                tia.next_review_on,
                extra.assessment_owner.get(tia.id) or vendor_owner,
            )
        )
    return agreements, assessments, transfers


@dataclass(slots=True)
class _Kept:
    """Register deadlines for one day, horizon and settings: per vendor, with the snapshot rows
    they came from, and merged in report order."""

    version: int | None
    per_vendor: dict[int, tuple[VendorRows, list[Deadline]]]
    merged: list[Deadline]


#: Deadlines per horizon (day, window, owner, review period, holidays, reference version).
_KEPT: Final = RegisterCache("reminder deadlines", size=8)


def _register_deadlines(
    session: AsyncSession,
    snapshot: Snapshot,
    extra: ReminderRows,
    as_of: date,
    within_days: int,
    settings: Settings,
) -> list[Deadline]:
    """Deadlines that follow from register rows and the reference data alone.

    Computed per vendor and kept beside the snapshot: after a write only the vendors whose
    snapshot rows were replaced (and their parents, whose objection windows name them) are
    computed again, so one edit does not recompute 10,000 vendors.
    """
    owner = settings.reminder_default_owner
    ref = load_reference()
    key = (
        as_of,
        within_days,
        owner,
        settings.assessment_review_months,
        settings.holiday_country,
        ref.version,
    )
    kept: _Kept | None = _KEPT.stale(session, key)
    previous = kept.per_vendor if kept is not None and extra.version is not None else {}
    # A vendor changed when the snapshot replaced its rows (any write, a late commit included).
    changed = {
        vendor_id
        for vendor_id, rows in snapshot.vendors.items()
        if vendor_id not in previous or previous[vendor_id][0] is not rows
    }
    gone = previous.keys() - snapshot.vendors.keys()
    if kept is not None and extra.version is not None and not changed and not gone:
        return kept.merged
    changed |= {p for v in changed | gone for p in snapshot.parents.get(v, ())}
    events = legal_events(as_of)
    countries = {c for e in events for c in e.countries}
    mechanisms = {e.mechanism for e in events if e.mechanism is not None} | {"dpf"}
    dpf = ref.mechanism("dpf")
    labels = {m.code: m.name for m in ref.mechanisms()} | AGREEMENT_LABELS
    notified: dict[int, list[SubprocessorChangeInput]] = {}
    for parent, child, notified_on in extra.notified:
        if parent in changed:
            notified.setdefault(parent, []).append(
                SubprocessorChangeInput(
                    parent, _name(snapshot, parent), child, _name(snapshot, child), notified_on
                )
            )

    def deadlines(
        agreements: list[AgreementInput],
        assessments: list[AssessmentInput],
        transfers: list[TransferInput],
        changes: Iterable[SubprocessorChangeInput],
    ) -> list[Deadline]:
        return compute_deadlines(
            agreements=agreements,
            assessments=assessments,
            transfers=transfers,
            legal_events=events,
            subprocessor_changes=changes,
            as_of=as_of,
            horizon_days=within_days,
            review_cadence_months=settings.assessment_review_months,
            dpf_reverification_months=(
                dpf.reverification_months if dpf and dpf.reverification_months else 12
            ),
            dpf_citation=(dpf.reverification_citation or dpf.citation) if dpf else "",
            kind_labels=labels,
            holiday_country=settings.holiday_country,
        )

    if extra.version is None:
        # Nothing is kept (uncommitted writes, or a one-shot process): one pass over all.
        def everything() -> list[Deadline]:
            agreements: list[AgreementInput] = []
            assessments: list[AssessmentInput] = []
            transfers: list[TransferInput] = []
            for rows in snapshot.vendors.values():
                if rows.vendor.status != "offboarded":
                    a, s, t = _vendor_inputs(rows, extra, as_of, owner, countries, mechanisms)
                    agreements += a
                    assessments += s
                    transfers += t
            changes = [c for found in notified.values() for c in found]
            return deadlines(agreements, assessments, transfers, changes)

        return _built(everything)

    def build() -> dict[int, tuple[VendorRows, list[Deadline]]]:
        per_vendor = {
            vendor_id: found
            for vendor_id, found in previous.items()
            if vendor_id in snapshot.vendors and vendor_id not in changed
        }
        for vendor_id in changed:
            rows = snapshot.vendors.get(vendor_id)
            if rows is None:
                continue
            if rows.vendor.status == "offboarded":
                per_vendor[vendor_id] = (rows, [])
                continue
            agreements, assessments, transfers = _vendor_inputs(
                rows, extra, as_of, owner, countries, mechanisms
            )
            per_vendor[vendor_id] = (
                rows,
                deadlines(agreements, assessments, transfers, notified.get(vendor_id, ())),
            )
        return per_vendor

    def build_and_merge() -> tuple[dict[int, tuple[VendorRows, list[Deadline]]], list[Deadline]]:
        per_vendor = build()
        return per_vendor, sorted(
            (d for _, found in per_vendor.values() for d in found), key=_order
        )

    per_vendor, merged = _built(build_and_merge)
    _KEPT.put(session, key, extra.version, _Kept(extra.version, per_vendor, merged))
    return merged


def _name(snapshot: Snapshot, vendor_id: int) -> str:
    rows = snapshot.vendors.get(vendor_id)
    return rows.vendor.name if rows is not None else f"vendor {vendor_id}"


def _built(build: Callable[[], T]) -> T:
    """``build()`` with cyclic GC paused: tens of thousands of new dataclasses trigger GC passes
    over every object the snapshot holds, and none of them is garbage (issue 13 profile)."""
    with gc_paused():
        return build()


def _order(d: Deadline) -> tuple[date, str, str]:
    return d.report_on, d.kind, d.key


async def compute(
    session: AsyncSession,
    as_of: date,
    within_days: int,
    settings: Settings,
    *,
    one_shot: bool = False,
) -> list[Deadline]:
    """Every deadline up to ``within_days`` ahead, plus overdue ones from the past year.

    Register deadlines come from the register snapshot (recomputed only when the register
    changed); intake conditions and sub-processor notices, which are not register rows, are
    queried and computed per call and merged in order.
    """
    snapshot, extra = await (one_shot_rows(session) if one_shot else reminder_rows(session))
    default_owner = settings.reminder_default_owner
    register_part = _register_deadlines(session, snapshot, extra, as_of, within_days, settings)

    def vendor(vid: int | None) -> tuple[str, str | None]:
        rows = snapshot.vendors.get(vid) if vid is not None else None
        if rows is None:
            return f"vendor {vid}", None
        return rows.vendor.name, extra.vendor_owner.get(rows.vendor.id)

    conditions = [
        ConditionInput(
            intake.id,
            number,
            condition["text"],
            date.fromisoformat(condition["due_on"]),
            intake.vendor_id,
            intake.vendor_name,
            intake.requester_email
            or (vendor(intake.vendor_id)[1] if intake.vendor_id else None)
            or default_owner,
        )
        for intake, number, condition in await open_conditions(session)
    ]
    notices = [
        NoticeInput(
            n.id,
            n.vendor_id,
            vendor(n.vendor_id)[0],
            n.subprocessor_name,
            n.change,
            decide_by(n),
            n.authorisation != "general",
            vendor(n.vendor_id)[1] or default_owner,
        )
        for n in await pending_with_deadlines(session)
    ]
    customer_notices = await _customer_notices(session, default_owner)
    if not conditions and not notices and not customer_notices:
        return list(register_part)
    workflow_part = compute_deadlines(
        conditions=conditions,
        notices=notices,
        customer_notices=customer_notices,
        as_of=as_of,
        horizon_days=within_days,
        holiday_country=settings.holiday_country,
    )
    return list(heapq.merge(register_part, workflow_part, key=_order))


async def _customer_notices(
    session: AsyncSession, default_owner: str | None
) -> list[CustomerNoticeInput]:
    """What our own sent sub-processor changes still need from us, per customer notice: the
    objection period closing (general), consent before the effective date (specific), or an
    open objection to resolve by then (GDPR Art. 28(2))."""
    from transfers.models import Customer, CustomerNotice, SubprocessorChange

    rows = await session.execute(
        select(CustomerNotice, SubprocessorChange, Customer.legal_name)
        .join(SubprocessorChange, SubprocessorChange.id == CustomerNotice.change_id)
        .join(Customer, Customer.id == CustomerNotice.customer_id)
        .where(SubprocessorChange.state == "sent", CustomerNotice.resolution.is_(None))
    )
    out: list[CustomerNoticeInput] = []
    for notice, change, name in rows.all():
        owner = change.owner or default_owner
        if notice.response == "objected":
            step, due = "objection_open", change.effective_on
        elif notice.response == "consented":
            continue
        elif notice.authorisation == "specific":
            step, due = "consent_needed", change.effective_on
        elif notice.sent_on is not None:
            step = "objection_closes"
            due = notice.sent_on + timedelta(days=notice.objection_period_days or 0)
        else:
            continue
        out.append(CustomerNoticeInput(notice.id, change.id, name, change.name, due, step, owner))
    return out


async def states(session: AsyncSession) -> dict[str, ReminderState]:
    return {row.key: row for row in (await session.scalars(select(ReminderState))).all()}


def effective_state(state: ReminderState | None, as_of: date) -> tuple[str, date | None]:
    if state is None:
        return "open", None
    if (
        state.state == "snoozed"
        and state.snoozed_until is not None
        and state.snoozed_until <= as_of
    ):
        return "open", None
    return state.state, state.snoozed_until


def to_read(d: Deadline, state: ReminderState | None, as_of: date) -> ReminderRead:
    value, until = effective_state(state, as_of)
    return ReminderRead(
        key=d.key,
        kind=d.kind,
        due_on=d.due_on,
        report_on=d.report_on,
        days_left=(d.report_on - as_of).days,
        overdue=d.report_on < as_of,
        title=d.title,
        entity_type=d.entity_type,
        entity_id=d.entity_id,
        vendor_id=d.vendor_id,
        vendor_name=d.vendor_name,
        owner=(state.owner if state and state.owner else d.owner),
        citation=d.citation,
        state=value,  # type: ignore[arg-type]
        snoozed_until=until,
        title_key=d.title_key,
        title_params=dict(d.title_params),
    )


async def list_reminders(
    session: AsyncSession,
    *,
    as_of: date,
    within_days: int,
    filters: Filters,
    settings: Settings,
    one_shot: bool = False,
) -> list[ReminderRead]:
    """Reminders with their states; ``one_shot`` for a process that asks once (the CLI), which
    reads only the columns reminders need instead of loading the shared register snapshot."""
    found = await compute(session, as_of, within_days, settings, one_shot=one_shot)
    known = await states(session)
    out = []
    for d in found:
        item = to_read(d, known.get(d.key), as_of)
        if item.state == "done" and not filters.include_done:
            continue
        if item.state == "snoozed" and not filters.include_done:
            continue
        if filters.kind and d.kind != filters.kind:
            continue
        if filters.owner and (item.owner or "").lower() != filters.owner.lower():
            continue
        if filters.vendor_id is not None and d.vendor_id != filters.vendor_id:
            continue
        out.append(item)
    return out


async def set_state(
    session: AsyncSession,
    key: str,
    *,
    state: str,
    snoozed_until: date | None,
    owner: str | None,
    actor: Actor,
    as_of: date,
    settings: Settings,
) -> ReminderState:
    """Acknowledge, snooze, close or reopen a reminder (audited). The key must be one the
    register currently produces, so a typo cannot create a ghost state."""
    if state == "snoozed":
        if snoozed_until is None:
            raise invalid("Snoozing needs snoozed_until (a future date).", field="snoozed_until")
        if snoozed_until <= as_of:
            raise invalid("snoozed_until must be after today.", field="snoozed_until")
    elif snoozed_until is not None:
        raise invalid("snoozed_until applies only to state 'snoozed'.", field="snoozed_until")
    exists = any(d.key == key for d in await compute(session, as_of, MAX_WITHIN_DAYS, settings))
    row = await session.scalar(select(ReminderState).where(ReminderState.key == key))
    if not exists and row is None:
        raise not_found("Reminder", key)
    before = (
        {"state": row.state, "snoozed_until": row.snoozed_until, "owner": row.owner}
        if row
        else None
    )
    if row is None:
        row = ReminderState(key=key)
        session.add(row)
    row.state = state
    row.snoozed_until = snoozed_until
    if owner is not None:
        row.owner = owner
    row.updated_by = actor.label
    await session.flush()
    await record(
        session,
        actor,
        "update",
        "reminder",
        row.id,
        before,
        {"key": key, "state": state, "snoozed_until": snoozed_until, "owner": row.owner},
    )
    return row


# Calendar feeds ---------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def list_feeds(session: AsyncSession) -> list[CalendarFeed]:
    return list((await session.scalars(select(CalendarFeed).order_by(CalendarFeed.id))).all())


async def create_feed(
    session: AsyncSession, owner: str | None, actor: Actor
) -> tuple[CalendarFeed, str]:
    token = "cal_" + secrets.token_urlsafe(32)
    feed = CalendarFeed(token_hash=_hash(token), owner=owner, created_by=actor.label)
    session.add(feed)
    await session.flush()
    await record(session, actor, "create", "calendar_feed", feed.id, None, {"owner": owner})
    return feed, token


async def revoke_feed(session: AsyncSession, feed_id: int, actor: Actor) -> CalendarFeed:
    feed = await session.get(CalendarFeed, feed_id)
    if feed is None:
        raise not_found("Calendar feed", feed_id)
    if feed.revoked_at is None:
        feed.revoked_at = datetime.now(UTC)
        await session.flush()
        await record(
            session,
            actor,
            "revoke",
            "calendar_feed",
            feed.id,
            None,
            {"revoked_at": feed.revoked_at},
        )
    return feed


async def feed_by_token(session: AsyncSession, token: str) -> CalendarFeed:
    feed = await session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _hash(token)))
    if feed is None or feed.revoked_at is not None or await _holder_disabled(session, feed):
        raise ProblemError(404, "not-found", "This calendar feed does not exist or was revoked.")
    return feed


async def _holder_disabled(session: AsyncSession, feed: CalendarFeed) -> bool:
    """A feed dies with the account of the person who made it or whose deadlines it lists:
    the URL is a credential, and a person who left must not keep reading the register."""
    emails = {e.lower() for e in (feed.owner, feed.created_by) if e}
    found = await session.scalar(
        select(User.id).where(User.email.in_(emails), User.disabled_at.is_not(None)).limit(1)
    )
    return found is not None


async def feed_deadlines(
    session: AsyncSession, feed: CalendarFeed, as_of: date, settings: Settings
) -> list[Deadline]:
    found = await compute(session, as_of, 400, settings)
    known = await states(session)
    out = []
    for d in found:
        state, _ = effective_state(known.get(d.key), as_of)
        owner = known[d.key].owner if d.key in known and known[d.key].owner else d.owner
        if state == "done":
            continue
        if feed.owner and (owner or "").lower() != feed.owner.lower():
            continue
        out.append(d)
    return out


# E-mail digests ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SendReport:
    messages: int
    reminders: int
    skipped_without_owner: int
    recipients: tuple[str, ...]


def _insert(dialect: str) -> Any:
    return pg_insert if dialect == "postgresql" else sqlite_insert


async def send_due(
    session: AsyncSession, *, as_of: date, settings: Settings, dry_run: bool = False
) -> SendReport:
    """Claim every due (reminder, lead) in the sent-log, then mail one digest per owner.

    The unique key (reminder, lead, channel, recipient) makes this idempotent across runs and
    across instances running at once: a claim that already exists inserts nothing, so that
    reminder is not sent again. The caller commits only after sending; if sending fails the
    claims roll back and the next run tries again.
    """
    leads = lead_table(settings)
    known = await states(session)
    found = await compute(session, as_of, max(max(v) for v in leads.values()), settings)
    per_owner: dict[str, list[Deadline]] = defaultdict(list)
    skipped = 0
    insert = _insert(dialect_name(session))
    for d in found:
        state, _ = effective_state(known.get(d.key), as_of)
        if state in ("done", "snoozed", "acknowledged"):
            continue
        owner = known[d.key].owner if d.key in known and known[d.key].owner else d.owner
        due = due_leads(d, as_of, leads.get(d.kind, ()))
        if not due:
            continue
        if not owner:
            skipped += 1
            continue
        rows = [
            {"reminder_key": d.key, "lead_days": lead, "channel": "email", "recipient": owner}
            for lead in due
        ]
        if dry_run:
            already = await session.scalar(
                select(ReminderDelivery.id).where(
                    ReminderDelivery.reminder_key == d.key,
                    ReminderDelivery.lead_days.in_(due),
                    ReminderDelivery.recipient == owner,
                )
            )
            if already is None:
                per_owner[owner].append(d)
            continue
        stmt = (
            insert(ReminderDelivery)
            .values(rows)
            .on_conflict_do_nothing(
                index_elements=["reminder_key", "lead_days", "channel", "recipient"]
            )
            .returning(ReminderDelivery.lead_days)
        )
        claimed = (await session.execute(stmt)).scalars().all()
        # Send only if this run claimed the tightest lead now due (earlier, looser leads may have
        # gone out on previous days already).
        if min(due) in claimed:
            per_owner[owner].append(d)
    messages = [
        build_digest(owner, items, sender=settings.smtp_from, as_of=as_of)
        for owner, items in sorted(per_owner.items())
    ]
    if not dry_run and messages:
        await asyncio.to_thread(send_messages, messages, settings)
    return SendReport(
        len(messages), sum(len(v) for v in per_owner.values()), skipped, tuple(sorted(per_owner))
    )
