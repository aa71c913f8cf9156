"""Verdicts a lawyer can stake a contract on: each class of fault of issue 14, table-driven, on
both sides of its boundary. A false "lawful" is the worst error the engine can make, so every
table has the case that must NOT be lawful next to the one that may be."""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from transfers.reference import DATA_DIR, ReferenceDataError, load_reference, load_reference_from
from transfers.rules import (
    AgreementFacts,
    AssessmentFacts,
    Evaluation,
    TransferFacts,
    VendorFacts,
    evaluate_transfer,
    vendor_status,
)
from transfers.rules.evaluate import REFERENCE_REASON_CODES
from transfers.rules.messages import reason_text

REF = load_reference()
D = date.fromisoformat
TIA_OK = (AssessmentFacts(1, D("2021-01-01"), "adequate", None),)
TIA_BAD = (AssessmentFacts(2, D("2021-01-01"), "not_adequate", None),)

BASE = TransferFacts(
    id=1,
    destination_country="IN",
    exporter_role="controller",
    importer_role="processor",
    mechanism="scc_2021",
    scc_module=2,
    data_categories=("identity", "contact"),
    frequency="systematic",
    adequacy_scope_confirmed=None,
    dpf_certified=None,
    dpf_hr_covered=None,
    dpf_verified_on=None,
    bcr_approval_ref=None,
    fallback_mechanism=None,
    started_on=None,
    ended_on=None,
    assessments=TIA_OK,
)


def agreement(
    agreement_id: int = 7,
    kind: str = "scc_2021",
    module: int | None = 2,
    status: str = "signed",
    signed: str | None = "2022-01-01",
    effective: str | None = None,
    ends: str | None = None,
    terminated: str | None = None,
) -> AgreementFacts:
    return AgreementFacts(
        agreement_id,
        kind,
        module,
        status,
        D(signed) if signed else None,
        D(effective) if effective else None,
        D(ends) if ends else None,
        D(terminated) if terminated else None,
    )


SCC = agreement()


def evaluate(as_of: str, **overrides: Any) -> Evaluation:
    return evaluate_transfer(replace(BASE, **overrides), D(as_of))


def codes(evaluation: Evaluation) -> list[str]:
    return [r.code for r in evaluation.reasons]


def case(name: str, as_of: str, verdict: str, code: str | None, **overrides: Any) -> Any:
    return pytest.param(as_of, overrides, verdict, code, id=name)


def check(as_of: str, overrides: dict[str, Any], verdict: str, code: str | None) -> Evaluation:
    evaluation = evaluate(as_of, **overrides)
    assert evaluation.verdict == verdict, evaluation.reasons
    if code is not None:
        assert code in codes(evaluation), evaluation.reasons
    return evaluation


