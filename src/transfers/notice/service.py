"""Sub-processor change notices (GDPR Art. 28(2)). Never commits: the boundary does.

The objection deadline follows from the processor's DPA: under general written authorisation
we may object within its ``objection_period_days`` of the notice; under specific authorisation
the change needs our consent before it takes effect. Before anyone decides, the rules engine
evaluates the chain as it would be after the change. An accepted change is applied to the
chain (through the vendor service, audited) on its effective date.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.audit.crud import create_audited, get_or_404, paginate, update_audited
from transfers.auth.schemas import Actor
from transfers.common.fields import clean_name, country
from transfers.common.problems import ProblemError, invalid
from transfers.compliance.schemas import ReasonRead
from transfers.compliance.schemas import reasons as reasons_read
from transfers.compliance.service import downstream, load_facts
from transfers.intake.service import plausible_day
from transfers.models import Agreement, SubprocessorNotice, Vendor, VendorSubprocessor
from transfers.notice.schemas import (
    NoticeCreate,
    NoticeImpact,
    NoticeRead,
    ObjectionCreate,
    TransferEffect,
    VendorEffect,
)
from transfers.reference import load_reference
from transfers.rules.evaluate import Reason
from transfers.rules.facts import VendorFacts, announced_subprocessor
from transfers.rules.status import VendorStatus, vendor_statuses
from transfers.transfer import service as transfer_service
from transfers.transfer.schemas import TransferCreate
from transfers.vendor import service as vendor_service
from transfers.vendor.schemas import VendorCreate, VendorUpdate

ENTITY = "subprocessor_notice"
NEW_ID = -1  # the id of a sub-processor not yet in the register, in what-if facts


async def get_notice(session: AsyncSession, notice_id: int) -> SubprocessorNotice:
    return await get_or_404(session, SubprocessorNotice, notice_id, "Sub-processor notice")


def decide_by(notice: SubprocessorNotice) -> date:
    """The objection deadline, or (consent needed / no period known) the effective date."""
    return notice.objection_deadline or notice.effective_on


def is_overdue(notice: SubprocessorNotice, today: date) -> bool:
    return notice.state == "pending" and decide_by(notice) < today


async def list_notices(
    session: AsyncSession,
    *,
    state: str | None,
    vendor_id: int | None,
    overdue_on: date | None,
    limit: int,
    offset: int,
    vendor_ids: Collection[int] | None = None,
) -> tuple[list[SubprocessorNotice], int]:
    """Newest first; ``vendor_ids`` are e.g. the vendors a search found."""
    stmt = select(SubprocessorNotice)
    if state:
        stmt = stmt.where(SubprocessorNotice.state == state)
    if vendor_id is not None:
        stmt = stmt.where(SubprocessorNotice.vendor_id == vendor_id)
    if vendor_ids is not None:
        stmt = stmt.where(SubprocessorNotice.vendor_id.in_(sorted(vendor_ids)))
    if overdue_on is not None:
        rows = (await session.scalars(stmt.where(SubprocessorNotice.state == "pending"))).all()
        ids = [n.id for n in rows if is_overdue(n, overdue_on)]
        stmt = select(SubprocessorNotice).where(SubprocessorNotice.id.in_(ids))
    return await paginate(session, stmt.order_by(SubprocessorNotice.id.desc()), limit, offset)


async def _subprocessors(session: AsyncSession, vendor_id: int) -> list[int]:
    rows = await session.scalars(
        select(VendorSubprocessor.subprocessor_id).where(VendorSubprocessor.vendor_id == vendor_id)
    )
    return sorted(rows.all())


async def _authorisation(
    session: AsyncSession, vendor_id: int, received_on: date
) -> tuple[str, int | None]:
    """The sub-processor authorisation in the vendor's latest signed agreement that records
    one: ("general", days) | ("specific", None) | ("unknown", None)."""
    row = (
        await session.execute(
            select(Agreement.subprocessor_authorisation, Agreement.objection_period_days)
            .where(
                Agreement.vendor_id == vendor_id,
                Agreement.status == "signed",
                Agreement.subprocessor_authorisation.is_not(None),
                (Agreement.signed_on.is_(None)) | (Agreement.signed_on <= received_on),
            )
            .order_by(Agreement.signed_on.desc(), Agreement.id.desc())
            .limit(1)
        )
    ).first()
    if row is None:
        return "unknown", None
    return str(row.subprocessor_authorisation), row.objection_period_days


async def create_notice(
    session: AsyncSession, data: NoticeCreate, actor: Actor
) -> SubprocessorNotice:
    plausible_day(data.received_on, "received_on")
    plausible_day(data.effective_on, "effective_on")
    vendor = await session.get(Vendor, data.vendor_id)
    if vendor is None:
        raise invalid(f"Vendor {data.vendor_id} does not exist.", field="vendor_id")
    current = await _subprocessors(session, vendor.id)
    name, home, sub_id = data.subprocessor_name, data.subprocessor_country, data.subprocessor_id
    if sub_id is not None:
        sub = await session.get(Vendor, sub_id)
        if sub is None:
            raise invalid(f"Vendor {sub_id} does not exist.", field="subprocessor_id")
        if sub_id == vendor.id:
            raise invalid("A vendor cannot be its own sub-processor.", field="subprocessor_id")
        name, home = sub.name, sub.country
    if not name or not home:
        raise invalid(
            "Name the sub-processor and its country, or give subprocessor_id.",
            field="subprocessor_name" if not name else "subprocessor_country",
        )
    if data.change == "removed":
        if sub_id is None or sub_id not in current:
            raise invalid(
                f"Removing needs subprocessor_id of a current sub-processor of vendor {vendor.id}.",
                field="subprocessor_id",
            )
    elif sub_id is not None and sub_id in current:
        raise invalid(
            f"Vendor {sub_id} is already a sub-processor of vendor {vendor.id}.",
            field="subprocessor_id",
        )
    if data.change == "replaced":
        if data.replaces_id is None or data.replaces_id not in current:
            raise invalid(
                f"A replacement names the current sub-processor it replaces (replaces_id); "
                f"vendor {vendor.id} has {current or 'none'}.",
                field="replaces_id",
            )
    elif data.replaces_id is not None:
        raise invalid("replaces_id goes with change 'replaced' only.", field="replaces_id")
    values = transfer_service.validate_transfer(
        {"mechanism": data.mechanism, "scc_module": data.scc_module, "destination_country": home}
    )
    authorisation, days = await _authorisation(session, vendor.id, data.received_on)
    deadline = None
    if authorisation == "general" and days and data.change != "removed":
        deadline = data.received_on + timedelta(days=days)
    notice = SubprocessorNotice(
        vendor_id=vendor.id,
        change=data.change,
        subprocessor_id=sub_id,
        replaces_id=data.replaces_id,
        subprocessor_name=clean_name(name, "subprocessor_name"),
        subprocessor_country=country(values["destination_country"], "subprocessor_country"),
        mechanism=values["mechanism"],
        scc_module=data.scc_module,
        purpose=data.purpose,
        received_on=data.received_on,
        effective_on=data.effective_on,
        authorisation=authorisation,
        objection_deadline=deadline,
        state="pending",
    )
    return await create_audited(session, notice, actor, ENTITY)


async def _ancestors(session: AsyncSession, vendor_id: int) -> set[int]:
    """The vendor and every processor above it (their status depends on its chain)."""
    links = VendorSubprocessor.__table__.c
    up = select(literal(vendor_id).label("id")).cte("up", recursive=True)
    up = up.union(select(links.vendor_id).join(up, links.subprocessor_id == up.c.id))
    return set((await session.scalars(select(up.c.id))).all())


def after_change(
    facts: dict[int, VendorFacts], notice: SubprocessorNotice, day: date
) -> dict[int, VendorFacts]:
    """The chain as it would be once the change applies (pure; nothing is written).

    A sub-processor new to the register is judged as approved, authorised under the
    processor's DPA (accepting the notice is that authorisation) and receiving the data from
    the processor in its country on the mechanism the notice names."""
    out = dict(facts)
    vendor = out[notice.vendor_id]
    children = [c for c in vendor.subprocessor_ids if c not in (notice.replaces_id,)]
    if notice.change == "removed":
        children = [c for c in children if c != notice.subprocessor_id]
        if notice.subprocessor_id in out:
            gone = out[notice.subprocessor_id]
            out[gone.id] = replace(
                gone, parent_ids=tuple(p for p in gone.parent_ids if p != vendor.id)
            )
    else:
        new_id = notice.subprocessor_id or NEW_ID
        if new_id in out:
            sub = out[new_id]
            out[new_id] = replace(sub, parent_ids=(*sub.parent_ids, vendor.id))
        else:
            categories = tuple(
                dict.fromkeys(c for t in vendor.transfers for c in t.data_categories)
            )
            subjects = tuple(dict.fromkeys(s for t in vendor.transfers for s in t.data_subjects))
            out[new_id] = announced_subprocessor(
                id=new_id,
                name=notice.subprocessor_name,
                role="subprocessor",
                country=notice.subprocessor_country,
                mechanism=notice.mechanism,
                scc_module=notice.scc_module,
                data_categories=categories,
                data_subjects=subjects,
                started_on=min(day, notice.effective_on),
                parent_ids=(vendor.id,),
            )
        children.append(new_id)
    if notice.replaces_id is not None and notice.replaces_id in out:
        old = out[notice.replaces_id]
        out[old.id] = replace(old, parent_ids=tuple(p for p in old.parent_ids if p != vendor.id))
    out[vendor.id] = replace(vendor, subprocessor_ids=tuple(dict.fromkeys(children)))
    return out


async def impact(
    session: AsyncSession,
    notice: SubprocessorNotice,
    as_of: date,
    render: Callable[[tuple[Reason, ...]], list[ReasonRead]] = reasons_read,
) -> NoticeImpact:
    """Statuses and verdicts of everything the change touches, before and after, judged on
    the effective date (or today, if later). ``render`` writes the reasons in the reader's
    language."""
    ref = load_reference()
    day = max(as_of, notice.effective_on)
    ids = await _ancestors(session, notice.vendor_id) | await downstream(session, notice.vendor_id)
    if notice.subprocessor_id is not None:
        ids |= await downstream(session, notice.subprocessor_id)
    facts = await load_facts(session, ids, day)
    before = vendor_statuses(facts.values(), day, ref)
    after = vendor_statuses(after_change(facts, notice, day).values(), day, ref)
    verdicts = {
        t.id: e.verdict for s in before.values() for t, e in s.transfers if t.id is not None
    }
    vendors = [
        VendorEffect(
            vendor_id=vid if vid != NEW_ID else None,
            vendor_name=s.vendor_name,
            before=before[vid].status if vid in before else None,
            after=s.status,
        )
        for vid, s in sorted(after.items())
    ]
    transfers = [
        TransferEffect(
            vendor_id=vid if vid != NEW_ID else None,
            vendor_name=s.vendor_name,
            transfer_id=t.id,
            destination_country=t.destination_country,
            mechanism=t.mechanism,
            before=verdicts.get(t.id) if t.id is not None else None,
            after=e.verdict,
            reasons=render(e.reasons),
        )
        for vid, s in sorted(after.items())
        for t, e in s.transfers
    ]
    mine: VendorStatus = after[notice.vendor_id]
    return NoticeImpact(
        as_of=day,
        vendor_status_before=before[notice.vendor_id].status,
        vendor_status_after=mine.status,
        vendor_reasons_after=render(mine.reasons),
        vendors=vendors,
        transfers=transfers,
    )


def to_read(
    notice: SubprocessorNotice, today: date, effect: NoticeImpact | None = None
) -> NoticeRead:
    return NoticeRead(
        id=notice.id,
        vendor_id=notice.vendor_id,
        change=notice.change,
        subprocessor_id=notice.subprocessor_id,
        subprocessor_name=notice.subprocessor_name,
        subprocessor_country=notice.subprocessor_country,
        replaces_id=notice.replaces_id,
        mechanism=notice.mechanism,
        scc_module=notice.scc_module,
        purpose=notice.purpose,
        received_on=notice.received_on,
        effective_on=notice.effective_on,
        authorisation=notice.authorisation,
        needs_consent=notice.authorisation != "general" and notice.change != "removed",
        objection_deadline=notice.objection_deadline,
        decide_by=decide_by(notice),
        overdue=is_overdue(notice, today),
        state=notice.state,  # type: ignore[arg-type]
        decided_by=notice.decided_by,
        decided_on=notice.decided_on,
        objection_reason=notice.objection_reason,
        objection_sent_on=notice.objection_sent_on,
        applied_on=notice.applied_on,
        version=notice.version,
        created_at=notice.created_at,
        updated_at=notice.updated_at,
        impact=effect,
    )


def _pending(notice: SubprocessorNotice, wanted: str) -> None:
    if notice.state != "pending":
        raise ProblemError(
            409,
            "invalid-transition",
            f"Sub-processor notice {notice.id} is {notice.state}; it cannot become {wanted}.",
            state=notice.state,
        )


async def accept(
    session: AsyncSession, notice: SubprocessorNotice, actor: Actor, today: date
) -> None:
    """Accept the change; it is applied to the chain now if its effective date has come,
    else by ``apply_due`` (``transfers notices apply``) on that date."""
    _pending(notice, "accepted")
    await update_audited(
        session,
        notice,
        {"state": "accepted", "decided_by": actor.label, "decided_on": today},
        actor,
        ENTITY,
    )
    if notice.effective_on <= today:
        await apply(session, notice, actor)


async def object_to(
    session: AsyncSession,
    notice: SubprocessorNotice,
    data: ObjectionCreate,
    actor: Actor,
    today: date,
) -> None:
    _pending(notice, "objected")
    plausible_day(data.sent_on, "sent_on")
    reason = data.reason.strip()
    if not reason:
        raise invalid("Say why we object.", field="reason")
    if data.sent_on < notice.received_on:
        raise invalid(
            "The objection cannot be sent before the notice was received.", field="sent_on"
        )
    await update_audited(
        session,
        notice,
        {
            "state": "objected",
            "decided_by": actor.label,
            "decided_on": today,
            "objection_reason": reason,
            "objection_sent_on": data.sent_on,
        },
        actor,
        ENTITY,
    )


async def apply(session: AsyncSession, notice: SubprocessorNotice, actor: Actor) -> None:
    """Change the chain as accepted, through the vendor and transfer services (audited)."""
    children = await _subprocessors(session, notice.vendor_id)
    changes: dict[str, Any] = {"applied_on": notice.effective_on}
    if notice.change == "removed":
        children = [c for c in children if c != notice.subprocessor_id]
    else:
        sub_id = notice.subprocessor_id
        if sub_id is None:
            sub = await vendor_service.create_vendor(
                session,
                VendorCreate(
                    name=notice.subprocessor_name,
                    country=notice.subprocessor_country,
                    role="subprocessor",
                    status="approved",
                    authorised_by_processor=True,
                    notes=f"Added through sub-processor notice {notice.id}.",
                ),
                actor,
            )
            sub_id = sub.id
            changes["subprocessor_id"] = sub_id
            categories = await _categories(session, notice.vendor_id)
            await transfer_service.create_transfer(
                session,
                TransferCreate(
                    vendor_id=sub_id,
                    exporter_role="processor",
                    destination_country=notice.subprocessor_country,
                    mechanism=notice.mechanism,
                    scc_module=notice.scc_module,
                    data_categories=categories,
                    started_on=notice.effective_on,
                    description=notice.purpose,
                ),
                actor,
            )
        else:
            existing = await vendor_service.get_vendor(session, sub_id)
            if existing.authorised_by_processor is not True:
                # Accepting the notice is the Art. 28(2) authorisation the engine asks about.
                await vendor_service.update_vendor(
                    session, existing, VendorUpdate(authorised_by_processor=True), actor
                )
        children = [c for c in children if c != notice.replaces_id] + [sub_id]
    await vendor_service.set_links(
        session,
        notice.vendor_id,
        parent_ids=None,
        subprocessor_ids=children,
        actor=actor,
        notified_on=notice.received_on,
    )
    await update_audited(session, notice, changes, actor, ENTITY)
    # Art. 28(2) owed to our own customers: our current sub-processor lists get a new version
    # carrying this change, dated when it takes effect.
    from transfers.document.versions import refresh_subprocessor_lists

    await refresh_subprocessor_lists(session, on=notice.effective_on, actor=actor)


async def _categories(session: AsyncSession, vendor_id: int) -> list[str]:
    from transfers.models import Transfer

    rows = await session.scalars(
        select(Transfer.data_categories).where(Transfer.vendor_id == vendor_id)
    )
    return list(dict.fromkeys(c for cats in rows.all() for c in (cats or ())))


async def apply_due(session: AsyncSession, today: date, actor: Actor) -> list[int]:
    """Apply every accepted change whose effective date has come (idempotent)."""
    due = (
        await session.scalars(
            select(SubprocessorNotice)
            .where(
                SubprocessorNotice.state == "accepted",
                SubprocessorNotice.applied_on.is_(None),
                SubprocessorNotice.effective_on <= today,
            )
            .order_by(SubprocessorNotice.effective_on, SubprocessorNotice.id)
        )
    ).all()
    for notice in due:
        await apply(session, notice, actor)
    return [n.id for n in due]


async def pending_with_deadlines(session: AsyncSession) -> list[SubprocessorNotice]:
    return list(
        (
            await session.scalars(
                select(SubprocessorNotice).where(SubprocessorNotice.state == "pending")
            )
        ).all()
    )
