"""Intake requests: validated, pre-checked by the rules engine, decided by legal.

Never commits (the request boundary does). An approval writes the vendor, its processing and
the planned transfers through the vendor, processing and transfer services, so the register
gets exactly the validation and audit trail it would get from their own endpoints.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import msgspec
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.audit.crud import create_audited, get_or_404, paginate, update_audited
from transfers.auth.schemas import Actor
from transfers.common.fields import clean_name, country
from transfers.common.problems import ProblemError, invalid
from transfers.compliance.schemas import ReasonRead
from transfers.compliance.schemas import reasons as reasons_read
from transfers.compliance.service import downstream, importer_role, load_facts
from transfers.intake.needs import need_text, needs_of
from transfers.intake.schemas import (
    ConditionRead,
    DecisionCreate,
    Destination,
    DestinationCheck,
    IntakeCreate,
    IntakeRead,
    Precheck,
)
from transfers.models import IntakeRequest, Vendor
from transfers.organisation import service as processing_service
from transfers.organisation.schemas import ProcessingCreate
from transfers.reference import load_reference
from transfers.rules.evaluate import Reason, evaluate_transfer
from transfers.rules.facts import AgreementFacts, TransferFacts, VendorFacts
from transfers.rules.status import vendor_statuses
from transfers.transfer import service as transfer_service
from transfers.transfer.schemas import TransferCreate
from transfers.vendor import service as vendor_service
from transfers.vendor.schemas import VendorCreate, VendorUpdate

ENTITY = "intake_request"
OPEN = frozenset({"submitted", "in_review"})
_CONTRACT_KEYS = frozenset({"contract_missing", "contract_not_signed"})


LAST_DAY = date(2999, 12, 31)


def plausible_day(day: date | None, field: str) -> None:
    """Refuse dates the engine's month arithmetic cannot reach past (year 9999 is the end)."""
    if day is not None and day > LAST_DAY:
        raise invalid(f"{day} is not a plausible date (at most {LAST_DAY}).", field=field)


def _labels(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v.strip().lower() for v in values if v.strip()))


def condition_key(intake_id: int, number: int) -> str:
    return f"intake:{intake_id}:condition:{number}"


async def get_intake(session: AsyncSession, intake_id: int) -> IntakeRequest:
    return await get_or_404(session, IntakeRequest, intake_id, "Intake request")


async def list_intakes(
    session: AsyncSession,
    *,
    state: str | None,
    vendor_id: int | None,
    limit: int,
    offset: int,
    requester: str | None = None,
    states: frozenset[str] | None = None,
    vendor_ids: Collection[int] | None = None,
    vendor_name_part: str | None = None,
) -> tuple[list[IntakeRequest], int]:
    """Newest first; ``requester`` lets a person follow their own requests, ``states`` counts
    e.g. the open ones. ``vendor_ids`` (the registered vendors a search found) and
    ``vendor_name_part`` (part of a name asked for, registered or not) find either."""
    stmt = select(IntakeRequest)
    if state:
        stmt = stmt.where(IntakeRequest.state == state)
    if states is not None:
        stmt = stmt.where(IntakeRequest.state.in_(sorted(states)))
    if requester is not None:
        stmt = stmt.where(IntakeRequest.requester == requester)
    if vendor_id is not None:
        stmt = stmt.where(IntakeRequest.vendor_id == vendor_id)
    if vendor_ids is not None or vendor_name_part:
        either = []
        if vendor_ids is not None:
            either.append(IntakeRequest.vendor_id.in_(sorted(vendor_ids)))
        if vendor_name_part:
            either.append(IntakeRequest.vendor_name.ilike(f"%{vendor_name_part}%"))
        stmt = stmt.where(or_(*either))
    return await paginate(session, stmt.order_by(IntakeRequest.id.desc()), limit, offset)


def _destination(d: Destination, data_categories: list[str]) -> dict[str, Any]:
    """One destination checked by the transfer service's own cross-field rules."""
    values = transfer_service.validate_transfer(
        {
            "destination_country": d.country,
            "mechanism": d.mechanism,
            "fallback_mechanism": d.fallback_mechanism,
            "scc_module": d.scc_module,
            "data_categories": data_categories,
        }
    )
    return {
        "country": values["destination_country"],
        "mechanism": values["mechanism"],
        "scc_module": d.scc_module,
        "fallback_mechanism": values.get("fallback_mechanism"),
        "dpf_certified": d.dpf_certified,
        "dpf_hr_covered": d.dpf_hr_covered,
        "dpf_verified_on": d.dpf_verified_on.isoformat() if d.dpf_verified_on else None,
        "transfer_type": d.transfer_type,
    }


