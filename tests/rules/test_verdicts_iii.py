"""Issue 26 (Verdicts III): authorised ad hoc clauses, evidence the register already holds,
no silent third country, an IDTA linked as evidence. Table-driven, both sides of every
boundary; the BCR cases are in ``test_verdicts.py`` (TOOLS)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from tests.rules.test_verdicts import BASE, DPF, TIA_BAD, TIA_OK, agreement, case, check, evaluate
from transfers.rules import VendorFacts, evaluate_transfer, vendor_status, vendor_statuses
from transfers.rules.messages import reason_text

D = date.fromisoformat
DAY = "2026-11-24"

AD_HOC: dict[str, Any] = {
    "mechanism": "ad_hoc_clauses",
    "scc_module": None,
    "contracts": (agreement(40, kind="ad_hoc_clauses", module=None),),
}
IDTA = agreement(50, kind="uk_idta", module=None, signed="2023-01-01")

CASES = [
    # --- 2. ad hoc clauses (Art. 46(3)(a)): the recorded authorisation is the boundary
    case(
        "ad-hoc-authorised",
        DAY,
        "lawful",
        "ad_hoc_authorisation_required",
        **AD_HOC,
        approval_ref="Tietosuojavaltuutettu 1234/2025",
    ),
    case("ad-hoc-no-authorisation", DAY, "at_risk", "ad_hoc_authorisation_required", **AD_HOC),
    case(
        "ad-hoc-blank-authorisation",
        DAY,
        "at_risk",
        "ad_hoc_authorisation_required",
        **AD_HOC,
        approval_ref="  ",
    ),
    case(
        "ad-hoc-authorised-no-tia",
        DAY,
        "at_risk",
        "tia_missing",
        **AD_HOC,
        approval_ref="TSV 1234/2025",
        assessments=(),
    ),
    case(
        "ad-hoc-authorised-negative-tia",
        DAY,
        "unlawful",
        "tia_not_adequate",
        **AD_HOC,
        approval_ref="TSV 1234/2025",
        assessments=TIA_BAD,
    ),
    case(
        "ad-hoc-authorised-contract-draft",
        DAY,
        "unlawful",
        "contract_not_signed",
        **{
            **AD_HOC,
            "contracts": (
                agreement(40, kind="ad_hoc_clauses", module=None, status="draft", signed=None),
            ),
        },
        approval_ref="TSV 1234/2025",
    ),
    # --- 3a. DPF fallback without a module: the agreement of the module the roles imply
    case(
        "dpf-fallback-no-module-module-2-signed",
        DAY,
        "lawful",
        "fallback_ready",
        **{
            **DPF,
            "fallback_mechanism": "scc_2021",
            "contracts": (agreement(7),),
            "assessments": TIA_OK,
        },
    ),
    case(
        "dpf-fallback-no-module-only-module-3",
        DAY,
        "at_risk",
        "dpf_no_fallback",
        **{
            **DPF,
            "fallback_mechanism": "scc_2021",
            "contracts": (agreement(7, module=3),),
            "assessments": TIA_OK,
        },
    ),
    case(
        "dpf-fallback-no-module-module-2-draft",
        DAY,
        "at_risk",
        "dpf_no_fallback",
        **{
            **DPF,
            "fallback_mechanism": "scc_2021",
            "contracts": (agreement(7, status="draft", signed=None),),
            "assessments": TIA_OK,
        },
    ),
    case(
        "dpf-fallback-no-module-module-2-terminated",
        DAY,
        "at_risk",
        "dpf_no_fallback",
        **{
            **DPF,
            "fallback_mechanism": "scc_2021",
            "contracts": (agreement(7, status="terminated", terminated="2025-01-31"),),
            "assessments": TIA_OK,
        },
    ),
    case(
        "dpf-fallback-no-module-processor-exporter-module-3",
        DAY,
        "lawful",
        "fallback_ready",
        **{
            **DPF,
            "exporter_role": "processor",
            "fallback_mechanism": "scc_2021",
            "contracts": (agreement(7, module=3),),
            "assessments": TIA_OK,
        },
    ),
    case(
        "dpf-fails-fallback-no-module-covers",
        DAY,
        "at_risk",
        "fallback_ready",
        **{
            **DPF,
            "dpf_certified": False,
            "fallback_mechanism": "scc_2021",
            "contracts": (agreement(7),),
            "assessments": TIA_OK,
        },
    ),
    case(
        "dpf-fails-fallback-no-module-none-signed",
        DAY,
        "unlawful",
        "dpf_not_certified",
        **{
            **DPF,
            "dpf_certified": False,
            "fallback_mechanism": "scc_2021",
            "contracts": (),
            "assessments": TIA_OK,
        },
    ),
    # --- 3b. Module 4: a documented positive TIA answers the combining-data question
    *[
        case(
            f"module4-combination-unknown-{name}",
            DAY,
            verdict,
            code,
            exporter_role="processor",
            importer_role="controller",
            scc_module=4,
            contracts=(agreement(9, module=4),),
            assessments=tias,
        )
        for name, tias, verdict, code in [
            ("positive-tia", TIA_OK, "lawful", "tia_completed"),
            ("no-tia", (), "at_risk", "module4_combination"),
            ("negative-tia", TIA_BAD, "at_risk", "module4_combination"),
        ]
    ],
    # --- 7. an IDTA transfer linked to its own IDTA: the verdict still says no EU tool
    case(
        "uk-idta-linked-to-its-idta",
        DAY,
        "unlawful",
        "not_eu_tool",
        mechanism="uk_idta",
        scc_module=None,
        contracts=(IDTA,),
        agreement_id=50,
    ),
    case(
        "uk-idta-without-agreement",
        DAY,
        "unlawful",
        "not_eu_tool",
        mechanism="uk_idta",
        scc_module=None,
    ),
]


@pytest.mark.parametrize(("as_of", "overrides", "verdict", "code"), CASES)
def test_verdicts_iii(as_of: str, overrides: dict[str, Any], verdict: str, code: str) -> None:
    evaluation = check(as_of, overrides, verdict, code)
    for reason in evaluation.reasons:  # every new reason reads in Finnish, never in English
        finnish = reason_text(reason, "fi")
        assert finnish != reason.message and "{" not in finnish, reason


def test_fallback_names_the_agreement_of_the_implied_module() -> None:
    evaluation = evaluate(
        DAY,
        **{
            **DPF,
            "fallback_mechanism": "scc_2021",
            "contracts": (agreement(7),),
            "assessments": TIA_OK,
        },
    )
    ready = next(r for r in evaluation.reasons if r.code == "fallback_ready")
    assert "#7" in ready.message and "module 2" in ready.message
    assert "#7" in reason_text(ready, "fi") and "moduulille 2" in reason_text(ready, "fi")


def test_idta_reason_names_the_agreement_and_says_no_eu_tool() -> None:
    evaluation = evaluate(
        DAY, mechanism="uk_idta", scc_module=None, contracts=(IDTA,), agreement_id=50
    )
    [reason] = evaluation.reasons
    assert "#50" in reason.message and "not a transfer tool under the EU GDPR" in reason.message


def test_ad_hoc_authorisation_is_named() -> None:
    evaluation = evaluate(DAY, **AD_HOC, approval_ref="TSV 1234/2025")
    assert any("TSV 1234/2025" in r.message for r in evaluation.reasons)


# --- 3c. a sub-processor whose only sub-processing contract is a draft or terminated --------
LAWFUL_EU = replace(BASE, destination_country="DE", exporter_role="processor", mechanism="none")


@pytest.mark.parametrize(
    ("contracts", "sub_status", "parent_status"),
    [
        ((), "approved", "approved"),  # nothing in the register: the flow-down rule alone
        ((agreement(60, kind="dpa", module=None),), "approved", "approved"),
        (
            (agreement(60, kind="dpa", module=None, status="draft", signed=None),),
            "blocked",
            "blocked",
        ),
        (
            (agreement(60, kind="dpa", module=None, status="terminated", terminated="2026-11-23"),),
            "blocked",
            "blocked",
        ),
        (
            (agreement(60, kind="dpa", module=None, status="terminated", terminated="2026-11-24"),),
            "approved",
            "approved",
        ),  # last day in force
        (
            (
                agreement(60, kind="dpa", module=None, status="draft", signed=None),
                agreement(61, kind="dpa", module=None),
            ),
            "approved",
            "approved",
        ),
        (
            (agreement(62, kind="scc_2021", module=3, status="draft", signed=None),),
            "blocked",
            "blocked",
        ),
    ],
)
def test_subprocessor_contract_in_the_register_must_be_in_force(
    contracts: tuple[Any, ...], sub_status: str, parent_status: str
) -> None:
    dpa = agreement(1, kind="dpa", module=None)
    parent = VendorFacts(1, "Processor Oy", "processor", "approved", (dpa,), (), (2,), country="FI")
    sub = VendorFacts(
        2,
        "Sub GmbH",
        "subprocessor",
        "approved",
        contracts,
        (LAWFUL_EU,),
        (),
        (1,),
        True,
        country="DE",
    )
    statuses = vendor_statuses([parent, sub], D(DAY))
    assert (statuses[2].status, statuses[1].status) == (sub_status, parent_status)
    if sub_status == "blocked":
        reason = next(r for r in statuses[2].reasons if r.severity == "error")
        assert reason.code == "subprocessor_contract_not_in_force" and "#6" in reason.message
        assert "28 artiklan 4 kohta" in reason_text(reason, "fi")


# --- 4. no silent third country -------------------------------------------------------------
US_DPF = replace(
    BASE,
    destination_country="US",
    mechanism="dpf",
    scc_module=None,
    dpf_certified=True,
    dpf_verified_on=D("2026-06-01"),
    fallback_mechanism="scc_2021",
    contracts=(agreement(7),),
    assessments=TIA_OK,
)
DPA = agreement(1, kind="dpa", module=None)


@pytest.mark.parametrize(
    ("country", "transfers", "status", "flagged"),
    [
        ("US", (), "conditional", True),
        ("US", (US_DPF,), "approved", False),
        ("US", (replace(US_DPF, ended_on=D("2026-11-23")),), "conditional", True),
        ("US", (replace(US_DPF, ended_on=D("2026-11-24")),), "approved", False),
        ("US", (replace(US_DPF, started_on=D("2026-11-25")),), "conditional", True),
        ("IN", (LAWFUL_EU,), "conditional", True),  # only an EU transfer recorded
        ("JP", (), "conditional", True),  # adequacy does not make the transfer unrecorded
        ("FI", (), "approved", False),
        ("NO", (), "approved", False),  # EEA
        ("GB", (), "conditional", True),  # third country since 2021 (adequate)
    ],
)
def test_vendor_in_a_third_country_without_a_transfer_is_flagged(
    country: str, transfers: tuple[Any, ...], status: str, flagged: bool
) -> None:
    vendor = VendorFacts(
        1, "Cloud Inc", "processor", "approved", (DPA,), transfers, (), country=country
    )
    result = vendor_status(vendor, D(DAY), {})
    assert result.status == status, result.reasons
    found = [r for r in result.reasons if r.code == "transfer_not_recorded"]
    assert bool(found) is flagged
    if found:
        assert "a transfer to" in found[0].message and "is not recorded" in found[0].message
        assert "siirtoa kohteeseen" in reason_text(found[0], "fi")


def test_uk_before_2021_is_no_third_country() -> None:
    dpa = agreement(1, kind="dpa", module=None, signed="2019-01-01")
    vendor = VendorFacts(1, "UK Ltd", "processor", "approved", (dpa,), (), (), country="GB")
    assert vendor_status(vendor, D("2020-06-01"), {}).status == "approved"


def test_remote_access_transfer_counts_as_recorded() -> None:
    """Support staff in India reaching data held in the EU: a transfer to India (EDPB
    Guidelines 05/2021), recorded with its destination, so nothing is silent."""
    remote = replace(BASE, destination_country="IN")  # SCC module 2, signed, TIA done
    vendor = VendorFacts(
        1,
        "Helpdesk Pvt",
        "processor",
        "approved",
        (DPA,),
        (remote,),
        (),
        country="IN",
    )
    vendor = replace(vendor, agreements=(DPA, agreement(7)))
    remote = replace(remote, contracts=(agreement(7),))
    vendor = replace(vendor, transfers=(remote,))
    assert evaluate_transfer(remote, D(DAY)).verdict == "lawful"
    assert vendor_status(vendor, D(DAY), {}).status == "approved"


def test_silent_subprocessor_makes_its_parent_conditional() -> None:
    parent = VendorFacts(1, "Processor Oy", "processor", "approved", (DPA,), (), (2,), country="FI")
    sub = VendorFacts(
        2, "Support Pvt", "subprocessor", "approved", (), (), (), (1,), True, country="IN"
    )
    statuses = vendor_statuses([parent, sub], D(DAY))
    assert (statuses[2].status, statuses[1].status) == ("conditional", "conditional")
    held = next(r for r in statuses[1].reasons if r.code == "subprocessor_conditional")
    assert "India" in held.message


def test_offboarded_vendor_is_not_flagged() -> None:
    vendor = VendorFacts(1, "Gone Inc", "processor", "offboarded", (DPA,), (), (), country="US")
    assert not [
        r for r in vendor_status(vendor, D(DAY), {}).reasons if r.code == "transfer_not_recorded"
    ]
