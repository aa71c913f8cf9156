"""evaluate_transfer: every rule on both sides of every date boundary in the reference data."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from transfers.reference import load_reference
from transfers.rules import (
    AgreementFacts,
    AssessmentFacts,
    Evaluation,
    TransferFacts,
    evaluate_transfer,
)
from transfers.rules.evaluate import REFERENCE_REASON_CODES

REF = load_reference()
D = date.fromisoformat
TIA_OK = (AssessmentFacts(1, D("2020-01-01"), "adequate", None),)
TIA_BAD = (AssessmentFacts(2, D("2020-01-01"), "not_adequate", None),)

BASE = TransferFacts(
    id=1,
    destination_country="US",
    exporter_role="controller",
    importer_role="processor",
    mechanism="none",
    scc_module=None,
    data_categories=("identity", "contact"),
    frequency=None,
    adequacy_scope_confirmed=None,
    dpf_certified=None,
    dpf_hr_covered=None,
    dpf_verified_on=None,
    bcr_approval_ref=None,
    fallback_mechanism=None,
    started_on=None,
    ended_on=None,
)

DPF_OK: dict[str, Any] = {
    "mechanism": "dpf",
    "dpf_certified": True,
    "dpf_verified_on": D("2023-07-10"),
    "fallback_mechanism": "scc_2021",
    "scc_module": 2,
    "contracts": (AgreementFacts(80, "scc_2021", 2, "signed", D("2023-07-01"), None, None),),
    "assessments": (AssessmentFacts(3, D("2023-07-01"), "adequate", None),),
}
#: DPF with a fallback recorded but no SCC agreement signed: the fallback cannot cover it.
DPF_ALONE: dict[str, Any] = {**DPF_OK, "contracts": ()}
SCC_OK: dict[str, Any] = {
    "mechanism": "scc_2021",
    "scc_module": 2,
    "contract_signed_on": D("2021-06-27"),
    "destination_country": "IN",
    "assessments": TIA_OK,
}
SCC2010_OK: dict[str, Any] = {
    "mechanism": "scc_2010",
    "contract_signed_on": D("2021-09-26"),
    "destination_country": "IN",
    "assessments": TIA_OK,
}


def contract(kind: str, signed: date | None, module: int | None = None) -> AgreementFacts:
    """A signed agreement of ``kind`` (the contract a contract-based mechanism needs)."""
    return AgreementFacts(90, kind, module, "signed", signed, None, None)


def facts(**overrides: Any) -> TransferFacts:
    """BASE with overrides; ``contract_signed_on`` records a signed agreement of the
    transfer's mechanism and module signed on that day (None: no agreement)."""
    signed = overrides.pop("contract_signed_on", None)
    merged = replace(BASE, **overrides)
    if signed is not None:
        merged = replace(merged, contracts=(contract(merged.mechanism, signed, merged.scc_module),))
    return merged


def evaluate(as_of: str, **overrides: Any) -> Evaluation:
    return evaluate_transfer(facts(**overrides), D(as_of))


def codes(evaluation: Evaluation) -> list[str]:
    return [r.code for r in evaluation.reasons]


def case(
    name: str, as_of: str, verdict: str, code: str, **overrides: Any
) -> Any:  # pytest.param's type is private
    return pytest.param(as_of, overrides, verdict, code, id=name)


