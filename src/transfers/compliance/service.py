"""Build rules-engine facts from the register and ask the engine.

Reads with Core selects into plain dataclasses: the engine needs no ORM objects, and loading a
register of 10,000 vendors and 50,000 transfers this way takes a fraction of the ORM's time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.agreement.terms import current_term_end
from transfers.common.problems import ProblemError, not_found
from transfers.models import (
    Agreement,
    Assessment,
    Processing,
    Transfer,
    Vendor,
    VendorSubprocessor,
)
from transfers.reference import load_reference
from transfers.rules.compliance import Compliance, register_compliance
from transfers.rules.evaluate import Evaluation, evaluate_transfer
from transfers.rules.facts import AgreementFacts, AssessmentFacts, TransferFacts, VendorFacts
from transfers.rules.status import VendorStatus, vendor_statuses

CONTROLLER_ROLES = frozenset({"controller", "joint_controller"})
CHUNK = 5000


def importer_role(vendor_role: str) -> str:
    """The importer's Chapter V role follows the vendor's role towards us."""
    return "controller" if vendor_role in CONTROLLER_ROLES else "processor"


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


async def _rows(session: AsyncSession, stmt: Any, column: Any, ids: list[int] | None) -> list[Any]:
    if ids is None:
        return list((await session.execute(stmt)).all())
    out: list[Any] = []
    for chunk in _chunks(ids):
        out.extend((await session.execute(stmt.where(column.in_(chunk)))).all())
    return out


async def children_map(
    session: AsyncSession, vendor_ids: list[int] | None = None
) -> dict[int, list[int]]:
    """Direct subprocessors of the given vendors (of every vendor when None)."""
    links = VendorSubprocessor.__table__.c
    children: dict[int, list[int]] = defaultdict(list)
    stmt = select(links.vendor_id, links.subprocessor_id)
    for parent, child in await _rows(session, stmt, links.vendor_id, vendor_ids):
        children[parent].append(child)
    return children


async def parents_map(
    session: AsyncSession, vendor_ids: list[int] | None = None
) -> dict[int, list[int]]:
    """The processors that engage each of the given vendors (every vendor when None)."""
    links = VendorSubprocessor.__table__.c
    parents: dict[int, list[int]] = defaultdict(list)
    stmt = select(links.vendor_id, links.subprocessor_id)
    for parent, child in await _rows(session, stmt, links.subprocessor_id, vendor_ids):
        parents[child].append(parent)
    return parents


async def downstream(session: AsyncSession, vendor_id: int) -> set[int]:
    """The vendor and everyone down its subprocessor chain, in one recursive query
    (UNION, not UNION ALL, so even a cycle in the data terminates)."""
    links = VendorSubprocessor.__table__.c
    chain = select(literal(vendor_id).label("id")).cte("chain", recursive=True)
    chain = chain.union(select(links.subprocessor_id).join(chain, links.vendor_id == chain.c.id))
    return set((await session.scalars(select(chain.c.id))).all())


async def load_facts(
    session: AsyncSession, vendor_ids: set[int] | None, as_of: date
) -> dict[int, VendorFacts]:
    """Facts for the given vendors (or the whole register when ``vendor_ids`` is None)."""
    ids = sorted(vendor_ids) if vendor_ids is not None else None
    v = Vendor.__table__.c
    a = Agreement.__table__.c
    t = Transfer.__table__.c
    s = Assessment.__table__.c
    p = Processing.__table__.c
    vendors = await _rows(
        session,
        select(v.id, v.name, v.role, v.status, v.authorised_by_processor),
        v.id,
        ids,
    )
    agreement_rows = await _rows(
        session,
        select(
            a.id,
            a.vendor_id,
            a.kind,
            a.scc_module,
            a.status,
            a.signed_on,
            a.effective_on,
            a.ends_on,
            a.terminated_on,
            a.term,
            a.auto_renew,
            a.renewal_term,
        ),
        a.vendor_id,
        ids,
    )
    transfer_rows = await _rows(
        session,
        select(
            t.id,
            t.vendor_id,
            t.agreement_id,
            t.destination_country,
            t.exporter_role,
            t.mechanism,
            t.scc_module,
            t.data_categories,
            t.frequency,
            t.adequacy_scope_confirmed,
            t.dpf_certified,
            t.dpf_hr_covered,
            t.dpf_verified_on,
            t.bcr_approval_ref,
            t.bcr_type,
            t.importer_in_group,
            t.approval_ref,
            t.combines_eu_data,
            t.third_country_order,
            t.international_agreement,
            t.limited_data_subjects,
            t.authority_informed_on,
            t.data_subjects_informed,
            t.fallback_mechanism,
            t.started_on,
            t.ended_on,
            t.processing_id,
        ),
        t.vendor_id,
        ids,
    )
    subject_rows = await _rows(
        session, select(p.id, p.vendor_id, p.data_subject_categories), p.vendor_id, ids
    )
    assessment_rows = await _rows(
        session,
        select(
            s.id, s.transfer_id, s.completed_on, s.conclusion, s.next_review_on, t.vendor_id
        ).join(Transfer.__table__, t.id == s.transfer_id),
        t.vendor_id,
        ids,
    )
    children = await children_map(session, ids)
    parents = await parents_map(session, ids)

    data_subjects = {r.id: tuple(r.data_subject_categories or ()) for r in subject_rows}
    agreements_by_vendor: dict[int, list[AgreementFacts]] = defaultdict(list)
    for g in agreement_rows:
        agreements_by_vendor[g.vendor_id].append(
            AgreementFacts(
                id=g.id,
                kind=g.kind,
                scc_module=g.scc_module,
                status=g.status,
                signed_on=g.signed_on,
                effective_on=g.effective_on,
                ends_on=current_term_end(
                    g.effective_on or g.signed_on,
                    g.term,
                    g.ends_on,
                    g.auto_renew,
                    g.renewal_term,
                    as_of,
                ),
                terminated_on=g.terminated_on,
            )
        )
    assessments: dict[int, list[AssessmentFacts]] = defaultdict(list)
    for r in assessment_rows:
        assessments[r.transfer_id].append(
            AssessmentFacts(r.id, r.completed_on, r.conclusion, r.next_review_on)
        )
    roles = {r.id: r.role for r in vendors}
    transfers_by_vendor: dict[int, list[TransferFacts]] = defaultdict(list)
    for r in transfer_rows:
        transfers_by_vendor[r.vendor_id].append(
            TransferFacts(
                id=r.id,
                destination_country=r.destination_country,
                exporter_role=r.exporter_role,
                importer_role=importer_role(roles.get(r.vendor_id, "processor")),
                mechanism=r.mechanism,
                scc_module=r.scc_module,
                data_categories=tuple(r.data_categories or ()),
                frequency=r.frequency,
                adequacy_scope_confirmed=r.adequacy_scope_confirmed,
                dpf_certified=r.dpf_certified,
                dpf_hr_covered=r.dpf_hr_covered,
                dpf_verified_on=r.dpf_verified_on,
                bcr_approval_ref=r.bcr_approval_ref,
                fallback_mechanism=r.fallback_mechanism,
                started_on=r.started_on,
                ended_on=r.ended_on,
                assessments=tuple(assessments.get(r.id, ())),
                contracts=_contracts(r.agreement_id, agreements_by_vendor.get(r.vendor_id, [])),
                agreement_id=r.agreement_id,
                data_subjects=data_subjects.get(r.processing_id, ()),
                bcr_type=r.bcr_type,
                importer_in_group=r.importer_in_group,
                approval_ref=r.approval_ref,
                combines_eu_data=r.combines_eu_data,
                third_country_order=r.third_country_order,
                international_agreement=r.international_agreement,
                limited_data_subjects=r.limited_data_subjects,
                authority_informed_on=r.authority_informed_on,
                data_subjects_informed=r.data_subjects_informed,
            )
        )
    known = {r.id for r in vendors}
    facts: dict[int, VendorFacts] = {}
    for r in vendors:
        facts[r.id] = VendorFacts(
            id=r.id,
            name=r.name,
            role=r.role,
            status=r.status,
            agreements=tuple(agreements_by_vendor.get(r.id, ())),
            transfers=tuple(transfers_by_vendor.get(r.id, ())),
            subprocessor_ids=tuple(c for c in children.get(r.id, ()) if ids is None or c in known),
            parent_ids=tuple(parents.get(r.id, ())),
            authorised_by_processor=r.authorised_by_processor,
        )
    return facts


def _contracts(linked: int | None, agreements: list[AgreementFacts]) -> tuple[AgreementFacts, ...]:
    """The vendor's agreements, the linked one first: the engine picks the one that covers the
    transfer by kind, module and dates (a link is a hint, never a safeguard by itself)."""
    return tuple(sorted(agreements, key=lambda a: a.id != linked))


async def evaluate_one(
    session: AsyncSession, transfer_id: int, as_of: date
) -> tuple[TransferFacts, Evaluation]:
    vendor_id = await session.scalar(select(Transfer.vendor_id).where(Transfer.id == transfer_id))
    if vendor_id is None:
        raise not_found("Transfer", transfer_id)
    facts = await load_facts(session, {vendor_id}, as_of)
    transfer = next(t for t in facts[vendor_id].transfers if t.id == transfer_id)
    return transfer, evaluate_transfer(transfer, as_of, load_reference())


async def status_of(session: AsyncSession, vendor_id: int, as_of: date) -> VendorStatus:
    """A vendor's status, with its whole subprocessor chain evaluated on the same day."""
    chain = await downstream(session, vendor_id)
    facts = await load_facts(session, chain, as_of)
    if vendor_id not in facts:
        raise not_found("Vendor", vendor_id)
    return vendor_statuses(facts.values(), as_of, load_reference())[vendor_id]


