"""Register-wide compliance: verdict counts, problems, reliance on invalidated mechanisms, and
a what-if ("which vendors would be blocked if the DPF fell on this date?").

The what-if builds a modified :class:`Reference` in memory, which works only because no legal
date lives in code (legal-facts §4.4: C-703/25 P pending, Trump v. Slaughter).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Final, TypeVar

from transfers.reference import Reference, load_reference
from transfers.rules.evaluate import (
    ActiveVerdict,
    Reason,
    Verdict,
    evaluate_transfer,
    fallback_evaluation,
    is_active,
)
from transfers.rules.facts import VendorFacts, immutable
from transfers.rules.status import MemoFor, VendorStatus, vendor_statuses


@immutable
class Problem:
    """An active transfer that is not simply lawful."""

    vendor_id: int
    vendor_name: str
    transfer_id: int | None
    destination_country: str
    mechanism: str
    verdict: Verdict
    reasons: tuple[Reason, ...]


@immutable
class InvalidatedReliance:
    """A transfer recorded on a mechanism the CJEU has invalidated (kind ``invalidated``)."""

    vendor_id: int
    vendor_name: str
    transfer_id: int | None
    destination_country: str
    mechanism: str
    started_on: date | None
    ended_on: date | None


@immutable
class NewlyBlocked:
    vendor_id: int
    vendor_name: str
    reasons: tuple[Reason, ...]


@immutable
class Readiness:
    """A vendor with active transfers on the mechanism assumed invalid: ``ready`` when every one
    of them has a recorded Art. 46 fallback that would cover it, else blocked."""

    vendor_id: int
    vendor_name: str
    transfer_ids: tuple[int | None, ...]
    fallbacks: tuple[str, ...]
    reasons: tuple[Reason, ...]


@immutable
class WhatIf:
    """Effect of assuming ``mechanism`` invalid from ``invalid_from``, evaluated on ``evaluated_on``
    (the later of ``as_of`` and ``invalid_from``) against the real reference on the same day."""

    mechanism: str
    invalid_from: date
    evaluated_on: date
    reference_version: str
    newly_blocked: tuple[NewlyBlocked, ...]
    newly_unlawful: tuple[Problem, ...]
    ready: tuple[Readiness, ...] = ()
    blocked: tuple[Readiness, ...] = ()


@immutable
class Compliance:
    as_of: date
    reference_version: str
    counts: dict[ActiveVerdict, int]  # over active transfers
    inactive: int
    vendor_counts: dict[str, int]  # approved / conditional / blocked
    problems: tuple[Problem, ...]
    invalidated_mechanism_transfers: tuple[InvalidatedReliance, ...]  # not ended on as_of
    invalidated_mechanism_transfers_ended: tuple[InvalidatedReliance, ...]
    what_if: WhatIf | None


@immutable
class Summary:
    """A register-wide answer cut to what a console shows: every tally, the first ``shown``
    problems and reliances on invalidated mechanisms (in register order), and how many of each
    there are (``transfers check`` without ``--all``)."""

    as_of: date
    reference_version: str
    counts: dict[ActiveVerdict, int]
    inactive: int
    vendor_counts: dict[str, int]
    problems: tuple[Problem, ...]
    problems_total: int
    invalidated: tuple[InvalidatedReliance, ...]  # relied on and not ended on ``as_of``
    invalidated_total: int


def summarise(compliance: Compliance, shown: int) -> Summary:
    """The first ``shown`` rows of ``compliance`` with its tallies."""
    c = compliance
    return Summary(
        c.as_of,
        c.reference_version,
        dict(c.counts),
        c.inactive,
        dict(c.vendor_counts),
        c.problems[:shown],
        len(c.problems),
        c.invalidated_mechanism_transfers[:shown],
        len(c.invalidated_mechanism_transfers),
    )


def merge_summaries(parts: Sequence[Summary], order: Mapping[int, int], shown: int) -> Summary:
    """One summary of a register from summaries of disjoint parts of it.

    Each part must hold whole sub-processor chains (a vendor's status depends on its chain), so
    every tally simply adds up. The rows are taken in register order (``order``: vendor id ->
    position); the sort is stable and a vendor's rows all come from one part, so they keep
    their order within it.
    """
    counts: dict[ActiveVerdict, int] = {"lawful": 0, "at_risk": 0, "unlawful": 0}
    vendor_counts: dict[str, int] = {}
    for part in parts:
        for verdict, n in part.counts.items():
            counts[verdict] += n
        for status, n in part.vendor_counts.items():
            vendor_counts[status] = vendor_counts.get(status, 0) + n
    return Summary(
        parts[0].as_of,
        parts[0].reference_version,
        counts,
        sum(p.inactive for p in parts),
        vendor_counts,
        _first_rows([r for p in parts for r in p.problems], order, shown),
        sum(p.problems_total for p in parts),
        _first_rows([r for p in parts for r in p.invalidated], order, shown),
        sum(p.invalidated_total for p in parts),
    )


_Row = TypeVar("_Row", Problem, InvalidatedReliance)


def _first_rows(rows: list[_Row], order: Mapping[int, int], shown: int) -> tuple[_Row, ...]:
    return tuple(sorted(rows, key=lambda r: order[r.vendor_id])[:shown])


_SCENARIOS_KEPT: Final = 16
_scenarios: dict[tuple[int, str, date], tuple[Reference, Reference]] = {}


def scenario_of(ref: Reference, mechanism: str, invalid_from: date) -> Reference:
    """The what-if reference, one object per assumption: the per-vendor memos recognise their
    reference by identity, so asking the same question twice reuses the first answer's work."""
    key = (id(ref), mechanism, invalid_from)
    kept = _scenarios.get(key)
    if kept is not None and kept[0] is ref:
        return kept[1]
    scenario = ref.with_invalidation(mechanism, invalid_from)
    if len(_scenarios) >= _SCENARIOS_KEPT:
        _scenarios.pop(next(iter(_scenarios)))
    _scenarios[key] = (ref, scenario)
    return scenario


def register_compliance(
    vendors: Iterable[VendorFacts],
    as_of: date,
    assume_invalid: str | None = None,
    assume_from: date | None = None,
    reference: Reference | None = None,
    memo_for: MemoFor | None = None,
    statuses: Mapping[int, VendorStatus] | None = None,
) -> Compliance:
    """Compliance of the whole register on ``as_of``.

    With ``assume_invalid`` (a mechanism code, e.g. ``"dpf"``), also report the vendors that
    would become blocked if that mechanism were unusable from ``assume_from`` (default:
    ``as_of``). Raises ``KeyError`` for an unknown mechanism code.

    ``memo_for`` gives the per-vendor memo of a day and reference (see
    :data:`transfers.rules.status.OwnMemo`); ``statuses`` are this register's statuses on
    ``as_of`` when the caller has them already.
    """
    ref = reference if reference is not None else load_reference()
    register = tuple(vendors)
    memo = memo_for or _no_memo
    if statuses is None:
        statuses = vendor_statuses(register, as_of, ref, memo(as_of, ref))

    # Only what was already invalid (or past its end) on ``as_of``: on a date before Schrems II a
    # Privacy Shield transfer is not "relying on an invalid mechanism".
    invalidated = {
        m.code
        for m in ref.mechanisms()
        if (m.invalid_from is not None and m.invalid_from <= as_of)
        or (m.valid_until is not None and m.valid_until < as_of)
    }
    # One pass over every transfer (50,000 in a large register) for all four tallies.
    counts: dict[ActiveVerdict, int] = {"lawful": 0, "at_risk": 0, "unlawful": 0}
    inactive = 0
    vendor_counts = {"approved": 0, "conditional": 0, "blocked": 0}
    problems: list[Problem] = []
    current: list[InvalidatedReliance] = []
    ended: list[InvalidatedReliance] = []
    for vendor in register:
        status = statuses[vendor.id]
        vendor_counts[status.status] += 1
        for t, evaluation in status.transfers:
            verdict = evaluation.verdict
            if verdict == "inactive":
                inactive += 1
            else:
                counts[verdict] += 1
            if verdict == "at_risk" or verdict == "unlawful":
                problems.append(
                    Problem(
                        vendor.id,
                        vendor.name,
                        t.id,
                        t.destination_country,
                        t.mechanism,
                        verdict,
                        evaluation.reasons,
                    )
                )
            if t.mechanism in invalidated:
                row = InvalidatedReliance(
                    vendor.id,
                    vendor.name,
                    t.id,
                    t.destination_country,
                    t.mechanism,
                    t.started_on,
                    t.ended_on,
                )
                (ended if t.ended_on is not None and t.ended_on < as_of else current).append(row)
    what_if = None
    if assume_invalid is not None:
        what_if = _what_if(
            register, statuses, as_of, assume_invalid, assume_from or as_of, ref, memo
        )

    return Compliance(
        as_of=as_of,
        reference_version=ref.version,
        counts=counts,
        inactive=inactive,
        vendor_counts=vendor_counts,
        problems=tuple(problems),
        invalidated_mechanism_transfers=tuple(current),
        invalidated_mechanism_transfers_ended=tuple(ended),
        what_if=what_if,
    )


def _no_memo(_day: date, _ref: Reference) -> None:
    return None


def _what_if(
    register: tuple[VendorFacts, ...],
    statuses: Mapping[int, VendorStatus],
    as_of: date,
    mechanism: str,
    invalid_from: date,
    ref: Reference,
    memo: MemoFor,
) -> WhatIf:
    scenario = scenario_of(ref, mechanism, invalid_from)
    on = max(as_of, invalid_from)
    baseline = statuses if on == as_of else vendor_statuses(register, on, ref, memo(on, ref))
    assumed = vendor_statuses(register, on, scenario, memo(on, scenario))
    newly_blocked = tuple(
        NewlyBlocked(v.id, v.name, tuple(r for r in assumed[v.id].reasons if r.severity == "error"))
        for v in register
        if assumed[v.id].status == "blocked" and baseline[v.id].status != "blocked"
    )
    newly_unlawful = tuple(
        Problem(v.id, v.name, t.id, t.destination_country, t.mechanism, "unlawful", after.reasons)
        for v in register
        for (t, before), (_, after) in zip(
            baseline[v.id].transfers, assumed[v.id].transfers, strict=True
        )
        if after.active and after.verdict == "unlawful" and before.verdict != "unlawful"
    )
    ready: list[Readiness] = []
    blocked: list[Readiness] = []
    for v in register:
        relying = [t for t in v.transfers if t.mechanism == mechanism and is_active(t, on)]
        if not relying:
            continue
        fallbacks = [(t, fallback_evaluation(t, on, scenario)) for t in relying]
        missing = [(t, e) for t, e in fallbacks if e is None or e.verdict == "unlawful"]
        row_reasons: list[Reason] = []
        for t, e in missing:
            primary = evaluate_transfer(t, on, scenario).reasons
            fallback = e.reasons if e is not None else ()
            row_reasons.extend(r for r in (*primary, *fallback) if r.severity == "error")
        row = Readiness(
            v.id,
            v.name,
            tuple(t.id for t in relying),
            tuple(
                sorted(
                    {
                        t.fallback_mechanism
                        for t, e in fallbacks
                        if e is not None and t.fallback_mechanism
                    }
                )
            ),
            tuple(row_reasons),
        )
        (blocked if missing else ready).append(row)
    return WhatIf(
        mechanism,
        invalid_from,
        on,
        scenario.version,
        newly_blocked,
        newly_unlawful,
        tuple(ready),
        tuple(blocked),
    )