CASES = [
    # --- EEA and territories: no Chapter V transfer, whatever the mechanism field says
    case("eu-de", "2026-11-24", "lawful", "eea_destination", destination_country="DE"),
    case("eu-lowercase", "2026-11-24", "lawful", "eea_destination", destination_country="fi"),
    *[
        case(f"eu-territory-{c}", "2026-11-24", "lawful", "eea_destination", destination_country=c)
        for c in ("AX", "GP", "GF", "MQ", "RE", "YT")
    ],
    case(
        "eea-efta-2018-07-19", "2018-07-19", "lawful", "eea_destination", destination_country="NO"
    ),
    case(
        "eea-efta-2018-07-20", "2018-07-20", "lawful", "eea_destination", destination_country="NO"
    ),
    case("greenland-none", "2026-11-24", "unlawful", "no_mechanism", destination_country="GL"),
    case(
        "greenland-adequacy",
        "2026-11-24",
        "unlawful",
        "no_adequacy_decision",
        destination_country="GL",
        mechanism="adequacy",
    ),
    case(
        "gibraltar-adequacy",
        "2026-11-24",
        "unlawful",
        "no_adequacy_decision",
        destination_country="GI",
        mechanism="adequacy",
    ),
    *[
        case(
            f"own-adequacy-{c}",
            "2026-11-24",
            "lawful",
            "adequacy_in_force",
            destination_country=c,
            mechanism="adequacy",
        )
        for c in ("FO", "GG", "JE", "IM")
    ],
    # --- United Kingdom
    case("uk-2020-12-31", "2020-12-31", "lawful", "uk_transition_period", destination_country="GB"),
    case("uk-2021-01-01", "2021-01-01", "lawful", "uk_bridge_period", destination_country="GB"),
    case("uk-2021-06-27", "2021-06-27", "lawful", "uk_bridge_period", destination_country="GB"),
    case(
        "uk-2021-06-28-none-scope-open",
        "2021-06-28",
        "at_risk",
        "adequacy_by_operation_of_law",
        destination_country="GB",
    ),
    case(
        "uk-2021-06-28-none",
        "2021-06-28",
        "lawful",
        "adequacy_by_operation_of_law",
        destination_country="GB",
        adequacy_scope_confirmed=True,
    ),
    case(
        "uk-2025-12-18-immigration-exclusion-open",
        "2025-12-18",
        "at_risk",
        "adequacy_scope_unconfirmed",
        destination_country="GB",
        mechanism="adequacy",
    ),
    case(
        "uk-2021-06-28",
        "2021-06-28",
        "lawful",
        "adequacy_in_force",
        destination_country="GB",
        mechanism="adequacy",
        adequacy_scope_confirmed=True,
    ),
    case(
        "uk-2025-06-28-extended",
        "2025-06-28",
        "lawful",
        "adequacy_in_force",
        destination_country="GB",
        mechanism="adequacy",
        adequacy_scope_confirmed=True,
    ),
    case(
        "uk-2025-12-28-renewed",
        "2025-12-28",
        "lawful",
        "adequacy_in_force",
        destination_country="GB",
        mechanism="adequacy",
    ),
    case(
        "uk-2031-12-27",
        "2031-12-27",
        "lawful",
        "adequacy_in_force",
        destination_country="GB",
        mechanism="adequacy",
    ),
    case(
        "uk-2031-12-28",
        "2031-12-28",
        "unlawful",
        "adequacy_expired",
        destination_country="GB",
        mechanism="adequacy",
    ),
    case(
        "uk-idta",
        "2026-11-24",
        "unlawful",
        "not_eu_tool",
        destination_country="GB",
        mechanism="uk_idta",
    ),
    case(
        "uk-addendum",
        "2026-11-24",
        "unlawful",
        "not_eu_tool",
        destination_country="GB",
        mechanism="uk_addendum",
    ),
    # --- adequacy decisions: day before and day of adoption
    *[
        case(
            f"adequacy-{c}-{d}",
            d,
            verdict,
            code,
            destination_country=c,
            mechanism="adequacy",
            adequacy_scope_confirmed=True,
        )
        for c, before, on in [
            ("JP", "2019-01-22", "2019-01-23"),
            ("KR", "2021-12-16", "2021-12-17"),
            ("BR", "2026-01-25", "2026-01-26"),
            ("EP", "2025-07-14", "2025-07-15"),
            ("CH", "2000-07-25", "2000-07-26"),
        ]
        for d, verdict, code in [
            (before, "unlawful", "adequacy_not_yet_adopted"),
            (on, "lawful", "adequacy_in_force"),
        ]
    ],
    case(
        "adequacy-none-for-india",
        "2026-11-24",
        "unlawful",
        "no_adequacy_decision",
        destination_country="IN",
        mechanism="adequacy",
    ),
    case(
        "adequacy-scope-unconfirmed",
        "2026-11-24",
        "at_risk",
        "adequacy_scope_unconfirmed",
        destination_country="CA",
        mechanism="adequacy",
    ),
    case(
        "adequacy-out-of-scope",
        "2026-11-24",
        "unlawful",
        "adequacy_out_of_scope",
        destination_country="KR",
        mechanism="adequacy",
        adequacy_scope_confirmed=False,
    ),
    case(
        "adequacy-whole-country-needs-no-confirmation",
        "2026-11-24",
        "lawful",
        "adequacy_in_force",
        destination_country="CH",
        mechanism="adequacy",
    ),
    case(
        "adequacy-us-goes-through-dpf",
        "2026-11-24",
        "unlawful",
        "dpf_not_certified",
        mechanism="adequacy",
    ),
    case(
        "adequacy-us-certified",
        "2026-11-24",
        "at_risk",
        "dpf_verification_stale",
        **{**DPF_OK, "mechanism": "adequacy"},
    ),
    # --- Privacy Shield and Safe Harbour
    case(
        "ps-2016-07-11",
        "2016-07-11",
        "unlawful",
        "privacy_shield_before_adoption",
        mechanism="privacy_shield",
        dpf_certified=True,
    ),
    case(
        "ps-2016-07-12",
        "2016-07-12",
        "lawful",
        "privacy_shield_in_force",
        mechanism="privacy_shield",
        dpf_certified=True,
    ),
    case(
        "ps-2020-07-15",
        "2020-07-15",
        "lawful",
        "privacy_shield_in_force",
        mechanism="privacy_shield",
        dpf_certified=True,
    ),
    case(
        "ps-2020-07-16",
        "2020-07-16",
        "unlawful",
        "privacy_shield_invalidated",
        mechanism="privacy_shield",
        dpf_certified=True,
    ),
    case(
        "ps-not-certified",
        "2019-01-01",
        "unlawful",
        "privacy_shield_not_certified",
        mechanism="privacy_shield",
    ),
    case(
        "ps-not-us",
        "2019-01-01",
        "unlawful",
        "privacy_shield_not_us",
        mechanism="privacy_shield",
        dpf_certified=True,
        destination_country="CN",
    ),
    case(
        "sh-2000-07-25",
        "2000-07-25",
        "unlawful",
        "safe_harbor_before_adoption",
        mechanism="safe_harbor",
        dpf_certified=True,
    ),
    case(
        "sh-2000-07-26",
        "2000-07-26",
        "lawful",
        "safe_harbor_in_force",
        mechanism="safe_harbor",
        dpf_certified=True,
    ),
    case(
        "sh-2015-10-05",
        "2015-10-05",
        "lawful",
        "safe_harbor_in_force",
        mechanism="safe_harbor",
        dpf_certified=True,
    ),
    case(
        "sh-2015-10-06",
        "2015-10-06",
        "unlawful",
        "safe_harbor_invalidated",
        mechanism="safe_harbor",
        dpf_certified=True,
    ),
    # --- DPF
    case("dpf-2023-07-09", "2023-07-09", "unlawful", "dpf_before_adoption", **DPF_ALONE),
    case("dpf-2023-07-10", "2023-07-10", "lawful", "dpf_in_force", **DPF_OK),
    case(
        "dpf-not-us",
        "2024-01-01",
        "unlawful",
        "dpf_not_us",
        **{**DPF_ALONE, "destination_country": "IN"},
    ),
    case(
        "dpf-not-certified",
        "2024-01-01",
        "unlawful",
        "dpf_not_certified",
        **{**DPF_ALONE, "dpf_certified": False},
    ),
    case(
        "dpf-certification-unknown",
        "2024-01-01",
        "unlawful",
        "dpf_not_certified",
        **{**DPF_ALONE, "dpf_certified": None},
    ),
    case(
        "dpf-hr-not-covered",
        "2024-01-01",
        "unlawful",
        "dpf_hr_not_covered",
        **{**DPF_ALONE, "data_categories": ("identity", "hr")},
    ),
    case(
        "dpf-hr-covered",
        "2024-01-01",
        "lawful",
        "dpf_in_force",
        **{**DPF_OK, "data_categories": ("hr",), "dpf_hr_covered": True},
    ),
    case("dpf-verified-exactly-12-months", "2024-07-10", "lawful", "dpf_in_force", **DPF_OK),
    case(
        "dpf-verified-12-months-and-a-day",
        "2024-07-11",
        "at_risk",
        "dpf_verification_stale",
        **DPF_OK,
    ),
    case(
        "dpf-never-verified",
        "2024-01-01",
        "at_risk",
        "dpf_verification_stale",
        **{**DPF_OK, "dpf_verified_on": None},
    ),
    case(
        "dpf-verified-after-as-of",
        "2024-01-01",
        "at_risk",
        "dpf_verification_stale",
        **{**DPF_OK, "dpf_verified_on": D("2024-01-02")},
    ),
    case(
        "dpf-no-fallback",
        "2024-01-01",
        "at_risk",
        "dpf_no_fallback",
        **{**DPF_OK, "fallback_mechanism": None},
    ),
    case(
        "dpf-invalidated-fallback",
        "2024-01-01",
        "at_risk",
        "dpf_no_fallback",
        **{**DPF_OK, "fallback_mechanism": "privacy_shield"},
    ),
    case(
        "dpf-unknown-fallback",
        "2024-01-01",
        "at_risk",
        "dpf_no_fallback",
        **{**DPF_OK, "fallback_mechanism": "scc_1999"},
    ),
    # --- 2021 SCCs
    case(
        "scc-signed-2021-06-26",
        "2022-01-01",
        "unlawful",
        "scc_signed_before_adoption",
        **{**SCC_OK, "contract_signed_on": D("2021-06-26")},
    ),
    case("scc-signed-2021-06-27", "2022-01-01", "lawful", "scc_in_place", **SCC_OK),
    case(
        "scc-not-signed",
        "2022-01-01",
        "unlawful",
        "contract_not_signed",
        **{**SCC_OK, "contract_signed_on": None},
    ),
    case(
        "scc-signed-after-as-of",
        "2022-01-01",
        "unlawful",
        "contract_not_signed",
        **{**SCC_OK, "contract_signed_on": D("2022-01-02")},
    ),
    case(
        "scc-signed-on-as-of",
        "2022-01-01",
        "lawful",
        "scc_in_place",
        **{**SCC_OK, "contract_signed_on": D("2022-01-01")},
    ),
    case(
        "scc-module-missing",
        "2022-01-01",
        "unlawful",
        "scc_module_missing",
        **{**SCC_OK, "scc_module": None},
    ),
    case(
        "scc-module-5",
        "2022-01-01",
        "unlawful",
        "scc_module_mismatch",
        **{**SCC_OK, "scc_module": 5},
    ),
    case("scc-no-tia", "2022-01-01", "at_risk", "tia_missing", **{**SCC_OK, "assessments": ()}),
    case(
        "scc-negative-tia",
        "2022-01-01",
        "unlawful",
        "tia_not_adequate",
        **{**SCC_OK, "assessments": TIA_BAD},
    ),
    case(
        "scc-tia-with-measures",
        "2022-01-01",
        "lawful",
        "tia_completed",
        **{
            **SCC_OK,
            "assessments": (AssessmentFacts(3, D("2021-12-01"), "adequate_with_measures", None),),
        },
    ),
    case(
        "scc-draft-tia",
        "2022-01-01",
        "at_risk",
        "tia_missing",
        **{**SCC_OK, "assessments": (AssessmentFacts(3, None, "adequate", None),)},
    ),
    case(
        "scc-tia-completed-later",
        "2022-01-01",
        "at_risk",
        "tia_missing",
        **{**SCC_OK, "assessments": (AssessmentFacts(3, D("2022-01-02"), "adequate", None),)},
    ),
    case(
        "scc-tia-completed-on-as-of",
        "2022-01-01",
        "lawful",
        "tia_completed",
        **{**SCC_OK, "assessments": (AssessmentFacts(3, D("2022-01-01"), "adequate", None),)},
    ),
    case(
        "scc-tia-without-conclusion",
        "2022-01-01",
        "at_risk",
        "tia_conclusion_missing",
        **{**SCC_OK, "assessments": (AssessmentFacts(3, D("2021-12-01"), None, None),)},
    ),
    case(
        "scc-latest-tia-positive",
        "2022-01-01",
        "lawful",
        "tia_completed",
        **{
            **SCC_OK,
            "assessments": (
                AssessmentFacts(1, D("2021-01-01"), "not_adequate", None),
                AssessmentFacts(2, D("2021-06-01"), "adequate", None),
            ),
        },
    ),
    case(
        "scc-latest-tia-negative",
        "2022-01-01",
        "unlawful",
        "tia_not_adequate",
        **{
            **SCC_OK,
            "assessments": (
                AssessmentFacts(2, D("2021-06-01"), "not_adequate", None),
                AssessmentFacts(1, D("2021-01-01"), "adequate", None),
            ),
        },
    ),
    case(
        "scc-tia-review-on-as-of",
        "2022-01-01",
        "lawful",
        "tia_completed",
        **{
            **SCC_OK,
            "assessments": (AssessmentFacts(3, D("2021-01-01"), "adequate", D("2022-01-01")),),
        },
    ),
    case(
        "scc-tia-review-overdue",
        "2022-01-02",
        "at_risk",
        "tia_review_overdue",
        **{
            **SCC_OK,
            "assessments": (AssessmentFacts(3, D("2021-01-01"), "adequate", D("2022-01-01")),),
        },
    ),
    # --- legacy SCCs
    case(
        "scc2010-signed-2021-09-26-eval-2022-12-27",
        "2022-12-27",
        "lawful",
        "legacy_scc_transition_period",
        **SCC2010_OK,
    ),
    case(
        "scc2010-eval-2022-12-28",
        "2022-12-28",
        "unlawful",
        "legacy_scc_transition_ended",
        **SCC2010_OK,
    ),
    case(
        "scc2010-signed-2021-09-27",
        "2021-10-01",
        "unlawful",
        "legacy_scc_signed_after_repeal",
        **{**SCC2010_OK, "contract_signed_on": D("2021-09-27")},
    ),
    case("scc2010-eval-2021-09-26", "2021-09-26", "lawful", "legacy_scc_in_place", **SCC2010_OK),
    case(
        "scc2010-eval-2021-09-27",
        "2021-09-27",
        "lawful",
        "legacy_scc_transition_period",
        **SCC2010_OK,
    ),
    case(
        "scc2010-no-tia-before-schrems-ii",
        "2020-07-15",
        "lawful",
        "legacy_scc_in_place",
        **{**SCC2010_OK, "contract_signed_on": D("2015-01-01"), "assessments": ()},
    ),
    case(
        "scc2010-no-tia-from-schrems-ii",
        "2020-07-16",
        "at_risk",
        "tia_missing",
        **{**SCC2010_OK, "contract_signed_on": D("2015-01-01"), "assessments": ()},
    ),
    case(
        "scc2010-negative-tia",
        "2022-01-01",
        "unlawful",
        "tia_not_adequate",
        **{**SCC2010_OK, "assessments": TIA_BAD},
    ),
    case(
        "scc2010-c2c",
        "2022-01-01",
        "unlawful",
        "legacy_scc_roles_mismatch",
        **{**SCC2010_OK, "importer_role": "controller"},
    ),
    case(
        "scc2010-p2p",
        "2022-01-01",
        "unlawful",
        "legacy_scc_roles_mismatch",
        **{**SCC2010_OK, "exporter_role": "processor"},
    ),
    case(
        "scc2001-c2p",
        "2022-01-01",
        "unlawful",
        "legacy_scc_roles_mismatch",
        **{**SCC2010_OK, "mechanism": "scc_2001"},
    ),
    case(
        "scc2004-c2p",
        "2022-01-01",
        "unlawful",
        "legacy_scc_roles_mismatch",
        **{**SCC2010_OK, "mechanism": "scc_2004"},
    ),
    case(
        "scc2010-not-signed",
        "2022-01-01",
        "unlawful",
        "contract_not_signed",
        **{**SCC2010_OK, "contract_signed_on": None},
    ),
    *[
        case(
            f"{code}-signed-{d}",
            "2020-01-01",
            verdict,
            reason,
            **{**SCC2010_OK, "mechanism": code, "contract_signed_on": D(d), "importer_role": role},
        )
        for code, before, on, role in [
            ("scc_2001", "2001-09-02", "2001-09-03", "controller"),
            ("scc_2004", "2005-03-31", "2005-04-01", "controller"),
            ("scc_2010", "2010-05-14", "2010-05-15", "processor"),
        ]
        for d, verdict, reason in [
            (before, "unlawful", "legacy_scc_signed_before_applicable"),
            (on, "lawful", "legacy_scc_in_place"),
        ]
    ],
    # --- BCRs, codes of conduct, certification, ad hoc clauses
    case(
        "bcr-no-approval",
        "2024-01-01",
        "unlawful",
        "bcr_not_approved",
        mechanism="bcr",
        assessments=TIA_OK,
    ),
    case(
        "bcr-blank-approval",
        "2024-01-01",
        "unlawful",
        "bcr_not_approved",
        mechanism="bcr",
        bcr_approval_ref="  ",
        assessments=TIA_OK,
    ),
    case(
        "bcr-no-tia",
        "2024-01-01",
        "at_risk",
        "tia_missing",
        mechanism="bcr",
        bcr_approval_ref="FI-BCR-1",
        bcr_type="controller",  # our own data to an internal processor: BCR-C (WP256 rev.01)
        importer_in_group=True,
    ),
    case(
        "bcr-ok",
        "2024-01-01",
        "lawful",
        "bcr_approved",
        mechanism="bcr",
        bcr_approval_ref="FI-BCR-1",
        bcr_type="controller",  # our own data to an internal processor: BCR-C (WP256 rev.01)
        importer_in_group=True,
        assessments=TIA_OK,
    ),
    *[
        case(
            f"{code}-{name}",
            "2024-01-01",
            verdict,
            reason,
            mechanism=code,
            assessments=tia,
            approval_ref="Approved by the EDPB, register no 1",
        )
        for code in ("code_of_conduct", "certification")
        for name, tia, verdict, reason in [
            ("no-tia", (), "at_risk", "tia_missing"),
            ("tia", TIA_OK, "lawful", "tia_completed"),
            ("negative-tia", TIA_BAD, "unlawful", "tia_not_adequate"),
        ]
    ],
    case(
        "ad-hoc-signed",
        "2024-01-01",
        "at_risk",
        "ad_hoc_authorisation_required",
        mechanism="ad_hoc_clauses",
        contract_signed_on=D("2023-01-01"),
        assessments=TIA_OK,
    ),
    case(
        "ad-hoc-unsigned",
        "2024-01-01",
        "unlawful",
        "contract_not_signed",
        mechanism="ad_hoc_clauses",
        assessments=TIA_OK,
    ),
    case(
        "ad-hoc-negative-tia",
        "2024-01-01",
        "unlawful",
        "tia_not_adequate",
        mechanism="ad_hoc_clauses",
        contract_signed_on=D("2023-01-01"),
        assessments=TIA_BAD,
    ),
    # --- derogations
    *[
        case(
            f"derogation-{p}-{frequency}",
            "2024-01-01",
            verdict,
            reason,
            mechanism=f"derogation_49_1_{p}",
            frequency=frequency,
            destination_country="IN",
        )
        for p in "abcdefg"
        for frequency, verdict, reason in [
            ("occasional", "at_risk", "derogation_occasional"),
            ("systematic", "unlawful", "derogation_systematic"),
            (None, "at_risk", "derogation_frequency_unknown"),
        ]
    ],
    # --- no mechanism, unknown mechanism
    case("none-india", "2024-01-01", "unlawful", "no_mechanism", destination_country="IN"),
    case(
        "none-switzerland",
        "2024-01-01",
        "lawful",
        "adequacy_by_operation_of_law",
        destination_country="CH",
    ),
    case("none-india", "2024-01-01", "unlawful", "no_mechanism", destination_country="IN"),
    case(
        "unknown-mechanism", "2024-01-01", "unlawful", "unknown_mechanism", mechanism="pinky_swear"
    ),
    # --- activity window
    case("started-on-as-of", "2024-01-01", "unlawful", "no_mechanism", started_on=D("2024-01-01")),
    case("ended-on-as-of", "2024-01-01", "unlawful", "no_mechanism", ended_on=D("2024-01-01")),
]


