"""Vendor status for procurement: may this vendor be used on a given date?

``blocked`` when using the vendor would breach the GDPR now (an unlawful transfer, no Art. 28
contract for a processor, a blocked subprocessor down the chain) or procurement has stopped it;
``conditional`` when something is open (at_risk); ``approved`` otherwise. Transfer verdicts are
the exact :func:`evaluate_transfer` results, so the status never disagrees with them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from transfers.reference import Reference, load_reference, names
from transfers.rules.calendar import reverification_due
from transfers.rules.evaluate import (
    Evaluation,
    Reason,
    agreement_in_force,
    deciding_assessment,
    evaluate_transfer,
    is_active,
)
from transfers.rules.facts import AgreementFacts, TransferFacts, VendorFacts

__all__ = [
    "REFERENCE_REASON_CODES",
    "AgreementFacts",
    "OwnMemo",
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
        "subprocessor_flow_down",
        "subprocessor_contract_not_in_force",
        "transfer_not_recorded",
    }
)

_STATUS_BY_RANK: Final[tuple[VendorStatusValue, ...]] = ("approved", "conditional", "blocked")
_RANK: Final = {"info": 0, "warning": 1, "error": 2}
_PROCESSOR_ROLES: Final = frozenset({"processor", "subprocessor"})
_VERDICT_WORDS: Final = {"at_risk": "lawful only with open conditions", "unlawful": "unlawful"}
_NOT_YET_APPROVED: Final = frozenset({"proposed", "in_review"})
_STOPPED: Final = frozenset({"suspended", "offboarded"})
_MESSAGE_LIMIT: Final = 400


_UNSET: Final = object()


@dataclass(frozen=True, slots=True)
class DeadlineItem:
    """What falls due next, as a key and its parameters, told in the reader's language."""

    what: Literal["agreement_term", "tia_review", "certification_check", "ends", "adequacy"]
    record: int | None
    """The agreement's id (``agreement_term``), else the transfer's."""
    mechanism: str = ""
    decision: str = ""
    country: str = ""

    def __str__(self) -> str:
        return self.text("en")

    def text(self, language: str) -> str:
        ref = load_reference()
        fi = language == "fi"
        if self.what == "agreement_term":
            return (
                f"sopimuksen #{self.record} sopimuskausi päättyy"
                if fi
                else (f"agreement #{self.record} term ends")
            )
        noun = "siirto" if fi else "transfer"
        label = f"{noun} #{self.record}" if self.record is not None else noun
        mechanism = ref.mechanism(self.mechanism) if self.mechanism else None
        name = (mechanism.name_fi if fi else mechanism.name) if mechanism else self.mechanism
        if self.what == "tia_review":
            return f"{label}: " + (
                "siirtovaikutusten arvioinnin (TIA) uusintatarkastelu" if fi else "TIA review"
            )
        if self.what == "certification_check":
            return f"{label}: " + (
                f"{name}: sertifioinnin tarkistus" if fi else f"{name} certification check"
            )
        if self.what == "ends":
            return f"{label}: {name} " + ("päättyy" if fi else "ends")
        if fi:
            country = names.country_name(self.country, "fi") if self.country else self.decision
            return f"{label}: riittävyyspäätöksen ({country}) voimassaolo päättyy"
        return f"{label}: adequacy decision for {self.decision} expires"


