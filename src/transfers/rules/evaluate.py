"""Evaluate one transfer under GDPR Chapter V on a given date.

Pure: takes :class:`TransferFacts` and the reference data, returns a verdict with reasons. Every
date and citation comes from the reference (``transfers.reference``), so a "what-if" reference
(e.g. DPF invalidated) changes verdicts without code changes. The algorithm follows
legal-facts.md §11; verdicts follow §1.1 (``at_risk`` is "lawful with conditions") plus
``inactive`` for a transfer that does not take place on the date asked about.

Judgment calls (documented in docs/rules.md):
- a contract-based mechanism is covered only by an agreement of that kind (and SCC module),
  signed, effective and not ended or terminated on the date; any one such agreement suffices;
- a primary mechanism that fails while a recorded Art. 46 fallback is usable leaves the
  transfer ``at_risk`` (covered by the fallback, which should be recorded as the mechanism);
- unknown facts that a condition depends on (HR coverage, BCR group membership, Art. 49
  second-subparagraph conditions) never count as met.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import field, replace
from datetime import date, timedelta
from typing import Final, Literal

from transfers.reference import AdequacyDecision, Mechanism, Membership, Reference, load_reference
from transfers.rules.calendar import add_months as add_months  # the shared one (was defined here)
from transfers.rules.calendar import reverification_due
from transfers.rules.facts import AgreementFacts, AssessmentFacts, TransferFacts, immutable

Severity = Literal["info", "warning", "error"]
Verdict = Literal["lawful", "at_risk", "unlawful", "inactive"]
ActiveVerdict = Literal["lawful", "at_risk", "unlawful"]

_RANK: Final[dict[str, int]] = {"info": 0, "warning": 1, "error": 2}
_VERDICTS: Final[tuple[ActiveVerdict, ActiveVerdict, ActiveVerdict]] = (
    "lawful",
    "at_risk",
    "unlawful",
)
_VERDICT_RANK: Final[dict[str, int]] = {"lawful": 0, "at_risk": 1, "unlawful": 2}
_POSITIVE_TIA: Final = frozenset({"adequate", "adequate_with_measures"})

#: Reason codes whose citation comes from ``rules.toml`` ``[reasons]`` (checked by the tests).
REFERENCE_REASON_CODES: Final = frozenset(
    {
        "transfer_not_started",
        "transfer_ended",
        "unknown_mechanism",
        "contract_not_signed",
        "derogation_occasional",
        "derogation_systematic",
        "derogation_frequency_unknown",
        "ad_hoc_authorisation_required",
        "mechanism_not_yet_applicable",
        "mechanism_expired",
        "adequacy_by_operation_of_law",
        "fallback_ready",
        "bcr_type_mismatch",
        "bcr_importer_outside_group",
        "foreign_order",
        "module4_combination",
    }
)


@immutable
class Reason:
    """Why a verdict was reached.

    ``code`` is stable for machines; ``message`` is an English sentence for people (never an
    internal code, never a confidence marker); ``citation`` names the law relied on and
    ``confidence`` how well its source is verified (legal-facts §0: V, S, K, U). ``key`` and
    ``params`` let :func:`transfers.rules.messages.reason_text` say the same in another language.
    """

    code: str
    severity: Severity
    message: str
    citation: str
    confidence: str = "K"
    key: str = ""
    params: Mapping[str, object] = field(default_factory=dict)


@immutable
class Evaluation:
    """The verdict on ``as_of``. For an inactive transfer, ``period_verdict`` is the worst
    verdict while it ran (ended) or on its first day (not started), found on ``period_day``."""

    verdict: Verdict
    reasons: tuple[Reason, ...]
    as_of: date
    active: bool
    period_verdict: ActiveVerdict | None = None
    period_day: date | None = None


def verdict_of(reasons: Iterable[Reason]) -> ActiveVerdict:
    """The worst severity decides: error -> unlawful, warning -> at_risk, else lawful."""
    worst = 0
    for r in reasons:  # a loop, not max() over a generator: called ~100,000 times a check
        rank = _RANK[r.severity]
        if rank > worst:
            if rank == 2:
                return "unlawful"
            worst = rank
    return _VERDICTS[worst]


def worse(a: ActiveVerdict, b: ActiveVerdict) -> ActiveVerdict:
    return a if _VERDICT_RANK[a] >= _VERDICT_RANK[b] else b


_SHARED_KEPT: Final = 4096
_shared: dict[int, tuple[object, dict[tuple[object, ...], Reason]]] = {}


def shared(
    owner: object, key: tuple[object, ...], make: Callable[..., Reason], *args: object
) -> Reason:
    """The one reason object ``make(*args)`` makes for ``owner`` (a reference object: a
    decision, a mechanism, the reference itself) and ``key`` (the day and the other values the
    reason depends on).

    Many reasons depend on nothing but the reference and the day ("the adequacy decision for
    Brazil is in force on ..."); a register repeats them across tens of thousands of transfers
    (67,000 reasons of 18 kinds at 10,000 vendors). Reasons are immutable, so every transfer can
    hold the same object. The owner is recognised by identity: a what-if reference has its own.
    """
    kept = _shared.get(id(owner))
    if kept is None or kept[0] is not owner:
        if len(_shared) >= _SHARED_KEPT:
            _shared.clear()
        kept = _shared[id(owner)] = (owner, {})
    reasons = kept[1]
    reason = reasons.get(key)
    if reason is None:
        if len(reasons) >= _SHARED_KEPT:
            reasons.clear()
        reason = reasons[key] = make(*args)
    return reason


def is_active(facts: TransferFacts, as_of: date) -> bool:
    """A transfer takes place on ``as_of`` if it has started and not ended (both days inclusive)."""
    return (facts.started_on is None or facts.started_on <= as_of) and (
        facts.ended_on is None or as_of <= facts.ended_on
    )


def deciding_assessment(
    assessments: Iterable[AssessmentFacts], as_of: date
) -> AssessmentFacts | None:
    """The latest TIA completed on or before ``as_of`` (ties: higher id); drafts never count."""
    best: AssessmentFacts | None = None
    for a in assessments:
        if a.completed_on is None or a.completed_on > as_of:
            continue
        if best is None or (a.completed_on, a.id or 0) > (
            best.completed_on or date.min,
            best.id or 0,
        ):
            best = a
    return best


def agreement_gap(agreement: AgreementFacts, as_of: date) -> str | None:
    """Why ``agreement`` is not in force on ``as_of`` (a reason key), or None when it is.

    In force: signed (or terminated after ``as_of``), signed and effective on or before
    ``as_of``, and not past the end of its term. A terminated agreement without a recorded last
    day cannot be shown to have been in force on any date.
    """
    if agreement.status == "draft":
        return "agreement_draft"
    if agreement.status == "terminated" and (
        agreement.terminated_on is None or as_of > agreement.terminated_on
    ):
        return "agreement_terminated"
    if agreement.status not in ("signed", "terminated"):
        return "agreement_draft"
    if agreement.signed_on is None or agreement.signed_on > as_of:
        return "agreement_not_yet_signed"
    effective = agreement.effective_on or agreement.signed_on
    if effective > as_of:
        return "agreement_not_yet_effective"
    if agreement.ends_on is not None and as_of > agreement.ends_on:
        return "agreement_expired"
    return None


def agreement_in_force(agreement: AgreementFacts, as_of: date) -> bool:
    return agreement_gap(agreement, as_of) is None


def evaluate_transfer(
    facts: TransferFacts, as_of: date, reference: Reference | None = None
) -> Evaluation:
    """Verdict for ``facts`` on ``as_of`` (GDPR Arts 44-49; legal-facts.md §11).

    A transfer that does not take place on ``as_of`` is ``inactive``: Chapter V governs
    transfers that take place. For an ended transfer the reasons also say whether it was covered
    while it ran ("were we compliant last year?"); for one not yet started, what it would be on
    its first day.
    """
    ref = reference if reference is not None else load_reference()
    if is_active(facts, as_of):
        reasons = tuple(chapter_v(facts, as_of, ref))
        return Evaluation(verdict_of(reasons), reasons, as_of, True)
    if facts.started_on is not None and as_of < facts.started_on:
        start = facts.started_on
        preview = tuple(chapter_v(facts, start, ref))
        verdict = verdict_of(preview)
        head = _ref_reason(
            ref,
            "transfer_not_started",
            "info",
            f"The transfer has not started on {as_of}: it starts on {start}"
            f"{f' and ends on {facts.ended_on}' if facts.ended_on else ''}. "
            f"On its first day it would be {_VERDICT_WORDS[verdict]}.",
            as_of=as_of,
            start=start,
            verdict=verdict,
        )
        return Evaluation("inactive", (head, *preview), as_of, False, verdict, start)
    assert facts.ended_on is not None
    verdict, day, worst = _while_active(facts, ref)
    began = facts.started_on
    period = f"from {began} to {facts.ended_on}" if began else f"until {facts.ended_on}"
    if verdict == "lawful":
        summary = "It was lawful throughout."
    elif verdict == "at_risk":
        summary = f"It was lawful only with open conditions (for example on {day})."
    else:
        summary = f"It was not covered while it ran: on {day} it was unlawful."
    if began is None:
        summary += " Its start date is not recorded, so only its last day and earlier changes in the law were checked."
    head = _ref_reason(
        ref,
        "transfer_ended",
        "info",
        f"The transfer ended on {facts.ended_on}; it ran {period}. {summary}",
        end=facts.ended_on,
        start=began,
        verdict=verdict,
        day=day,
    )
    return Evaluation("inactive", (head, *worst), as_of, False, verdict, day)


_VERDICT_WORDS: Final[Mapping[str, str]] = {
    "lawful": "lawful",
    "at_risk": "lawful only with open conditions",
    "unlawful": "unlawful",
}


def _while_active(
    facts: TransferFacts, ref: Reference
) -> tuple[ActiveVerdict, date, tuple[Reason, ...]]:
    """The worst verdict of an ended transfer over the days it ran.

    Verdicts change only on dates the reference or the register names (a decision adopted or
    invalidated, a contract signed or ended, a TIA completed or due), so checking the first
    day, the last day and each such date in between covers the whole period exactly.
    """
    assert facts.ended_on is not None
    end = facts.ended_on
    start = facts.started_on or end
    days = {start, end} | {d for d in _breakpoints(facts, ref) if start <= d <= end}
    worst: tuple[ActiveVerdict, date, tuple[Reason, ...]] | None = None
    for day in sorted(days):
        reasons = tuple(chapter_v(facts, day, ref))
        verdict = verdict_of(reasons)
        if worst is None or _VERDICT_RANK[verdict] > _VERDICT_RANK[worst[0]]:
            worst = (verdict, day, reasons)
    assert worst is not None
    return worst


def _breakpoints(facts: TransferFacts, ref: Reference) -> set[date]:
    days: set[date] = {ref.tia_policy.required_from}
    country = facts.destination_country.upper()

    def add(start: date | None, last: date | None = None, first_off: date | None = None) -> None:
        if start is not None:
            days.add(start)
        if last is not None:
            days.add(last + timedelta(days=1))
        if first_off is not None:
            days.add(first_off)

    for code in (facts.mechanism, facts.fallback_mechanism):
        m = ref.mechanism(code) if code else None
        if m is not None:
            add(m.valid_from, m.valid_until, m.invalid_from)
            if m.signed_before is not None:
                days.add(m.signed_before)
    decision = ref.adequacy_for(country)
    if decision is not None:
        add(decision.valid_from, decision.valid_until, decision.invalid_from)
        if decision.scope_limited_until is not None:
            days.add(decision.scope_limited_until + timedelta(days=1))
    for period in ref.memberships:
        if country in period.countries:
            add(period.valid_from, period.valid_until)
    for a in facts.contracts:
        add(a.signed_on, a.ends_on)
        add(a.effective_on, a.terminated_on)
    for t in facts.assessments:
        add(t.completed_on, t.next_review_on)
    if facts.dpf_verified_on is not None:
        days.add(facts.dpf_verified_on)
        for m in (ref.mechanism(facts.mechanism),):
            if m is not None and m.reverification_months is not None:
                days.add(
                    reverification_due(facts.dpf_verified_on, m.reverification_months)
                    + timedelta(1)
                )
    if facts.authority_informed_on is not None:
        days.add(facts.authority_informed_on)
    return days


def chapter_v(facts: TransferFacts, as_of: date, ref: Reference) -> list[Reason]:
    """Reasons for an active transfer on ``as_of``: EEA membership first, then the mechanism."""
    country = facts.destination_country.upper()
    period = ref.membership(country, as_of)
    if period is not None:
        return [
            shared(
                ref, ("eea", country, as_of), _not_third_country, ref.names, period, country, as_of
            )
        ]
    mechanism = ref.mechanism(facts.mechanism)
    if mechanism is None:
        return [
            _ref_reason(
                ref,
                "unknown_mechanism",
                "error",
                f"{facts.mechanism!r} is not a transfer mechanism in reference {ref.version}.",
                mechanism=facts.mechanism,
            )
        ]
    reasons = evaluate_mechanism(facts, country, mechanism, as_of, ref)
    if facts.fallback_mechanism and verdict_of(reasons) == "unlawful":
        fallback = _fallback(facts, country, as_of, ref)
        if fallback is not None and verdict_of(fallback[1]) != "unlawful":
            used, fallback_reasons = fallback
            demoted = [
                replace(r, severity="warning") if r.severity == "error" else r for r in reasons
            ]
            note = _ref_reason(
                ref,
                "fallback_ready",
                "warning",
                f"{mechanism.name} does not cover the transfer on {as_of}; the recorded "
                f"fallback, {used.name}, does. Record {used.name} as the mechanism.",
                key="fallback_relied_on",
                mechanism=mechanism.code,
                fallback=used.code,
                as_of=as_of,
            )
            return [*demoted, note, *fallback_reasons]
    return reasons


def _not_third_country(
    names: Mapping[str, str], period: Membership, country: str, as_of: date
) -> Reason:
    return Reason(
        period.reason_code,
        "info",
        f"{names.get(country, country)} is not a third country on {as_of}, so Chapter V does "
        "not apply (a processor still needs an Art. 28 contract).",
        period.citation,
        period.confidence,
        "not_third_country",
        {"country": country, "as_of": as_of},
    )


def evaluate_mechanism(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """The mechanism's own rule, after the dates on which any mechanism can be relied on."""
    gate = _date_gate(mechanism, as_of, ref)
    if gate is not None:
        return [gate]
    return _RULES[mechanism.rule](facts, country, mechanism, as_of, ref)


def _date_gate(mechanism: Mechanism, as_of: date, ref: Reference) -> Reason | None:
    """Every mechanism honours ``invalid_from``, ``valid_from`` and ``valid_until``."""
    if mechanism.invalid_from is not None and as_of >= mechanism.invalid_from:
        gate = "invalidated"
    elif mechanism.valid_from is not None and as_of < mechanism.valid_from:
        gate = "not_yet"
    elif mechanism.valid_until is not None and as_of > mechanism.valid_until:
        gate = "expired"
    else:
        return None
    return shared(mechanism, (gate,), _date_gate_reason, mechanism, gate)


def _date_gate_reason(mechanism: Mechanism, gate: str) -> Reason:
    """The reason of a closed date gate: it names the mechanism's dates, not the day asked."""
    if gate == "invalidated":
        return Reason(
            f"{mechanism.code}_invalidated",
            "error",
            f"{mechanism.name} cannot be relied on from {mechanism.invalid_from}: "
            f"{mechanism.invalidation_citation}.",
            mechanism.invalidation_citation,
            mechanism.confidence,
            "mechanism_invalidated",
            {"mechanism": mechanism.code, "on": mechanism.invalid_from},
        )
    if gate == "not_yet":
        code = (
            f"{mechanism.code}_before_adoption"
            if mechanism.rule == "framework"
            else "mechanism_not_yet_applicable"
        )
        return Reason(
            code,
            "error",
            f"{mechanism.name} can be relied on only from {mechanism.valid_from}.",
            mechanism.citation,
            mechanism.confidence,
            "mechanism_not_yet_applicable",
            {"mechanism": mechanism.code, "on": mechanism.valid_from},
        )
    code = "legacy_scc_transition_ended" if mechanism.rule == "legacy_scc" else "mechanism_expired"
    return Reason(
        code,
        "error",
        f"{mechanism.name} could be relied on only until {mechanism.valid_until}.",
        mechanism.repeal_citation or mechanism.citation,
        mechanism.confidence,
        "mechanism_expired",
        {"mechanism": mechanism.code, "on": mechanism.valid_until},
    )


def fallback_evaluation(facts: TransferFacts, as_of: date, ref: Reference) -> Evaluation | None:
    """How the recorded fallback alone would cover the transfer on ``as_of`` (what-if: "who is
    ready if the primary mechanism falls?"); None when no usable kind of fallback is recorded."""
    result = _fallback(facts, facts.destination_country.upper(), as_of, ref)
    if result is None:
        return None
    reasons = tuple(result[1])
    return Evaluation(verdict_of(reasons), reasons, as_of, True)


def _fallback(
    facts: TransferFacts, country: str, as_of: date, ref: Reference
) -> tuple[Mechanism, list[Reason]] | None:
    """Only an EU Art. 46 tool can be a fallback (not a UK instrument, not an Art. 49
    derogation); it is evaluated by its own rule and dates, as if it were the mechanism."""
    code = facts.fallback_mechanism
    fallback = ref.mechanism(code) if code else None
    if fallback is None or fallback.kind != "art46" or fallback.code == facts.mechanism:
        return None
    as_primary = replace(facts, mechanism=fallback.code, fallback_mechanism=None)
    implied = _implied_module(facts, fallback)
    if implied is not None:
        as_primary = replace(as_primary, scc_module=implied)
    return fallback, evaluate_mechanism(as_primary, country, fallback, as_of, ref)


def _implied_module(facts: TransferFacts, fallback: Mechanism) -> int | None:
    """The SCC module the roles imply, for a modular fallback recorded without a module: the
    register's signed agreement of that module is then the evidence (Decision (EU) 2021/914
    Annex, Section I: the module follows from the roles)."""
    if not fallback.modules or facts.scc_module is not None:
        return None
    return fallback.module_for(facts.exporter_role, facts.importer_role)


def _ref_reason(
    ref: Reference,
    code: str,
    severity: Severity,
    message: str,
    *,
    key: str = "",
    **params: object,
) -> Reason:
    """A reason whose citation comes from ``rules.toml`` ``[reasons]``."""
    source = ref.reason_source(code)
    return Reason(code, severity, message, source.citation, source.confidence, key or code, params)


def _m_reason(
    mechanism: Mechanism,
    code: str,
    severity: Severity,
    message: str,
    key: str = "",
    **params: object,
) -> Reason:
    """A reason cited to the mechanism itself."""
    return Reason(
        code,
        severity,
        message,
        mechanism.citation,
        mechanism.confidence,
        key or code,
        {"mechanism": mechanism.code, **params},
    )


def _d_reason(
    decision: AdequacyDecision, code: str, severity: Severity, message: str, **params: object
) -> Reason:
    return Reason(
        code,
        severity,
        message,
        decision.citation,
        decision.confidence,
        code,
        {"decision": decision.name, "country": decision.countries[0], **params},
    )


# --- rules, one per mechanism ``rule`` ------------------------------------------------------


def _none(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """A third-country transfer without a mechanism is unlawful (GDPR Art. 44), unless an
    adequacy decision covers it: Art. 45(1) applies by operation of law, whatever was recorded."""
    decision = ref.adequacy_for(country)
    if decision is not None and _decision_in_force(decision, as_of):
        adequacy = ref.mechanism(decision.mechanism) or ref.mechanism("adequacy")
        if adequacy is not None:
            as_adequacy = replace(facts, mechanism=adequacy.code)
            covered = evaluate_mechanism(as_adequacy, country, adequacy, as_of, ref)
            if verdict_of(covered) != "unlawful":
                note = _ref_reason(
                    ref,
                    "adequacy_by_operation_of_law",
                    "info",
                    f"No mechanism is recorded, but the adequacy decision for {decision.name} "
                    f"covers the transfer by operation of law; record '{adequacy.name}' as the "
                    "mechanism.",
                    decision=decision.name,
                    country=country,
                    mechanism=adequacy.code,
                )
                return [note, *covered]
            return [
                _m_reason(
                    mechanism,
                    "no_mechanism",
                    "error",
                    f"Transfer to {_country(ref, country)} without a transfer mechanism; the "
                    f"adequacy decision for {decision.name} does not cover it here.",
                    country=country,
                ),
                *covered,
            ]
    return [
        _m_reason(
            mechanism,
            "no_mechanism",
            "error",
            f"Transfer to third country {_country(ref, country)} without a transfer mechanism.",
            country=country,
        )
    ]


def _decision_in_force(decision: AdequacyDecision, as_of: date) -> bool:
    return (
        decision.valid_from <= as_of
        and (decision.valid_until is None or as_of <= decision.valid_until)
        and (decision.invalid_from is None or as_of < decision.invalid_from)
    )


def _country(ref: Reference, code: str) -> str:
    return ref.names.get(code, code)


def _adequacy(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """Adequacy only while the decision is in force and the recipient is within its scope
    (GDPR Art. 45; legal-facts §1.3). A decision relied on through its own framework (US:
    ``dpf``) is evaluated under that framework's rules, since it covers only certified importers.
    ``adequacy_scope_confirmed = false`` is honoured for every decision."""
    decision = ref.adequacy_for(country)
    if decision is None:
        return [
            _m_reason(
                mechanism,
                "no_adequacy_decision",
                "error",
                f"There is no adequacy decision for {_country(ref, country)}.",
                country=country,
            )
        ]
    if decision.mechanism != mechanism.code:
        framework = ref.mechanism(decision.mechanism)
        if framework is not None:
            via = _d_reason(
                decision,
                "adequacy_via_framework",
                "info",
                f"The adequacy decision for {decision.name} is relied on through "
                f"{framework.name}; its conditions apply.",
                framework=framework.code,
            )
            as_framework = replace(facts, mechanism=framework.code)
            return [via, *evaluate_mechanism(as_framework, country, framework, as_of, ref)]
    if as_of < decision.valid_from:
        return [
            _d_reason(
                decision,
                "adequacy_not_yet_adopted",
                "error",
                f"The adequacy decision for {decision.name} applies from {decision.valid_from}.",
                on=decision.valid_from,
            )
        ]
    if decision.invalid_from is not None and as_of >= decision.invalid_from:
        return [
            Reason(
                "adequacy_invalidated",
                "error",
                f"The adequacy decision for {decision.name} cannot be relied on from "
                f"{decision.invalid_from}: {decision.invalidation_citation}.",
                decision.invalidation_citation,
                decision.confidence,
                "adequacy_invalidated",
                {"country": decision.countries[0], "on": decision.invalid_from},
            )
        ]
    if decision.valid_until is not None and as_of > decision.valid_until:
        return [
            Reason(
                "adequacy_expired",
                "error",
                f"The adequacy decision for {decision.name} expired after {decision.valid_until}.",
                decision.expiry_citation,
                decision.expiry_history[-1].confidence
                if decision.expiry_history
                else decision.confidence,
                "adequacy_expired",
                {"country": decision.countries[0], "on": decision.valid_until},
            )
        ]
    if facts.adequacy_scope_confirmed is False:
        return [
            _d_reason(
                decision,
                "adequacy_out_of_scope",
                "error",
                f"The recipient is recorded as outside the scope of the adequacy decision for "
                f"{decision.name} ({decision.scope})",
                scope=decision.scope,
            )
        ]
    reasons = [shared(decision, (as_of,), _in_force, decision, as_of)]
    if decision.limited_on(as_of) and facts.adequacy_scope_confirmed is None:
        reasons.append(shared(decision, ("scope",), _scope_unconfirmed, decision))
    return reasons


def _scope_unconfirmed(decision: AdequacyDecision) -> Reason:
    return _d_reason(
        decision,
        "adequacy_scope_unconfirmed",
        "warning",
        f"The decision has a limited scope; confirm that the recipient is within it: "
        f"{decision.scope}",
        scope=decision.scope,
    )


def _in_force(decision: AdequacyDecision, as_of: date) -> Reason:
    until = f" until {decision.valid_until}" if decision.valid_until is not None else ""
    return _d_reason(
        decision,
        "adequacy_in_force",
        "info",
        f"The adequacy decision for {decision.name} is in force on {as_of}{until}.",
        as_of=as_of,
        until=decision.valid_until,
    )


def _framework(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """Self-certification frameworks (DPF, and formerly Privacy Shield and Safe Harbour):
    destination, the importer's certification and, for HR data, its HR coverage decide
    (legal-facts §4, §11). HR data are recognised from the controlled vocabulary in the
    reference data (categories, or employees as data subjects), never from a free-text token.

    For the DPF a stale List check or a missing fallback leaves it at risk: C-703/25 P is pending
    and Trump v. Slaughter undercuts the FTC independence the decision relies on (§4.4).
    """
    code = mechanism.code
    errors: list[Reason] = []
    if country not in mechanism.countries:
        allowed = ", ".join(_country(ref, c) for c in mechanism.countries)
        errors.append(
            _m_reason(
                mechanism,
                f"{code}_not_{'_'.join(c.lower() for c in mechanism.countries)}",
                "error",
                f"{mechanism.name} covers only {allowed}, not {_country(ref, country)}.",
                key="framework_wrong_country",
                country=country,
            )
        )
    if facts.dpf_certified is not True:
        state = "not confirmed to be" if facts.dpf_certified is None else "not"
        errors.append(
            _m_reason(
                mechanism,
                f"{code}_not_certified",
                "error",
                f"The importer is {state} certified under {mechanism.name}.",
                key="framework_not_certified"
                if facts.dpf_certified is False
                else "framework_certification_unknown",
            )
        )
    if mechanism.hr_coverage_required:
        hr = ref.hr_data.hr_values(facts.data_categories, facts.data_subjects)  # controlled values
        if hr and facts.dpf_hr_covered is not True:
            state = (
                "does not cover" if facts.dpf_hr_covered is False else "is not confirmed to cover"
            )
            errors.append(
                Reason(
                    f"{code}_hr_not_covered",
                    "error",
                    f"The transfer includes HR data ({', '.join(h.replace('_', ' ') for h in hr)}), "
                    "and the importer's "
                    f"certification under {mechanism.name} {state} HR data.",
                    ref.hr_data.citation,
                    ref.hr_data.confidence,
                    "framework_hr_not_covered",
                    {"mechanism": code, "hr": ", ".join(hr)},
                )
            )
    if errors:
        return errors
    reasons = [
        _m_reason(
            mechanism,
            f"{code}_in_force",
            "info",
            f"The importer is certified under {mechanism.name}"
            + (
                f" (certification last verified on {facts.dpf_verified_on})."
                if facts.dpf_verified_on is not None
                else "."
            )
            + (
                f" Reliance before {mechanism.invalid_from} is treated as lawful at the time "
                f"({mechanism.invalidation_citation})."
                if mechanism.invalid_from is not None
                else ""
            ),
            key="framework_certified",
            verified=facts.dpf_verified_on,
        )
    ]
    if mechanism.reverification_months is not None:
        verified = facts.dpf_verified_on
        if verified is None or verified > as_of:
            reasons.append(
                Reason(
                    f"{code}_verification_stale",
                    "warning",
                    f"No check of the importer's {mechanism.name} certification on or before "
                    f"{as_of} is recorded.",
                    mechanism.reverification_citation,
                    mechanism.confidence,
                    "framework_verification_missing",
                    {"mechanism": code, "as_of": as_of},
                )
            )
        else:
            due = reverification_due(verified, mechanism.reverification_months)
            if as_of > due:
                reasons.append(
                    Reason(
                        f"{code}_verification_stale",
                        "warning",
                        f"The certification was last verified on {verified}; a new check was "
                        f"due by {due} (every {mechanism.reverification_months} months).",
                        mechanism.reverification_citation,
                        mechanism.confidence,
                        "framework_verification_stale",
                        {"verified": verified, "due": due},
                    )
                )
    if mechanism.fallback_recommended:
        reasons.append(_fallback_reason(facts, country, mechanism, as_of, ref))
    return reasons


def _fallback_reason(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> Reason:
    """A DPF fallback counts only if it is an EU Art. 46 tool valid on ``as_of``."""
    code = mechanism.code
    named = facts.fallback_mechanism
    fallback = ref.mechanism(named) if named else None
    if fallback is None:
        return shared(mechanism, ("no_fallback", named), _no_fallback, mechanism, named)
    if fallback.kind != "art46":
        return Reason(
            f"{code}_no_fallback",
            "warning",
            f"The recorded fallback, {fallback.name}, is not an EU Art. 46 safeguard "
            f"({fallback.legal_basis}), so it cannot replace {mechanism.name}.",
            mechanism.fallback_citation,
            mechanism.confidence,
            "fallback_not_art46",
            {"mechanism": code, "fallback": fallback.code},
        )
    result = _fallback(facts, country, as_of, ref)
    assert result is not None
    problems = [r for r in result[1] if r.severity == "error"]
    if problems:
        return Reason(
            f"{code}_no_fallback",
            "warning",
            f"The recorded fallback, {fallback.name}, would not cover the transfer on {as_of}: "
            f"{problems[0].message}",
            mechanism.fallback_citation,
            mechanism.confidence,
            "fallback_unusable",
            {"mechanism": code, "fallback": fallback.code, "as_of": as_of},
        )
    contract = next((r for r in result[1] if r.key == "contract_in_place"), None)
    used = f" ({contract.message})" if contract is not None else ""
    implied = _implied_module(facts, fallback)
    if implied is not None and contract is not None:
        return _ref_reason(
            ref,
            "fallback_ready",
            "info",
            f"Fallback ready: {fallback.name} would cover the transfer if {mechanism.name} "
            f"fell. No module is recorded on the transfer; agreement "
            f"#{contract.params.get('agreement')}, signed on {contract.params.get('signed')}, "
            f"is in force for module {implied}, the module the roles imply.",
            key="fallback_ready_agreement",
            fallback=fallback.code,
            mechanism=code,
            agreement=contract.params.get("agreement"),
            module=implied,
            signed=contract.params.get("signed"),
        )
    return _ref_reason(
        ref,
        "fallback_ready",
        "info",
        f"Fallback ready: {fallback.name} would cover the transfer if {mechanism.name} fell{used}.",
        fallback=fallback.code,
        mechanism=code,
    )


def _no_fallback(mechanism: Mechanism, named: str | None) -> Reason:
    message = (
        f"No fallback mechanism is recorded; keep SCCs and a TIA ready in case "
        f"{mechanism.name} falls."
        if not named
        else f"The recorded fallback {named!r} is not a transfer mechanism."
    )
    return Reason(
        f"{mechanism.code}_no_fallback",
        "warning",
        message,
        mechanism.fallback_citation,
        mechanism.confidence,
        "fallback_missing",
        {"mechanism": mechanism.code},
    )


def _contract(
    facts: TransferFacts, mechanism: Mechanism, as_of: date, ref: Reference
) -> tuple[AgreementFacts | None, list[Reason]]:
    """The agreement that carries a contract-based mechanism on ``as_of`` (GDPR Art. 46(1)).

    Only an agreement of the mechanism's kind (and, for SCCs, the transfer's module), in force
    on ``as_of`` and signed within the mechanism's signature window counts. Any one such
    agreement covers the transfer; a void later re-signature does not hide an earlier valid
    contract. Otherwise each candidate's defect is reported.
    """
    modular = bool(mechanism.modules)
    kind = [a for a in facts.contracts if a.kind == mechanism.code]
    notes: list[Reason] = []
    usable: list[AgreementFacts] = []
    for a in kind:
        label = _agreement_label(a)
        if modular and a.scc_module != facts.scc_module:
            notes.append(
                _contract_note(
                    ref,
                    "agreement_wrong_module",
                    f"{label} is for module {a.scc_module or '(none)'}, not module "
                    f"{facts.scc_module or '(none)'}.",
                    agreement=a.id,
                    module=a.scc_module,
                    wanted=facts.scc_module,
                )
            )
            continue
        gap = agreement_gap(a, as_of)
        if gap is not None:
            notes.append(
                _contract_note(
                    ref,
                    gap,
                    _gap_message(label, a, gap, as_of),
                    agreement=a.id,
                    signed=a.signed_on,
                    effective=a.effective_on,
                    ends=a.ends_on,
                    terminated=a.terminated_on,
                )
            )
            continue
        window = _signature_window(a, mechanism)
        if window is not None:
            note = _contract_note(
                ref,
                window[0],
                f"{label}: {window[1]}",
                agreement=a.id,
                signed=a.signed_on,
                mechanism=mechanism.code,
                applied=mechanism.valid_from,
                repealed=mechanism.signed_before,
            )
            if window[0] == "legacy_scc_signed_after_repeal" and mechanism.repeal_citation:
                # The repeal is the law relied on here (Decision (EU) 2021/914, Art. 4).
                note = replace(
                    note, citation=mechanism.repeal_citation, confidence=mechanism.confidence
                )
            notes.append(note)
            continue
        usable.append(a)
    if usable:
        chosen = sorted(
            usable,
            key=lambda a: (a.id != facts.agreement_id, a.signed_on or date.min, a.id or 0),
        )[0]
        return chosen, []
    what = mechanism.name + (f", module {facts.scc_module}" if modular and facts.scc_module else "")
    if not kind:
        message = f"No {what} agreement with the importer is recorded; on {as_of} no safeguards are in place."
    else:
        message = (
            f"No signed {what} agreement is in force on {as_of}, so no safeguards are in place."
        )
    return None, [
        _ref_reason(
            ref,
            "contract_not_signed",
            "error",
            message,
            key="contract_missing" if not kind else "contract_not_signed",
            mechanism=mechanism.code,
            module=facts.scc_module if modular else None,
            as_of=as_of,
        ),
        *notes,
    ]


def _agreement_label(a: AgreementFacts) -> str:
    return f"Agreement #{a.id}" if a.id is not None else "The agreement"


def _gap_message(label: str, a: AgreementFacts, gap: str, as_of: date) -> str:
    if gap == "agreement_draft":
        return f"{label} is a draft, not signed."
    if gap == "agreement_terminated":
        if a.terminated_on is None:
            return f"{label} is terminated and its last day is not recorded."
        return f"{label} was terminated; its last day was {a.terminated_on}."
    if gap == "agreement_not_yet_signed":
        return (
            f"{label} is signed only on {a.signed_on}."
            if a.signed_on is not None
            else f"{label} has no signature date."
        )
    if gap == "agreement_not_yet_effective":
        return f"{label} takes effect only on {a.effective_on}."
    return f"{label} ended on {a.ends_on}."


def _signature_window(a: AgreementFacts, mechanism: Mechanism) -> tuple[str, str] | None:
    """Clauses signed before the set applied, or on a repealed set after its repeal, never count."""
    signed = a.signed_on
    if signed is None:
        return None
    if mechanism.valid_from is not None and signed < mechanism.valid_from:
        return (
            "scc_signed_before_adoption"
            if mechanism.rule == "scc"
            else "legacy_scc_signed_before_applicable",
            f"signed on {signed}, before {mechanism.name} applied ({mechanism.valid_from}).",
        )
    if mechanism.signed_before is not None and signed >= mechanism.signed_before:
        return (
            "legacy_scc_signed_after_repeal",
            f"signed on {signed}; contracts on {mechanism.name} concluded on or after "
            f"{mechanism.signed_before} do not count.",
        )
    return None


def _contract_note(ref: Reference, code: str, message: str, **params: object) -> Reason:
    source = ref.reason_source("contract_not_signed")
    return Reason(code, "info", message, source.citation, source.confidence, code, params)


def _contract_reason(
    mechanism: Mechanism, agreement: AgreementFacts, facts: TransferFacts
) -> Reason:
    module = f", module {agreement.scc_module}" if agreement.scc_module else ""
    return _m_reason(
        mechanism,
        f"{mechanism.rule}_in_place",
        "info",
        f"{mechanism.name}{module}: agreement"
        f"{f' #{agreement.id}' if agreement.id is not None else ''} signed on {agreement.signed_on}.",
        key="contract_in_place",
        agreement=agreement.id,
        signed=agreement.signed_on,
        module=agreement.scc_module,
    )


def _tia(facts: TransferFacts, mechanism: Mechanism, as_of: date, ref: Reference) -> list[Reason]:
    """Art. 46 tools need a documented TIA from Schrems II on (EDPB Rec. 01/2020; for the 2021
    SCCs also Clause 14, which for Module 4 applies only where the EU processor combines the
    data received with data it collected in the EU).

    A negative TIA makes the transfer unlawful; a missing one is a condition still open
    (at_risk) once TIAs are required.
    """
    if not mechanism.tia_required:
        return []
    policy = ref.tia_policy
    citation = mechanism.tia_citation or policy.citation
    confidence = policy.confidence
    if facts.scc_module is not None and facts.scc_module in mechanism.tia_exempt_modules:
        if facts.combines_eu_data is False:
            return [
                Reason(
                    "tia_not_required_module4",
                    "info",
                    "Module 4 and the EU processor does not combine the data received with "
                    "personal data it collected in the EU, so no transfer impact assessment is "
                    "required.",
                    mechanism.tia_exempt_citation,
                    mechanism.confidence,
                    "tia_not_required_module4",
                    {},
                )
            ]
        if facts.combines_eu_data is None and not _positive_tia(facts, as_of):
            # A documented positive TIA answers the question: whether or not the data are
            # combined, Clause 14 is satisfied, so nothing is left open.
            return [
                _ref_reason(
                    ref,
                    "module4_combination",
                    "warning",
                    "Record whether the EU processor combines the data received with personal "
                    "data it collected in the EU: only then is a transfer impact assessment "
                    "required under Module 4.",
                    key="module4_combination_unknown",
                )
            ]
    tia = deciding_assessment(facts.assessments, as_of)
    if tia is None:
        if as_of < policy.required_from:
            return []
        return [
            Reason(
                "tia_missing",
                "warning",
                f"No completed transfer impact assessment is recorded for this {mechanism.name} "
                "transfer.",
                citation,
                confidence,
                "tia_missing",
                {"mechanism": mechanism.code},
            )
        ]
    label = f"The transfer impact assessment{f' #{tia.id}' if tia.id is not None else ''} of {tia.completed_on}"
    params: dict[str, object] = {"tia": tia.id, "completed": tia.completed_on}
    if tia.conclusion == "not_adequate":
        return [
            Reason(
                "tia_not_adequate",
                "error",
                f"{label} concludes that no effective safeguards are possible; suspend the "
                "transfer.",
                citation,
                confidence,
                "tia_not_adequate",
                params,
            )
        ]
    if tia.conclusion not in _POSITIVE_TIA:
        return [
            Reason(
                "tia_conclusion_missing",
                "warning",
                f"{label} has no recognised conclusion.",
                citation,
                confidence,
                "tia_conclusion_missing",
                params,
            )
        ]
    reasons = [
        Reason(
            "tia_completed",
            "info",
            f"{label} concludes that protection is "
            f"{'adequate' if tia.conclusion == 'adequate' else 'adequate with supplementary measures'}.",
            citation,
            confidence,
            "tia_completed",
            {**params, "conclusion": tia.conclusion},
        )
    ]
    if tia.next_review_on is not None and tia.next_review_on < as_of:
        reasons.append(
            Reason(
                "tia_review_overdue",
                "warning",
                f"{label} was due for review on {tia.next_review_on}.",
                citation,
                confidence,
                "tia_review_overdue",
                {**params, "due": tia.next_review_on},
            )
        )
    return reasons


def _positive_tia(facts: TransferFacts, as_of: date) -> bool:
    tia = deciding_assessment(facts.assessments, as_of)
    return tia is not None and tia.conclusion in _POSITIVE_TIA


def _scc(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """2021 SCCs: module fitting the roles (Decision (EU) 2021/914 Annex, Section I), an
    agreement of that module in force, and a TIA (Clause 14)."""
    errors: list[Reason] = []
    fitting = mechanism.module_for(facts.exporter_role, facts.importer_role)
    if facts.scc_module is None:
        errors.append(
            _m_reason(
                mechanism,
                "scc_module_missing",
                "error",
                f"No SCC module is recorded; a transfer from a {facts.exporter_role} to a "
                f"{facts.importer_role} needs module "
                f"{fitting if fitting is not None else '(none fits)'}.",
                exporter=facts.exporter_role,
                importer=facts.importer_role,
                fitting=fitting,
            )
        )
    else:
        entry = mechanism.module_roles(facts.scc_module)
        if entry is None or (entry.exporter_role, entry.importer_role) != (
            facts.exporter_role,
            facts.importer_role,
        ):
            covers = (
                f"covers transfers from a {entry.exporter_role} to a {entry.importer_role}"
                if entry is not None
                else "does not exist"
            )
            errors.append(
                _m_reason(
                    mechanism,
                    "scc_module_mismatch",
                    "error",
                    f"Module {facts.scc_module} {covers}, but this transfer is from a "
                    f"{facts.exporter_role} to a {facts.importer_role}"
                    f"{f' (module {fitting})' if fitting is not None else ''}.",
                    module=facts.scc_module,
                    fitting=fitting,
                )
            )
    if errors:
        return errors
    agreement, problems = _contract(facts, mechanism, as_of, ref)
    if agreement is None:
        return problems
    return [_contract_reason(mechanism, agreement, facts), *_tia(facts, mechanism, as_of, ref)]


def _legacy_scc(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """Pre-2021 SCC sets (and 2002/16 contracts grandfathered by 2010/87): signed while the set
    applied and before its repeal, relied on only until the end of the transition (Decision
    (EU) 2021/914 Art. 4; legal-facts §4.3). The transition end is the date gate."""
    assert mechanism.signed_before and mechanism.valid_until
    roles = (facts.exporter_role, facts.importer_role)
    if roles not in {(r.exporter_role, r.importer_role) for r in mechanism.roles}:
        allowed = "; ".join(
            f"from a {r.exporter_role} to a {r.importer_role}" for r in mechanism.roles
        )
        return [
            _m_reason(
                mechanism,
                "legacy_scc_roles_mismatch",
                "error",
                f"{mechanism.name} covers only transfers {allowed}, not from a {roles[0]} to a "
                f"{roles[1]}.",
                exporter=roles[0],
                importer=roles[1],
            )
        ]
    agreement, problems = _contract(facts, mechanism, as_of, ref)
    if agreement is None:
        return problems
    if as_of >= mechanism.signed_before:
        status = Reason(
            "legacy_scc_transition_period",
            "info",
            f"{mechanism.name} was repealed from {mechanism.signed_before}; this contract of "
            f"{agreement.signed_on} is deemed adequate until {mechanism.valid_until} if the "
            "processing is unchanged.",
            mechanism.repeal_citation,
            mechanism.confidence,
            "legacy_scc_transition_period",
            {
                "mechanism": mechanism.code,
                "signed": agreement.signed_on,
                "until": mechanism.valid_until,
            },
        )
    else:
        status = _m_reason(
            mechanism,
            "legacy_scc_in_place",
            "info",
            f"{mechanism.name}: agreement"
            f"{f' #{agreement.id}' if agreement.id is not None else ''} signed on "
            f"{agreement.signed_on}.",
            key="contract_in_place",
            agreement=agreement.id,
            signed=agreement.signed_on,
        )
    return [status, *_tia(facts, mechanism, as_of, ref)]


def _bcr(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """BCRs count only once approved (GDPR Art. 47(1)), only for members of the group, and only
    for whose data they were approved, not for the importer's role (WP256 rev.01 and WP257
    rev.01, introductions; EDPB Recommendations 1/2022): controller BCRs cover the group's own
    data (we export as controller) sent to group members acting as controllers or as internal
    processors; processor BCRs cover data of a controller outside the group (we export as its
    processor) that group members process as processors or sub-processors, never the group's
    own data. As an Art. 46 tool they need a TIA (Schrems II)."""
    errors: list[Reason] = []
    warnings: list[Reason] = []
    if not (facts.bcr_approval_ref or "").strip():
        errors.append(
            _m_reason(
                mechanism,
                "bcr_not_approved",
                "error",
                "No supervisory-authority approval reference is recorded for the binding "
                "corporate rules.",
            )
        )
    if facts.importer_in_group is False:
        errors.append(
            _ref_reason(
                ref,
                "bcr_importer_outside_group",
                "error",
                "The importer is not a member of the group bound by the binding corporate rules, "
                "so they do not cover this transfer.",
            )
        )
    elif facts.importer_in_group is None:
        warnings.append(
            _ref_reason(
                ref,
                "bcr_importer_outside_group",
                "warning",
                "Record whether the importer is a member of the group bound by the binding "
                "corporate rules; they cover only transfers within the group.",
                key="bcr_group_unknown",
            )
        )
    own_data = facts.exporter_role == "controller"
    needed = "controller" if own_data else "processor"
    if not own_data and facts.importer_role == "controller":
        errors.append(
            _ref_reason(
                ref,
                "bcr_type_mismatch",
                "error",
                "No binding corporate rules cover this transfer: the data belong to a controller "
                "outside the group, and processor BCRs cover them only while group members "
                "process them as processors or sub-processors, not when the importer receives "
                "them as a controller.",
                key="bcr_no_type_fits",
                recorded=facts.bcr_type,
            )
        )
    elif facts.bcr_type is None:
        warnings.append(
            _ref_reason(
                ref,
                "bcr_type_mismatch",
                "warning",
                "Record the type of the binding corporate rules: "
                + (
                    "the group's own data (we export them as controller) need controller BCRs "
                    "(BCR-C), whether the importer acts as controller or as internal processor."
                    if own_data
                    else "data of a controller outside the group (we export them as its "
                    "processor) need processor BCRs (BCR-P)."
                ),
                key="bcr_type_unknown",
                needed=needed,
            )
        )
    elif facts.bcr_type != needed:
        what = (
            "processor BCRs cover only data of controllers outside the group, not the group's "
            "own data, which we export as controller; controller BCRs are needed"
            if own_data
            else "controller BCRs cover the group's own data, not data of a controller outside "
            "the group, which we export as its processor; processor BCRs are needed"
        )
        errors.append(
            _ref_reason(
                ref,
                "bcr_type_mismatch",
                "error",
                f"The binding corporate rules are of the wrong type: {what}.",
                needed=needed,
                recorded=facts.bcr_type,
            )
        )
    if errors:
        return errors
    approved = _m_reason(
        mechanism,
        "bcr_approved",
        "info",
        f"Binding corporate rules approved ({facts.bcr_approval_ref}).",
        ref_no=facts.bcr_approval_ref,
    )
    return [approved, *warnings, *_tia(facts, mechanism, as_of, ref)]


def _art46_tool(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """Codes of conduct and certifications (GDPR Art. 46(2)(e)-(f)) count only with evidence of
    the approval and of the importer's binding commitment, and like SCCs they need a TIA."""
    if mechanism.approval_required and not (facts.approval_ref or "").strip():
        return [
            _m_reason(
                mechanism,
                "art46_tool_not_approved",
                "error",
                f"No evidence of approval is recorded for the {mechanism.name.lower()} (the "
                "approval reference and the importer's binding and enforceable commitment).",
            )
        ]
    relied = _m_reason(
        mechanism,
        "art46_tool_in_place",
        "info",
        f"{mechanism.name} relied on ({mechanism.legal_basis}; approval {facts.approval_ref}).",
        ref_no=facts.approval_ref,
    )
    return [relied, *_tia(facts, mechanism, as_of, ref)]


def _ad_hoc(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """Ad hoc clauses need the competent authority's authorisation (GDPR Art. 46(3)(a), 46(4)).

    With the authorisation recorded (``approval_ref``) a signed ad hoc contract in force is an
    Art. 46 safeguard like any other (a TIA still applies); without it the contract is at best
    ``at_risk`` (``ad_hoc_authorisation_required``) until the authorisation is recorded. Without
    a contract in force they are unlawful.
    """
    agreement, problems = _contract(facts, mechanism, as_of, ref)
    if agreement is None:
        return problems
    approval = (facts.approval_ref or "").strip()
    if approval:
        authorisation = _ref_reason(
            ref,
            "ad_hoc_authorisation_required",
            "info",
            f"The supervisory authority's authorisation of the ad hoc clauses is recorded "
            f"({approval}).",
            key="ad_hoc_authorised",
            ref_no=approval,
        )
    else:
        authorisation = _ref_reason(
            ref,
            "ad_hoc_authorisation_required",
            "warning",
            "Ad hoc clauses are valid only with the supervisory authority's authorisation; "
            "record the authorisation (its reference) with the transfer.",
        )
    return [
        _contract_reason(mechanism, agreement, facts),
        authorisation,
        *_tia(facts, mechanism, as_of, ref),
    ]


def _derogation(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """Art. 49(1) derogations are exceptions for occasional transfers only (recital 111; EDPB
    Guidelines 2/2018). Occasional use is lawful with conditions (at_risk, legal-facts §1.1);
    systematic use is unlawful; unknown frequency stays at_risk until it is recorded.
    Point (d) needs a public interest recognised in Union or Member State law (Art. 49(4)): a
    disclosure ordered by a third-country court or authority is not one (Art. 48)."""
    if mechanism.foreign_order_excluded and facts.third_country_order:
        return [
            _ref_reason(
                ref,
                "foreign_order",
                "error",
                f"{mechanism.legal_basis} does not cover a disclosure ordered by a third-country "
                "court or authority: the public interest must be recognised in Union or Member "
                "State law. Such an order is recognised only under an international agreement "
                "(Art. 48).",
                key="derogation_foreign_order",
                mechanism=mechanism.code,
            )
        ]
    frequency = facts.frequency
    return [
        shared(
            ref, ("derogation", mechanism.code, frequency), _occasional, mechanism, frequency, ref
        )
    ]


def _occasional(mechanism: Mechanism, frequency: str | None, ref: Reference) -> Reason:
    """Whether an Art. 49(1) derogation can cover a transfer this frequent."""
    if frequency == "systematic":
        code: str = "derogation_systematic"
        severity: Severity = "error"
        message = f"{mechanism.legal_basis} cannot cover systematic or repetitive transfers."
    elif frequency == "occasional":
        code, severity = "derogation_occasional", "warning"
        message = (
            f"{mechanism.legal_basis} can cover this occasional transfer only if its own "
            "conditions are met; keep a record of how they are met."
        )
    else:
        code, severity = "derogation_frequency_unknown", "warning"
        message = f"Record whether the transfer is occasional: {mechanism.legal_basis} can cover only occasional transfers."
    source = ref.reason_source(code)
    return Reason(
        code,
        severity,
        message,
        f"{mechanism.citation}; {source.citation}",
        source.confidence,
        code,
        {"mechanism": mechanism.code},
    )


def _compelling_interests(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """Art. 49(1) second subparagraph: every condition must be met and documented (Art. 49(6));
    a condition not recorded is not met."""
    missing: list[tuple[str, str]] = []
    if facts.frequency != "occasional":
        missing.append(
            (
                "not_repetitive",
                "the transfer is recorded as systematic"
                if facts.frequency == "systematic"
                else "the transfer is not recorded as occasional (not repetitive)",
            )
        )
    if facts.limited_data_subjects is not True:
        missing.append(
            (
                "limited_data_subjects",
                "it is not recorded as concerning a limited number of data subjects",
            )
        )
    if facts.authority_informed_on is None or facts.authority_informed_on > as_of:
        missing.append(
            ("authority_informed", "the supervisory authority is not recorded as informed")
        )
    if facts.data_subjects_informed is not True:
        missing.append(("data_subjects_informed", "the data subjects are not recorded as informed"))
    if missing:
        return [
            _m_reason(
                mechanism,
                "compelling_interests_condition_missing",
                "error",
                f"{mechanism.name} is not available: {'; '.join(text for _, text in missing)}.",
                conditions=",".join(key for key, _ in missing),
            )
        ]
    return [
        _m_reason(
            mechanism,
            "compelling_interests_conditions_met",
            "warning",
            f"{mechanism.name}: the recorded conditions are met; the transfer is lawful only if "
            "the compelling legitimate interests, the assessment and the safeguards are "
            "documented in the record of processing (Art. 49(6)).",
        )
    ]


def _international_agreement(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """Art. 48: a third-country order to disclose is recognised only under an international
    agreement, recorded on the transfer; without one the disclosure is unlawful."""
    agreement = (facts.international_agreement or "").strip()
    if not agreement:
        return [
            _ref_reason(
                ref,
                "foreign_order",
                "error",
                "A disclosure ordered by a third-country court or authority is recognised only "
                "under an international agreement such as a mutual legal assistance treaty, and "
                "none is recorded on the transfer.",
                key="foreign_order_no_agreement",
            )
        ]
    return [
        _ref_reason(
            ref,
            "foreign_order",
            "warning",
            f"The disclosure relies on {agreement}; check that it covers this request and "
            "document the request and the data disclosed.",
            key="foreign_order_agreement",
            agreement=agreement,
        )
    ]


def _not_eu_tool(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """UK instruments serve UK GDPR exports only; they are no Art. 46(2) tool for an EU export
    (legal-facts §8). A linked agreement of the instrument's own kind is named as the evidence
    of the UK export, but it changes nothing for the EU export."""
    linked = next(
        (
            a
            for a in facts.contracts
            if a.kind == mechanism.code and a.id is not None and a.id == facts.agreement_id
        ),
        None,
    )
    if linked is not None:
        return [
            _m_reason(
                mechanism,
                "not_eu_tool",
                "error",
                f"{mechanism.name} is not a transfer tool under the EU GDPR "
                f"({mechanism.legal_basis}); agreement #{linked.id} is evidence for a UK GDPR "
                "export only, and this EU export needs an EU Chapter V mechanism.",
                key="not_eu_tool_agreement",
                agreement=linked.id,
            )
        ]
    return [
        _m_reason(
            mechanism,
            "not_eu_tool",
            "error",
            f"{mechanism.name} is not a transfer tool under the EU GDPR ({mechanism.legal_basis}).",
        )
    ]


_Rule = Callable[[TransferFacts, str, Mechanism, date, Reference], list[Reason]]

_RULES: Final[dict[str, _Rule]] = {
    "none": _none,
    "adequacy": _adequacy,
    "framework": _framework,
    "scc": _scc,
    "legacy_scc": _legacy_scc,
    "bcr": _bcr,
    "art46_tool": _art46_tool,
    "ad_hoc": _ad_hoc,
    "derogation": _derogation,
    "compelling_interests": _compelling_interests,
    "international_agreement": _international_agreement,
    "not_eu_tool": _not_eu_tool,
}
