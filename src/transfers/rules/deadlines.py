"""Every deadline the register implies, computed from plain data (no I/O).

Kinds, and why each exists:
- ``agreement_end``: the current term of an agreement ends (a processor without an Art. 28
  contract in force blocks the vendor, GDPR Art. 28(3)).
- ``notice_deadline``: the last day to object or renegotiate before an auto-renewing agreement
  renews by itself (end of term minus the notice period).
- ``assessment_review``: a TIA falls due for re-evaluation (EDPB Recommendations 01/2020,
  step 6): its ``next_review_on``, or completion plus the configured cadence in calendar
  months (``rules.calendar.review_due``).
- ``dpf_reverification``: a DPF certification was verified more than the reference's
  re-verification period ago (EU-US DPF, Decision (EU) 2023/1795).
- ``legal_event``: a decision or mechanism a registered transfer relies on expires.
- ``objection_window``: under general authorisation the controller may object to a new
  subprocessor until the window closes (GDPR Art. 28(2)).
- ``intake_condition``: a condition legal attached to a vendor approval falls due (the
  approval is conditional until every condition is met).

A deadline falling on a weekend or a Finnish public holiday is *reported* on the previous
business day (``report_on``); the legal date stays in ``due_on``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Final

import holidays

from transfers.rules.calendar import (
    notice_deadlines,
    reverification_due,
    review_due,
    term_end,
    term_ends,
)

KINDS: Final = (
    "agreement_end",
    "notice_deadline",
    "assessment_review",
    "dpf_reverification",
    "legal_event",
    "objection_window",
    "intake_condition",
)

MAX_PER_AGREEMENT: Final = 400
"""Bound on the term ends (and notice deadlines) listed for one agreement in one horizon."""

DEFAULT_LEADS: Final[Mapping[str, tuple[int, ...]]] = {
    "agreement_end": (90, 30, 7),
    "notice_deadline": (90, 30, 7),
    "assessment_review": (60, 30, 7),
    "dpf_reverification": (30, 7),
    "legal_event": (180, 90, 30),
    "objection_window": (7, 2),
    "intake_condition": (14, 3),
}


@dataclass(frozen=True, slots=True)
class AgreementInput:
    id: int
    vendor_id: int
    vendor_name: str
    kind: str
    status: str
    start: date | None
    term: str | None
    ends_on: date | None
    auto_renew: bool
    renewal_term: str | None
    notice_period: str | None
    subprocessor_authorisation: str | None
    objection_period_days: int | None
    owner: str | None


@dataclass(frozen=True, slots=True)
class AssessmentInput:
    id: int
    transfer_id: int
    vendor_id: int
    vendor_name: str
    completed_on: date | None
    next_review_on: date | None
    owner: str | None


@dataclass(frozen=True, slots=True)
class TransferInput:
    id: int
    vendor_id: int
    vendor_name: str
    destination_country: str
    mechanism: str
    dpf_verified_on: date | None
    active: bool
    owner: str | None
    ended_on: date | None = None


@dataclass(frozen=True, slots=True)
class LegalEventInput:
    """A date in the reference data (e.g. an adequacy decision's expiry) and what it touches."""

    key: str
    on: date
    title: str
    citation: str
    countries: tuple[str, ...] = ()
    mechanism: str | None = None
    title_key: str = ""


@dataclass(frozen=True, slots=True)
class SubprocessorChangeInput:
    """A subprocessor added to a vendor on ``notified_on`` (the Art. 28(2) information)."""

    vendor_id: int
    vendor_name: str
    subprocessor_id: int
    subprocessor_name: str
    notified_on: date


@dataclass(frozen=True, slots=True)
class NoticeInput:
    """An undecided sub-processor change notice: object by ``decide_by`` (general
    authorisation) or consent before it takes effect (specific authorisation)."""

    id: int
    vendor_id: int
    vendor_name: str
    subprocessor_name: str
    change: str
    decide_by: date
    needs_consent: bool
    owner: str | None


@dataclass(frozen=True, slots=True)
class CustomerNoticeInput:
    """A notice we sent a customer about one of our sub-processor changes that still needs
    something from us: its objection period closing (general authorisation), its consent
    before the change takes effect (specific), or an objection to resolve by then."""

    id: int
    change_id: int
    customer_name: str
    subprocessor_name: str
    due_on: date
    step: str  # objection_closes | consent_needed | objection_open
    owner: str | None


@dataclass(frozen=True, slots=True)
class ConditionInput:
    """An open condition of a conditional vendor approval (intake request ``intake_id``)."""

    intake_id: int
    number: int
    text: str
    due_on: date
    vendor_id: int | None
    vendor_name: str
    owner: str | None


@dataclass(frozen=True, slots=True)
class Deadline:
    key: str
    kind: str
    due_on: date
    report_on: date
    title: str
    entity_type: str
    entity_id: int
    vendor_id: int | None
    vendor_name: str
    owner: str | None
    citation: str
    title_key: str = ""
    """Picks the title's wording in :func:`transfers.rules.messages.deadline_title`."""
    title_params: tuple[tuple[str, object], ...] = ()
    """The title's parameters (codes, dates, names), so each reader words it in its language."""


@lru_cache(maxsize=256)
def _holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year))