class VendorStatus:
    """A vendor's status on a day, with the reasons and the next deadline behind it.

    ``status`` and the transfer verdicts are worked out when the status is made; the reasons
    (sentences for every failing transfer and link of the chain) and the next deadline when
    first read, and then kept. A register-wide summary reads only the statuses and verdicts:
    writing the sentences of 37,000 failing transfers and the labels of 50,000 deadlines that
    no one would read was half of ``transfers check`` (issue 13). What is read is the same as
    if it had been built at once.
    """

    __slots__ = (
        "_deadline",
        "_make_deadline",
        "_make_reasons",
        "_needs",
        "_reasons",
        "status",
        "transfers",
        "vendor_id",
        "vendor_name",
    )

    def __init__(
        self,
        status: VendorStatusValue,
        reasons: tuple[Reason, ...],
        transfers: tuple[tuple[TransferFacts, Evaluation], ...],
        next_deadline: date | None,
        vendor_id: int | None = None,
        vendor_name: str = "",
        next_deadline_item: str = "",
    ) -> None:
        self.status = status
        self.transfers = transfers
        self.vendor_id = vendor_id
        self.vendor_name = vendor_name
        self._reasons: object = reasons
        self._make_reasons: Callable[[], tuple[Reason, ...]] | None = None
        self._needs: tuple[VendorStatus, ...] = ()
        self._deadline: object = (
            (next_deadline, next_deadline_item) if next_deadline is not None else None
        )
        self._make_deadline: Callable[[], tuple[date, DeadlineItem] | None] | None = None

    @classmethod
    def deferred(
        cls,
        status: VendorStatusValue,
        reasons: Callable[[], tuple[Reason, ...]],
        transfers: tuple[tuple[TransferFacts, Evaluation], ...],
        deadline: Callable[[], tuple[date, DeadlineItem] | None],
        vendor_id: int | None,
        vendor_name: str,
        needs: tuple[VendorStatus, ...] = (),
    ) -> VendorStatus:
        """A status whose reasons and deadline are made by ``reasons()`` and ``deadline()``
        when first read; ``reasons()`` reads the reasons of the statuses in ``needs``."""
        made = cls.__new__(cls)  # the fields set once here (one per vendor of a register)
        made.status, made.transfers = status, transfers
        made.vendor_id, made.vendor_name = vendor_id, vendor_name
        made._reasons = made._deadline = _UNSET
        made._make_reasons, made._make_deadline, made._needs = reasons, deadline, needs
        return made

    @property
    def reasons(self) -> tuple[Reason, ...]:
        if self._reasons is _UNSET:
            # The statuses it needs first, deepest first, without recursion: a chain of
            # thousands of blocked sub-processors must not hit the recursion limit.
            stack: list[tuple[VendorStatus, bool]] = [(self, False)]
            while stack:
                status, ready = stack.pop()
                if status._reasons is not _UNSET:
                    continue
                if ready:
                    assert status._make_reasons is not None
                    status._reasons, status._make_reasons = status._make_reasons(), None
                    status._needs = ()
                    continue
                stack.append((status, True))
                stack.extend((n, False) for n in status._needs if n._reasons is _UNSET)
        return self._reasons  # type: ignore[return-value]

    def _next(self) -> tuple[date, DeadlineItem] | None:
        if self._deadline is _UNSET:
            assert self._make_deadline is not None
            self._deadline, self._make_deadline = self._make_deadline(), None
        return self._deadline  # type: ignore[return-value]

    @property
    def next_deadline(self) -> date | None:
        """The date of the most urgent item (see :func:`_next_deadline`)."""
        found = self._next()
        return found[0] if found else None

    @property
    def next_deadline_item(self) -> str:
        found = self._next()
        return str(found[1]) if found else ""

    def next_deadline_text(self, language: str) -> str:
        """The most urgent item in ``language`` (en, fi)."""
        found = self._next()
        if not found:
            return ""
        item = found[1]
        return item.text(language) if isinstance(item, DeadlineItem) else str(item)

    def _key(self) -> tuple[object, ...]:
        return (
            self.status,
            self.reasons,
            self.transfers,
            self.next_deadline,
            self.vendor_id,
            self.vendor_name,
            self.next_deadline_item,
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VendorStatus) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"VendorStatus(status={self.status!r}, vendor_id={self.vendor_id!r}, "
            f"vendor_name={self.vendor_name!r}, reasons={self.reasons!r}, "
            f"next_deadline={self.next_deadline!r})"
        )