@pytest.mark.parametrize(("as_of", "overrides", "verdict", "code"), CASES)
def test_rules(as_of: str, overrides: dict[str, Any], verdict: str, code: str) -> None:
    evaluation = evaluate(as_of, **overrides)
    assert (evaluation.verdict, code in codes(evaluation)) == (verdict, True), evaluation.reasons
    assert evaluation.active and evaluation.as_of == D(as_of)
    for reason in evaluation.reasons:
        assert reason.citation.strip() and reason.message.strip()
        assert reason.severity in {"info", "warning", "error"}


ROLES = ("controller", "processor")
MODULE_FOR = {
    ("controller", "controller"): 1,
    ("controller", "processor"): 2,
    ("processor", "processor"): 3,
    ("processor", "controller"): 4,
}


@pytest.mark.parametrize("module", [1, 2, 3, 4])
@pytest.mark.parametrize("exporter", ROLES)
@pytest.mark.parametrize("importer", ROLES)
def test_scc_module_must_fit_roles(module: int, exporter: str, importer: str) -> None:
    evaluation = evaluate(
        "2024-01-01",
        **{
            **SCC_OK,
            "scc_module": module,
            "exporter_role": exporter,
            "importer_role": importer,
            "combines_eu_data": True,
        },
    )
    if MODULE_FOR[(exporter, importer)] == module:
        assert evaluation.verdict == "lawful"
    else:
        assert evaluation.verdict == "unlawful"
        assert codes(evaluation) == ["scc_module_mismatch"]
        assert f"module {MODULE_FOR[(exporter, importer)]}" in evaluation.reasons[0].message