def previous_business_day(day: date, country: str) -> date:
    """``day`` itself, or the last business day before it in ``country`` (weekends and the
    public holidays of the ``holidays`` library; the exporter's country, Finland by default)."""
    while day.weekday() >= 5 or day in _holidays(country, day.year):
        day -= timedelta(days=1)
    return day


def compute_deadlines(
    *,
    agreements: Iterable[AgreementInput] = (),
    assessments: Iterable[AssessmentInput] = (),
    transfers: Iterable[TransferInput] = (),
    legal_events: Iterable[LegalEventInput] = (),
    subprocessor_changes: Iterable[SubprocessorChangeInput] = (),
    conditions: Iterable[ConditionInput] = (),
    notices: Iterable[NoticeInput] = (),
    customer_notices: Iterable[CustomerNoticeInput] = (),
    as_of: date,
    horizon_days: int,
    overdue_days: int = 365,
    review_cadence_months: int = 12,
    dpf_reverification_months: int = 12,
    dpf_citation: str = "",
    kind_labels: Mapping[str, str] | None = None,
    holiday_country: str,
) -> list[Deadline]:
    """Deadlines reported between ``as_of - overdue_days`` and ``as_of + horizon_days``, sorted.

    The re-verification period, its citation and the labels of agreement kinds come from the
    caller (the legal reference data), so no legal fact lives here.
    """
    labels = kind_labels or {}
    reported: dict[date, date] = {}

    def make(
        key: str,
        kind: str,
        due_on: date,
        title: str,
        entity_type: str,
        entity_id: int,
        vendor_id: int | None,
        vendor_name: str,
        owner: str | None,
        citation: str,
        title_key: str = "",
        **params: object,
    ) -> Deadline:
        """A deadline, reported on the previous business day of the exporter's calendar."""
        report_on = reported.get(due_on)
        if report_on is None:
            report_on = reported[due_on] = previous_business_day(due_on, holiday_country)
        return Deadline(
            key,
            kind,
            due_on,
            report_on,
            title,
            entity_type,
            entity_id,
            vendor_id,
            vendor_name,
            owner,
            citation,
            title_key,
            tuple(params.items()),
        )

    def _kind_label(kind: str) -> str:
        return labels.get(kind, kind)

    until = as_of + timedelta(days=horizon_days)
    since = as_of - timedelta(days=overdue_days)
    out: list[Deadline] = []
    objection_days: dict[int, int] = {}

    for a in agreements:
        if a.status == "terminated":
            continue
        if (
            a.subprocessor_authorisation == "general"
            and a.objection_period_days
            and a.status == "signed"
        ):
            objection_days[a.vendor_id] = max(
                objection_days.get(a.vendor_id, 0), a.objection_period_days
            )
        # A renewal or notice date that has passed is history, not an overdue task: an
        # auto-renewing agreement is listed from today on. A lapsed fixed-term one stays overdue.
        # Each list is one walk over the terms, each term end computed from the anchor.
        if a.auto_renew:
            ends = term_ends(a.start, a.term, a.ends_on, a.renewal_term, since=as_of, until=until)
        else:
            end = term_end(a.start, a.term, a.ends_on)
            ends = [end] if end is not None and since <= end <= until else []
        verb = "renews" if a.auto_renew else "ends"
        for end in ends[:MAX_PER_AGREEMENT]:
            out.append(
                make(
                    f"agreement:{a.id}:end:{end.isoformat()}",
                    "agreement_end",
                    end,
                    f"{_kind_label(a.kind)} with {a.vendor_name} {verb} on {end.isoformat()}",
                    "agreement",
                    a.id,
                    a.vendor_id,
                    a.vendor_name,
                    a.owner,
                    "GDPR Art. 28(3)",
                    "agreement_renews" if a.auto_renew else "agreement_ends",
                    contract=a.kind,
                    vendor=a.vendor_name,
                    on=end,
                )
            )
        if a.auto_renew and a.notice_period:
            found = notice_deadlines(
                a.start,
                a.term,
                a.ends_on,
                a.renewal_term,
                a.notice_period,
                since=as_of,
                until=until,
            )
            for deadline, renews_on in found[:MAX_PER_AGREEMENT]:
                out.append(
                    make(
                        f"agreement:{a.id}:notice:{deadline.isoformat()}",
                        "notice_deadline",
                        deadline,
                        f"Last day to give notice on the {_kind_label(a.kind)} with {a.vendor_name} "
                        f"before it renews on {renews_on.isoformat()}",
                        "agreement",
                        a.id,
                        a.vendor_id,
                        a.vendor_name,
                        a.owner,
                        "Agreement notice period (contract term)",
                        "notice_deadline",
                        contract=a.kind,
                        vendor=a.vendor_name,
                        on=renews_on,
                    )
                )

    for s in assessments:
        if s.next_review_on is not None:
            due = s.next_review_on
        elif s.completed_on is not None:
            due = review_due(s.completed_on, review_cadence_months)
        else:
            continue
        if since <= due <= until:
            out.append(
                make(
                    f"assessment:{s.id}:review:{due.isoformat()}",
                    "assessment_review",
                    due,
                    f"Re-evaluate the TIA for transfer {s.transfer_id} ({s.vendor_name})",
                    "assessment",
                    s.id,
                    s.vendor_id,
                    s.vendor_name,
                    s.owner,
                    "EDPB Recommendations 01/2020, step 6 (re-evaluate at appropriate intervals)",
                    "assessment_review",
                    transfer=s.transfer_id,
                    vendor=s.vendor_name,
                )
            )

    active_countries: dict[str, list[TransferInput]] = {}
    active_mechanisms: dict[str, list[TransferInput]] = {}
    for t in transfers:
        if not t.active:
            continue
        active_countries.setdefault(t.destination_country, []).append(t)
        active_mechanisms.setdefault(t.mechanism, []).append(t)
        if t.mechanism == "dpf" and t.dpf_verified_on is not None:
            due = reverification_due(t.dpf_verified_on, dpf_reverification_months)
            if since <= due <= until:
                out.append(
                    make(
                        f"transfer:{t.id}:dpf:{due.isoformat()}",
                        "dpf_reverification",
                        due,
                        f"Re-verify {t.vendor_name} on the Data Privacy Framework List",
                        "transfer",
                        t.id,
                        t.vendor_id,
                        t.vendor_name,
                        t.owner,
                        dpf_citation,
                        "dpf_reverification",
                        vendor=t.vendor_name,
                    )
                )

    for event in legal_events:
        if not since <= event.on <= until:
            continue
        touched: list[TransferInput] = []
        for country in event.countries:
            touched.extend(
                t
                for t in active_countries.get(country, ())
                if (event.mechanism is None or t.mechanism == event.mechanism)
                and (t.ended_on is None or t.ended_on >= event.on)
            )
        if event.mechanism is not None and not event.countries:
            touched.extend(
                t
                for t in active_mechanisms.get(event.mechanism, ())
                if t.ended_on is None or t.ended_on >= event.on
            )
        for t in touched:
            out.append(
                make(
                    f"transfer:{t.id}:legal:{event.key}:{event.on.isoformat()}",
                    "legal_event",
                    event.on,
                    f"{event.title} (transfer {t.id} to {t.destination_country}, {t.vendor_name})",
                    "transfer",
                    t.id,
                    t.vendor_id,
                    t.vendor_name,
                    t.owner,
                    event.citation,
                    event.title_key,
                    transfer=t.id,
                    country=t.destination_country,
                    vendor=t.vendor_name,
                    countries=",".join(event.countries),
                    mechanism=event.mechanism or "",
                )
            )

    for change in subprocessor_changes:
        days = objection_days.get(change.vendor_id)
        if not days:
            continue
        closes = change.notified_on + timedelta(days=days)
        if as_of <= closes <= until:
            out.append(
                make(
                    f"vendor:{change.vendor_id}:objection:{change.subprocessor_id}:{closes.isoformat()}",
                    "objection_window",
                    closes,
                    f"Objection window for {change.subprocessor_name} as subprocessor of {change.vendor_name} closes",
                    "vendor",
                    change.vendor_id,
                    change.vendor_id,
                    change.vendor_name,
                    None,
                    "GDPR Art. 28(2)",
                    "subprocessor_objection",
                    subprocessor=change.subprocessor_name,
                    vendor=change.vendor_name,
                )
            )

    for n in notices:
        if since <= n.decide_by <= until:
            verb = "Consent to or refuse" if n.needs_consent else "Object to or accept"
            out.append(
                make(
                    f"notice:{n.id}:objection:{n.decide_by.isoformat()}",
                    "objection_window",
                    n.decide_by,
                    f"{verb} {n.vendor_name}'s sub-processor change: {n.subprocessor_name} "
                    f"{n.change}",
                    "subprocessor_notice",
                    n.id,
                    n.vendor_id,
                    n.vendor_name,
                    n.owner,
                    "GDPR Art. 28(2)",
                    "notice_consent" if n.needs_consent else "notice_object",
                    vendor=n.vendor_name,
                    subprocessor=n.subprocessor_name,
                    change=n.change,
                )
            )

    for cn in customer_notices:
        if since <= cn.due_on <= until:
            out.append(
                make(
                    f"customer_notice:{cn.id}:{cn.step}:{cn.due_on.isoformat()}",
                    "objection_window",
                    cn.due_on,
                    f"{cn.customer_name}: {cn.subprocessor_name} ({cn.step.replace('_', ' ')})",
                    "customer_notice",
                    cn.id,
                    None,
                    cn.customer_name,
                    cn.owner,
                    "GDPR Art. 28(2)",
                    f"customer_{cn.step}",
                    customer=cn.customer_name,
                    subprocessor=cn.subprocessor_name,
                )
            )

    for c in conditions:
        if since <= c.due_on <= until:
            out.append(
                make(
                    f"intake:{c.intake_id}:condition:{c.number}",
                    "intake_condition",
                    c.due_on,
                    f"Condition {c.number} of the approval of {c.vendor_name}: {c.text}",
                    "intake_request",
                    c.intake_id,
                    c.vendor_id,
                    c.vendor_name,
                    c.owner,
                    f"Legal review decision (intake request {c.intake_id})",
                    "intake_condition",
                    number=c.number,
                    vendor=c.vendor_name,
                    text=c.text,
                )
            )

    out = [d for d in out if d.report_on <= until]
    out.sort(key=lambda d: (d.report_on, d.kind, d.key))
    return out


def parse_leads(text: str) -> tuple[int, ...]:
    """ "90,30,7" -> (90, 30, 7); refuses negatives and garbage with a clear message."""
    try:
        values = tuple(
            sorted(
                {int(part) for part in text.replace(";", ",").split(",") if part.strip()},
                reverse=True,
            )
        )
    except ValueError as exc:
        raise ValueError(
            f"Lead times must be whole days separated by commas, got {text!r}."
        ) from exc
    if not values or any(v < 0 for v in values):
        raise ValueError(f"Lead times must be non-negative days, got {text!r}.")
    return values


def due_leads(deadline: Deadline, as_of: date, leads: tuple[int, ...]) -> tuple[int, ...]:
    """The lead-time notices that are due on ``as_of`` (each is sent once; an overdue deadline
    has the extra lead ``-1``). All passed leads are returned together so that a first run close
    to a deadline sends one message, not one per lead."""
    days_left = (deadline.report_on - as_of).days
    due = tuple(lead for lead in leads if days_left <= lead)
    if days_left < 0:
        due = (*due, -1)
    return due
