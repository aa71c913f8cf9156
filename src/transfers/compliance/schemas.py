"""Verdicts, vendor status and the register-wide view as the API returns them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Final, Literal

import msgspec

from transfers.reference import lexicon
from transfers.rules.compliance import Compliance, InvalidatedReliance, Problem, Readiness
from transfers.rules.evaluate import Evaluation, Reason
from transfers.rules.facts import TransferFacts
from transfers.rules.messages import reason_text
from transfers.rules.status import VendorStatus

#: The procurement check's answer for each engine vendor status (issue 23 part 5).
ANSWERS: Final[dict[str, Literal["yes", "with_conditions", "no"]]] = {
    "approved": "yes",
    "conditional": "with_conditions",
    "blocked": "no",
}

VerdictValue = Literal["lawful", "at_risk", "unlawful", "inactive"]


class ReasonRead(msgspec.Struct):
    code: str
    severity: Literal["info", "warning", "error"]
    message: str
    citation: str
    confidence: Literal["V", "S", "K", "U"]


class EvaluationRead(msgspec.Struct):
    transfer_id: int
    verdict: VerdictValue
    reasons: list[ReasonRead]
    as_of: date
    active: bool
    reference_version: str
    period_verdict: Literal["lawful", "at_risk", "unlawful"] | None = None
    period_day: date | None = None


class TransferVerdict(msgspec.Struct):
    id: int
    destination_country: str
    mechanism: str
    verdict: VerdictValue
    active: bool
    reasons: list[ReasonRead]
    service: str | None = None
    """The service the transfer serves: two transfers to one country are told apart by it."""


class OpenCondition(msgspec.Struct):
    intake_id: int
    number: int
    text: str
    due_on: date
    overdue: bool


class RequestedUse(msgspec.Struct):
    data_category: str | None
    country: str | None
    purpose: str | None
    inside: bool
    why: list[str]


class Clearance(msgspec.Struct):
    """What the vendor is approved for: its processings' purposes and data categories, and the
    countries its current or planned transfers may go to without being unlawful."""

    purposes: list[str]
    data_categories: list[str]
    countries: list[str]
    open_conditions: list[OpenCondition]
    requested: RequestedUse | None = None


class VendorStatusRead(msgspec.Struct):
    vendor_id: int
    vendor_name: str
    status: Literal["approved", "conditional", "blocked"]
    reasons: list[ReasonRead]
    transfers: list[TransferVerdict]
    next_deadline: date | None
    as_of: date
    reference_version: str
    next_deadline_item: str = ""
    cleared: Clearance | None = None
    answer: Literal["yes", "with_conditions", "no"] | None = None
    """The buyer's answer: approved is yes, conditional is with conditions, blocked is no."""


class ProblemRow(msgspec.Struct):
    vendor_id: int
    vendor_name: str
    transfer_id: int | None
    destination_country: str
    mechanism: str
    verdict: str
    reasons: list[ReasonRead]


class InvalidatedRow(msgspec.Struct):
    vendor_id: int
    vendor_name: str
    transfer_id: int | None
    destination_country: str
    mechanism: str
    started_on: date | None
    ended_on: date | None


class NewlyBlockedRow(msgspec.Struct):
    vendor_id: int
    vendor_name: str
    reasons: list[ReasonRead]


class ReadinessRow(msgspec.Struct):
    vendor_id: int
    vendor_name: str
    transfer_ids: list[int]
    fallbacks: list[str]
    reasons: list[ReasonRead]


class WhatIfRead(msgspec.Struct):
    mechanism: str
    invalid_from: date
    evaluated_on: date
    newly_blocked: list[NewlyBlockedRow]
    newly_unlawful: list[ProblemRow]
    ready: list[ReadinessRow]
    blocked: list[ReadinessRow]


class ComplianceRead(msgspec.Struct):
    as_of: date
    reference_version: str
    counts: dict[str, int]
    inactive: int
    vendor_counts: dict[str, int]
    problems_total: int
    problems_limit: int
    problems_offset: int
    problems: list[ProblemRow]
    invalidated_mechanism_transfers: list[InvalidatedRow]
    invalidated_mechanism_transfers_ended: list[InvalidatedRow]
    what_if: WhatIfRead | None