@pytest.mark.parametrize(
    ("mechanism", "as_of", "judgment"),
    [
        ("privacy_shield", "2020-07-16", ("C-311/18", "Schrems II")),
        ("safe_harbor", "2015-10-06", ("C-362/14", "Schrems I")),
    ],
)
def test_invalidation_names_the_judgment(
    mechanism: str, as_of: str, judgment: tuple[str, str]
) -> None:
    evaluation = evaluate(as_of, mechanism=mechanism, dpf_certified=True)
    [reason] = evaluation.reasons
    for text in judgment:
        assert text in reason.message and text in reason.citation


def test_pre_judgment_reliance_notes_the_judgment() -> None:
    evaluation = evaluate("2020-07-15", mechanism="privacy_shield", dpf_certified=True)
    assert "C-311/18" in evaluation.reasons[0].message


def test_dpf_no_fallback_cites_the_pending_litigation() -> None:
    evaluation = evaluate("2024-01-01", **{**DPF_OK, "fallback_mechanism": None})
    [warning] = [r for r in evaluation.reasons if r.severity == "warning"]
    assert "C-703/25 P" in warning.citation and "Slaughter" in warning.citation


def test_eea_efta_citation_changes_with_gdpr_incorporation() -> None:
    before = evaluate("2018-07-19", destination_country="IS").reasons[0].citation
    after = evaluate("2018-07-20", destination_country="IS").reasons[0].citation
    assert "Directive 95/46/EC" in before and "154/2018" in after