# --- Which contract covers a transfer -----------------------------------------------------
CONTRACTS = [
    case("signed-in-force", "2024-01-01", "lawful", "scc_in_place", contracts=(SCC,)),
    case("no-agreement", "2024-01-01", "unlawful", "contract_not_signed", contracts=()),
    case(
        "draft",
        "2024-01-01",
        "unlawful",
        "agreement_draft",
        contracts=(agreement(status="draft", signed=None),),
    ),
    case(
        "draft-with-date",
        "2024-01-01",
        "unlawful",
        "agreement_draft",
        contracts=(agreement(status="draft"),),
    ),
    case(
        "terminated-no-day",
        "2024-01-01",
        "unlawful",
        "agreement_terminated",
        contracts=(agreement(status="terminated"),),
    ),
    case(
        "terminated-last-day",
        "2023-06-30",
        "lawful",
        "scc_in_place",
        contracts=(agreement(status="terminated", terminated="2023-06-30"),),
    ),
    case(
        "terminated-day-after",
        "2023-07-01",
        "unlawful",
        "agreement_terminated",
        contracts=(agreement(status="terminated", terminated="2023-06-30"),),
    ),
    case(
        "ends-on-last-day",
        "2023-12-31",
        "lawful",
        "scc_in_place",
        contracts=(agreement(ends="2023-12-31"),),
    ),
    case(
        "expired",
        "2024-01-01",
        "unlawful",
        "agreement_expired",
        contracts=(agreement(ends="2023-12-31"),),
    ),
    case(
        "not-yet-effective",
        "2022-01-31",
        "unlawful",
        "agreement_not_yet_effective",
        contracts=(agreement(effective="2022-02-01"),),
    ),
    case(
        "effective-day",
        "2022-02-01",
        "lawful",
        "scc_in_place",
        contracts=(agreement(effective="2022-02-01"),),
    ),
    case(
        "signed-after-as-of",
        "2021-12-31",
        "unlawful",
        "agreement_not_yet_signed",
        contracts=(SCC,),
    ),
    case(
        "wrong-module",
        "2024-01-01",
        "unlawful",
        "agreement_wrong_module",
        contracts=(agreement(module=3),),
    ),
    case(
        "wrong-kind-dpa",
        "2024-01-01",
        "unlawful",
        "contract_not_signed",
        contracts=(agreement(kind="dpa", module=None),),
    ),
    case(
        "signed-before-2021-set-applied",
        "2024-01-01",
        "unlawful",
        "scc_signed_before_adoption",
        contracts=(agreement(signed="2021-06-26"),),
    ),
    case(
        "void-resignature-does-not-hide-valid-contract",
        "2024-01-01",
        "lawful",
        "scc_in_place",
        contracts=(agreement(8, status="draft", signed=None), SCC),
        agreement_id=8,
    ),
    case(
        "legacy-2010-within-transition",
        "2022-12-27",
        "lawful",
        "legacy_scc_transition_period",
        mechanism="scc_2010",
        scc_module=None,
        contracts=(agreement(kind="scc_2010", module=None, signed="2021-09-26"),),
    ),
    case(
        "legacy-2010-after-transition",
        "2022-12-28",
        "unlawful",
        "legacy_scc_transition_ended",
        mechanism="scc_2010",
        scc_module=None,
        contracts=(agreement(kind="scc_2010", module=None, signed="2021-09-26"),),
    ),
    case(
        "legacy-2010-signed-after-repeal",
        "2022-01-01",
        "unlawful",
        "legacy_scc_signed_after_repeal",
        mechanism="scc_2010",
        scc_module=None,
        contracts=(agreement(kind="scc_2010", module=None, signed="2021-09-27"),),
    ),
    case(
        "legacy-2010-agreement-of-2021-kind",
        "2022-01-01",
        "unlawful",
        "contract_not_signed",
        mechanism="scc_2010",
        scc_module=None,
        contracts=(SCC,),
    ),
    case(
        "2002-16-grandfathered",
        "2015-01-01",
        "lawful",
        "legacy_scc_transition_period",
        mechanism="scc_2002",
        scc_module=None,
        contracts=(agreement(kind="scc_2002", module=None, signed="2009-03-01"),),
    ),
    case(
        "2002-16-signed-after-2010-87",
        "2015-01-01",
        "unlawful",
        "legacy_scc_signed_after_repeal",
        mechanism="scc_2002",
        scc_module=None,
        contracts=(agreement(kind="scc_2002", module=None, signed="2010-05-15"),),
    ),
    case(
        "2002-16-after-2021-transition",
        "2022-12-28",
        "unlawful",
        "legacy_scc_transition_ended",
        mechanism="scc_2002",
        scc_module=None,
        contracts=(agreement(kind="scc_2002", module=None, signed="2009-03-01"),),
    ),
    case(
        "ad-hoc-needs-its-own-contract",
        "2024-01-01",
        "unlawful",
        "contract_not_signed",
        mechanism="ad_hoc_clauses",
        scc_module=None,
        contracts=(SCC,),
    ),
    case(
        "ad-hoc-signed",
        "2024-01-01",
        "at_risk",
        "ad_hoc_authorisation_required",
        mechanism="ad_hoc_clauses",
        scc_module=None,
        contracts=(agreement(kind="ad_hoc_clauses", module=None),),
    ),
]


@pytest.mark.parametrize(("as_of", "overrides", "verdict", "code"), CONTRACTS)
def test_contract_covers_only_by_kind_module_status_and_dates(
    as_of: str, overrides: dict[str, Any], verdict: str, code: str | None
) -> None:
    check(as_of, overrides, verdict, code)


def test_the_reason_names_the_agreement_used() -> None:
    evaluation = evaluate(
        "2024-01-01", contracts=(agreement(8, status="draft", signed=None), agreement(9))
    )
    [used] = [r for r in evaluation.reasons if r.code == "scc_in_place"]
    assert "#9" in used.message and "2022-01-01" in used.message


