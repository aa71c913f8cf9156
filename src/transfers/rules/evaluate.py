"""Evaluate one transfer under GDPR Chapter V on a given date.

Pure: takes :class:`TransferFacts` and the reference data, returns a verdict with reasons. Every
date and citation comes from the reference (``transfers.reference``), so a "what-if" reference
(e.g. DPF invalidated) changes verdicts without code changes. The algorithm follows
legal-facts.md §11; verdicts follow §1.1 (``at_risk`` is "lawful with conditions").
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Final, Literal

from transfers.reference import Mechanism, Reference, load_reference
from transfers.rules.facts import AssessmentFacts, TransferFacts

Severity = Literal["info", "warning", "error"]
Verdict = Literal["lawful", "at_risk", "unlawful"]

_RANK: Final[dict[str, int]] = {"info": 0, "warning": 1, "error": 2}
_VERDICTS: Final[tuple[Verdict, Verdict, Verdict]] = ("lawful", "at_risk", "unlawful")
_POSITIVE_TIA: Final = frozenset({"adequate", "adequate_with_measures"})

#: Reason codes whose citation comes from ``rules.toml`` ``[reasons]`` (checked by the tests).
REFERENCE_REASON_CODES: Final = frozenset(
    {
        "transfer_not_active",
        "unknown_mechanism",
        "contract_not_signed",
        "derogation_occasional",
        "derogation_systematic",
        "derogation_frequency_unknown",
        "ad_hoc_authorisation_required",
    }
)


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a verdict was reached; ``code`` is stable, ``citation`` names the law relied on."""

    code: str
    severity: Severity
    message: str
    citation: str


@dataclass(frozen=True, slots=True)
class Evaluation:
    verdict: Verdict
    reasons: tuple[Reason, ...]
    as_of: date
    active: bool


def verdict_of(reasons: Iterable[Reason]) -> Verdict:
    """The worst severity decides: error -> unlawful, warning -> at_risk, else lawful."""
    return _VERDICTS[max((_RANK[r.severity] for r in reasons), default=0)]


_DAYS_IN_MONTH: Final = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@lru_cache(maxsize=8192)
def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months, clamped to the month's last day (31 Jan + 1 = 28 Feb)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    last = _DAYS_IN_MONTH[month]
    if month == 1 and calendar.isleap(year):
        last = 29
    return date(year, month + 1, min(day.day, last))


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


def evaluate_transfer(
    facts: TransferFacts, as_of: date, reference: Reference | None = None
) -> Evaluation:
    """Verdict for ``facts`` on ``as_of`` (GDPR Arts 44-49; legal-facts.md §11).

    Inactive transfers (before ``started_on`` or after ``ended_on``) are ``lawful`` and
    ``active=False``: Chapter V governs transfers that take place, so they are not problems.
    """
    ref = reference if reference is not None else load_reference()
    if not is_active(facts, as_of):
        source = ref.reason_source("transfer_not_active")
        span = f"{facts.started_on or '…'} to {facts.ended_on or '…'}"
        reason = Reason(
            "transfer_not_active",
            "info",
            f"The transfer does not take place on {as_of} (period {span}).",
            source.citation,
        )
        return Evaluation("lawful", (reason,), as_of, False)
    reasons = tuple(_chapter_v(facts, as_of, ref))
    return Evaluation(verdict_of(reasons), reasons, as_of, True)


def _chapter_v(facts: TransferFacts, as_of: date, ref: Reference) -> list[Reason]:
    country = facts.destination_country.upper()
    period = ref.membership(country, as_of)
    if period is not None:
        return [
            Reason(
                period.reason_code,
                "info",
                f"{ref.names.get(country, country)} is not a third country on {as_of}; "
                "Chapter V does not apply (an Art. 28 contract is still needed for processors).",
                period.citation,
            )
        ]
    mechanism = ref.mechanism(facts.mechanism)
    if mechanism is None:
        source = ref.reason_source("unknown_mechanism")
        return [
            Reason(
                "unknown_mechanism",
                "error",
                f"{facts.mechanism!r} is not a transfer mechanism in reference {ref.version}.",
                source.citation,
            )
        ]
    return _evaluate_mechanism(facts, country, mechanism, as_of, ref)