def test_none_to_adequate_country_is_lawful_by_operation_of_law() -> None:
    evaluation = evaluate("2024-01-01", destination_country="CH")
    assert evaluation.verdict == "lawful"
    first, decision = evaluation.reasons[:2]
    assert first.code == "adequacy_by_operation_of_law" and "record" in first.message
    assert "Art. 45(1)" in first.citation and "2000/518/EC" in decision.citation


@pytest.mark.parametrize(
    ("started", "ended", "as_of", "head"),
    [
        ("2024-01-02", None, "2024-01-01", "transfer_not_started"),
        (None, "2023-12-31", "2024-01-01", "transfer_ended"),
        ("2020-01-01", "2020-12-31", "2024-01-01", "transfer_ended"),
    ],
)
def test_inactive_transfer_has_its_own_verdict(
    started: str | None, ended: str | None, as_of: str, head: str
) -> None:
    """Not started or ended is ``inactive``, never "lawful"; the period is in the reason."""
    evaluation = evaluate(
        as_of,
        destination_country="IN",
        started_on=D(started) if started else None,
        ended_on=D(ended) if ended else None,
    )
    assert (evaluation.verdict, evaluation.active) == ("inactive", False)
    assert evaluation.reasons[0].code == head
    assert (started or ended or "") in evaluation.reasons[0].message
    # India without a mechanism was never covered: the period verdict says so.
    assert evaluation.period_verdict == "unlawful"
    assert "no_mechanism" in codes(evaluation)