def test_void_contracts_say_why_they_do_not_count() -> None:
    evaluation = evaluate(
        "2024-01-01",
        contracts=(agreement(8, status="draft"), agreement(9, ends="2023-06-30")),
    )
    notes = {r.code: r.message for r in evaluation.reasons if r.severity == "info"}
    assert "#8" in notes["agreement_draft"] and "draft" in notes["agreement_draft"]
    assert "2023-06-30" in notes["agreement_expired"]


# --- DPF: HR data, fallbacks --------------------------------------------------------------
DPF: dict[str, Any] = {
    "destination_country": "US",
    "mechanism": "dpf",
    "scc_module": None,
    "dpf_certified": True,
    "dpf_verified_on": D("2026-06-01"),
    "contracts": (),
    "assessments": (),
}
FALLBACK: dict[str, Any] = {
    "fallback_mechanism": "scc_2021",
    "scc_module": 2,
    "contracts": (SCC,),
    "assessments": TIA_OK,
}
DPF_CASES = [
    case("dpf-no-hr", "2026-11-24", "at_risk", "dpf_no_fallback", **DPF),
    case("dpf-with-fallback", "2026-11-24", "lawful", "fallback_ready", **{**DPF, **FALLBACK}),
    *[
        case(
            f"dpf-hr-{category}-not-covered",
            "2026-11-24",
            "unlawful",
            "dpf_hr_not_covered",
            **{**DPF, "data_categories": ("identity", category), "dpf_hr_covered": False},
        )
        for category in ("payroll", "absence", "employee_records", "Sick leave", "hr")
    ],
    case(
        "dpf-hr-unconfirmed",
        "2026-11-24",
        "unlawful",
        "dpf_hr_not_covered",
        **{**DPF, "data_categories": ("payroll",)},
    ),
    case(
        "dpf-hr-covered",
        "2026-11-24",
        "at_risk",
        "dpf_in_force",
        **{**DPF, "data_categories": ("payroll",), "dpf_hr_covered": True},
    ),
    case(
        "dpf-employees-as-data-subjects",
        "2026-11-24",
        "unlawful",
        "dpf_hr_not_covered",
        **{**DPF, "data_subjects": ("employees",), "dpf_hr_covered": False},
    ),
    case(
        "dpf-customers-staff-contact-data-is-not-hr",
        "2026-11-24",
        "at_risk",
        "dpf_in_force",
        **{**DPF, "data_subjects": ("customers' employees",), "dpf_hr_covered": False},
    ),
    case(
        "dpf-fallback-uk-idta-does-not-count",
        "2026-11-24",
        "at_risk",
        "dpf_no_fallback",
        **{**DPF, "fallback_mechanism": "uk_idta"},
    ),
    case(
        "dpf-fallback-uk-addendum-does-not-count",
        "2026-11-24",
        "at_risk",
        "dpf_no_fallback",
        **{**DPF, "fallback_mechanism": "uk_addendum"},
    ),
    case(
        "dpf-fallback-derogation-does-not-count",
        "2026-11-24",
        "at_risk",
        "dpf_no_fallback",
        **{**DPF, "fallback_mechanism": "derogation_49_1_a"},
    ),
    case(
        "dpf-fallback-legacy-scc-after-2022",
        "2026-11-24",
        "at_risk",
        "dpf_no_fallback",
        **{
            **DPF,
            "fallback_mechanism": "scc_2010",
            "contracts": (agreement(kind="scc_2010", module=None, signed="2021-01-01"),),
            "assessments": TIA_OK,
        },
    ),
    case(
        "dpf-fallback-unsigned-scc",
        "2026-11-24",
        "at_risk",
        "dpf_no_fallback",
        **{**DPF, **FALLBACK, "contracts": (agreement(status="draft"),)},
    ),
    case(
        "dpf-lapsed-certification-carried-by-fallback",
        "2026-11-24",
        "at_risk",
        "fallback_ready",
        **{**DPF, **FALLBACK, "dpf_certified": False},
    ),
    case(
        "dpf-lapsed-certification-no-fallback",
        "2026-11-24",
        "unlawful",
        "dpf_not_certified",
        **{**DPF, "dpf_certified": False},
    ),
]


@pytest.mark.parametrize(("as_of", "overrides", "verdict", "code"), DPF_CASES)
def test_dpf_hr_data_and_fallbacks(
    as_of: str, overrides: dict[str, Any], verdict: str, code: str | None
) -> None:
    check(as_of, overrides, verdict, code)