class OwnPart:
    """What a vendor's status owes to its own facts alone (not to its sub-processors): the
    verdicts of its transfers and their worst rank at once, the reasons and the next deadline
    when first read (see :class:`VendorStatus`)."""

    __slots__ = ("_deadline", "_head", "_reasons", "as_of", "evaluated", "rank", "ref", "vendor")

    def __init__(
        self,
        vendor: VendorFacts,
        as_of: date,
        ref: Reference,
        head: tuple[Reason, ...],
        evaluated: tuple[tuple[TransferFacts, Evaluation], ...],
        rank: int,
    ) -> None:
        self.vendor, self.as_of, self.ref = vendor, as_of, ref
        self._head, self.evaluated, self.rank = head, evaluated, rank
        self._reasons: tuple[Reason, ...] | None = None
        self._deadline: object = _UNSET

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """The vendor's own reasons, then one per transfer that is not lawful."""
        if self._reasons is None:
            self._reasons = (*self._head, *_transfer_reasons(self.evaluated, self.ref))
        return self._reasons

    @property
    def deadline(self) -> tuple[date, DeadlineItem] | None:
        if self._deadline is _UNSET:
            self._deadline = _next_deadline(self.vendor, self.evaluated, self.as_of, self.ref)
        return self._deadline  # type: ignore[return-value]


#: Own parts already computed, per vendor id, with the facts and reference they came from. The
#: engine reuses an entry only for the very same (immutable) facts and reference objects, so a
#: memo kept beside a register snapshot can never give an answer for facts that changed.
OwnMemo = MutableMapping[int, tuple[VendorFacts, Reference, OwnPart]]
#: The memo for a day and a reference (what-if scenarios get their own), or None for no memo.
MemoFor = Callable[[date, Reference], OwnMemo | None]


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
    vendors: Iterable[VendorFacts],
    as_of: date,
    reference: Reference | None = None,
    memo: OwnMemo | None = None,
) -> dict[int, VendorStatus]:
    """Statuses of all ``vendors``, resolved bottom-up along subprocessor chains.

    Strongly connected components come out children first (Tarjan), so each vendor is evaluated
    once after all its subprocessors. A vendor on a cycle is blocked (``subprocessor_cycle``):
    the chain of Art. 28(2) authorisations cannot be traced.

    ``memo`` (see :data:`OwnMemo`) spares re-evaluating the transfers of vendors whose facts are
    the same objects as last time: after one write, only the changed vendors are evaluated again,
    while every status is still assembled along the chains as they are now.
    """
    ref = reference if reference is not None else load_reference()
    by_id = {v.id: v for v in vendors}
    statuses: dict[int, VendorStatus] = {}
    for component in _components_children_first(by_id):
        first = component[0]
        cyclic = len(component) > 1 or first in by_id[first].subprocessor_ids
        on_cycle = frozenset(component) if cyclic else frozenset()
        for vendor_id in component:
            statuses[vendor_id] = _vendor_status(
                by_id[vendor_id], as_of, statuses, ref, on_cycle, memo
            )
    return statuses


def _vendor_status(
    vendor: VendorFacts,
    as_of: date,
    chain_statuses: Mapping[int, VendorStatus],
    ref: Reference,
    on_cycle: frozenset[int],
    memo: OwnMemo | None = None,
) -> VendorStatus:
    own: OwnPart | None = None
    if memo is not None:
        entry = memo.get(vendor.id)
        if entry is not None and entry[0] is vendor and entry[1] is ref:
            own = entry[2]
    if own is None:
        own = _own_part(vendor, as_of, ref)
        if memo is not None:
            memo[vendor.id] = (vendor, ref, own)
    rank = own.rank
    links: list[tuple[int, str, VendorStatus | None]] = []
    for child_id in vendor.subprocessor_ids:
        if child_id in on_cycle:
            links.append((child_id, "cycle", None))
            rank = 2
            continue
        child = chain_statuses.get(child_id)
        if child is None:
            links.append((child_id, "unknown", None))
            rank = max(rank, 1)
        elif child.status != "approved":
            links.append((child_id, child.status, child))
            rank = max(rank, 2 if child.status == "blocked" else 1)
    # Legal approved the vendor with conditions (intake review, issue 12): approved only once
    # they are met. Only an otherwise approved vendor is held back by them.
    conditions = rank == 0 and bool(vendor.open_conditions)
    if conditions:
        rank = 1
    return VendorStatus.deferred(
        _STATUS_BY_RANK[rank],
        lambda: _status_reasons(vendor, own, links, conditions, ref),
        own.evaluated,
        lambda: own.deadline,
        vendor.id,
        vendor.name,
        tuple([child for _, kind, child in links if kind != "cycle" and child is not None])
        if links
        else (),
    )