def reasons(items: tuple[Reason, ...], language: str = "en") -> list[ReasonRead]:
    """Reasons in ``language``: the engine's key and parameters rendered by the one lexicon
    the workspace and documents use (``rules.messages``), the citation by its Finnish title in
    Finnish (the reference data's ``*_fi``)."""
    return [
        ReasonRead(
            r.code,
            r.severity,
            reason_text(r, language),
            lexicon.citation(r.citation, language),
            r.confidence,  # type: ignore[arg-type]
        )
        for r in items
    ]


def _readiness(r: Readiness, language: str = "en") -> ReadinessRow:
    return ReadinessRow(
        r.vendor_id,
        r.vendor_name,
        [i for i in r.transfer_ids if i is not None],
        list(r.fallbacks),
        reasons(r.reasons, language),
    )


def evaluation_read(
    transfer: TransferFacts, evaluation: Evaluation, version: str, language: str = "en"
) -> EvaluationRead:
    return EvaluationRead(
        transfer_id=transfer.id or 0,
        verdict=evaluation.verdict,
        reasons=reasons(evaluation.reasons, language),
        as_of=evaluation.as_of,
        active=evaluation.active,
        reference_version=version,
        period_verdict=evaluation.period_verdict,
        period_day=evaluation.period_day,
    )


def status_read(
    vendor_id: int,
    status: VendorStatus,
    as_of: date,
    version: str,
    cleared: Clearance | None = None,
    language: str = "en",
    services: Mapping[int, str] | None = None,
) -> VendorStatusRead:
    return VendorStatusRead(
        vendor_id=vendor_id,
        vendor_name=status.vendor_name,
        status=status.status,
        reasons=reasons(status.reasons, language),
        transfers=[
            TransferVerdict(
                id=t.id or 0,
                destination_country=t.destination_country,
                mechanism=t.mechanism,
                verdict=e.verdict,
                active=e.active,
                reasons=reasons(e.reasons, language),
                service=(services or {}).get(t.id or 0),
            )
            for t, e in status.transfers
        ],
        next_deadline=status.next_deadline,
        as_of=as_of,
        reference_version=version,
        next_deadline_item=status.next_deadline_text(language),
        cleared=cleared,
        answer=ANSWERS[status.status],
    )


def _problem(p: Problem, language: str = "en") -> ProblemRow:
    return ProblemRow(
        p.vendor_id,
        p.vendor_name,
        p.transfer_id,
        p.destination_country,
        p.mechanism,
        p.verdict,
        reasons(p.reasons, language),
    )


def _invalidated(r: InvalidatedReliance) -> InvalidatedRow:
    return InvalidatedRow(
        r.vendor_id,
        r.vendor_name,
        r.transfer_id,
        r.destination_country,
        r.mechanism,
        r.started_on,
        r.ended_on,
    )


def compliance_read(
    c: Compliance, limit: int = 100, offset: int = 0, language: str = "en"
) -> ComplianceRead:
    """The summary with one page of problems (the register-wide body stays small: 10,000
    vendors no longer mean a 25 MB answer)."""
    what_if = None
    if c.what_if is not None:
        w = c.what_if
        what_if = WhatIfRead(
            mechanism=w.mechanism,
            invalid_from=w.invalid_from,
            evaluated_on=w.evaluated_on,
            newly_blocked=[
                NewlyBlockedRow(n.vendor_id, n.vendor_name, reasons(n.reasons, language))
                for n in w.newly_blocked
            ],
            newly_unlawful=[_problem(p, language) for p in w.newly_unlawful],
            ready=[_readiness(r, language) for r in w.ready],
            blocked=[_readiness(r, language) for r in w.blocked],
        )
    return ComplianceRead(
        as_of=c.as_of,
        reference_version=c.reference_version,
        counts={str(k): v for k, v in c.counts.items()},
        inactive=c.inactive,
        vendor_counts=dict(c.vendor_counts),
        problems_total=len(c.problems),
        problems_limit=limit,
        problems_offset=offset,
        problems=[_problem(p, language) for p in c.problems[offset : offset + limit]],
        invalidated_mechanism_transfers=[
            _invalidated(r) for r in c.invalidated_mechanism_transfers
        ],
        invalidated_mechanism_transfers_ended=[
            _invalidated(r) for r in c.invalidated_mechanism_transfers_ended
        ],
        what_if=what_if,
    )


def plain(value: Any) -> Any:
    """Reference rows (msgspec structs) as JSON-ready builtins."""
    return msgspec.to_builtins(value)