def test_dpf_reason_states_the_recorded_verification_date() -> None:
    evaluation = evaluate("2026-11-24", **DPF)
    [certified] = [r for r in evaluation.reasons if r.code == "dpf_in_force"]
    assert "2026-06-01" in certified.message and "2026-11-24" not in certified.message


# --- Adequacy: scope, operation of law ------------------------------------------------------
ADEQUACY = [
    case(
        "full-decision-scope-denied",
        "2026-11-24",
        "unlawful",
        "adequacy_out_of_scope",
        destination_country="CH",
        mechanism="adequacy",
        scc_module=None,
        adequacy_scope_confirmed=False,
    ),
    case(
        "full-decision",
        "2026-11-24",
        "lawful",
        "adequacy_in_force",
        destination_country="CH",
        mechanism="adequacy",
        scc_module=None,
    ),
    case(
        "israel-territorial-scope-open",
        "2026-11-24",
        "at_risk",
        "adequacy_scope_unconfirmed",
        destination_country="IL",
        mechanism="adequacy",
        scc_module=None,
    ),
    case(
        "israel-scope-confirmed",
        "2026-11-24",
        "lawful",
        "adequacy_in_force",
        destination_country="IL",
        mechanism="adequacy",
        scc_module=None,
        adequacy_scope_confirmed=True,
    ),
    case(
        "uk-immigration-exclusion-last-day",
        "2025-12-18",
        "at_risk",
        "adequacy_scope_unconfirmed",
        destination_country="GB",
        mechanism="adequacy",
        scc_module=None,
    ),
    case(
        "uk-exclusion-lifted",
        "2025-12-19",
        "lawful",
        "adequacy_in_force",
        destination_country="GB",
        mechanism="adequacy",
        scc_module=None,
    ),
    case(
        "none-full-adequacy-lawful-by-law",
        "2026-11-24",
        "lawful",
        "adequacy_by_operation_of_law",
        destination_country="NZ",
        mechanism="none",
        scc_module=None,
    ),
    case(
        "none-limited-adequacy-scope-open",
        "2026-11-24",
        "at_risk",
        "adequacy_by_operation_of_law",
        destination_country="JP",
        mechanism="none",
        scc_module=None,
    ),
    case(
        "none-limited-adequacy-out-of-scope",
        "2026-11-24",
        "unlawful",
        "no_mechanism",
        destination_country="JP",
        mechanism="none",
        scc_module=None,
        adequacy_scope_confirmed=False,
    ),
    case(
        "none-no-adequacy",
        "2026-11-24",
        "unlawful",
        "no_mechanism",
        destination_country="IN",
        mechanism="none",
        scc_module=None,
    ),
    case(
        "none-before-decision",
        "2026-01-25",
        "unlawful",
        "no_mechanism",
        destination_country="BR",
        mechanism="none",
        scc_module=None,
    ),
    case(
        "none-us-uncertified",
        "2026-11-24",
        "unlawful",
        "no_mechanism",
        destination_country="US",
        mechanism="none",
        scc_module=None,
    ),
]


@pytest.mark.parametrize(("as_of", "overrides", "verdict", "code"), ADEQUACY)
def test_adequacy_scope_and_operation_of_law(
    as_of: str, overrides: dict[str, Any], verdict: str, code: str | None
) -> None:
    check(as_of, overrides, verdict, code)