async def find_vendor_id(
    session: AsyncSession, *, name: str | None, business_id: str | None
) -> int:
    """Procurement asks by name or business ID: exact (case-insensitive) match, never a guess."""
    if not name and not business_id:
        raise ProblemError(
            400, "missing-parameter", "Give name= or business_id= to look a vendor up."
        )
    stmt = select(Vendor.id, Vendor.name)
    if business_id:
        stmt = stmt.where(Vendor.business_id == business_id.strip())
    if name:
        from sqlalchemy import func

        stmt = stmt.where(func.lower(Vendor.name) == " ".join(name.split()).lower())
    rows = (await session.execute(stmt)).all()
    if not rows:
        raise ProblemError(
            404,
            "not-found",
            f"No vendor matches {name or business_id!r}; a vendor not in the register is not approved.",
        )
    if len(rows) > 1:
        raise ProblemError(
            409,
            "ambiguous",
            f"{len(rows)} vendors match; ask by business_id.",
            candidates=[{"id": r.id, "name": r.name} for r in rows],
        )
    return int(rows[0].id)


async def register_view(
    session: AsyncSession, as_of: date, assume_invalid: str | None, assume_from: date | None
) -> Compliance:
    ref = load_reference()
    if assume_from is not None and assume_invalid is None:
        raise ProblemError(
            400,
            "invalid-parameter",
            "from= is the day a mechanism is assumed invalid; give assume_invalid= with it.",
            errors=[{"field": "from", "message": "only with assume_invalid"}],
        )
    if assume_invalid is not None and assume_invalid not in {m.code for m in ref.mechanisms()}:
        raise ProblemError(
            422,
            "validation-error",
            f"Unknown mechanism {assume_invalid!r} for assume_invalid.",
            errors=[{"field": "assume_invalid", "message": "unknown mechanism code"}],
        )
    facts = await load_facts(session, None, as_of)
    return register_compliance(
        facts.values(), as_of, assume_invalid=assume_invalid, assume_from=assume_from, reference=ref
    )