async def create_intake(session: AsyncSession, data: IntakeCreate, actor: Actor) -> IntakeRequest:
    """Record a request; an existing vendor is named by id or by its exact business ID."""
    vendor: Vendor | None = None
    if data.vendor_id is not None:
        vendor = await session.get(Vendor, data.vendor_id)
        if vendor is None:
            raise invalid(f"Vendor {data.vendor_id} does not exist.", field="vendor_id")
    elif data.vendor_business_id:
        vendor = await session.scalar(
            select(Vendor).where(Vendor.business_id == data.vendor_business_id.strip())
        )
    if vendor is None:
        if not data.vendor_name:
            raise invalid("Name the vendor (vendor_name) or give vendor_id.", field="vendor_name")
        if not data.vendor_country:
            raise invalid("Give the vendor's country (vendor_country).", field="vendor_country")
        name = clean_name(data.vendor_name, "vendor_name")
        home = country(data.vendor_country, "vendor_country")
        business_id = data.vendor_business_id.strip() if data.vendor_business_id else None
        role: str = data.vendor_role
    else:
        name, home, business_id, role = (
            vendor.name,
            vendor.country,
            vendor.business_id,
            vendor.role,
        )
    categories = _labels(data.data_categories)
    if not categories:
        raise invalid("Name at least one data category.", field="data_categories")
    purposes = _labels(data.purposes)
    if not purposes:
        raise invalid("Name at least one purpose.", field="purposes")
    plausible_day(data.expected_start, "expected_start")
    destinations = data.destinations or [Destination(country=home)]
    checked = []
    for i, d in enumerate(destinations):
        plausible_day(d.dpf_verified_on, f"destinations[{i}].dpf_verified_on")
        try:
            checked.append(_destination(d, categories))
        except ProblemError as exc:
            field = (exc.errors or [{}])[0].get("field", "")
            raise invalid(exc.detail, field=f"destinations[{i}].{field}") from exc
    intake = IntakeRequest(
        state="submitted",
        requester=actor.label,
        requester_email=data.requester_email,
        vendor_id=vendor.id if vendor is not None else None,
        vendor_name=name,
        vendor_country=home,
        vendor_business_id=business_id,
        vendor_role=role,
        service=clean_name(data.service, "service"),
        purposes=purposes,
        data_categories=categories,
        data_subjects=_labels(data.data_subjects),
        destinations=checked,
        expected_start=data.expected_start,
        conditions=[],
    )
    return await create_audited(session, intake, actor, ENTITY)


def _transfer_facts(intake: IntakeRequest, d: dict[str, Any], start: date) -> TransferFacts:
    verified = d.get("dpf_verified_on")
    return TransferFacts(
        id=None,
        destination_country=d["country"],
        exporter_role="controller",
        importer_role=importer_role(intake.vendor_role),
        mechanism=d["mechanism"],
        scc_module=d.get("scc_module"),
        data_categories=tuple(intake.data_categories),
        frequency=None,
        adequacy_scope_confirmed=None,
        dpf_certified=d.get("dpf_certified"),
        dpf_hr_covered=d.get("dpf_hr_covered"),
        dpf_verified_on=date.fromisoformat(verified) if verified else None,
        bcr_approval_ref=None,
        fallback_mechanism=d.get("fallback_mechanism"),
        started_on=start,
        ended_on=None,
        data_subjects=tuple(intake.data_subjects),
    )


