"""Reminders: deadlines are always recomputed from the register; only what people did with
them (acknowledged, snoozed, done) and what was sent are stored."""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.audit.service import record
from transfers.auth.schemas import Actor
from transfers.common.problems import ProblemError, invalid, not_found
from transfers.intake.service import open_conditions
from transfers.models import (
    Agreement,
    Assessment,
    CalendarFeed,
    ReminderDelivery,
    ReminderState,
    Transfer,
    Vendor,
    VendorSubprocessor,
)
from transfers.notice.service import decide_by, pending_with_deadlines
from transfers.reference import load_reference
from transfers.reminder.digest import build_digest, send_messages
from transfers.reminder.schemas import ReminderRead
from transfers.rules.calendar import parse_duration
from transfers.rules.deadlines import (
    DEFAULT_LEADS,
    KINDS,
    AgreementInput,
    AssessmentInput,
    ConditionInput,
    Deadline,
    LegalEventInput,
    NoticeInput,
    SubprocessorChangeInput,
    TransferInput,
    compute_deadlines,
    due_leads,
    parse_leads,
)
from transfers.settings import Settings

AGREEMENT_LABELS = {
    "dpa": "DPA",
    "joint_controller": "joint-controller arrangement",
    "other": "agreement",
}
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
                )
            )
    return events


@dataclass(frozen=True, slots=True)
class Filters:
    kind: str | None = None
    owner: str | None = None
    vendor_id: int | None = None
    include_done: bool = False


async def compute(
    session: AsyncSession, as_of: date, within_days: int, settings: Settings
) -> list[Deadline]:
    """Every deadline up to ``within_days`` ahead, plus overdue ones from the past year."""
    v = Vendor.__table__.c
    a = Agreement.__table__.c
    t = Transfer.__table__.c
    s = Assessment.__table__.c
    links = VendorSubprocessor.__table__.c
    vendors = {r.id: r for r in await session.execute(select(v.id, v.name, v.owner, v.status))}

    def vendor(vid: int) -> tuple[str, str | None]:
        row = vendors.get(vid)
        return (row.name, row.owner) if row else (f"vendor {vid}", None)

    agreements = [
        AgreementInput(
            id=r.id,
            vendor_id=r.vendor_id,
            vendor_name=vendor(r.vendor_id)[0],
            kind=r.kind,
            status=r.status,
            start=r.effective_on or r.signed_on,
            term=r.term,
            ends_on=r.ends_on,
            auto_renew=r.auto_renew,
            renewal_term=r.renewal_term,
            notice_period=r.notice_period,
            subprocessor_authorisation=r.subprocessor_authorisation,
            objection_period_days=r.objection_period_days,
            owner=r.owner or vendor(r.vendor_id)[1] or settings.reminder_default_owner,
        )
        for r in await session.execute(
            select(
                a.id,
                a.vendor_id,
                a.kind,
                a.status,
                a.effective_on,
                a.signed_on,
                a.term,
                a.ends_on,
                a.auto_renew,
                a.renewal_term,
                a.notice_period,
                a.subprocessor_authorisation,
                a.objection_period_days,
                a.owner,
            )
        )
    ]
    transfers = []
    transfer_vendor: dict[int, int] = {}
    ended: set[int] = set()  # a TIA of a transfer that has ended needs no re-evaluation
    for r in await session.execute(
        select(
            t.id,
            t.vendor_id,
            t.destination_country,
            t.mechanism,
            t.dpf_verified_on,
            t.started_on,
            t.ended_on,
        )
    ):
        transfer_vendor[r.id] = r.vendor_id
        name, owner = vendor(r.vendor_id)
        active = (r.started_on is None or r.started_on <= as_of) and (
            r.ended_on is None or r.ended_on >= as_of
        )
        transfers.append(
            TransferInput(
                r.id,
                r.vendor_id,
                name,
                r.destination_country,
                r.mechanism,
                r.dpf_verified_on,
                active,
                owner or settings.reminder_default_owner,
                r.ended_on,
            )
        )
        if r.ended_on is not None and r.ended_on < as_of:
            ended.add(r.id)
    # Only the latest completed assessment of a transfer sets its review date.
    latest: dict[int, Any] = {}  # transfer id -> assessment row
    for row in await session.execute(
        select(s.id, s.transfer_id, s.completed_on, s.next_review_on, s.owner).where(
            s.completed_on.is_not(None)
        )
    ):
        current = latest.get(row.transfer_id)
        if current is None or (row.completed_on, row.id) > (current.completed_on, current.id):
            latest[row.transfer_id] = row
    assessments = []
    for r in latest.values():
        if r.transfer_id in ended:
            continue
        vid = transfer_vendor.get(r.transfer_id, 0)
        name, owner = vendor(vid)
        assessments.append(
            AssessmentInput(
                r.id,
                r.transfer_id,
                vid,
                name,
                r.completed_on,
                r.next_review_on,
                r.owner or owner or settings.reminder_default_owner,
            )
        )
    changes = [
        SubprocessorChangeInput(
            r.vendor_id,
            vendor(r.vendor_id)[0],
            r.subprocessor_id,
            vendor(r.subprocessor_id)[0],
            r.notified_on,
        )
        for r in await session.execute(
            select(links.vendor_id, links.subprocessor_id, links.notified_on).where(
                links.notified_on.is_not(None)
            )
        )
    ]
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
            or settings.reminder_default_owner,
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
            vendor(n.vendor_id)[1] or settings.reminder_default_owner,
        )
        for n in await pending_with_deadlines(session)
    ]
    stopped = {vid for vid, row in vendors.items() if row.status == "offboarded"}
    ref = load_reference()
    dpf = ref.mechanism("dpf")
    labels = {m.code: m.name for m in ref.mechanisms()} | AGREEMENT_LABELS
    deadlines = compute_deadlines(
        agreements=[x for x in agreements if x.vendor_id not in stopped],
        assessments=[x for x in assessments if x.vendor_id not in stopped],
        transfers=[x for x in transfers if x.vendor_id not in stopped],
        legal_events=legal_events(as_of),
        subprocessor_changes=changes,
        conditions=conditions,
        notices=notices,
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
    return deadlines


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
    )


async def list_reminders(
    session: AsyncSession, *, as_of: date, within_days: int, filters: Filters, settings: Settings
) -> list[ReminderRead]:
    found = await compute(session, as_of, within_days, settings)
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
    if feed is None or feed.revoked_at is not None:
        raise ProblemError(404, "not-found", "This calendar feed does not exist or was revoked.")
    return feed


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
    insert = _insert(session.get_bind().dialect.name)
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