@pytest.mark.parametrize(
    ("ended", "period_verdict", "day"),
    [
        # Privacy Shield from 2017 to the day before Schrems II: lawful while it ran.
        ("2020-07-15", "lawful", None),
        # Still running on the judgment day: not covered from 2020-07-16.
        ("2020-07-16", "unlawful", "2020-07-16"),
        ("2021-03-31", "unlawful", "2020-07-16"),
    ],
)
def test_ended_transfer_says_whether_it_was_covered_while_it_ran(
    ended: str, period_verdict: str, day: str | None
) -> None:
    evaluation = evaluate(
        "2026-11-24",
        mechanism="privacy_shield",
        dpf_certified=True,
        started_on=D("2017-01-01"),
        ended_on=D(ended),
    )
    assert evaluation.verdict == "inactive"
    assert evaluation.period_verdict == period_verdict
    if day is not None:
        assert evaluation.period_day == D(day)
        assert "privacy_shield_invalidated" in codes(evaluation)


def test_transfer_not_started_previews_its_first_day() -> None:
    evaluation = evaluate(
        "2026-11-24", started_on=D("2027-01-01"), destination_country="JP", mechanism="adequacy"
    )
    assert (evaluation.verdict, evaluation.period_day) == ("inactive", D("2027-01-01"))
    assert evaluation.period_verdict == "at_risk"  # APPI scope not yet confirmed


