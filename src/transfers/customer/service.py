"""Customers and the sub-processor changes we announce to them (GDPR Art. 28(2)).

Never commits: the boundary does (the delivery job commits per recipient, see ``deliver``).
A customer's DPA decides what a notice asks: under general written authorisation the customer
may object within its objection period of the notice, under specific authorisation the change
waits for its consent. Before a change is sent the rules engine judges the chain before and
after it (the same what-if as an inbound notice); a change that would make a transfer unlawful
is refused with the reasons.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from transfers.audit.crud import (
    changes_of,
    create_audited,
    get_or_404,
    paginate,
    update_audited,
)
from transfers.audit.service import record
from transfers.auth.schemas import Actor
from transfers.common.fields import clean_name, country
from transfers.common.problems import ProblemError, invalid
from transfers.compliance.schemas import ReasonRead
from transfers.compliance.schemas import reasons as reasons_read
from transfers.compliance.service import downstream, load_facts
from transfers.customer import letters
from transfers.customer.schemas import (
    AffectedCustomer,
    ChangeCreate,
    ChangeRead,
    CustomerCreate,
    CustomerNoticeRead,
    CustomerRead,
    CustomerUpdate,
    DeliveryRead,
    EngagementCreate,
    LinkReport,
    ResolutionCreate,
    ResponseCreate,
    UnlinkedController,
)
from transfers.intake.service import plausible_day
from transfers.models import (
    Customer,
    CustomerNotice,
    CustomerProcessing,
    NoticeDelivery,
    PageSubscriber,
    Processing,
    SubprocessorChange,
    SubprocessorNotice,
    Vendor,
    VendorSubprocessor,
)
from transfers.notice import service as notice_service
from transfers.notice.schemas import NoticeImpact, TransferEffect, VendorEffect
from transfers.reference import load_reference
from transfers.rules.evaluate import Reason
from transfers.rules.facts import announced_subprocessor
from transfers.rules.status import vendor_statuses
from transfers.settings import Settings
from transfers.transfer import service as transfer_service
from transfers.vendor import service as vendor_service

CUSTOMER = "customer"
CHANGE = "subprocessor_change"
NOTICE = "customer_notice"
NEW_ID = notice_service.NEW_ID


# Customers ---------------------------------------------------------------------------------


async def get_customer(session: AsyncSession, customer_id: int) -> Customer:
    return await get_or_404(session, Customer, customer_id, "Customer")


async def processing_ids(session: AsyncSession, customer_ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    if customer_ids:
        rows = await session.execute(
            select(CustomerProcessing.customer_id, CustomerProcessing.processing_id)
            .where(CustomerProcessing.customer_id.in_(customer_ids))
            .order_by(CustomerProcessing.processing_id)
        )
        for cid, pid in rows.all():
            out[cid].append(pid)
    return out


def to_read(customer: Customer, processings: list[int]) -> CustomerRead:
    return CustomerRead(
        id=customer.id,
        legal_name=customer.legal_name,
        business_id=customer.business_id,
        country=customer.country,
        language=customer.language,
        privacy_email=customer.privacy_email,
        dpo_email=customer.dpo_email,
        authorisation=customer.authorisation,
        objection_period_days=customer.objection_period_days,
        notice_channel=customer.notice_channel,
        dpa_signed_on=customer.dpa_signed_on,
        notes=customer.notes,
        processing_ids=processings,
        version=customer.version,
        created_at=customer.created_at,
        updated_at=customer.updated_at,
    )


async def read_customer(session: AsyncSession, customer: Customer) -> CustomerRead:
    return to_read(customer, (await processing_ids(session, [customer.id]))[customer.id])


async def list_customers(
    session: AsyncSession, *, q: str | None, limit: int, offset: int
) -> tuple[list[CustomerRead], int]:
    stmt = select(Customer)
    if q:
        stmt = stmt.where(Customer.legal_name.ilike(f"%{q}%"))
    rows, total = await paginate(session, stmt.order_by(Customer.legal_name), limit, offset)
    links = await processing_ids(session, [c.id for c in rows])
    return [to_read(c, links[c.id]) for c in rows], total


def _email(value: str | None, field: str) -> str | None:
    if value is None:
        return None
    value = value.strip()
    local, at, domain = value.partition("@")
    if not at or not local or "." not in domain or " " in value:
        raise invalid(f"{value!r} is not an e-mail address.", field=field)
    return value


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    if "legal_name" in values:
        values["legal_name"] = clean_name(values["legal_name"], "legal_name")
    if "country" in values:
        values["country"] = country(values["country"])
    for field in ("privacy_email", "dpo_email"):
        if field in values:
            values[field] = _email(values[field], field)
    return values


def _check_dpa(values: dict[str, Any]) -> None:
    if values.get("authorisation") == "general" and not values.get("objection_period_days"):
        raise invalid(
            "A general authorisation needs the objection period in days (Art. 28(2)).",
            field="objection_period_days",
        )
    if values.get("notice_channel") == "email" and not (
        values.get("privacy_email") or values.get("dpo_email")
    ):
        raise invalid(
            "Notices by e-mail need a privacy or DPO contact address.", field="privacy_email"
        )


async def _unique_name(session: AsyncSession, name: str, own_id: int | None = None) -> None:
    found = await session.scalar(select(Customer.id).where(Customer.legal_name == name))
    if found is not None and found != own_id:
        raise ProblemError(
            409, "conflict", f"Customer {name!r} already exists (id {found}).", customer_id=found
        )


async def _set_processings(
    session: AsyncSession, customer: Customer, wanted: list[int], actor: Actor
) -> None:
    wanted = sorted(set(wanted))
    if wanted:
        found = set(
            (await session.scalars(select(Processing.id).where(Processing.id.in_(wanted)))).all()
        )
        missing = [p for p in wanted if p not in found]
        if missing:
            raise invalid(f"Unknown processing id(s) {missing}.", field="processing_ids")
    current = (await processing_ids(session, [customer.id]))[customer.id]
    if current == wanted:
        return
    rows = (
        await session.scalars(
            select(CustomerProcessing).where(CustomerProcessing.customer_id == customer.id)
        )
    ).all()
    for row in rows:
        if row.processing_id not in wanted:
            await session.delete(row)
    session.add_all(
        CustomerProcessing(customer_id=customer.id, processing_id=p)
        for p in wanted
        if p not in current
    )
    await session.flush()
    await record(
        session,
        actor,
        "update",
        "customer_processing",
        customer.id,
        {"processing_ids": current},
        {"processing_ids": wanted},
    )


async def create_customer(session: AsyncSession, data: CustomerCreate, actor: Actor) -> Customer:
    values = _clean(changes_of(data, exclude=frozenset({"processing_ids"})))
    _check_dpa(values)
    plausible_day(data.dpa_signed_on, "dpa_signed_on")
    await _unique_name(session, values["legal_name"])
    customer = await create_audited(session, Customer(**values), actor, CUSTOMER)
    await _set_processings(session, customer, data.processing_ids, actor)
    return customer


async def update_customer(
    session: AsyncSession, customer: Customer, data: CustomerUpdate, actor: Actor
) -> Customer:
    values = _clean(changes_of(data, exclude=frozenset({"version", "processing_ids"})))
    for key in ("legal_name", "country", "language", "authorisation", "notice_channel"):
        if key in values and values[key] is None:
            raise invalid(f"{key} cannot be emptied.", field=key)
    merged = {
        k: getattr(customer, k)
        for k in (
            "authorisation",
            "objection_period_days",
            "notice_channel",
            "privacy_email",
            "dpo_email",
        )
    } | values
    _check_dpa(merged)
    if "dpa_signed_on" in values:
        plausible_day(values["dpa_signed_on"], "dpa_signed_on")
    if "legal_name" in values:
        await _unique_name(session, values["legal_name"], customer.id)
    await update_audited(session, customer, values, actor, CUSTOMER)
    if isinstance(data.processing_ids, list):
        await _set_processings(session, customer, data.processing_ids, actor)
    return customer


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


async def link_controllers(session: AsyncSession, actor: Actor, *, apply: bool) -> LinkReport:
    """The processings' free-text controller to customer links: exact-name matches (case and
    spacing aside) are linked (``apply``), the rest listed for a person to link by hand."""
    customers = {_key(c.legal_name): c for c in (await session.scalars(select(Customer))).all()}
    linked_pairs = set(
        (
            await session.execute(
                select(CustomerProcessing.customer_id, CustomerProcessing.processing_id)
            )
        ).all()
    )
    already = {pid for _, pid in linked_pairs}
    processings = (
        await session.scalars(
            select(Processing)
            .where(Processing.controller.is_not(None), Processing.controller != "")
            .order_by(Processing.id)
        )
    ).all()
    linked: list[int] = []
    unlinked: list[UnlinkedController] = []
    for p in processings:
        if p.id in already:
            continue
        customer = customers.get(_key(p.controller or ""))
        if customer is None:
            unlinked.append(UnlinkedController(p.id, p.service, p.controller or ""))
            continue
        linked.append(p.id)
        if apply:
            session.add(CustomerProcessing(customer_id=customer.id, processing_id=p.id))
            await session.flush()
            await record(
                session,
                actor,
                "create",
                "customer_processing",
                customer.id,
                None,
                {"processing_id": p.id, "matched": p.controller},
            )
    return LinkReport(linked=linked, unlinked=unlinked)


# Planned changes ---------------------------------------------------------------------------


async def get_change(session: AsyncSession, change_id: int) -> SubprocessorChange:
    return await get_or_404(session, SubprocessorChange, change_id, "Sub-processor change")


async def _children(session: AsyncSession, vendor_id: int) -> list[int]:
    rows = await session.scalars(
        select(VendorSubprocessor.subprocessor_id).where(VendorSubprocessor.vendor_id == vendor_id)
    )
    return sorted(rows.all())


async def create_change(
    session: AsyncSession, data: ChangeCreate, actor: Actor, today: date
) -> SubprocessorChange:
    plausible_day(data.effective_on, "effective_on")
    if data.effective_on < today:
        raise invalid("A planned change takes effect today or later.", field="effective_on")
    name, home = data.name, data.country
    if data.vendor_id is not None and await session.get(Vendor, data.vendor_id) is None:
        raise invalid(f"Vendor {data.vendor_id} does not exist.", field="vendor_id")
    if data.subprocessor_id is not None:
        sub = await session.get(Vendor, data.subprocessor_id)
        if sub is None:
            raise invalid(f"Vendor {data.subprocessor_id} does not exist.", field="subprocessor_id")
        if sub.id == data.vendor_id:
            raise invalid("A vendor cannot be its own sub-processor.", field="subprocessor_id")
        name, home = sub.name, sub.country
    if not name or not home:
        raise invalid(
            "Name the sub-processor and its country, or give subprocessor_id.",
            field="name" if not name else "country",
        )
    children = await _children(session, data.vendor_id) if data.vendor_id else []
    if data.change in ("removed", "new_country") and data.subprocessor_id is None:
        raise invalid(
            f"A change '{data.change}' names a sub-processor in the register (subprocessor_id).",
            field="subprocessor_id",
        )
    if (
        data.vendor_id is not None
        and data.change in ("removed", "new_country")
        and data.subprocessor_id not in children
    ):
        raise invalid(
            f"Vendor {data.subprocessor_id} is not a sub-processor of vendor {data.vendor_id}.",
            field="subprocessor_id",
        )
    if (
        data.change == "added"
        and data.subprocessor_id is not None
        and data.subprocessor_id in children
    ):
        raise invalid(
            f"Vendor {data.subprocessor_id} already is a sub-processor of vendor {data.vendor_id}.",
            field="subprocessor_id",
        )
    if data.change == "replaced":
        if data.replaces_id is None or await session.get(Vendor, data.replaces_id) is None:
            raise invalid(
                "A replacement names the sub-processor it replaces (replaces_id).",
                field="replaces_id",
            )
        if data.vendor_id is not None and data.replaces_id not in children:
            raise invalid(
                f"Vendor {data.replaces_id} is not a sub-processor of vendor {data.vendor_id}.",
                field="replaces_id",
            )
    elif data.replaces_id is not None:
        raise invalid("replaces_id goes with change 'replaced' only.", field="replaces_id")
    new_country = None
    if data.change == "new_country":
        if data.new_country is None:
            raise invalid("Say the country the sub-processor moves to.", field="new_country")
        new_country = country(data.new_country, "new_country")
        if new_country == home:
            raise invalid("The new country is the sub-processor's country.", field="new_country")
    elif data.new_country is not None:
        raise invalid("new_country goes with change 'new_country' only.", field="new_country")
    values = transfer_service.validate_transfer(
        {
            "mechanism": data.mechanism,
            "scc_module": data.scc_module,
            "destination_country": new_country or home,
        }
    )
    wanted = sorted(set(data.processing_ids))
    if wanted:
        found = set(
            (await session.scalars(select(Processing.id).where(Processing.id.in_(wanted)))).all()
        )
        missing = [p for p in wanted if p not in found]
        if missing:
            raise invalid(f"Unknown processing id(s) {missing}.", field="processing_ids")
    if data.vendor_id is None and not wanted:
        raise invalid(
            "A sub-processor we engage ourselves names the services it serves (processing_ids).",
            field="processing_ids",
        )
    change = SubprocessorChange(
        change=data.change,
        vendor_id=data.vendor_id,
        subprocessor_id=data.subprocessor_id,
        replaces_id=data.replaces_id,
        name=clean_name(name, "name"),
        country=country(home, "country"),
        new_country=new_country,
        mechanism=values["mechanism"],
        scc_module=data.scc_module,
        purpose=data.purpose,
        safeguard=data.safeguard,
        processing_ids=wanted,
        effective_on=data.effective_on,
        owner=_email(data.owner, "owner"),
        notes=data.notes,
        state="planned",
    )
    return await create_audited(session, change, actor, CHANGE)


async def _ancestors(session: AsyncSession, vendor_id: int) -> set[int]:
    return await notice_service._ancestors(session, vendor_id)


async def affected_processings(session: AsyncSession, change: SubprocessorChange) -> set[int]:
    """The services whose data the change touches: those named, and those of every vendor in
    the chain above the sub-processor (a sub-processor processes what its processor does)."""
    vendors: set[int] = set()
    for vid in (change.vendor_id, change.subprocessor_id, change.replaces_id):
        if vid is not None:
            vendors |= await _ancestors(session, vid)
    if change.vendor_id is None and change.change == "added":
        vendors.discard(change.subprocessor_id or 0)
    found = set(change.processing_ids or ())
    if vendors and (change.vendor_id is not None or change.change != "added"):
        found |= set(
            (
                await session.scalars(
                    select(Processing.id).where(Processing.vendor_id.in_(vendors))
                )
            ).all()
        )
    return found


async def affected_customers(session: AsyncSession, change: SubprocessorChange) -> list[Customer]:
    ids = await affected_processings(session, change)
    if not ids:
        return []
    rows = await session.scalars(
        select(Customer)
        .join(CustomerProcessing, CustomerProcessing.customer_id == Customer.id)
        .where(CustomerProcessing.processing_id.in_(ids))
        .distinct()
        .order_by(Customer.legal_name)
    )
    return list(rows.all())


def earliest_on(
    authorisation: str,
    days: int | None,
    notice_on: date | None,
    response: str | None,
    response_on: date | None,
) -> date | None:
    """The earliest day the change may take effect for one customer: the notice date plus its
    objection period (general), or the day it consented (specific; None before consent)."""
    if authorisation == "specific":
        return response_on if response == "consented" else None
    if notice_on is None:
        return None
    return notice_on + timedelta(days=days or 0)


def _as_notice(change: SubprocessorChange) -> SubprocessorNotice:
    """The change in the shape of an inbound notice, for the engine's what-if (not stored)."""
    return SubprocessorNotice(
        id=0,
        vendor_id=change.vendor_id,
        change=change.change,
        subprocessor_id=change.subprocessor_id,
        replaces_id=change.replaces_id,
        subprocessor_name=change.name,
        subprocessor_country=change.country,
        mechanism=change.mechanism,
        scc_module=change.scc_module,
        purpose=change.purpose,
        received_on=change.effective_on,
        effective_on=change.effective_on,
        authorisation="general",
    )