def _status_reasons(
    vendor: VendorFacts,
    own: OwnPart,
    links: list[tuple[int, str, VendorStatus | None]],
    conditions: bool,
    ref: Reference,
) -> tuple[Reason, ...]:
    """The reasons of a status: the vendor's own, then one per sub-processor that holds it
    back, then its open intake conditions."""
    reasons = list(own.reasons)
    for child_id, kind, child in links:
        if kind == "cycle":
            _append(
                reasons,
                ref,
                "subprocessor_cycle",
                "error",
                f"The sub-processor with id {child_id} is on a sub-processor cycle with "
                f"{vendor.name}.",
                child=child_id,
            )
        elif kind == "unknown" or child is None:
            _append(
                reasons,
                ref,
                "subprocessor_unknown",
                "warning",
                f"The sub-processor with id {child_id} is not assessed.",
                child=child_id,
            )
        elif kind == "blocked":
            cause = next((r for r in child.reasons if r.severity == "error"), None)
            _append(
                reasons,
                ref,
                "subprocessor_blocked",
                "error",
                _clip(f"{_name(child, child_id)} is blocked: {cause.message if cause else ''}"),
                child=child_id,
                child_name=child.vendor_name,
                nested=(cause,) if cause else (),
            )
        else:
            cause = next((r for r in child.reasons if r.severity == "warning"), None)
            _append(
                reasons,
                ref,
                "subprocessor_conditional",
                "warning",
                _clip(
                    f"{_name(child, child_id)} is approved only with conditions"
                    + (f": {cause.message}" if cause else ".")
                ),
                key="subprocessor_conditional_because" if cause else "",
                child=child_id,
                child_name=child.vendor_name,
                nested=(cause,) if cause else (),
            )
    if conditions:
        # A decision of ours, not a rule of law: cited as such.
        ids = sorted({intake for intake, _ in vendor.open_conditions})
        listed = ", ".join(map(str, ids))
        reasons.append(
            Reason(
                "intake_conditions_open",
                "warning",
                f"Approved with conditions: {len(vendor.open_conditions)} condition(s) of intake "
                f"request(s) {listed} not yet met.",
                f"Legal review decision (intake request {listed})",
                "K",
                "intake_conditions_open",
                {"intake_ids": tuple(ids), "open": len(vendor.open_conditions)},
            )
        )
    return tuple(reasons)