def test_verdict_is_the_worst_reason() -> None:
    evaluation = evaluate("2024-07-11", **{**DPF_OK, "fallback_mechanism": None})
    assert [r.severity for r in evaluation.reasons].count("warning") == 2
    assert evaluation.verdict == "at_risk"


@pytest.mark.parametrize(
    "adequacy",
    [
        d
        for d in REF.adequacy_decisions()
        if d.applies_to == "general" and d.mechanism == "adequacy"
    ],
    ids=lambda d: d.id,
)
def test_every_adequacy_decision_boundary(adequacy: Any) -> None:
    """Generated from the data: no decision is usable the day before it was adopted (the UK
    was then still in the TCA bridge)."""
    country = adequacy.countries[0]
    before = evaluate(
        str(adequacy.valid_from - timedelta(days=1)),
        destination_country=country,
        mechanism="adequacy",
        adequacy_scope_confirmed=True,
    )
    on = evaluate(
        str(adequacy.valid_from),
        destination_country=country,
        mechanism="adequacy",
        adequacy_scope_confirmed=True,
    )
    bridge = REF.membership(country, adequacy.valid_from - timedelta(days=1))
    assert codes(before) == [bridge.reason_code if bridge else "adequacy_not_yet_adopted"]
    assert codes(on) == ["adequacy_in_force"]


