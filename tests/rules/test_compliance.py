"""Register-wide compliance and the what-if for an invalidated mechanism (DPF)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from transfers.reference import load_reference
from transfers.rules import (
    AgreementFacts,
    AssessmentFacts,
    TransferFacts,
    VendorFacts,
    register_compliance,
)

D = date.fromisoformat
AS_OF = D("2026-11-24")
DPA = AgreementFacts(1, "dpa", None, "signed", D("2024-01-01"), None, None)

BASE = TransferFacts(
    id=None,
    destination_country="CH",
    exporter_role="controller",
    importer_role="processor",
    mechanism="adequacy",
    scc_module=None,
    data_categories=("contact",),
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
DPF = replace(
    BASE,
    id=1,
    destination_country="US",
    mechanism="dpf",
    dpf_certified=True,
    dpf_verified_on=D("2026-06-01"),
    fallback_mechanism="scc_2021",
    scc_module=2,
    contracts=(AgreementFacts(11, "scc_2021", 2, "signed", D("2024-01-01"), None, None),),
    assessments=(AssessmentFacts(1, D("2024-01-01"), "adequate", None),),
)
CH = replace(BASE, id=2)
NONE_IN = replace(BASE, id=3, destination_country="IN", mechanism="none")
SCC_NO_TIA = replace(
    BASE,
    id=4,
    destination_country="IN",
    mechanism="scc_2021",
    scc_module=2,
    contracts=(AgreementFacts(7, "scc_2021", 2, "signed", D("2022-01-01"), None, None),),
)
PS_ENDED = replace(
    BASE,
    id=5,
    destination_country="US",
    mechanism="privacy_shield",
    dpf_certified=True,
    started_on=D("2017-01-01"),
    ended_on=D("2020-07-15"),
)
SH_STILL = replace(
    BASE, id=6, destination_country="US", mechanism="safe_harbor", dpf_certified=True
)


def vendor(
    vendor_id: int, *transfers: TransferFacts, children: tuple[int, ...] = ()
) -> VendorFacts:
    return VendorFacts(
        vendor_id, f"Vendor {vendor_id}", "processor", "approved", (DPA,), transfers, children
    )


REGISTER = [
    vendor(1, DPF),  # lawful on DPF
    vendor(2, CH),  # lawful on adequacy
    vendor(3, NONE_IN),  # unlawful already
    vendor(4, SCC_NO_TIA),  # at risk
    vendor(5, PS_ENDED),  # ended, inactive
    vendor(6, SH_STILL),  # unlawful: still on Safe Harbour
    vendor(7, CH, children=(1,)),  # uses the DPF vendor as subprocessor
    vendor(8, replace(DPF, id=8), replace(NONE_IN, id=9)),  # already blocked and on DPF
    # DPF with no usable fallback: at risk today, blocked if the DPF falls.
    vendor(10, replace(DPF, id=10, contracts=(), assessments=())),
]


def test_counts_and_problems() -> None:
    result = register_compliance(REGISTER, AS_OF)
    assert result.counts == {"lawful": 4, "at_risk": 2, "unlawful": 3}
    assert result.inactive == 1
    assert result.vendor_counts == {"approved": 4, "conditional": 2, "blocked": 3}
    problems = {(p.vendor_id, p.transfer_id, p.verdict) for p in result.problems}
    assert problems == {
        (3, 3, "unlawful"),
        (4, 4, "at_risk"),
        (6, 6, "unlawful"),
        (8, 9, "unlawful"),
        (10, 10, "at_risk"),
    }
    [at_risk] = [p for p in result.problems if p.verdict == "at_risk" and p.vendor_id == 4]
    assert (
        at_risk.vendor_name == "Vendor 4" and [r.code for r in at_risk.reasons][-1] == "tia_missing"
    )
    assert result.reference_version == load_reference().version
    assert result.what_if is None


def test_invalidated_mechanisms_are_listed_active_and_ended_separately() -> None:
    result = register_compliance(REGISTER, AS_OF)
    assert [(r.vendor_id, r.mechanism) for r in result.invalidated_mechanism_transfers] == [
        (6, "safe_harbor")
    ]
    assert [(r.vendor_id, r.mechanism) for r in result.invalidated_mechanism_transfers_ended] == [
        (5, "privacy_shield")
    ]


def test_what_if_dpf_falls_today() -> None:
    result = register_compliance(REGISTER, AS_OF, assume_invalid="dpf", assume_from=AS_OF)
    what_if = result.what_if
    assert what_if is not None
    assert (what_if.mechanism, what_if.invalid_from, what_if.evaluated_on) == ("dpf", AS_OF, AS_OF)
    # 1 and 8 have signed SCCs and a TIA as fallback: ready. 10 has none: blocked.
    assert [v.vendor_id for v in what_if.newly_blocked] == [10]
    assert [r.code for r in what_if.newly_blocked[0].reasons] == ["transfer_unlawful"]
    assert [(p.vendor_id, p.transfer_id) for p in what_if.newly_unlawful] == [(10, 10)]
    assert what_if.newly_unlawful[0].reasons[0].code == "dpf_invalidated"
    assert [(r.vendor_id, r.fallbacks) for r in what_if.ready] == [
        (1, ("scc_2021",)),
        (8, ("scc_2021",)),
    ]
    assert [r.vendor_id for r in what_if.blocked] == [10]
    assert "dpf_invalidated" in [r.code for r in what_if.blocked[0].reasons]
    # The real picture is unchanged.
    assert result.vendor_counts["blocked"] == 3


def test_what_if_in_the_future_is_evaluated_on_that_date() -> None:
    result = register_compliance(REGISTER, AS_OF, assume_invalid="dpf", assume_from=D("2027-03-01"))
    assert result.what_if is not None
    assert result.what_if.evaluated_on == D("2027-03-01")
    assert [v.vendor_id for v in result.what_if.newly_blocked] == [10]
    assert [r.vendor_id for r in result.what_if.ready] == [1, 8]


def test_what_if_defaults_to_as_of() -> None:
    result = register_compliance(REGISTER, AS_OF, assume_invalid="dpf")
    assert result.what_if is not None and result.what_if.invalid_from == AS_OF


def test_what_if_scc_2021() -> None:
    result = register_compliance(REGISTER, AS_OF, assume_invalid="scc_2021")
    assert result.what_if is not None
    assert [v.vendor_id for v in result.what_if.newly_blocked] == [4]


def test_what_if_unknown_mechanism() -> None:
    with pytest.raises(KeyError):
        register_compliance(REGISTER, AS_OF, assume_invalid="telepathy")


def test_what_if_leaves_the_cached_reference_alone() -> None:
    register_compliance(REGISTER, AS_OF, assume_invalid="dpf")
    assert load_reference().mechanism("dpf").invalid_from is None  # type: ignore[union-attr]