def _own_part(vendor: VendorFacts, as_of: date, ref: Reference) -> OwnPart:
    reasons: list[Reason] = []

    if vendor.status in _STOPPED:
        _append(
            reasons,
            ref,
            f"vendor_{vendor.status}",
            "error",
            f"{vendor.name} is {vendor.status}.",
            vendor=vendor.name,
        )
    elif vendor.status in _NOT_YET_APPROVED:
        _append(
            reasons,
            ref,
            "vendor_not_approved",
            "warning",
            f"{vendor.name} is {vendor.status.replace('_', ' ')}, not yet approved.",
            status=vendor.status,
            vendor=vendor.name,
        )
    elif vendor.status != "approved":
        _append(
            reasons,
            ref,
            "vendor_status_unknown",
            "warning",
            f"The vendor status {vendor.status!r} is unknown.",
        )

    _silent_third_country(vendor, as_of, ref, reasons)
    flow_down = vendor.role == "subprocessor" and bool(vendor.parent_ids)
    contracts = [a for a in vendor.agreements if ref.covers_art28(a.kind, a.scc_module)]
    if (
        flow_down
        and vendor.authorised_by_processor is not False
        and contracts
        and not any(agreement_in_force(a, as_of) for a in contracts)
    ):
        # GDPR Art. 28(4): the sub-processor must be bound by a contract. The register holds
        # its sub-processing contract, and none is in force (a draft, or terminated): the
        # contract the authorisation relies on is not there, whatever the authorisation says.
        listed = ", ".join(
            f"#{a.id} ({'draft' if a.status == 'draft' else a.status})" for a in contracts
        )
        _append(
            reasons,
            ref,
            "subprocessor_contract_not_in_force",
            "error",
            f"{vendor.name} is not bound by a sub-processing contract in force on {as_of} "
            f"(Art. 28(4)): the register holds only {listed}.",
            vendor=vendor.name,
            agreements=listed,
            as_of=as_of,
        )
    elif flow_down:
        # GDPR Art. 28(2) and 28(4): our processor engages it under its DPA with us; no direct
        # DPA between us and the sub-processor is needed, but the authorisation is.
        if vendor.authorised_by_processor is False:
            _append(
                reasons,
                ref,
                "subprocessor_flow_down",
                "error",
                f"{vendor.name} is not authorised under the DPA of the processor that engages it.",
                key="subprocessor_not_authorised",
                vendor=vendor.name,
            )
        elif vendor.authorised_by_processor is None:
            _append(
                reasons,
                ref,
                "subprocessor_flow_down",
                "warning",
                f"Record whether the DPA of the processor that engages {vendor.name} authorises "
                "it as a sub-processor.",
                key="subprocessor_authorisation_unknown",
                vendor=vendor.name,
            )
        else:
            _append(
                reasons,
                ref,
                "subprocessor_flow_down",
                "info",
                f"{vendor.name} is engaged by our processor under its DPA with us, which "
                "authorises it and binds it to the same obligations.",
                vendor=vendor.name,
            )
    elif vendor.role in _PROCESSOR_ROLES and not any(
        agreement_in_force(a, as_of) and ref.covers_art28(a.kind, a.scc_module)
        for a in vendor.agreements
    ):
        reasons.append(
            Reason(
                "dpa_missing",
                "error",
                f"No signed Art. 28 agreement (a DPA, or 2021 SCCs module 2 or 3) with "
                f"{vendor.name} is in force on {as_of}.",
                ref.art28_policy.citation,
                ref.art28_policy.confidence,
                "dpa_missing",
                {"vendor": vendor.name, "as_of": as_of},
            )
        )

    rank = max([_RANK[r.severity] for r in reasons]) if reasons else 0
    evaluated: list[tuple[TransferFacts, Evaluation]] = []
    for transfer in vendor.transfers:
        evaluation = evaluate_transfer(transfer, as_of, ref)
        evaluated.append((transfer, evaluation))
        if evaluation.verdict == "unlawful":
            rank = 2
        elif evaluation.verdict == "at_risk" and rank == 0:
            rank = 1
    return OwnPart(vendor, as_of, ref, tuple(reasons), tuple(evaluated), rank)


def _silent_third_country(
    vendor: VendorFacts, as_of: date, ref: Reference, reasons: list[Reason]
) -> None:
    """A vendor established in a third country that processes our data receives a transfer,
    whether it stores the data there or reaches them remotely from there (EDPB Guidelines
    05/2021); with no transfer to that country recorded as taking place, the register is
    silent about a Chapter V transfer, and the vendor is at most conditional."""
    country = (vendor.country or "").upper()
    if not country or vendor.status == "offboarded" or not ref.is_third_country(country, as_of):
        return
    for transfer in vendor.transfers:
        if transfer.destination_country.upper() == country and is_active(transfer, as_of):
            return
    name = ref.names.get(country, country)
    _append(
        reasons,
        ref,
        "transfer_not_recorded",
        "warning",
        f"{vendor.name} is established in {name}, outside the EU/EEA, and processes our data, "
        f"but a transfer to {name} is not recorded (storing the data there or reaching them "
        "remotely from there is a transfer); record it with its mechanism.",
        vendor=vendor.name,
        country=country,
    )


def _transfer_reasons(
    evaluated: tuple[tuple[TransferFacts, Evaluation], ...], ref: Reference
) -> list[Reason]:
    """One reason per transfer that is not lawful on the day, with its worst reasons nested."""
    reasons: list[Reason] = []
    for transfer, evaluation in evaluated:
        if evaluation.verdict in ("lawful", "inactive"):
            continue
        severity: Literal["warning", "error"] = (
            "error" if evaluation.verdict == "unlawful" else "warning"
        )
        worst = [r for r in evaluation.reasons if r.severity == severity]
        label = f" #{transfer.id}" if transfer.id is not None else ""
        mechanism = ref.mechanism(transfer.mechanism)
        country = ref.names.get(transfer.destination_country, transfer.destination_country)
        reasons.append(
            Reason(
                f"transfer_{evaluation.verdict}",
                severity,
                _clip(
                    f"The transfer{label} to {country} "
                    f"({mechanism.name if mechanism else transfer.mechanism}) is "
                    f"{_VERDICT_WORDS[evaluation.verdict]}: " + " ".join(r.message for r in worst)
                ),
                worst[0].citation,
                worst[0].confidence,
                f"transfer_{evaluation.verdict}",
                {
                    "transfer": transfer.id,
                    "country": transfer.destination_country,
                    "mechanism": transfer.mechanism,
                    "verdict": evaluation.verdict,
                    "nested": tuple(worst),
                },
            )
        )
    return reasons


