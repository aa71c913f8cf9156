"""Vendor status for procurement: may this vendor be used on a given date?

``blocked`` when using the vendor would breach the GDPR now (an unlawful transfer, no Art. 28
contract for a processor, a blocked subprocessor down the chain) or procurement has stopped it;
``conditional`` when something is open (at_risk); ``approved`` otherwise. Transfer verdicts are
the exact :func:`evaluate_transfer` results, so the status never disagrees with them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from transfers.reference import Reference, load_reference
from transfers.rules.evaluate import (
    Evaluation,
    Reason,
    add_months,
    deciding_assessment,
    evaluate_transfer,
)
from transfers.rules.facts import AgreementFacts, TransferFacts, VendorFacts

__all__ = [
    "REFERENCE_REASON_CODES",
    "AgreementFacts",
    "VendorFacts",
    "VendorStatus",
    "agreement_in_force",
    "vendor_status",
    "vendor_statuses",
]

VendorStatusValue = Literal["approved", "conditional", "blocked"]

#: Reason codes whose citation comes from ``rules.toml`` ``[reasons]`` (checked by the tests).
REFERENCE_REASON_CODES: Final = frozenset(
    {
        "vendor_suspended",
        "vendor_offboarded",
        "vendor_not_approved",
        "vendor_status_unknown",
        "subprocessor_blocked",
        "subprocessor_conditional",
        "subprocessor_cycle",
        "subprocessor_unknown",
    }
)

_STATUS_BY_RANK: Final[tuple[VendorStatusValue, ...]] = ("approved", "conditional", "blocked")
_RANK: Final = {"info": 0, "warning": 1, "error": 2}
_PROCESSOR_ROLES: Final = frozenset({"processor", "subprocessor"})
_NOT_YET_APPROVED: Final = frozenset({"proposed", "in_review"})
_STOPPED: Final = frozenset({"suspended", "offboarded"})
_MESSAGE_LIMIT: Final = 400


@dataclass(frozen=True, slots=True)
class VendorStatus:
    status: VendorStatusValue
    reasons: tuple[Reason, ...]
    transfers: tuple[tuple[TransferFacts, Evaluation], ...]
    next_deadline: date | None
    vendor_id: int | None = None
    vendor_name: str = ""


def agreement_in_force(agreement: AgreementFacts, as_of: date) -> bool:
    """Signed, effective and not ended on ``as_of`` (all boundaries inclusive)."""
    if agreement.status != "signed" or agreement.signed_on is None:
        return False
    effective = agreement.effective_on or agreement.signed_on
    return (
        agreement.signed_on <= as_of
        and effective <= as_of
        and (agreement.ends_on is None or as_of <= agreement.ends_on)
    )


def vendor_status(
    vendor: VendorFacts,
    as_of: date,
    chain_statuses: Mapping[int, VendorStatus],
    reference: Reference | None = None,
) -> VendorStatus:
    """Status of ``vendor`` on ``as_of``; ``chain_statuses`` holds its direct subprocessors'
    statuses (each already reflecting its own chain). Use :func:`vendor_statuses` for many."""
    ref = reference if reference is not None else load_reference()
    return _vendor_status(vendor, as_of, chain_statuses, ref, frozenset())


def vendor_statuses(
    vendors: Iterable[VendorFacts], as_of: date, reference: Reference | None = None
) -> dict[int, VendorStatus]:
    """Statuses of all ``vendors``, resolved bottom-up along subprocessor chains.

    Strongly connected components come out children first (Tarjan), so each vendor is evaluated
    once after all its subprocessors. A vendor on a cycle is blocked (``subprocessor_cycle``):
    the chain of Art. 28(2) authorisations cannot be traced.
    """
    ref = reference if reference is not None else load_reference()
    by_id = {v.id: v for v in vendors}
    statuses: dict[int, VendorStatus] = {}
    for component in _components_children_first(by_id):
        first = component[0]
        cyclic = len(component) > 1 or first in by_id[first].subprocessor_ids
        on_cycle = frozenset(component) if cyclic else frozenset()
        for vendor_id in component:
            statuses[vendor_id] = _vendor_status(by_id[vendor_id], as_of, statuses, ref, on_cycle)
    return statuses


def _vendor_status(
    vendor: VendorFacts,
    as_of: date,
    chain_statuses: Mapping[int, VendorStatus],
    ref: Reference,
    on_cycle: frozenset[int],
) -> VendorStatus:
    reasons: list[Reason] = []

    def add(code: str, severity: Literal["info", "warning", "error"], message: str) -> None:
        reasons.append(Reason(code, severity, message, ref.reason_source(code).citation))

    if vendor.status in _STOPPED:
        add(f"vendor_{vendor.status}", "error", f"{vendor.name} is {vendor.status}.")
    elif vendor.status in _NOT_YET_APPROVED:
        add(
            "vendor_not_approved",
            "warning",
            f"{vendor.name} is {vendor.status.replace('_', ' ')}, not yet approved.",
        )
    elif vendor.status != "approved":
        add("vendor_status_unknown", "warning", f"Unknown vendor status {vendor.status!r}.")

    if vendor.role in _PROCESSOR_ROLES and not any(
        agreement_in_force(a, as_of) and ref.covers_art28(a.kind, a.scc_module)
        for a in vendor.agreements
    ):
        reasons.append(
            Reason(
                "dpa_missing",
                "error",
                f"No signed Art. 28 agreement (DPA, or 2021 SCCs module 2/3) with {vendor.name} "
                f"is in force on {as_of}.",
                ref.art28_policy.citation,
            )
        )

    evaluated = tuple((t, evaluate_transfer(t, as_of, ref)) for t in vendor.transfers)
    for transfer, evaluation in evaluated:
        if evaluation.verdict == "lawful":
            continue
        severity: Literal["warning", "error"] = (
            "error" if evaluation.verdict == "unlawful" else "warning"
        )
        worst = [r for r in evaluation.reasons if r.severity == severity]
        label = f"#{transfer.id}" if transfer.id is not None else ""
        reasons.append(
            Reason(
                f"transfer_{evaluation.verdict}",
                severity,
                f"Transfer {label} to {transfer.destination_country} ({transfer.mechanism}) is "
                f"{evaluation.verdict.replace('_', ' ')}: {', '.join(r.code for r in worst)}.",
                worst[0].citation,
            )
        )

    for child_id in vendor.subprocessor_ids:
        if child_id in on_cycle:
            add(
                "subprocessor_cycle",
                "error",
                f"Subprocessor id {child_id} is on a subprocessor cycle with {vendor.name}.",
            )
            continue
        child = chain_statuses.get(child_id)
        if child is None:
            add("subprocessor_unknown", "warning", f"Subprocessor id {child_id} is not assessed.")
        elif child.status == "blocked":
            cause = next((r.message for r in child.reasons if r.severity == "error"), "")
            add(
                "subprocessor_blocked",
                "error",
                _clip(f"{_name(child, child_id)} is blocked: {cause}"),
            )
        elif child.status == "conditional":
            add(
                "subprocessor_conditional",
                "warning",
                f"{_name(child, child_id)} is approved only with conditions.",
            )

    rank = max((_RANK[r.severity] for r in reasons), default=0)
    return VendorStatus(
        status=_STATUS_BY_RANK[rank],
        reasons=tuple(reasons),
        transfers=evaluated,
        next_deadline=_next_deadline(vendor, evaluated, as_of, ref),
        vendor_id=vendor.id,
        vendor_name=vendor.name,
    )


def _name(status: VendorStatus, vendor_id: int) -> str:
    return f"Subprocessor {status.vendor_name!r} (id {vendor_id})"


def _clip(message: str) -> str:
    return message if len(message) <= _MESSAGE_LIMIT else message[: _MESSAGE_LIMIT - 1] + "…"


def _next_deadline(
    vendor: VendorFacts,
    evaluated: tuple[tuple[TransferFacts, Evaluation], ...],
    as_of: date,
    ref: Reference,
) -> date | None:
    """Earliest date on or after ``as_of`` when something lapses: an agreement term, a TIA
    review, a DPF re-verification, or the expiry of the decision or transition relied on."""
    dates: list[date] = [
        a.ends_on for a in vendor.agreements if a.status == "signed" and a.ends_on is not None
    ]
    for transfer, _ in evaluated:
        if transfer.ended_on is not None and transfer.ended_on < as_of:
            continue
        tia = deciding_assessment(transfer.assessments, as_of)
        if tia is not None and tia.next_review_on is not None:
            dates.append(tia.next_review_on)
        mechanism = ref.mechanism(transfer.mechanism)
        if mechanism is None:
            continue
        if mechanism.reverification_months is not None and transfer.dpf_verified_on is not None:
            dates.append(add_months(transfer.dpf_verified_on, mechanism.reverification_months))
        if mechanism.valid_until is not None:
            dates.append(mechanism.valid_until)
        if mechanism.rule == "adequacy":
            decision = ref.adequacy_for(transfer.destination_country.upper())
            if decision is not None and decision.valid_until is not None:
                dates.append(decision.valid_until)
    return min((d for d in dates if d >= as_of), default=None)


def _components_children_first(graph: Mapping[int, VendorFacts]) -> list[list[int]]:
    """Tarjan's strongly connected components, iterative (deep chains must not hit the recursion
    limit). Components are emitted after every component they reach, i.e. children first."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    components: list[list[int]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(graph[root].subprocessor_ids))]
        while work:
            node, children = work[-1]
            descended = False
            for child in children:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child].subprocessor_ids)))
                    descended = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if descended:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[int] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components