def _evaluate_mechanism(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    if mechanism.invalid_from is not None and as_of >= mechanism.invalid_from:
        return [
            Reason(
                f"{mechanism.code}_invalidated",
                "error",
                f"{mechanism.name} cannot be relied on from {mechanism.invalid_from}: "
                f"{mechanism.invalidation_citation}.",
                mechanism.invalidation_citation,
            )
        ]
    return _RULES[mechanism.rule](facts, country, mechanism, as_of, ref)


def _none(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """A third-country transfer without a mechanism is unlawful (GDPR Art. 44)."""
    hint = ""
    decision = ref.adequacy_for(country)
    if (
        decision is not None
        and decision.valid_from <= as_of
        and (decision.valid_until is None or as_of <= decision.valid_until)
    ):
        hint = (
            f" An adequacy decision is in force ({decision.citation}); record it as the mechanism."
        )
    return [
        Reason(
            "no_mechanism",
            "error",
            f"Transfer to third country {country} without a transfer mechanism.{hint}",
            mechanism.citation,
        )
    ]


def _adequacy(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """Adequacy only while the decision is in force and the recipient is within its scope
    (GDPR Art. 45; legal-facts §1.3: effective from adoption, unusable after expiry).

    A decision relied on through its own framework (US: ``dpf``) is evaluated under that
    framework's rules, since the DPF decision covers only certified importers.
    """
    decision = ref.adequacy_for(country)
    if decision is None:
        return [
            Reason(
                "no_adequacy_decision",
                "error",
                f"There is no adequacy decision for {country}.",
                mechanism.citation,
            )
        ]
    if decision.mechanism != mechanism.code:
        framework = ref.mechanism(decision.mechanism)
        if framework is not None:
            via = Reason(
                "adequacy_via_framework",
                "info",
                f"The adequacy decision for {country} is relied on through "
                f"'{framework.code}'; its conditions apply.",
                decision.citation,
            )
            return [via, *_evaluate_mechanism(facts, country, framework, as_of, ref)]
    if as_of < decision.valid_from:
        return [
            Reason(
                "adequacy_not_yet_adopted",
                "error",
                f"The adequacy decision for {decision.name} applies from {decision.valid_from}.",
                decision.citation,
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
            )
        ]
    if decision.valid_until is not None and as_of > decision.valid_until:
        return [
            Reason(
                "adequacy_expired",
                "error",
                f"The adequacy decision for {decision.name} expired after {decision.valid_until}.",
                decision.expiry_citation,
            )
        ]
    if decision.scope_limited and facts.adequacy_scope_confirmed is False:
        return [
            Reason(
                "adequacy_out_of_scope",
                "error",
                f"The recipient is outside the scope of the decision for {decision.name}: "
                f"{decision.scope}",
                decision.citation,
            )
        ]
    until = f" until {decision.valid_until}" if decision.valid_until is not None else ""
    reasons = [
        Reason(
            "adequacy_in_force",
            "info",
            f"Adequacy decision for {decision.name} in force on {as_of}{until}.",
            decision.citation,
        )
    ]
    if decision.scope_limited and facts.adequacy_scope_confirmed is None:
        reasons.append(
            Reason(
                "adequacy_scope_unconfirmed",
                "warning",
                f"Confirm that the recipient is within the decision's scope: {decision.scope}",
                decision.citation,
            )
        )
    return reasons


def _framework(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """Self-certification frameworks (DPF, and formerly Privacy Shield and Safe Harbour):
    destination, dates and the importer's certification decide (legal-facts §4, §11).

    Reliance before a CJEU invalidation is lawful at the time (C-362/14 paras 51-52). For DPF a
    stale List check or a missing fallback leaves it at risk: C-703/25 P is pending and Trump v.
    Slaughter undercuts the FTC independence the decision relies on (legal-facts §4.4).
    """
    code = mechanism.code
    errors: list[Reason] = []
    if country not in mechanism.countries:
        errors.append(
            Reason(
                f"{code}_not_{'_'.join(c.lower() for c in mechanism.countries)}",
                "error",
                f"{mechanism.name} covers only {', '.join(mechanism.countries)}, not {country}.",
                mechanism.citation,
            )
        )
    if mechanism.valid_from is not None and as_of < mechanism.valid_from:
        errors.append(
            Reason(
                f"{code}_before_adoption",
                "error",
                f"{mechanism.name} applies from {mechanism.valid_from}.",
                mechanism.citation,
            )
        )
    if facts.dpf_certified is not True:
        state = "not confirmed" if facts.dpf_certified is None else "not"
        errors.append(
            Reason(
                f"{code}_not_certified",
                "error",
                f"The importer is {state} certified under {mechanism.name}.",
                mechanism.citation,
            )
        )
    hr = [c for c in facts.data_categories if c in mechanism.hr_categories]
    if hr and facts.dpf_hr_covered is not True:
        errors.append(
            Reason(
                f"{code}_hr_not_covered",
                "error",
                f"HR data ({', '.join(hr)}) need the importer's HR certification under "
                f"{mechanism.name}.",
                mechanism.citation,
            )
        )
    if errors:
        return errors
    note = (
        f" Reliance before {mechanism.invalid_from} is lawful at the time "
        f"({mechanism.invalidation_citation})."
        if mechanism.invalid_from is not None
        else ""
    )
    reasons = [
        Reason(
            f"{code}_in_force",
            "info",
            f"Importer certified under {mechanism.name} on {as_of}.{note}",
            mechanism.citation,
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
                )
            )
        else:
            due = add_months(verified, mechanism.reverification_months)
            if as_of > due:
                reasons.append(
                    Reason(
                        f"{code}_verification_stale",
                        "warning",
                        f"The certification was last checked on {verified}; a new check was due "
                        f"by {due} (every {mechanism.reverification_months} months).",
                        mechanism.reverification_citation,
                    )
                )
    if mechanism.fallback_recommended:
        fallback = ref.mechanism(facts.fallback_mechanism) if facts.fallback_mechanism else None
        if fallback is None or fallback.code == code or fallback.kind in ("none", "invalidated"):
            named = (
                f" ({facts.fallback_mechanism!r} is not usable)" if facts.fallback_mechanism else ""
            )
            reasons.append(
                Reason(
                    f"{code}_no_fallback",
                    "warning",
                    f"No fallback mechanism is recorded{named}; keep SCCs and a TIA ready in case "
                    f"{mechanism.name} falls.",
                    mechanism.fallback_citation,
                )
            )
    return reasons


def _contract(
    facts: TransferFacts, mechanism: Mechanism, as_of: date, ref: Reference
) -> Reason | None:
    """The clauses relied on must have been signed by ``as_of`` (GDPR Art. 46(1))."""
    signed = facts.contract_signed_on
    if signed is not None and signed <= as_of:
        return None
    source = ref.reason_source("contract_not_signed")
    when = f"only on {signed}" if signed is not None else "not recorded as signed"
    return Reason(
        "contract_not_signed",
        "error",
        f"The {mechanism.name} contract is {when}; on {as_of} no safeguards are in place.",
        source.citation,
    )


def _tia(facts: TransferFacts, mechanism: Mechanism, as_of: date, ref: Reference) -> list[Reason]:
    """Art. 46 tools need a documented TIA from Schrems II on (SCC Clause 14; EDPB Rec. 01/2020).

    A negative TIA makes the transfer unlawful whenever it was made; a missing one is a
    condition still open (at_risk) once TIAs are required.
    """
    if not mechanism.tia_required:
        return []
    policy = ref.tia_policy
    tia = deciding_assessment(facts.assessments, as_of)
    if tia is None:
        if as_of < policy.required_from:
            return []
        return [
            Reason(
                "tia_missing",
                "warning",
                f"No completed transfer impact assessment for this {mechanism.name} transfer.",
                policy.citation,
            )
        ]
    label = f"TIA{f' #{tia.id}' if tia.id is not None else ''} of {tia.completed_on}"
    if tia.conclusion == "not_adequate":
        return [
            Reason(
                "tia_not_adequate",
                "error",
                f"{label} concludes that no effective safeguards are possible; suspend the "
                "transfer.",
                policy.citation,
            )
        ]
    if tia.conclusion not in _POSITIVE_TIA:
        return [
            Reason(
                "tia_conclusion_missing",
                "warning",
                f"{label} has no recognised conclusion ({tia.conclusion!r}).",
                policy.citation,
            )
        ]
    reasons = [
        Reason(
            "tia_completed",
            "info",
            f"{label} concludes {tia.conclusion.replace('_', ' ')}.",
            policy.citation,
        )
    ]
    if tia.next_review_on is not None and tia.next_review_on < as_of:
        reasons.append(
            Reason(
                "tia_review_overdue",
                "warning",
                f"{label} was due for review on {tia.next_review_on}.",
                policy.citation,
            )
        )
    return reasons


def _scc(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """2021 SCCs: signed on or after entry into force, module fitting the roles (Decision (EU)
    2021/914 Art. 1 and Annex, Section I), and a TIA (Clause 14)."""
    errors: list[Reason] = []
    signed = _contract(facts, mechanism, as_of, ref)
    if signed is not None:
        errors.append(signed)
    elif (
        mechanism.valid_from is not None
        and facts.contract_signed_on is not None
        and facts.contract_signed_on < mechanism.valid_from
    ):
        errors.append(
            Reason(
                "scc_signed_before_adoption",
                "error",
                f"Signed on {facts.contract_signed_on}, before {mechanism.name} applied "
                f"({mechanism.valid_from}).",
                mechanism.citation,
            )
        )
    fitting = mechanism.module_for(facts.exporter_role, facts.importer_role)
    if facts.scc_module is None:
        errors.append(
            Reason(
                "scc_module_missing",
                "error",
                f"No SCC module recorded; {facts.exporter_role} to {facts.importer_role} needs "
                f"module {fitting if fitting is not None else '(none fits)'}.",
                mechanism.citation,
            )
        )
    else:
        entry = mechanism.module_roles(facts.scc_module)
        if entry is None or (entry.exporter_role, entry.importer_role) != (
            facts.exporter_role,
            facts.importer_role,
        ):
            covers = (
                f"covers {entry.exporter_role} to {entry.importer_role}"
                if entry is not None
                else "does not exist"
            )
            errors.append(
                Reason(
                    "scc_module_mismatch",
                    "error",
                    f"Module {facts.scc_module} {covers}, but this transfer is "
                    f"{facts.exporter_role} to {facts.importer_role}"
                    f"{f' (module {fitting})' if fitting is not None else ''}.",
                    mechanism.citation,
                )
            )
    if errors:
        return errors
    in_place = Reason(
        "scc_in_place",
        "info",
        f"{mechanism.name}, module {facts.scc_module}, signed on {facts.contract_signed_on}.",
        mechanism.citation,
    )
    return [in_place, *_tia(facts, mechanism, as_of, ref)]


def _legacy_scc(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """Pre-2021 SCC sets: signed while applicable and before the repeal took effect, relied on
    only until the end of the transition (Decision (EU) 2021/914 Art. 4; legal-facts §4.3)."""
    assert mechanism.valid_from and mechanism.signed_before and mechanism.valid_until
    errors: list[Reason] = []
    unsigned = _contract(facts, mechanism, as_of, ref)
    signed = facts.contract_signed_on
    if unsigned is not None:
        errors.append(unsigned)
    elif signed is not None and signed < mechanism.valid_from:
        errors.append(
            Reason(
                "legacy_scc_signed_before_applicable",
                "error",
                f"Signed on {signed}, before {mechanism.name} applied ({mechanism.valid_from}).",
                mechanism.citation,
            )
        )
    elif signed is not None and signed >= mechanism.signed_before:
        errors.append(
            Reason(
                "legacy_scc_signed_after_repeal",
                "error",
                f"Signed on {signed}; contracts on {mechanism.name} concluded on or after "
                f"{mechanism.signed_before} do not count.",
                mechanism.repeal_citation,
            )
        )
    if as_of > mechanism.valid_until:
        errors.append(
            Reason(
                "legacy_scc_transition_ended",
                "error",
                f"{mechanism.name} covered existing contracts only until {mechanism.valid_until}.",
                mechanism.repeal_citation,
            )
        )
    roles = (facts.exporter_role, facts.importer_role)
    if roles not in {(r.exporter_role, r.importer_role) for r in mechanism.roles}:
        allowed = "; ".join(f"{r.exporter_role} to {r.importer_role}" for r in mechanism.roles)
        errors.append(
            Reason(
                "legacy_scc_roles_mismatch",
                "error",
                f"{mechanism.name} covers only {allowed}, not {roles[0]} to {roles[1]}.",
                mechanism.citation,
            )
        )
    if errors:
        return errors
    if as_of >= mechanism.signed_before:
        status = Reason(
            "legacy_scc_transition_period",
            "info",
            f"{mechanism.name} repealed from {mechanism.signed_before}; this contract of {signed} "
            f"is deemed adequate until {mechanism.valid_until} if the processing is unchanged.",
            mechanism.repeal_citation,
        )
    else:
        status = Reason(
            "legacy_scc_in_place",
            "info",
            f"{mechanism.name} signed on {signed}.",
            mechanism.citation,
        )
    return [status, *_tia(facts, mechanism, as_of, ref)]


def _bcr(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """BCRs count only once approved by the competent authority (GDPR Art. 47(1)); as an Art. 46
    tool they need a TIA (Schrems II)."""
    if not (facts.bcr_approval_ref or "").strip():
        return [
            Reason(
                "bcr_not_approved",
                "error",
                "No supervisory-authority approval reference is recorded for the BCRs.",
                mechanism.citation,
            )
        ]
    approved = Reason(
        "bcr_approved", "info", f"BCRs approved ({facts.bcr_approval_ref}).", mechanism.citation
    )
    return [approved, *_tia(facts, mechanism, as_of, ref)]


def _art46_tool(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """Codes of conduct and certifications (GDPR Art. 46(2)(e)-(f)) are Art. 46 tools, so like
    SCCs they need a TIA."""
    relied = Reason(
        "art46_tool_in_place",
        "info",
        f"{mechanism.name} relied on ({mechanism.legal_basis}).",
        mechanism.citation,
    )
    return [relied, *_tia(facts, mechanism, as_of, ref)]


def _ad_hoc(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """Ad hoc clauses need the competent authority's authorisation (GDPR Art. 46(3)(a), 46(4)).

    The register records no authorisation, so a signed ad hoc contract is at best ``at_risk``
    with ``ad_hoc_authorisation_required``: the authorisation must be checked by hand. Unsigned
    clauses are unlawful, and a TIA is needed as for any Art. 46 tool.
    """
    unsigned = _contract(facts, mechanism, as_of, ref)
    if unsigned is not None:
        return [unsigned]
    source = ref.reason_source("ad_hoc_authorisation_required")
    authorisation = Reason(
        "ad_hoc_authorisation_required",
        "warning",
        "Ad hoc clauses are valid only with the supervisory authority's authorisation; "
        "document it with the contract.",
        source.citation,
    )
    return [authorisation, *_tia(facts, mechanism, as_of, ref)]


def _derogation(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """Art. 49 derogations are exceptions for occasional transfers only (recital 111; EDPB
    Guidelines 2/2018). Occasional use is lawful with conditions (at_risk, legal-facts §1.1);
    systematic use is unlawful; unknown frequency stays at_risk until it is recorded."""
    if facts.frequency == "systematic":
        code: str = "derogation_systematic"
        severity: Severity = "error"
        message = f"{mechanism.legal_basis} cannot cover systematic or repetitive transfers."
    elif facts.frequency == "occasional":
        code, severity = "derogation_occasional", "warning"
        message = (
            f"{mechanism.legal_basis} is usable for this occasional transfer only if its "
            "conditions are met and documented (Art. 49(6))."
        )
    else:
        code, severity = "derogation_frequency_unknown", "warning"
        message = f"Record whether the transfer is occasional; {mechanism.legal_basis} needs it."
    source = ref.reason_source(code)
    return [Reason(code, severity, message, f"{mechanism.citation}; {source.citation}")]


def _not_eu_tool(
    facts: TransferFacts, country: str, mechanism: Mechanism, as_of: date, ref: Reference
) -> list[Reason]:
    """UK instruments serve UK GDPR exports only; they are no Art. 46(2) tool for an EU export
    (legal-facts §8)."""
    return [
        Reason(
            "not_eu_tool",
            "error",
            f"{mechanism.name} is not a transfer tool under the EU GDPR ({mechanism.legal_basis}).",
            mechanism.citation,
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
    "not_eu_tool": _not_eu_tool,
}
