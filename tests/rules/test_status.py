"""Vendor status for procurement: blocked / conditional / approved and subprocessor chains."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from transfers.rules import (
    AgreementFacts,
    AssessmentFacts,
    TransferFacts,
    VendorFacts,
    VendorStatus,
    evaluate_transfer,
    vendor_status,
    vendor_statuses,
)

D = date.fromisoformat
AS_OF = D("2026-11-24")
DPA = AgreementFacts(1, "dpa", None, "signed", D("2024-01-01"), None, None)

LAWFUL = TransferFacts(
    id=10,
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
AT_RISK = replace(
    LAWFUL,
    id=11,
    destination_country="IN",
    mechanism="scc_2021",
    scc_module=2,
    contracts=(AgreementFacts(7, "scc_2021", 2, "signed", D("2023-01-01"), None, None),),
)
UNLAWFUL = replace(LAWFUL, id=12, destination_country="IN", mechanism="none")


def vendor(
    vendor_id: int = 1,
    *,
    role: str = "processor",
    status: str = "approved",
    agreements: tuple[AgreementFacts, ...] = (DPA,),
    transfers: tuple[TransferFacts, ...] = (LAWFUL,),
    children: tuple[int, ...] = (),
    name: str | None = None,
) -> VendorFacts:
    return VendorFacts(
        vendor_id, name or f"Vendor {vendor_id}", role, status, agreements, transfers, children
    )


def status_of(v: VendorFacts, chain: dict[int, VendorStatus] | None = None) -> VendorStatus:
    return vendor_status(v, AS_OF, chain or {})


def reason_codes(s: VendorStatus) -> list[str]:
    return [r.code for r in s.reasons]


CASES = [
    ("approved-processor", {}, "approved", None),
    ("controller-needs-no-dpa", {"role": "controller", "agreements": ()}, "approved", None),
    (
        "joint-controller-needs-no-dpa",
        {"role": "joint_controller", "agreements": ()},
        "approved",
        None,
    ),
    ("processor-without-dpa", {"agreements": ()}, "blocked", "dpa_missing"),
    (
        "subprocessor-without-dpa",
        {"role": "subprocessor", "agreements": ()},
        "blocked",
        "dpa_missing",
    ),
    ("suspended", {"status": "suspended"}, "blocked", "vendor_suspended"),
    ("offboarded", {"status": "offboarded"}, "blocked", "vendor_offboarded"),
    ("proposed", {"status": "proposed"}, "conditional", "vendor_not_approved"),
    ("in-review", {"status": "in_review"}, "conditional", "vendor_not_approved"),
    ("unknown-status", {"status": "pending"}, "conditional", "vendor_status_unknown"),
    ("unlawful-transfer", {"transfers": (LAWFUL, UNLAWFUL)}, "blocked", "transfer_unlawful"),
    ("at-risk-transfer", {"transfers": (LAWFUL, AT_RISK)}, "conditional", "transfer_at_risk"),
    (
        "ended-unlawful-transfer",
        {"transfers": (replace(UNLAWFUL, ended_on=D("2026-11-23")),)},
        "approved",
        None,
    ),
    (
        "future-unlawful-transfer",
        {"transfers": (replace(UNLAWFUL, started_on=D("2026-11-25")),)},
        "approved",
        None,
    ),
]


@pytest.mark.parametrize(
    ("overrides", "expected", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_vendor_status_causes(overrides: dict[str, Any], expected: str, code: str | None) -> None:
    result = status_of(vendor(**overrides))
    assert result.status == expected
    if code is None:
        assert result.reasons == ()
    else:
        assert code in reason_codes(result)
        assert all(r.citation.strip() for r in result.reasons)


def agreement(**overrides: Any) -> AgreementFacts:
    return replace(DPA, **overrides)


AGREEMENTS = [
    ("dpa-signed-on-as-of", agreement(signed_on=AS_OF), True),
    ("dpa-signed-tomorrow", agreement(signed_on=D("2026-11-25")), False),
    ("dpa-effective-on-as-of", agreement(effective_on=AS_OF), True),
    ("dpa-effective-tomorrow", agreement(effective_on=D("2026-11-25")), False),
    ("dpa-ends-on-as-of", agreement(ends_on=AS_OF), True),
    ("dpa-ended-yesterday", agreement(ends_on=D("2026-11-23")), False),
    ("dpa-draft", agreement(status="draft"), False),
    ("dpa-terminated", agreement(status="terminated"), False),
    ("dpa-signed-without-date", agreement(signed_on=None), False),
    ("scc-2021-module-2", agreement(kind="scc_2021", scc_module=2), True),
    ("scc-2021-module-3", agreement(kind="scc_2021", scc_module=3), True),
    ("scc-2021-module-1", agreement(kind="scc_2021", scc_module=1), False),
    ("scc-2021-module-4", agreement(kind="scc_2021", scc_module=4), False),
    ("scc-2021-no-module", agreement(kind="scc_2021", scc_module=None), False),
    ("scc-2010", agreement(kind="scc_2010"), False),
    ("uk-idta", agreement(kind="uk_idta"), False),
    ("other", agreement(kind="other"), False),
]


@pytest.mark.parametrize(
    ("contract", "in_force"), [a[1:] for a in AGREEMENTS], ids=[a[0] for a in AGREEMENTS]
)
def test_art28_agreement_boundaries(contract: AgreementFacts, in_force: bool) -> None:
    result = status_of(vendor(agreements=(contract,)))
    assert (result.status == "approved") is in_force
    assert ("dpa_missing" in reason_codes(result)) is not in_force


def test_transfers_reuse_the_exact_evaluation() -> None:
    result = status_of(vendor(transfers=(LAWFUL, AT_RISK, UNLAWFUL)))
    assert [t for t, _ in result.transfers] == [LAWFUL, AT_RISK, UNLAWFUL]
    for transfer, evaluation in result.transfers:
        assert evaluation == evaluate_transfer(transfer, AS_OF)
    [unlawful] = [r for r in result.reasons if r.code == "transfer_unlawful"]
    assert "#12" in unlawful.message and "without a transfer mechanism" in unlawful.message
    assert "no_mechanism" not in unlawful.message  # codes stay in the code field


def test_chain_depth_three_blocks_up_the_chain() -> None:
    leaf = vendor(3, agreements=(), name="Leaf Hosting")
    middle = vendor(2, children=(3,), name="Middle Ltd")
    top = vendor(1, children=(2,), name="Top Oy")
    statuses = vendor_statuses([top, middle, leaf], AS_OF)
    assert {k: s.status for k, s in statuses.items()} == {1: "blocked", 2: "blocked", 3: "blocked"}
    assert reason_codes(statuses[3]) == ["dpa_missing"]
    [middle_reason] = statuses[2].reasons
    assert middle_reason.code == "subprocessor_blocked" and "Leaf Hosting" in middle_reason.message
    [top_reason] = statuses[1].reasons
    assert "Middle Ltd" in top_reason.message and "Leaf Hosting" in top_reason.message


def test_conditional_subprocessor_makes_parent_conditional() -> None:
    statuses = vendor_statuses([vendor(1, children=(2,)), vendor(2, status="in_review")], AS_OF)
    assert statuses[1].status == "conditional"
    assert reason_codes(statuses[1]) == ["subprocessor_conditional"]


def test_approved_chain_stays_approved() -> None:
    statuses = vendor_statuses(
        [vendor(1, children=(2,)), vendor(2, children=(3,)), vendor(3)], AS_OF
    )
    assert {s.status for s in statuses.values()} == {"approved"}


def test_unknown_subprocessor_is_conditional() -> None:
    statuses = vendor_statuses([vendor(1, children=(99,))], AS_OF)
    assert (statuses[1].status, reason_codes(statuses[1])) == (
        "conditional",
        ["subprocessor_unknown"],
    )


def test_cycle_is_blocked_and_does_not_loop() -> None:
    statuses = vendor_statuses(
        [
            vendor(1, children=(2,)),
            vendor(2, children=(3,)),
            vendor(3, children=(1,)),
            vendor(4, children=(1,)),
            vendor(5, children=(5,)),
            vendor(6),
        ],
        AS_OF,
    )
    for vendor_id in (1, 2, 3, 5):
        assert statuses[vendor_id].status == "blocked"
        assert "subprocessor_cycle" in reason_codes(statuses[vendor_id])
    assert reason_codes(statuses[4]) == ["subprocessor_blocked"]
    assert statuses[6].status == "approved"


def test_vendor_status_uses_given_chain_statuses() -> None:
    blocked_child = VendorStatus("blocked", (), (), None, 7, "Child")
    result = vendor_status(vendor(1, children=(7,)), AS_OF, {7: blocked_child})
    assert result.status == "blocked" and "Child" in result.reasons[0].message


def test_deep_chain_does_not_hit_recursion_limit() -> None:
    n = 3000
    chain = [
        vendor(i, children=(i + 1,) if i < n else (), agreements=() if i == n else (DPA,))
        for i in range(1, n + 1)
    ]
    statuses = vendor_statuses(reversed(chain), AS_OF)
    assert statuses[1].status == "blocked"
    assert len(statuses[1].reasons[0].message) <= 400


def test_reasons_are_the_same_whichever_status_is_read_first() -> None:
    """Reasons are worked out when first read: reading the top of a chain first, or its
    blocked bottom first, gives the same sentences and the same deadlines."""
    chain = [
        vendor(1, children=(2,), agreements=(DPA,)),
        vendor(2, children=(3,), agreements=(DPA,), transfers=(AT_RISK,)),
        vendor(3, agreements=()),
    ]
    top_first = vendor_statuses(reversed(chain), AS_OF)
    bottom_first = vendor_statuses(reversed(chain), AS_OF)
    read_top = [(s.reasons, s.next_deadline, s.next_deadline_item) for s in top_first.values()]
    for i in (3, 2, 1):
        _ = bottom_first[i].reasons
    read_bottom = [(s.reasons, s.next_deadline) for s in bottom_first.values()]
    assert [r[:2] for r in read_top] == read_bottom
    assert [s.status for s in top_first.values()] == ["blocked", "blocked", "blocked"]
    assert "subprocessor_blocked" in reason_codes(top_first[1])
    assert "is blocked: No signed Art. 28 agreement" in top_first[1].reasons[-1].message
    assert top_first == bottom_first


DEADLINES = [
    ("nothing", {}, None),
    ("agreement-end", {"agreements": (agreement(ends_on=D("2027-03-31")),)}, D("2027-03-31")),
    ("agreement-end-today", {"agreements": (agreement(ends_on=AS_OF),)}, AS_OF),
    (
        "tia-review",
        {
            "transfers": (
                replace(
                    AT_RISK,
                    assessments=(AssessmentFacts(1, D("2026-01-01"), "adequate", D("2027-01-15")),),
                ),
            )
        },
        D("2027-01-15"),
    ),
    (
        "overdue-tia-review-first",
        {
            "transfers": (
                replace(
                    AT_RISK,
                    assessments=(AssessmentFacts(1, D("2025-01-01"), "adequate", D("2026-01-01")),),
                ),
            )
        },
        D("2026-01-01"),
    ),
    (
        "dpf-reverification",
        {
            "transfers": (
                replace(
                    LAWFUL,
                    destination_country="US",
                    mechanism="dpf",
                    dpf_certified=True,
                    dpf_verified_on=D("2026-02-10"),
                    fallback_mechanism="scc_2021",
                ),
            )
        },
        D("2027-02-10"),
    ),
    (
        "uk-adequacy-expiry",
        {"transfers": (replace(LAWFUL, destination_country="GB"),)},
        D("2031-12-27"),
    ),
    (
        "earliest-wins",
        {
            "agreements": (agreement(ends_on=D("2032-01-01")),),
            "transfers": (replace(LAWFUL, destination_country="GB"),),
        },
        D("2031-12-27"),
    ),
    (
        "ended-transfer-ignored",
        {"transfers": (replace(LAWFUL, destination_country="GB", ended_on=D("2026-01-01")),)},
        None,
    ),
]


@pytest.mark.parametrize(
    ("overrides", "expected"), [d[1:] for d in DEADLINES], ids=[d[0] for d in DEADLINES]
)
def test_next_deadline(overrides: dict[str, Any], expected: date | None) -> None:
    assert status_of(vendor(**overrides)).next_deadline == expected


def test_ten_thousand_vendors_are_fast() -> None:
    transfers = (
        replace(
            LAWFUL,
            destination_country="US",
            mechanism="dpf",
            dpf_certified=True,
            dpf_verified_on=D("2026-06-01"),
            fallback_mechanism="scc_2021",
        ),
        AT_RISK,
        LAWFUL,
        replace(LAWFUL, destination_country="DE", mechanism="none"),
        replace(UNLAWFUL, mechanism="derogation_49_1_b", frequency="occasional"),
    )
    vendors = [
        vendor(i, transfers=transfers, children=(i + 1,) if i % 10 else ())
        for i in range(1, 10_001)
    ]
    statuses = vendor_statuses(vendors, AS_OF)
    assert len(statuses) == 10_000


def test_memo_reuses_unchanged_vendors_and_follows_a_changed_chain() -> None:
    """After one write the memo re-evaluates only the changed vendor, and the statuses up the
    chain (whose facts objects did not change) still follow it."""
    from transfers.reference import load_reference

    ref = load_reference()
    leaf = vendor(3, name="Leaf Hosting")
    middle = vendor(2, children=(3,), name="Middle Ltd")
    top = vendor(1, children=(2,), name="Top Oy", transfers=(LAWFUL, AT_RISK))
    memo: dict[int, Any] = {}
    first = vendor_statuses([top, middle, leaf], AS_OF, ref, memo)
    assert {k: s.status for k, s in first.items()} == {
        1: "conditional",
        2: "approved",
        3: "approved",
    }
    top_part = memo[1][2]

    broken_leaf = replace(leaf, agreements=())  # the write: the leaf's DPA is gone
    second = vendor_statuses([top, middle, broken_leaf], AS_OF, ref, memo)
    fresh = vendor_statuses([top, middle, broken_leaf], AS_OF, ref)
    assert second == fresh
    assert {k: s.status for k, s in second.items()} == {1: "blocked", 2: "blocked", 3: "blocked"}
    assert memo[1][2] is top_part  # the top vendor's transfers were not evaluated again
    assert memo[3][0] is broken_leaf

    # Another reference (a what-if scenario) never reuses the day's entries.
    scenario = ref.with_invalidation("scc_2021", AS_OF)
    assumed = vendor_statuses([top, middle, broken_leaf], AS_OF, scenario, memo)
    assert assumed == vendor_statuses([top, middle, broken_leaf], AS_OF, scenario)
    assert assumed[1].transfers[1][1].verdict == "unlawful"