# --- Art. 46 tools needing approval; BCR type and group; Module 4 ---------------------------
TOOLS = [
    *[
        case(
            f"{code}-no-approval-evidence",
            "2024-01-01",
            "unlawful",
            "art46_tool_not_approved",
            mechanism=code,
            scc_module=None,
        )
        for code in ("code_of_conduct", "certification")
    ],
    *[
        case(
            f"{code}-approved",
            "2024-01-01",
            "lawful",
            "art46_tool_in_place",
            mechanism=code,
            scc_module=None,
            approval_ref="Approved code 2023/7 and importer commitment of 1 March 2023",
        )
        for code in ("code_of_conduct", "certification")
    ],
    # BCRs by whose data the group handles (Art. 47; WP256 rev.01 and WP257 rev.01,
    # introductions; EDPB Recommendations 1/2022), not by the importer's role. Issue 26 replaced
    # the old cases "bcr-p-for-processor-in-group" (lawful) and "bcr-c-for-processing-on-our-
    # behalf" (unlawful), which encoded the importer-role rule: both verdicts were wrong.
    case(
        "bcr-c-our-customer-data-to-group-internal-it-processor",
        "2024-01-01",
        "lawful",
        "bcr_approved",
        mechanism="bcr",
        scc_module=None,
        bcr_approval_ref="AP BCR-C 2018/3",
        bcr_type="controller",
        importer_in_group=True,
    ),
    case(
        "bcr-p-only-our-hr-data-to-group-hr-centre",
        "2024-01-01",
        "unlawful",
        "bcr_type_mismatch",
        mechanism="bcr",
        scc_module=None,
        data_categories=("payroll",),
        bcr_approval_ref="CNIL BCR-P 2019/1",
        bcr_type="processor",
        importer_in_group=True,
    ),
    case(
        "bcr-c-our-data-to-group-controller",
        "2024-01-01",
        "lawful",
        "bcr_approved",
        mechanism="bcr",
        scc_module=None,
        importer_role="controller",
        bcr_approval_ref="AP BCR-C 2018/3",
        bcr_type="controller",
        importer_in_group=True,
    ),
    case(
        "bcr-p-our-data-to-group-controller",
        "2024-01-01",
        "unlawful",
        "bcr_type_mismatch",
        mechanism="bcr",
        scc_module=None,
        importer_role="controller",
        bcr_approval_ref="CNIL BCR-P 2019/1",
        bcr_type="processor",
        importer_in_group=True,
    ),
    case(
        "bcr-p-customer-data-to-group-sub-processor",
        "2024-01-01",
        "lawful",
        "bcr_approved",
        mechanism="bcr",
        scc_module=None,
        exporter_role="processor",
        bcr_approval_ref="CNIL BCR-P 2019/1",
        bcr_type="processor",
        importer_in_group=True,
    ),
    case(
        "bcr-c-customer-data-to-group-sub-processor",
        "2024-01-01",
        "unlawful",
        "bcr_type_mismatch",
        mechanism="bcr",
        scc_module=None,
        exporter_role="processor",
        bcr_approval_ref="AP BCR-C 2018/3",
        bcr_type="controller",
        importer_in_group=True,
    ),
    *[
        case(
            f"bcr-{kind}-customer-data-to-group-controller",
            "2024-01-01",
            "unlawful",
            "bcr_type_mismatch",
            mechanism="bcr",
            scc_module=None,
            exporter_role="processor",
            importer_role="controller",
            bcr_approval_ref="BCR 2019/1",
            bcr_type=kind,
            importer_in_group=True,
        )
        for kind in ("controller", "processor", None)
    ],
    case(
        "bcr-importer-outside-group",
        "2024-01-01",
        "unlawful",
        "bcr_importer_outside_group",
        mechanism="bcr",
        scc_module=None,
        bcr_approval_ref="AP BCR-C 2018/3",
        bcr_type="controller",
        importer_in_group=False,
    ),
    case(
        "bcr-group-membership-unknown",
        "2024-01-01",
        "at_risk",
        "bcr_importer_outside_group",
        mechanism="bcr",
        scc_module=None,
        bcr_approval_ref="AP BCR-C 2018/3",
        bcr_type="controller",
    ),
    *[
        case(
            f"bcr-type-unknown-{exporter}",
            "2024-01-01",
            "at_risk",
            "bcr_type_mismatch",
            mechanism="bcr",
            scc_module=None,
            exporter_role=exporter,
            bcr_approval_ref="BCR 2019/1",
            importer_in_group=True,
        )
        for exporter in ("controller", "processor")
    ],
    *[
        case(
            f"module4-{name}",
            "2024-01-01",
            verdict,
            code,
            exporter_role="processor",
            importer_role="controller",
            scc_module=4,
            contracts=(agreement(module=4),),
            assessments=tia,
            combines_eu_data=combines,
        )
        for name, combines, tia, verdict, code in [
            ("not-combined-no-tia", False, (), "lawful", "tia_not_required_module4"),
            ("combination-unknown", None, (), "at_risk", "module4_combination"),
            ("combined-no-tia", True, (), "at_risk", "tia_missing"),
            ("combined-negative-tia", True, TIA_BAD, "unlawful", "tia_not_adequate"),
            ("combined-tia", True, TIA_OK, "lawful", "tia_completed"),
        ]
    ],
]