async def _categories(
    session: AsyncSession, processing: list[int]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    rows = (
        await session.execute(
            select(Processing.data_categories, Processing.data_subject_categories).where(
                Processing.id.in_(processing or [0])
            )
        )
    ).all()
    cats = tuple(dict.fromkeys(c for r in rows for c in (r[0] or ())))
    subjects = tuple(dict.fromkeys(s for r in rows for s in (r[1] or ())))
    return cats, subjects


async def impact(
    session: AsyncSession,
    change: SubprocessorChange,
    as_of: date,
    render: Callable[[tuple[Reason, ...]], list[ReasonRead]] = reasons_read,
) -> NoticeImpact:
    """The engine's before and after for the chain. A change inside a processor's chain is the
    inbound notices' what-if; one of our own sub-processors is judged alone, and a move to a
    new country as its transfers going there on the change's mechanism. ``render`` writes the
    reasons in the reader's language."""
    if change.vendor_id is not None and change.change != "new_country":
        return await notice_service.impact(session, _as_notice(change), as_of, render)
    ref = load_reference()
    day = max(as_of, change.effective_on)
    ids: set[int] = set()
    for vid in (change.subprocessor_id, change.replaces_id):
        if vid is not None:
            ids |= await _ancestors(session, vid) | await downstream(session, vid)
    facts = await load_facts(session, ids, day) if ids else {}
    after = dict(facts)
    focus = change.subprocessor_id or NEW_ID
    if change.change == "new_country" and change.subprocessor_id in after:
        sub = after[change.subprocessor_id]
        moved = tuple(
            replace(
                t,
                destination_country=change.new_country or t.destination_country,
                mechanism=change.mechanism,
                scc_module=change.scc_module,
            )
            for t in sub.transfers
        )
        after[sub.id] = replace(sub, transfers=moved)
    elif change.change == "removed":
        after.pop(change.subprocessor_id or 0, None)
    elif change.subprocessor_id is None or change.subprocessor_id not in after:
        cats, subjects = await _categories(session, list(change.processing_ids or ()))
        after[NEW_ID] = announced_subprocessor(
            id=NEW_ID,
            name=change.name,
            role="processor",
            country=change.country,
            mechanism=change.mechanism,
            scc_module=change.scc_module,
            data_categories=cats,
            data_subjects=subjects,
            started_on=min(day, change.effective_on),
        )
        focus = NEW_ID
    if change.change == "replaced" and change.replaces_id is not None:
        after.pop(change.replaces_id, None)
    before_s = vendor_statuses(facts.values(), day, ref)
    after_s = vendor_statuses(after.values(), day, ref)
    verdicts = {
        t.id: e.verdict for s in before_s.values() for t, e in s.transfers if t.id is not None
    }
    vendors = [
        VendorEffect(
            vendor_id=vid if vid != NEW_ID else None,
            vendor_name=s.vendor_name,
            before=before_s[vid].status if vid in before_s else None,
            after=s.status,
        )
        for vid, s in sorted(after_s.items())
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
        for vid, s in sorted(after_s.items())
        for t, e in s.transfers
    ]
    mine = after_s.get(focus)
    return NoticeImpact(
        as_of=day,
        vendor_status_before=before_s[focus].status if focus in before_s else "none",
        vendor_status_after=mine.status if mine else "offboarded",
        vendor_reasons_after=render(mine.reasons) if mine else [],
        vendors=vendors,
        transfers=transfers,
    )


def blocking(effect: NoticeImpact) -> list[str]:
    """Each transfer the change would make unlawful, with the engine's reasons."""
    out: list[str] = []
    for t in effect.transfers:
        if t.after == "unlawful" and t.before != "unlawful":
            why = "; ".join(r.message for r in t.reasons if r.severity == "error")
            out.append(f"{t.vendor_name} -> {t.destination_country}: {why or 'unlawful'}")
    return out


async def _notices(session: AsyncSession, change_id: int) -> list[CustomerNotice]:
    return list(
        (
            await session.scalars(
                select(CustomerNotice)
                .where(CustomerNotice.change_id == change_id)
                .order_by(CustomerNotice.id)
            )
        ).all()
    )


async def _deliveries(
    session: AsyncSession, change_id: int
) -> dict[int | None, list[NoticeDelivery]]:
    out: dict[int | None, list[NoticeDelivery]] = defaultdict(list)
    rows = await session.scalars(
        select(NoticeDelivery)
        .where(NoticeDelivery.change_id == change_id)
        .order_by(NoticeDelivery.id)
    )
    for d in rows.all():
        out[d.notice_id].append(d)
    return out


async def read_change(
    session: AsyncSession,
    change: SubprocessorChange,
    today: date,
    *,
    full: bool = True,
    render: Callable[[tuple[Reason, ...]], list[ReasonRead]] = reasons_read,
) -> ChangeRead:
    base = ChangeRead(
        id=change.id,
        change=change.change,
        vendor_id=change.vendor_id,
        subprocessor_id=change.subprocessor_id,
        replaces_id=change.replaces_id,
        name=change.name,
        country=change.country,
        new_country=change.new_country,
        mechanism=change.mechanism,
        scc_module=change.scc_module,
        purpose=change.purpose,
        safeguard=change.safeguard,
        processing_ids=list(change.processing_ids or ()),
        effective_on=change.effective_on,
        owner=change.owner,
        notes=change.notes,
        state=change.state,
        sent_on=change.sent_on,
        engaged_on=change.engaged_on,
        override_reason=change.override_reason,
        version=change.version,
        created_at=change.created_at,
        updated_at=change.updated_at,
    )
    if not full:
        return base
    notices = await _notices(session, change.id)
    by_customer = {n.customer_id: n for n in notices}
    customers = await affected_customers(session, change)
    names = {c.id: c.legal_name for c in customers}
    missing = [n.customer_id for n in notices if n.customer_id not in names]
    if missing:
        for c in (await session.scalars(select(Customer).where(Customer.id.in_(missing)))).all():
            names[c.id] = c.legal_name
    affected = []
    for c in customers:
        n = by_customer.get(c.id)
        first = earliest_on(
            c.authorisation,
            c.objection_period_days,
            n.sent_on if n else (change.sent_on or today),
            n.response if n else None,
            n.response_on if n else None,
        )
        affected.append(
            AffectedCustomer(
                customer_id=c.id,
                customer_name=c.legal_name,
                authorisation=c.authorisation,
                objection_period_days=c.objection_period_days,
                earliest_on=first,
                effective_on_allowed=first is not None and change.effective_on >= first,
            )
        )
    effect = await impact(session, change, today, render)
    deliveries = await _deliveries(session, change.id)
    base.affected = affected
    base.impact = effect
    base.blocking = blocking(effect) if change.state == "planned" else []
    base.notices = [notice_read(n, names.get(n.customer_id, ""), deliveries[n.id]) for n in notices]
    return base


async def notices_of_customer(
    session: AsyncSession, customer_id: int
) -> list[tuple[SubprocessorChange, CustomerNotice]]:
    """Every change this customer was told of, newest first, with its notice (the answer and
    the resolution): the customer's own history for its page."""
    rows = await session.execute(
        select(SubprocessorChange, CustomerNotice)
        .join(CustomerNotice, CustomerNotice.change_id == SubprocessorChange.id)
        .where(CustomerNotice.customer_id == customer_id)
        .order_by(CustomerNotice.id.desc())
    )
    return [(c, n) for c, n in rows.tuples().all()]


def notice_read(
    n: CustomerNotice, name: str, deliveries: list[NoticeDelivery]
) -> CustomerNoticeRead:
    return CustomerNoticeRead(
        id=n.id,
        customer_id=n.customer_id,
        customer_name=name,
        language=n.language,
        authorisation=n.authorisation,
        objection_period_days=n.objection_period_days,
        sent_on=n.sent_on,
        earliest_on=earliest_on(
            n.authorisation, n.objection_period_days, n.sent_on, n.response, n.response_on
        ),
        response=n.response,
        response_by=n.response_by,
        response_on=n.response_on,
        response_reason=n.response_reason,
        resolution=n.resolution,
        resolved_on=n.resolved_on,
        resolved_by=n.resolved_by,
        subject=n.subject,
        body=n.body,
        deliveries=[
            DeliveryRead(d.recipient, d.status, d.attempts, d.reason, d.sent_at) for d in deliveries
        ],
        version=n.version,
    )


async def list_changes(
    session: AsyncSession, *, state: str | None, limit: int, offset: int
) -> tuple[list[SubprocessorChange], int]:
    stmt = select(SubprocessorChange)
    if state:
        stmt = stmt.where(SubprocessorChange.state == state)
    return await paginate(session, stmt.order_by(SubprocessorChange.id.desc()), limit, offset)


def _conflict(detail: str, **extra: Any) -> ProblemError:
    return ProblemError(409, "invalid-transition", detail, **extra)


async def facts_of(session: AsyncSession, change: SubprocessorChange) -> letters.ChangeFacts:
    replaces = None
    if change.replaces_id is not None:
        old = await session.get(Vendor, change.replaces_id)
        replaces = old.name if old else None
    return letters.ChangeFacts(
        change=change.change,
        name=change.name,
        country=change.country,
        new_country=change.new_country,
        replaces=replaces,
        purpose=change.purpose,
        safeguard=change.safeguard,
        effective_on=change.effective_on,
    )


def unsubscribe_url(settings: Settings, token: str) -> str:
    return f"{settings.public_url}/subprocessors/unsubscribe?token={token}"


async def send_change(
    session: AsyncSession,
    change: SubprocessorChange,
    actor: Actor,
    today: date,
    *,
    sender: str = "",
) -> list[CustomerNotice]:
    """Draft each affected customer's notice in its language and queue one e-mail per
    recipient (and per confirmed page subscriber); the delivery job sends them. Refused when
    the engine finds that the change would make a transfer unlawful."""
    if change.state != "planned":
        raise _conflict(f"Sub-processor change {change.id} is {change.state}; it was sent already.")
    effect = await impact(session, change, today)
    reasons = blocking(effect)
    if reasons:
        raise ProblemError(
            409,
            "unlawful-change",
            "The change would make a transfer unlawful; it cannot be announced as planned.",
            reasons=reasons,
        )
    customers = await affected_customers(session, change)
    facts = await facts_of(session, change)
    existing = {n.customer_id for n in await _notices(session, change.id)}
    made: list[CustomerNotice] = []
    for c in customers:
        if c.id in existing:
            continue
        letter = letters.customer_notice(
            facts,
            customer=c.legal_name,
            language=c.language,
            authorisation=c.authorisation,
            objection_days=c.objection_period_days,
            notice_on=today,
            sender=sender or "Privacy team",
        )
        notice = await create_audited(
            session,
            CustomerNotice(
                change_id=change.id,
                customer_id=c.id,
                language=c.language,
                authorisation=c.authorisation,
                objection_period_days=c.objection_period_days,
                subject=letter.subject,
                body=letter.body,
                sent_on=today,
            ),
            actor,
            NOTICE,
        )
        made.append(notice)
        if c.notice_channel == "email":
            for address in dict.fromkeys(a for a in (c.privacy_email, c.dpo_email) if a):
                session.add(
                    NoticeDelivery(
                        key=f"change:{change.id}:customer:{c.id}:{address.lower()}",
                        notice_id=notice.id,
                        change_id=change.id,
                        recipient=address,
                        status="queued",
                    )
                )
    subscribers = (
        await session.scalars(
            select(PageSubscriber).where(PageSubscriber.confirmed_at.is_not(None))
        )
    ).all()
    for s in subscribers:
        session.add(
            NoticeDelivery(
                key=f"change:{change.id}:subscriber:{s.id}",
                notice_id=None,
                change_id=change.id,
                recipient=s.email,
                status="queued",
            )
        )
    await session.flush()
    await update_audited(session, change, {"state": "sent", "sent_on": today}, actor, CHANGE)
    return made


async def withdraw(session: AsyncSession, change: SubprocessorChange, actor: Actor) -> None:
    if change.state not in ("planned", "sent"):
        raise _conflict(f"Sub-processor change {change.id} is {change.state}.")
    await update_audited(session, change, {"state": "withdrawn"}, actor, CHANGE)


async def get_notice(session: AsyncSession, change_id: int, notice_id: int) -> CustomerNotice:
    notice = await get_or_404(session, CustomerNotice, notice_id, "Customer notice")
    if notice.change_id != change_id:
        raise ProblemError(
            404, "not-found", f"Customer notice {notice_id} does not belong to change {change_id}."
        )
    return notice


async def respond(
    session: AsyncSession,
    notice: CustomerNotice,
    data: ResponseCreate,
    actor: Actor,
) -> None:
    """Record the customer's objection or consent (who, when, why)."""
    plausible_day(data.on, "on")
    if notice.response is not None:
        raise _conflict(
            f"Customer notice {notice.id} has an answer already ({notice.response}).",
            state=notice.response,
        )
    if notice.sent_on is not None and data.on < notice.sent_on:
        raise invalid("The answer cannot predate the notice.", field="on")
    if data.response == "objected" and not (data.reason or "").strip():
        raise invalid("Say why the customer objects.", field="reason")
    await update_audited(
        session,
        notice,
        {
            "response": data.response,
            "response_by": data.by.strip(),
            "response_on": data.on,
            "response_reason": (data.reason or "").strip() or None,
        },
        actor,
        NOTICE,
    )


async def resolve(
    session: AsyncSession, notice: CustomerNotice, data: ResolutionCreate, actor: Actor, today: date
) -> None:
    """Close an objection: withdrawn by the customer, the change dropped for this customer, or
    the contract terminated."""
    if notice.response != "objected" or notice.resolution is not None:
        raise _conflict(f"Customer notice {notice.id} has no open objection to resolve.")
    await update_audited(
        session,
        notice,
        {"resolution": data.resolution, "resolved_on": today, "resolved_by": actor.label},
        actor,
        NOTICE,
    )


@dataclass(frozen=True, slots=True)
class Hold:
    """Why one customer's notice holds back an engagement date: ``kind`` says which rule
    (``objected``, ``no_consent``, ``before_consent``, ``objection_period``,
    ``not_announced``), ``on`` the date it turns on; pages word it in their language, the API
    reads ``message``."""

    customer: str
    kind: str
    on: date | None = None

    @property
    def message(self) -> str:
        on = self.on.isoformat() if self.on else ""
        return {
            "objected": f"{self.customer} objected on {on}; resolve the objection first.",
            "no_consent": f"{self.customer} (specific authorisation) has not consented.",
            "before_consent": (f"{self.customer} consented on {on}; engagement cannot precede it."),
            "objection_period": f"{self.customer}'s objection period runs until {on}.",
            "not_announced": (
                f"{self.customer} has not been told of the change yet (send it first)."
            ),
        }.get(self.kind, f"{self.customer}: {self.kind}")


async def engagement_holds(
    session: AsyncSession, change: SubprocessorChange, engaged_on: date
) -> tuple[list[Hold], list[Hold]]:
    """(warnings, blocks) for engaging the sub-processor on ``engaged_on``: before a general
    customer's objection period ends is a warning (an audited override may pass it); before a
    specific customer's consent, or with an objection open, is a block. A change not sent yet
    has told no one: a general customer is a warning, a specific one a block."""
    warnings: list[Hold] = []
    blocks: list[Hold] = []
    if change.state == "planned":
        for c in await affected_customers(session, change):
            if c.authorisation == "specific":
                blocks.append(Hold(c.legal_name, "no_consent"))
            else:
                warnings.append(Hold(c.legal_name, "not_announced"))
        return warnings, blocks
    names = {
        c.id: c.legal_name
        for c in (
            await session.scalars(
                select(Customer)
                .join(CustomerNotice, CustomerNotice.customer_id == Customer.id)
                .where(CustomerNotice.change_id == change.id)
            )
        ).all()
    }
    for n in await _notices(session, change.id):
        name = names.get(n.customer_id, str(n.customer_id))
        if n.resolution in ("dropped", "terminated"):
            continue
        if n.response == "objected" and n.resolution is None:
            blocks.append(Hold(name, "objected", n.response_on))
            continue
        first = earliest_on(
            n.authorisation, n.objection_period_days, n.sent_on, n.response, n.response_on
        )
        if n.authorisation == "specific":
            if first is None:
                blocks.append(Hold(name, "no_consent"))
            elif engaged_on < first:
                blocks.append(Hold(name, "before_consent", first))
        elif first is not None and engaged_on < first and n.response != "consented":
            warnings.append(Hold(name, "objection_period", first))
    return warnings, blocks


async def engagement_check(
    session: AsyncSession, change: SubprocessorChange, engaged_on: date
) -> tuple[list[str], list[str]]:
    """:func:`engagement_holds` as sentences (the API's ``reasons``)."""
    warnings, blocks = await engagement_holds(session, change, engaged_on)
    return [h.message for h in warnings], [h.message for h in blocks]


def _refuse_engagement(warnings: list[Hold], blocks: list[Hold], override: str | None) -> None:
    """The one rule for an engagement date: a block refuses (409 ``engagement-blocked``), a
    warning refuses unless an override reason is given (409 ``engagement-early``)."""
    if blocks:
        raise ProblemError(
            409,
            "engagement-blocked",
            "The sub-processor may not be engaged yet.",
            reasons=[h.message for h in blocks],
        )
    if warnings and override is None:
        raise ProblemError(
            409,
            "engagement-early",
            "The engagement date is earlier than a customer's objection period allows; "
            "give override_reason to proceed.",
            reasons=[h.message for h in warnings],
        )


async def changes_of_link(
    session: AsyncSession, vendor_id: int, subprocessor_id: int
) -> list[SubprocessorChange]:
    """The planned changes that bring this sub-processor into this vendor's chain (added or
    replacing another), announced or not; withdrawn ones no longer count."""
    rows = await session.scalars(
        select(SubprocessorChange)
        .where(
            SubprocessorChange.vendor_id == vendor_id,
            SubprocessorChange.subprocessor_id == subprocessor_id,
            SubprocessorChange.change.in_(("added", "replaced")),
            SubprocessorChange.state.in_(("planned", "sent", "applied")),
        )
        .order_by(SubprocessorChange.id)
    )
    return list(rows.all())


async def link_engagement_holds(
    session: AsyncSession, vendor_id: int, subprocessor_id: int, engaged_on: date
) -> tuple[list[Hold], list[Hold], list[SubprocessorChange]]:
    """(warnings, blocks, changes) for a chain link's engagement date: every planned change
    that brings the sub-processor in is checked by :func:`engagement_holds`."""
    warnings: list[Hold] = []
    blocks: list[Hold] = []
    found = await changes_of_link(session, vendor_id, subprocessor_id)
    for change in found:
        w, b = await engagement_holds(session, change, engaged_on)
        warnings += w
        blocks += b
    return warnings, blocks, found


async def set_link_engagement(
    session: AsyncSession,
    *,
    vendor_id: int,
    subprocessor_id: int,
    engaged_on: date | None,
    ended_on: date | None,
    override_reason: str | None,
    actor: Actor,
) -> VendorSubprocessor:
    """A chain link's engagement dates (``PUT /vendors/{id}/subprocessors/{sid}/engagement``
    and the workspace's form) under the same rule as a planned change's engagement: blocked
    for a specific customer without consent or an open objection, and before a general
    customer's objection period ends only with an override reason, recorded on the change and
    in the audit trail."""
    override = (override_reason or "").strip() or None
    warnings: list[Hold] = []
    found: list[SubprocessorChange] = []
    if engaged_on is not None:
        plausible_day(engaged_on, "engaged_on")
        warnings, blocks, found = await link_engagement_holds(
            session, vendor_id, subprocessor_id, engaged_on
        )
        _refuse_engagement(warnings, blocks, override)
    link = await vendor_service.set_engagement(
        session,
        vendor_id=vendor_id,
        subprocessor_id=subprocessor_id,
        engaged_on=engaged_on,
        ended_on=ended_on,
        actor=actor,
    )
    if warnings and override is not None:
        for change in found:
            await update_audited(session, change, {"override_reason": override}, actor, CHANGE)
        await record(
            session,
            actor,
            "update",
            "vendor_engagement",
            vendor_id,
            None,
            {
                "subprocessor_id": subprocessor_id,
                "override_reason": override,
                "warnings": [h.message for h in warnings],
            },
        )
    return link


async def engage(
    session: AsyncSession, change: SubprocessorChange, data: EngagementCreate, actor: Actor
) -> None:
    """Put the change into the chain on ``engaged_on`` (through the vendor service, audited),
    after the per-customer check."""
    if change.state != "sent":
        raise _conflict(
            f"Sub-processor change {change.id} is {change.state}; only a sent change is engaged."
        )
    plausible_day(data.engaged_on, "engaged_on")
    warnings, blocks = await engagement_holds(session, change, data.engaged_on)
    override = (data.override_reason or "").strip() or None
    _refuse_engagement(warnings, blocks, override)
    if change.vendor_id is not None and change.change in ("added", "replaced", "removed"):
        await _write_chain(session, change, data.engaged_on, actor)
    await update_audited(
        session,
        change,
        {
            "state": "applied",
            "engaged_on": data.engaged_on,
            "override_reason": override if warnings else None,
        },
        actor,
        CHANGE,
    )


async def _write_chain(
    session: AsyncSession, change: SubprocessorChange, engaged_on: date, actor: Actor
) -> None:
    from transfers.transfer.schemas import TransferCreate
    from transfers.vendor.schemas import VendorCreate

    assert change.vendor_id is not None
    children = await _children(session, change.vendor_id)
    sub_id = change.subprocessor_id
    if change.change == "removed":
        children = [c for c in children if c != sub_id]
    else:
        if sub_id is None:
            sub = await vendor_service.create_vendor(
                session,
                VendorCreate(
                    name=change.name,
                    country=change.country,
                    role="subprocessor",
                    status="approved",
                    authorised_by_processor=True,
                    notes=f"Added through planned sub-processor change {change.id}.",
                ),
                actor,
            )
            sub_id = sub.id
            cats, _ = await _categories(session, list(await affected_processings(session, change)))
            await transfer_service.create_transfer(
                session,
                TransferCreate(
                    vendor_id=sub_id,
                    exporter_role="processor",
                    destination_country=change.country,
                    mechanism=change.mechanism,
                    scc_module=change.scc_module,
                    data_categories=list(cats),
                    started_on=engaged_on,
                    description=change.purpose,
                ),
                actor,
            )
            await update_audited(session, change, {"subprocessor_id": sub_id}, actor, CHANGE)
        children = [c for c in children if c != change.replaces_id] + [sub_id]
    await vendor_service.set_links(
        session,
        change.vendor_id,
        parent_ids=None,
        subprocessor_ids=children,
        actor=actor,
        notified_on=change.sent_on,
    )
    if change.change != "removed" and sub_id is not None:
        await vendor_service.set_engagement(
            session,
            vendor_id=change.vendor_id,
            subprocessor_id=sub_id,
            engaged_on=engaged_on,
            ended_on=None,
            actor=actor,
        )


async def get_link(
    session: AsyncSession, vendor_id: int, subprocessor_id: int
) -> VendorSubprocessor:
    """A chain link (its engagement dates), or 404."""
    link = await session.scalar(
        select(VendorSubprocessor).where(
            VendorSubprocessor.vendor_id == vendor_id,
            VendorSubprocessor.subprocessor_id == subprocessor_id,
        )
    )
    if link is None:
        raise ProblemError(
            404, "not-found", f"Sub-processor link {vendor_id}->{subprocessor_id} does not exist."
        )
    return link


# Delivery ----------------------------------------------------------------------------------


class DeliveryIncomplete(Exception):
    """Some recipients could not be reached; the job is retried (the sent ones are not)."""


def message_for(
    settings: Settings, recipient: str, letter: letters.Letter, key: str
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = recipient
    message["Subject"] = letter.subject
    message["Auto-Submitted"] = "auto-generated"
    message["Message-ID"] = f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@transfers>"
    message.set_content(letter.body)
    return message


async def deliver(
    maker: async_sessionmaker[AsyncSession], change_id: int, settings: Settings
) -> tuple[int, int]:
    """Send every queued or failed e-mail of a change, one transaction per recipient: a row is
    claimed (``sending``) and committed before the message goes out and marked ``sent`` after,
    so a retry or a second worker never mails a recipient twice. Returns (sent, failed)."""
    from transfers.reminder.digest import send_messages

    async with maker() as session:
        ids = (
            await session.scalars(
                select(NoticeDelivery.id)
                .where(
                    NoticeDelivery.change_id == change_id,
                    NoticeDelivery.status.in_(("queued", "failed")),
                )
                .order_by(NoticeDelivery.id)
            )
        ).all()
    sent = failed = 0
    for delivery_id in ids:
        async with maker() as session:
            claimed = await session.execute(
                update(NoticeDelivery)
                .where(
                    NoticeDelivery.id == delivery_id,
                    NoticeDelivery.status.in_(("queued", "failed")),
                )
                .values(status="sending", attempts=NoticeDelivery.attempts + 1)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                await session.rollback()
                continue
            await session.commit()
            delivery = await session.get(NoticeDelivery, delivery_id)
            assert delivery is not None
            letter = await _letter_for(session, delivery, settings)
            message = message_for(settings, delivery.recipient, letter, delivery.key)
            try:
                await asyncio.to_thread(send_messages, [message], settings)
            except (OSError, Exception) as exc:  # smtplib errors are OSError or SMTPException
                delivery.status, delivery.reason = "failed", f"{type(exc).__name__}: {exc}"[:500]
                failed += 1
            else:
                delivery.status, delivery.reason = "sent", None
                delivery.sent_at = datetime.now(UTC)
                sent += 1
            await session.commit()
    return sent, failed


async def _letter_for(
    session: AsyncSession, delivery: NoticeDelivery, settings: Settings
) -> letters.Letter:
    if delivery.notice_id is not None:
        notice = await session.get(CustomerNotice, delivery.notice_id)
        assert notice is not None
        return letters.Letter(notice.subject, notice.body)
    change = await session.get(SubprocessorChange, delivery.change_id)
    subscriber = await session.scalar(
        select(PageSubscriber).where(PageSubscriber.email == delivery.recipient)
    )
    assert change is not None
    # Each message carries its own unsubscribe token; only its hash is kept, on this row.
    token = new_token()
    delivery.unsubscribe_hash = token_hash(token)
    language = subscriber.language if subscriber is not None else "en"
    return letters.subscriber_notice(
        await facts_of(session, change),
        language=language,
        unsubscribe_url=unsubscribe_url(settings, token),
    )


def new_token() -> str:
    import secrets

    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def requeue_failed(session: AsyncSession, change: SubprocessorChange, actor: Actor) -> int:
    """Failed deliveries go back to the queue (the job sends them again); sent ones never."""
    result = await session.execute(
        update(NoticeDelivery)
        .where(NoticeDelivery.change_id == change.id, NoticeDelivery.status == "failed")
        .values(status="queued")
    )
    count = int(result.rowcount or 0)  # type: ignore[attr-defined]
    if count:
        await record(
            session, actor, "update", "notice_delivery", change.id, None, {"requeued": count}
        )
    return count


async def mark_bounced(
    session: AsyncSession, change: SubprocessorChange, recipient: str, reason: str, actor: Actor
) -> int:
    """A mail server reported that a sent e-mail of this change did not arrive: its delivery
    shows ``bounced`` with the reason (audited), so the notice is seen as not received and can
    be given another way. Only a sent e-mail can bounce."""
    address = recipient.strip().lower()
    why = reason.strip()
    if not why:
        raise invalid("Say what the mail server reported.", field="reason")
    rows = (
        await session.scalars(
            select(NoticeDelivery).where(
                NoticeDelivery.change_id == change.id,
                NoticeDelivery.status == "sent",
            )
        )
    ).all()
    hit = [d for d in rows if d.recipient.lower() == address]
    if not hit:
        raise ProblemError(
            404,
            "not-found",
            f"No e-mail of sub-processor change {change.id} was sent to {recipient}.",
        )
    for d in hit:
        d.status, d.reason = "bounced", why[:500]
    await session.flush()
    await record(
        session,
        actor,
        "update",
        "notice_delivery",
        change.id,
        {"recipient": recipient, "status": "sent"},
        {"recipient": recipient, "status": "bounced", "reason": why[:500]},
    )
    return len(hit)


async def letter_docx(session: AsyncSession, notice: CustomerNotice, sender: str) -> bytes:
    """The notice as a DOCX letter in the customer's language, rendered by the document
    machinery (sandboxed docxtpl, every value escaped, no tag left)."""
    from transfers.document.render import builtin_template, render_docx
    from transfers.reference import lexicon

    customer = await get_customer(session, notice.customer_id)
    lang = notice.language if notice.language in ("fi", "en") else "en"
    # The letter's paragraphs are the e-mail's lines: both say the same.
    lines = [line for line in notice.body.splitlines() if line.strip()]
    day = notice.sent_on or notice.created_at.date()
    context = {
        "sender": sender,
        "date": lexicon.day(day, lang),
        "generated_on": lexicon.day(day, lang),
        "as_of": lexicon.day(day, lang),
        "template_version": "builtin",
        "customer": {"name": customer.legal_name, "business_id": customer.business_id or ""},
        "subject": notice.subject,
        "lines": lines,
    }
    return await asyncio.to_thread(render_docx, builtin_template(lang, "customer_notice"), context)