def test_what_if_reference_changes_the_verdict() -> None:
    scenario = REF.with_invalidation("dpf", D("2027-01-01"))
    facts = replace(BASE, **{**DPF_OK, "dpf_verified_on": D("2026-12-01")})
    assert evaluate_transfer(facts, D("2026-12-31"), scenario).verdict == "lawful"
    after = evaluate_transfer(facts, D("2027-01-01"), scenario)
    # The signed SCCs recorded as fallback carry the transfer: at risk, never unlawful.
    assert after.verdict == "at_risk"
    assert {"dpf_invalidated", "fallback_ready", "scc_in_place"} <= set(codes(after))
    alone = evaluate_transfer(replace(facts, contracts=()), D("2027-01-01"), scenario)
    assert (alone.verdict, codes(alone)) == ("unlawful", ["dpf_invalidated"])
    via_adequacy = evaluate_transfer(
        replace(facts, mechanism="adequacy"), D("2027-01-01"), scenario
    )
    assert via_adequacy.verdict == "at_risk"
    assert evaluate_transfer(facts, D("2027-01-01")).verdict == "lawful"


@pytest.mark.parametrize("mechanism", [m.code for m in REF.mechanisms()])
def test_every_mechanism_has_a_rule(mechanism: str) -> None:
    """Every mechanism in the reference data reaches a rule of its own, never the fallback."""
    from transfers.rules.evaluate import _RULES

    rule = REF.mechanism(mechanism).rule  # type: ignore[union-attr]
    assert rule in _RULES
    evaluation = evaluate("2024-01-01", mechanism=mechanism, destination_country="IN")
    assert evaluation.reasons
    assert "unknown_mechanism" not in codes(evaluation)
    assert all(r.citation.strip() for r in evaluation.reasons)


def test_reason_citations_from_rules_file_exist() -> None:
    from transfers.rules.status import REFERENCE_REASON_CODES as STATUS_CODES

    assert set(REF.reasons) >= REFERENCE_REASON_CODES | STATUS_CODES


def test_reasons_that_depend_only_on_the_reference_are_shared_per_reference() -> None:
    """Two transfers to Brazil on the same day hold the same in-force reason; another day, or a
    what-if reference, gets its own, with its own dates and verdict."""
    to_brazil = replace(BASE, destination_country="BR", mechanism="adequacy")
    day = D("2026-11-24")
    first = evaluate_transfer(to_brazil, day)
    second = evaluate_transfer(replace(to_brazil, id=2, data_categories=("payroll",)), day)
    assert first.reasons[0] is second.reasons[0]
    assert "in force on 2026-11-24" in first.reasons[0].message
    next_day = evaluate_transfer(to_brazil, D("2026-11-25"))
    assert "in force on 2026-11-25" in next_day.reasons[0].message

    scenario = REF.with_invalidation("scc_2010", D("2020-01-01"))
    legacy = replace(BASE, destination_country="IN", mechanism="scc_2010")
    real = evaluate_transfer(legacy, day)
    assumed = evaluate_transfer(legacy, day, scenario)
    assert codes(real) == ["legacy_scc_transition_ended"]
    assert codes(assumed) == ["scc_2010_invalidated"]
    assert codes(evaluate_transfer(legacy, day)) == ["legacy_scc_transition_ended"]