@pytest.mark.parametrize(("as_of", "overrides", "verdict", "code"), TOOLS)
def test_approval_bcr_scope_and_module_4(
    as_of: str, overrides: dict[str, Any], verdict: str, code: str | None
) -> None:
    check(as_of, overrides, verdict, code)


# --- Derogations, Art. 48 -------------------------------------------------------------------
SECOND: dict[str, Any] = {
    "mechanism": "derogation_49_1_second",
    "scc_module": None,
    "frequency": "occasional",
    "limited_data_subjects": True,
    "authority_informed_on": D("2024-01-01"),
    "data_subjects_informed": True,
}
DEROGATIONS = [
    case(
        "49-1-d-occasional",
        "2024-01-01",
        "at_risk",
        "derogation_occasional",
        mechanism="derogation_49_1_d",
        scc_module=None,
        frequency="occasional",
    ),
    case(
        "49-1-d-foreign-court-order",
        "2024-01-01",
        "unlawful",
        "foreign_order",
        mechanism="derogation_49_1_d",
        scc_module=None,
        frequency="occasional",
        third_country_order=True,
    ),
    case(
        "art48-with-mlat",
        "2024-01-01",
        "at_risk",
        "foreign_order",
        mechanism="art48_international_agreement",
        scc_module=None,
        third_country_order=True,
        international_agreement="EU-US Mutual Legal Assistance Agreement (2003)",
    ),
    case(
        "art48-without-agreement",
        "2024-01-01",
        "unlawful",
        "foreign_order",
        mechanism="art48_international_agreement",
        scc_module=None,
        third_country_order=True,
    ),
    case("49-second-all-conditions", "2024-01-01", "at_risk", None, **SECOND),
    *[
        case(
            f"49-second-missing-{name}",
            "2024-01-01",
            "unlawful",
            "compelling_interests_condition_missing",
            **{**SECOND, name: value},
        )
        for name, value in [
            ("frequency", "systematic"),
            ("limited_data_subjects", None),
            ("limited_data_subjects", False),
            ("authority_informed_on", None),
            ("authority_informed_on", D("2024-01-02")),
            ("data_subjects_informed", False),
        ]
    ],
]


@pytest.mark.parametrize(("as_of", "overrides", "verdict", "code"), DEROGATIONS)
def test_derogations_and_foreign_orders(
    as_of: str, overrides: dict[str, Any], verdict: str, code: str | None
) -> None:
    check(as_of, overrides, verdict, code)


# --- Territory and membership on any date ---------------------------------------------------
TERRITORY = [
    *[
        case(f"outermost-{c}", "2026-11-24", "lawful", "eea_destination", destination_country=c)
        for c in ("MF", "GF", "GP", "MQ", "RE", "YT")
    ],
    case(
        "mayotte-before-2014",
        "2013-12-31",
        "unlawful",
        "no_mechanism",
        destination_country="YT",
        mechanism="none",
        scc_module=None,
    ),
    case(
        "croatia-day-before-accession",
        "2013-06-30",
        "unlawful",
        "no_mechanism",
        destination_country="HR",
        mechanism="none",
        scc_module=None,
    ),
    case("croatia-accession", "2013-07-01", "lawful", "eea_destination", destination_country="HR"),
    case(
        "gibraltar-eu",
        "2020-01-31",
        "lawful",
        "uk_member_state_period",
        destination_country="GI",
    ),
    case(
        "gibraltar-transition",
        "2020-12-31",
        "lawful",
        "uk_transition_period",
        destination_country="GI",
    ),
    case(
        "gibraltar-after-transition",
        "2021-01-01",
        "unlawful",
        "no_mechanism",
        destination_country="GI",
        mechanism="none",
        scc_module=None,
    ),
    case(
        "uk-member-state",
        "2019-06-01",
        "lawful",
        "uk_member_state_period",
        destination_country="GB",
    ),
    case(
        "kosovo-third-country",
        "2026-11-24",
        "unlawful",
        "no_mechanism",
        destination_country="XK",
        mechanism="none",
        scc_module=None,
    ),
]


@pytest.mark.parametrize(("as_of", "overrides", "verdict", "code"), TERRITORY)
def test_territory_on_any_date(
    as_of: str, overrides: dict[str, Any], verdict: str, code: str | None
) -> None:
    check(as_of, overrides, verdict, code)