async def precheck(
    session: AsyncSession,
    intake: IntakeRequest,
    as_of: date,
    render: Callable[[tuple[Reason, ...]], list[ReasonRead]] = reasons_read,
) -> Precheck:
    """Evaluate the requested transfers as if the vendor were approved, in memory only.

    Judged on the expected start (or ``as_of`` if later), with the vendor's real agreements and
    sub-processor chain when it is already in the register. Where a contract is missing, the
    engine is asked again as if it were signed, so the answer also names what that contract
    alone would not fix (a TIA, for the 2021 SCCs). ``render`` lets a page write the reasons
    in its reader's language.
    """
    ref = load_reference()
    day = max(as_of, intake.expected_start or as_of)
    others: dict[int, VendorFacts] = {}
    if intake.vendor_id is not None:
        others = await load_facts(session, await downstream(session, intake.vendor_id), day)
    base = others.pop(intake.vendor_id or 0, None) or VendorFacts(
        id=0,
        name=intake.vendor_name,
        role=intake.vendor_role,
        status="approved",
        agreements=(),
        transfers=(),
        subprocessor_ids=(),
        country=intake.vendor_country,
    )
    planned = tuple(
        replace(_transfer_facts(intake, d, day), contracts=base.agreements)
        for d in intake.destinations
    )
    vendor = replace(base, status="approved", transfers=planned)
    status = vendor_statuses([*others.values(), vendor], day, ref)[vendor.id]
    checks: list[DestinationCheck] = []
    needs: list[str] = []
    for facts, evaluation in status.transfers:
        found: list[Reason] = list(evaluation.reasons)
        missing = next((r for r in found if r.key in _CONTRACT_KEYS), None)
        if missing is not None:
            assumed = AgreementFacts(
                id=None,
                kind=str(missing.params.get("mechanism")),
                scc_module=facts.scc_module,
                status="signed",
                signed_on=day,
                effective_on=day,
                ends_on=None,
            )
            again = evaluate_transfer(
                replace(facts, contracts=(*facts.contracts, assumed)), day, ref
            )
            found.extend(r for r in again.reasons if r.severity != "info")
        own = needs_of(found, ref)
        words = [need_text(n, "en") for n in own]
        needs.extend(f"{facts.destination_country}: {n}" for n in words)
        checks.append(
            DestinationCheck(
                country=facts.destination_country,
                mechanism=facts.mechanism,
                verdict=evaluation.verdict,
                needs=words,
                reasons=render(evaluation.reasons),
                need_items=own,
            )
        )
    vendor_level = tuple(r for r in status.reasons if not r.code.startswith("transfer_"))
    vendor_needs = needs_of(vendor_level, ref)
    return Precheck(
        as_of=day,
        vendor_status=status.status,
        lawful_as_requested=status.status == "approved",
        needs=[*(need_text(n, "en") for n in vendor_needs), *needs],
        destinations=checks,
        vendor_reasons=render(vendor_level),
        reference_version=ref.version,
        vendor_need_items=vendor_needs,
    )


def to_read(intake: IntakeRequest, check: Precheck | None = None) -> IntakeRead:
    return IntakeRead(
        id=intake.id,
        state=intake.state,  # type: ignore[arg-type]
        requester=intake.requester,
        requester_email=intake.requester_email,
        vendor_id=intake.vendor_id,
        vendor_name=intake.vendor_name,
        vendor_country=intake.vendor_country,
        vendor_business_id=intake.vendor_business_id,
        vendor_role=intake.vendor_role,
        service=intake.service,
        purposes=list(intake.purposes),
        data_categories=list(intake.data_categories),
        data_subjects=list(intake.data_subjects),
        destinations=[msgspec.convert(d, Destination) for d in intake.destinations],
        expected_start=intake.expected_start,
        processing_id=intake.processing_id,
        decided_by=intake.decided_by,
        decided_at=intake.decided_at,
        decision_reason=intake.decision_reason,
        conditions=[
            ConditionRead(
                number=i,
                text=c["text"],
                due_on=date.fromisoformat(c["due_on"]),
                met_on=date.fromisoformat(c["met_on"]) if c.get("met_on") else None,
                met_by=c.get("met_by"),
                reminder_key=condition_key(intake.id, i),
            )
            for i, c in enumerate(intake.conditions, start=1)
        ],
        version=intake.version,
        created_at=intake.created_at,
        updated_at=intake.updated_at,
        precheck=check,
    )


def _refuse_transition(intake: IntakeRequest, wanted: str) -> ProblemError:
    return ProblemError(
        409,
        "invalid-transition",
        f"Intake request {intake.id} is {intake.state}; it cannot become {wanted}.",
        state=intake.state,
    )


async def start_review(session: AsyncSession, intake: IntakeRequest, actor: Actor) -> None:
    if intake.state != "submitted":
        raise _refuse_transition(intake, "in_review")
    await update_audited(session, intake, {"state": "in_review"}, actor, ENTITY)


async def _apply_to_register(session: AsyncSession, intake: IntakeRequest, actor: Actor) -> None:
    """Vendor, processing and planned transfers, each through its own service."""
    if intake.vendor_id is not None:
        vendor = await vendor_service.get_vendor(session, intake.vendor_id)
        if vendor.status in ("suspended", "offboarded"):
            raise ProblemError(
                409,
                "vendor-stopped",
                f"Vendor {vendor.id} is {vendor.status}; lift that in the register before "
                "approving a new use of it.",
            )
        if vendor.status != "approved":
            await vendor_service.update_vendor(
                session, vendor, VendorUpdate(status="approved"), actor
            )
    else:
        vendor = await vendor_service.create_vendor(
            session,
            VendorCreate(
                name=intake.vendor_name,
                country=intake.vendor_country,
                role=intake.vendor_role,  # type: ignore[arg-type]
                business_id=intake.vendor_business_id,
                status="approved",
                notes=f"Approved through intake request {intake.id}.",
            ),
            actor,
        )
    processing = await processing_service.create_processing(
        session,
        ProcessingCreate(
            vendor_id=vendor.id,
            service=intake.service,
            purposes=list(intake.purposes),
            data_categories=list(intake.data_categories),
            data_subject_categories=list(intake.data_subjects),
        ),
        actor,
    )
    for d in intake.destinations:
        await transfer_service.create_transfer(
            session,
            msgspec.convert(
                {
                    "vendor_id": vendor.id,
                    "processing_id": processing.id,
                    "exporter_role": "controller",
                    "destination_country": d["country"],
                    "mechanism": d["mechanism"],
                    "scc_module": d.get("scc_module"),
                    "fallback_mechanism": d.get("fallback_mechanism"),
                    "dpf_certified": d.get("dpf_certified"),
                    "dpf_hr_covered": d.get("dpf_hr_covered"),
                    "dpf_verified_on": d.get("dpf_verified_on"),
                    "transfer_type": d.get("transfer_type", "storage"),
                    "data_categories": list(intake.data_categories),
                    "started_on": intake.expected_start.isoformat()
                    if intake.expected_start
                    else None,
                    "description": f"{intake.service} (intake request {intake.id})",
                },
                TransferCreate,
            ),
            actor,
        )
    intake.vendor_id = vendor.id
    intake.processing_id = processing.id