def _append(
    reasons: list[Reason],
    ref: Reference,
    code: str,
    severity: Literal["info", "warning", "error"],
    message: str,
    key: str = "",
    **params: object,
) -> None:
    """Add a reason whose citation and confidence come from ``rules.toml`` ``[reasons]``."""
    source = ref.reason_source(code)
    reasons.append(
        Reason(code, severity, message, source.citation, source.confidence, key or code, params)
    )


def _name(status: VendorStatus, vendor_id: int) -> str:
    if vendor_id < 0:  # announced in a notice, not registered yet (notice what-if facts)
        return f"The new sub-processor {status.vendor_name}"
    return f"The sub-processor {status.vendor_name} (id {vendor_id})"


def _clip(message: str) -> str:
    return message if len(message) <= _MESSAGE_LIMIT else message[: _MESSAGE_LIMIT - 1] + "…"


def _next_deadline(
    vendor: VendorFacts,
    evaluated: tuple[tuple[TransferFacts, Evaluation], ...],
    as_of: date,
    ref: Reference,
) -> tuple[date, DeadlineItem] | None:
    """The most urgent item: the earliest overdue one (a TIA review or DPF check already due),
    else the earliest date on or after ``as_of`` when something lapses (an agreement term, a TIA
    review, a DPF re-verification, the expiry of the decision or transition relied on)."""
    overdue: list[tuple[date, DeadlineItem]] = []
    upcoming: list[tuple[date, DeadlineItem]] = [
        (a.ends_on, DeadlineItem("agreement_term", a.id))
        for a in vendor.agreements
        if a.status == "signed" and a.ends_on is not None
    ]
    for transfer, _ in evaluated:
        if transfer.ended_on is not None and transfer.ended_on < as_of:
            continue
        tia = deciding_assessment(transfer.assessments, as_of)
        if tia is not None and tia.next_review_on is not None:
            item = (tia.next_review_on, DeadlineItem("tia_review", transfer.id))
            (overdue if tia.next_review_on < as_of else upcoming).append(item)
        mechanism = ref.mechanism(transfer.mechanism)
        if mechanism is None:
            continue
        if mechanism.reverification_months is not None and transfer.dpf_verified_on is not None:
            due = reverification_due(transfer.dpf_verified_on, mechanism.reverification_months)
            item = (due, DeadlineItem("certification_check", transfer.id, mechanism.code))
            (overdue if due < as_of else upcoming).append(item)
        if mechanism.valid_until is not None:
            upcoming.append(
                (mechanism.valid_until, DeadlineItem("ends", transfer.id, mechanism.code))
            )
        if mechanism.rule == "adequacy":
            country = transfer.destination_country.upper()
            decision = ref.adequacy_for(country)
            if decision is not None and decision.valid_until is not None:
                upcoming.append(
                    (
                        decision.valid_until,
                        DeadlineItem(
                            "adequacy", transfer.id, decision=decision.name, country=country
                        ),
                    )
                )
    # Ties on a date go to the item whose English text sorts first, as they always have.
    if overdue:
        return min(overdue, key=_by_date_then_text)
    future = [item for item in upcoming if item[0] >= as_of]
    return min(future, key=_by_date_then_text) if future else None


def _by_date_then_text(item: tuple[date, DeadlineItem]) -> tuple[date, str]:
    return item[0], str(item[1])


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
        if not graph[root].subprocessor_ids:  # most vendors: a component of its own, at once
            index[root] = low[root] = counter
            counter += 1
            components.append([root])
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