# --- Inactive transfers: "were we compliant last year?" ------------------------------------
def test_ended_transfer_covered_while_it_ran_then_contract_ended() -> None:
    """An SCC transfer that ran in 2023 on a contract terminated at the end of 2023 was covered;
    the same transfer running into 2024 was not, from the day after the contract's last day."""
    ran_2023 = evaluate(
        "2026-11-24",
        started_on=D("2023-01-01"),
        ended_on=D("2023-12-31"),
        contracts=(agreement(status="terminated", terminated="2023-12-31"),),
    )
    assert (ran_2023.verdict, ran_2023.period_verdict) == ("inactive", "lawful")
    ran_into_2024 = evaluate(
        "2026-11-24",
        started_on=D("2023-01-01"),
        ended_on=D("2024-03-31"),
        contracts=(agreement(status="terminated", terminated="2023-12-31"),),
    )
    assert (ran_into_2024.period_verdict, ran_into_2024.period_day) == ("unlawful", D("2024-01-01"))
    assert "agreement_terminated" in codes(ran_into_2024)


def test_inactive_transfers_do_not_change_vendor_status() -> None:
    ended = replace(BASE, mechanism="none", scc_module=None, ended_on=D("2020-01-01"))
    vendor = VendorFacts(1, "Old Vendor", "controller", "approved", (), (ended,), ())
    status = vendor_status(vendor, D("2026-11-24"), {})
    assert status.status == "approved"
    assert status.transfers[0][1].verdict == "inactive"


# --- Sub-processors engaged by our processor -------------------------------------------------
@pytest.mark.parametrize(
    ("authorised", "parents", "expected", "code"),
    [
        (True, (1,), "approved", "subprocessor_flow_down"),
        (None, (1,), "conditional", "subprocessor_flow_down"),
        (False, (1,), "blocked", "subprocessor_flow_down"),
        (True, (), "blocked", "dpa_missing"),  # not linked to a processor: needs its own DPA
    ],
)
def test_subprocessor_flow_down(
    authorised: bool | None, parents: tuple[int, ...], expected: str, code: str
) -> None:
    lawful = replace(BASE, destination_country="DE", exporter_role="processor", mechanism="none")
    sub = VendorFacts(
        2,
        "Sub Hosting GmbH",
        "subprocessor",
        "approved",
        (),
        (lawful,),
        (),
        parents,
        authorised,
    )
    status = vendor_status(sub, D("2026-11-24"), {})
    assert status.status == expected
    assert code in [r.code for r in status.reasons]
    assert ("dpa_missing" in [r.code for r in status.reasons]) is (not parents)


# --- The law as data ----------------------------------------------------------------------
@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_a_repeal_entered_as_data_changes_verdicts(data_copy: Path) -> None:
    """Ending BCRs (a rule with no date logic of its own) by a valid_until in the data ends
    their verdicts: every rule honours every date field."""
    path = data_copy / "mechanisms.toml"
    text = path.read_text(encoding="utf-8")
    marker = 'code = "bcr"\n'
    path.write_text(text.replace(marker, marker + "valid_until = 2025-12-31\n"), encoding="utf-8")
    ref = load_reference_from(data_copy)
    bcr = replace(
        BASE,
        mechanism="bcr",
        scc_module=None,
        bcr_approval_ref="AP BCR-C 2018/3",
        bcr_type="controller",
        importer_in_group=True,
    )
    assert evaluate_transfer(bcr, D("2025-12-31"), ref).verdict == "lawful"
    after = evaluate_transfer(bcr, D("2026-01-01"), ref)
    assert (after.verdict, [r.code for r in after.reasons]) == ("unlawful", ["mechanism_expired"])


@pytest.mark.parametrize(
    ("mechanism", "field"),
    [
        ("bcr", "signed_before = 2030-01-01"),
        ("dpf", 'repeal_citation = "Repealed by X"'),
        ("derogation_49_1_a", "tia_required = true"),
        ("uk_idta", 'countries = ["GB"]'),
    ],
)
def test_loader_refuses_a_field_no_rule_would_read(
    data_copy: Path, mechanism: str, field: str
) -> None:
    path = data_copy / "mechanisms.toml"
    text = path.read_text(encoding="utf-8")
    marker = f'code = "{mechanism}"\n'
    path.write_text(text.replace(marker, marker + field + "\n"), encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="not read by rule"):
        load_reference_from(data_copy)