async def decide(
    session: AsyncSession, intake: IntakeRequest, data: DecisionCreate, actor: Actor
) -> None:
    """Approve (writes the register), approve with conditions (each a tracked reminder) or
    reject with a reason. Only a request still open can be decided."""
    wanted = {"approve": "approved", "approve_with_conditions": "approved_with_conditions"}.get(
        data.decision, "rejected"
    )
    if intake.state not in OPEN:
        raise _refuse_transition(intake, wanted)
    if data.decision == "approve_with_conditions" and not data.conditions:
        raise invalid("Approving with conditions needs at least one condition.", field="conditions")
    if data.decision != "approve_with_conditions" and data.conditions:
        raise invalid("Conditions go with approve_with_conditions only.", field="conditions")
    for i, c in enumerate(data.conditions):
        plausible_day(c.due_on, f"conditions[{i}].due_on")
        if not c.text.strip():
            raise invalid("A condition needs a text.", field=f"conditions[{i}].text")
    reason = (data.reason or "").strip() or None
    if data.decision == "reject" and reason is None:
        raise invalid("Say why the request is rejected.", field="reason")
    before_vendor, before_processing = intake.vendor_id, intake.processing_id
    if data.decision != "reject":
        await _apply_to_register(session, intake, actor)
    changes: dict[str, Any] = {
        "state": wanted,
        "decided_by": actor.label,
        "decided_at": datetime.now(UTC),
        "decision_reason": reason,
        "conditions": [
            {"text": c.text.strip(), "due_on": c.due_on.isoformat(), "met_on": None, "met_by": None}
            for c in data.conditions
        ],
    }
    # _apply_to_register set the links; restore them so the audit diff records the change.
    new_vendor, new_processing = intake.vendor_id, intake.processing_id
    intake.vendor_id, intake.processing_id = before_vendor, before_processing
    changes |= {"vendor_id": new_vendor, "processing_id": new_processing}
    await update_audited(session, intake, changes, actor, ENTITY)


async def condition_met(
    session: AsyncSession, intake: IntakeRequest, number: int, actor: Actor, on: date
) -> None:
    """Mark condition ``number`` met; when the last one is met the request is approved."""
    if intake.state != "approved_with_conditions":
        raise ProblemError(
            409,
            "invalid-transition",
            f"Intake request {intake.id} is {intake.state}; it has no open conditions.",
            state=intake.state,
        )
    if not 1 <= number <= len(intake.conditions):
        raise ProblemError(
            404, "not-found", f"Intake request {intake.id} has no condition {number}."
        )
    conditions = [dict(c) for c in intake.conditions]
    if conditions[number - 1].get("met_on"):
        raise ProblemError(
            409, "already-met", f"Condition {number} was met on {conditions[number - 1]['met_on']}."
        )
    conditions[number - 1] |= {"met_on": on.isoformat(), "met_by": actor.label}
    changes: dict[str, Any] = {"conditions": conditions}
    if all(c.get("met_on") for c in conditions):
        changes["state"] = "approved"
    await update_audited(session, intake, changes, actor, ENTITY)


async def open_conditions(
    session: AsyncSession, vendor_ids: set[int] | None = None
) -> list[tuple[IntakeRequest, int, dict[str, Any]]]:
    """(request, number, condition) for every condition not yet met."""
    stmt = select(IntakeRequest).where(IntakeRequest.state == "approved_with_conditions")
    if vendor_ids is not None:
        stmt = stmt.where(IntakeRequest.vendor_id.in_(vendor_ids))
    out = []
    for intake in (await session.scalars(stmt.order_by(IntakeRequest.id))).all():
        for i, c in enumerate(intake.conditions, start=1):
            if not c.get("met_on"):
                out.append((intake, i, c))
    return out