def test_loader_refuses_confidence_markers_in_text_used_in_messages(data_copy: Path) -> None:
    path = data_copy / "adequacy.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace('scope = "Whole country."', 'scope = "Whole country [U]."', 1),
        encoding="utf-8",
    )
    with pytest.raises(ReferenceDataError, match="confidence marker"):
        load_reference_from(data_copy)


# --- Citations and messages ---------------------------------------------------------------
def test_citations_follow_legal_facts() -> None:
    shield = REF.mechanism("privacy_shield")
    assert shield is not None
    assert "95/46/EC Art. 25(6)" in shield.legal_basis and "45(9)" in shield.legal_basis
    occasional = evaluate(
        "2024-01-01", mechanism="derogation_49_1_a", scc_module=None, frequency="occasional"
    )
    assert "49(6)" not in occasional.reasons[0].message
    assert "49(6)" not in occasional.reasons[0].citation
    # Clause 14 only for the 2021 SCCs.
    scc = evaluate("2024-01-01", contracts=(SCC,))
    legacy = evaluate(
        "2021-01-01",
        mechanism="scc_2010",
        scc_module=None,
        contracts=(agreement(kind="scc_2010", module=None, signed="2015-01-01"),),
    )
    [scc_tia] = [r for r in scc.reasons if r.code == "tia_completed"]
    [legacy_tia] = [r for r in legacy.reasons if r.code == "tia_completed"]
    assert "Clause 14" in scc_tia.citation
    assert "Clause 14" not in legacy_tia.citation and "C-311/18" in legacy_tia.citation


ALL_CASES = [*CONTRACTS, *DPF_CASES, *ADEQUACY, *TOOLS, *DEROGATIONS, *TERRITORY]
KNOWN_CODES = REFERENCE_REASON_CODES | {"no_mechanism", "tia_missing", "dpf_no_fallback"}
_CODE_LIKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")


@pytest.mark.parametrize(("as_of", "overrides", "verdict", "code"), ALL_CASES)
def test_messages_are_sentences_without_codes_or_markers(
    as_of: str, overrides: dict[str, Any], verdict: str, code: str | None
) -> None:
    evaluation = evaluate(as_of, **overrides)
    for reason in evaluation.reasons:
        assert reason.confidence in {"V", "S", "K", "U"}
        assert not re.search(r"\[(V|S|K|U)\]", reason.message), reason.message
        assert not _CODE_LIKE.search(reason.message), reason.message
        assert reason.message[0].isupper() and reason.message.rstrip().endswith((".", ")"))


@pytest.mark.parametrize(("as_of", "overrides", "verdict", "code"), ALL_CASES)
def test_every_reason_reads_in_finnish(
    as_of: str, overrides: dict[str, Any], verdict: str, code: str | None
) -> None:
    """Documents and pages in Finnish never fall back to an English reason."""
    evaluation = evaluate(as_of, **overrides)
    for reason in evaluation.reasons:
        finnish = reason_text(reason, "fi")
        assert finnish != reason.message, (reason.key, reason.message)
        assert "{" not in finnish and "ei kirjattu" not in finnish.split(":")[0], finnish
        assert reason_text(reason, "en") == reason.message


def test_status_reasons_read_in_finnish() -> None:
    unlawful = replace(BASE, mechanism="none", scc_module=None)
    vendor = VendorFacts(1, "Bharat Support", "processor", "in_review", (), (unlawful,), ())
    status = vendor_status(vendor, D("2026-11-24"), {})
    texts = [reason_text(r, "fi") for r in status.reasons]
    assert texts == [
        "Toimittajaa Bharat Support ei ole vielä hyväksytty.",
        "Toimittajan Bharat Support kanssa ei ole voimassa allekirjoitettua 28 artiklan "
        "mukaista sopimusta 24.11.2026.",
        "Siirto #1 (Intia, ”ei siirtoperustetta”) on lainvastainen: Siirto kolmanteen maahan "
        "(Intia) ilman siirtoperustetta.",
    ]


def test_far_future_verification_date_does_not_break_the_engine() -> None:
    evaluation = evaluate("2026-11-24", **{**DPF, "dpf_verified_on": D("9999-12-01")})
    assert evaluation.verdict == "at_risk"  # no check on or before the day is recorded
