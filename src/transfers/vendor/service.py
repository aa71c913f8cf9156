"""Vendor queries and writes. Never commits: the request or CLI boundary does."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any, Final, cast

import msgspec
from sqlalchemy import String, Table, bindparam, delete, func, insert, or_, select
from sqlalchemy import cast as cast_
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.audit.crud import (
    changes_of,
    create_audited,
    delete_audited,
    get_or_404,
    update_audited,
)
from transfers.audit.service import create_many, record, record_many
from transfers.auth.schemas import Actor
from transfers.common.batch import (
    BatchInvalid,
    ItemProblem,
    among,
    check_each,
    convert,
    convert_all,
    existing_ids,
    load_many,
    plain_fields,
    problems_of,
)
from transfers.common.fields import clean_name, country
from transfers.common.problems import ProblemError, invalid, not_found
from transfers.infra.fetch import fetch, fetch_first
from transfers.models import Vendor, VendorSubprocessor
from transfers.vendor.schemas import ChainNode, VendorCreate, VendorRead, VendorUpdate

ENTITY = "vendor"


async def get_vendor(session: AsyncSession, vendor_id: int) -> Vendor:
    return await get_or_404(session, Vendor, vendor_id, "Vendor")


async def links_for(
    session: AsyncSession, vendor_ids: Iterable[int]
) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """(parents, subprocessors) of each vendor, in one query."""
    ids = list(vendor_ids)
    parents: dict[int, list[int]] = defaultdict(list)
    children: dict[int, list[int]] = defaultdict(list)
    if not ids:
        return parents, children
    rows = await session.execute(
        select(VendorSubprocessor.vendor_id, VendorSubprocessor.subprocessor_id).where(
            or_(VendorSubprocessor.vendor_id.in_(ids), VendorSubprocessor.subprocessor_id.in_(ids))
        )
    )
    for parent, child in rows:
        children[parent].append(child)
        parents[child].append(parent)
    return parents, children


async def all_links(session: AsyncSession) -> dict[int, list[int]]:
    children: dict[int, list[int]] = defaultdict(list)
    rows = await session.execute(
        select(VendorSubprocessor.vendor_id, VendorSubprocessor.subprocessor_id)
    )
    for parent, child in rows:
        children[parent].append(child)
    return children


def to_read(vendor: Vendor, parents: list[int], children: list[int]) -> VendorRead:
    return VendorRead(
        id=vendor.id,
        name=vendor.name,
        legal_name=vendor.legal_name,
        business_id=vendor.business_id,
        address=vendor.address,
        country=vendor.country,
        category=vendor.category,
        role=vendor.role,
        status=vendor.status,
        contacts=vendor.contacts or [],  # type: ignore[arg-type]
        website=vendor.website,
        owner=vendor.owner,
        notes=vendor.notes,
        authorised_by_processor=vendor.authorised_by_processor,
        dpf_participant_id=vendor.dpf_participant_id,
        signatory_name=vendor.signatory_name,
        signatory_title=vendor.signatory_title,
        parent_vendor_ids=sorted(parents),
        subprocessor_ids=sorted(children),
        version=vendor.version,
        created_at=vendor.created_at,
        updated_at=vendor.updated_at,
    )


async def read_vendor_by_id(session: AsyncSession, vendor_id: int) -> VendorRead:
    """A vendor with its chain links in one round trip (the hot read of the API)."""
    params = {"vendor_id": vendor_id}
    row = await fetch_first(session, _READ_ONE, params)
    if row is None:
        raise not_found("Vendor", vendor_id)
    return _read_row(row)


async def read_vendor(session: AsyncSession, vendor: Vendor) -> VendorRead:
    parents, children = await links_for(session, [vendor.id])
    return to_read(vendor, parents[vendor.id], children[vendor.id])


_V = Vendor.__table__.c
_LINK = VendorSubprocessor.__table__.c


def _linked(column: Any, other: Any, vendor_id: Any) -> Any:
    """The ids linked to a vendor row as one string, so the row carries its chain links and a
    read is one round trip (group_concat on SQLite, string_agg on PostgreSQL)."""
    return (
        select(func.aggregate_strings(cast_(column, String), ","))
        .where(other == vendor_id)
        .scalar_subquery()
    )


def _read_of(source: Any) -> Any:
    """A vendor as the API reads it, from ``source`` (the vendor table, or a page of it): Core
    columns, not an ORM object (no identity map, no instrumentation), plus its parents and
    sub-processors, in :class:`VendorRead`'s field order so a row becomes a read by position."""
    c = source.c
    return select(
        c.id,
        c.name,
        c.legal_name,
        c.business_id,
        c.address,
        c.country,
        c.category,
        c.role,
        c.status,
        c.contacts,
        c.website,
        c.owner,
        c.notes,
        c.authorised_by_processor,
        _linked(_LINK.vendor_id, _LINK.subprocessor_id, c.id).label("parent_vendor_ids"),
        _linked(_LINK.subprocessor_id, _LINK.vendor_id, c.id).label("subprocessor_ids"),
        c.version,
        c.created_at,
        c.updated_at,
        c.dpf_participant_id,
        c.signatory_name,
        c.signatory_title,
    )


#: Built once: building a statement per request cost a quarter of a vendor read.
_READ: Final = _read_of(Vendor.__table__)
_FIELDS: Final = len(VendorRead.__struct_fields__)
if [c.name for c in _READ.selected_columns] != list(VendorRead.__struct_fields__):
    raise RuntimeError("vendor reads: _READ's columns must follow VendorRead's fields")
_CONTACTS: Final = VendorRead.__struct_fields__.index("contacts")
_PARENTS: Final = VendorRead.__struct_fields__.index("parent_vendor_ids")
_READ_ONE: Final = _READ.where(_V.id == bindparam("vendor_id"))


def _ids(joined: str | None) -> list[int]:
    return sorted(int(i) for i in joined.split(",")) if joined else []


def _read_row(row: Any) -> VendorRead:
    values = list(row[:_FIELDS])
    values[_CONTACTS] = values[_CONTACTS] or []
    values[_PARENTS] = _ids(values[_PARENTS])
    values[_PARENTS + 1] = _ids(values[_PARENTS + 1])
    return VendorRead(*values)


@lru_cache(maxsize=64)
def _list_statements(
    status: bool, category: bool, country: bool, role: bool, q: bool
) -> tuple[Any, Any]:
    """(page with total, total alone) for one combination of filters, with bound parameters:
    built once per combination instead of once per request."""
    where: list[Any] = []
    if status:
        where.append(_V.status == bindparam("status"))
    if category:
        where.append(_V.category == bindparam("category"))
    if country:
        where.append(_V.country == bindparam("country"))
    if role:
        where.append(_V.role == bindparam("role"))
    if q:
        pattern = bindparam("pattern", type_=String)
        where.append(
            or_(_V.name.ilike(pattern), _V.legal_name.ilike(pattern), _V.business_id.ilike(pattern))
        )
    total_of = select(func.count()).select_from(Vendor.__table__).where(*where)
    # The page first, then its chain links: PostgreSQL would otherwise compute the link
    # subqueries for every row it skips for the offset too (350 rows for page 7, not 50).
    rows = (
        select(*Vendor.__table__.c)
        .where(*where)
        .order_by(_V.name, _V.id)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery("page")
    )
    page = (
        _read_of(rows)
        .add_columns(total_of.scalar_subquery().label("total"))
        .order_by(rows.c.name, rows.c.id)
    )
    return page, total_of


async def list_vendors(
    session: AsyncSession,
    *,
    status: str | None = None,
    category: str | None = None,
    country_code: str | None = None,
    role: str | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[VendorRead], int]:
    """One page and the total in one round trip: the total is an uncorrelated scalar subquery,
    counted once by an index scan (``count(*) OVER ()`` materialised every matching row)."""
    params: dict[str, Any] = {"limit": limit, "offset": offset}
    if status:
        params["status"] = status
    if category:
        params["category"] = category
    if country_code:
        params["country"] = country_code.upper()
    if role:
        params["role"] = role
    if q:
        params["pattern"] = f"%{q.strip()}%"
    page_of, total_of = _list_statements(
        bool(status), bool(category), bool(country_code), bool(role), bool(q)
    )
    # A text search scans: it must not hold the event loop (``scan``).
    page = await fetch(session, page_of, params, scan=bool(q))
    if not page:  # past the last page there is no row to carry the total: count alone
        counted = await fetch(session, total_of, params, scan=bool(q))
        return [], int(counted[0][0] or 0)
    total = int(page[0][_FIELDS])
    return [_read_row(row) for row in page], total


async def _check_unique(
    session: AsyncSession, business_id: str | None, exclude_id: int | None = None
) -> None:
    if not business_id:
        return
    stmt = select(Vendor.id).where(Vendor.business_id == business_id)
    if exclude_id is not None:
        stmt = stmt.where(Vendor.id != exclude_id)
    existing = await session.scalar(stmt)
    if existing is not None:
        raise ProblemError(
            409,
            "duplicate",
            f"Vendor {existing} already has business ID {business_id!r}.",
            existing_id=existing,
        )


def _reachable(children: dict[int, list[int]], start: int) -> set[int]:
    seen: set[int] = set()
    stack = [start]
    while stack:
        node = stack.pop()
        for child in children.get(node, ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


async def set_links(
    session: AsyncSession,
    vendor_id: int,
    *,
    parent_ids: list[int] | None,
    subprocessor_ids: list[int] | None,
    actor: Actor,
    notified_on: date | None = None,
) -> None:
    """Replace a vendor's place in the chain, refusing self-links and cycles at any depth.
    New links are dated ``notified_on`` (the day the processor told us; default today)."""
    wanted = set(parent_ids or []) | set(subprocessor_ids or [])
    if vendor_id in wanted:
        raise invalid("A vendor cannot be its own subprocessor.", field="subprocessor_ids")
    if wanted:
        found = set((await session.scalars(select(Vendor.id).where(Vendor.id.in_(wanted)))).all())
        missing = sorted(wanted - found)
        if missing:
            raise invalid(
                f"Unknown vendor id(s) {missing} in the subprocessor chain.",
                field="parent_vendor_ids",
            )
    children = await all_links(session)
    existing = await session.execute(
        select(
            VendorSubprocessor.vendor_id,
            VendorSubprocessor.subprocessor_id,
            VendorSubprocessor.notified_on,
            VendorSubprocessor.engaged_on,
            VendorSubprocessor.ended_on,
        ).where(
            or_(
                VendorSubprocessor.vendor_id == vendor_id,
                VendorSubprocessor.subprocessor_id == vendor_id,
            )
        )
    )
    rows = existing.all()
    notified = {(p, c): n for p, c, n, _, _ in rows}
    engagement = {(p, c): (start, end) for p, c, _, start, end in rows}
    today = notified_on or date.today()
    old_parents = sorted(p for p, kids in children.items() if vendor_id in kids)
    old_children = sorted(children.get(vendor_id, []))
    if parent_ids is not None:
        for p in list(children):
            if vendor_id in children[p]:
                children[p] = [c for c in children[p] if c != vendor_id]
        for p in parent_ids:
            children[p].append(vendor_id)
    if subprocessor_ids is not None:
        children[vendor_id] = list(dict.fromkeys(subprocessor_ids))
    if vendor_id in _reachable(children, vendor_id):
        raise invalid(
            "This change would create a cycle in the subprocessor chain.",
            field="parent_vendor_ids" if parent_ids else "subprocessor_ids",
        )
    if parent_ids is not None and sorted(set(parent_ids)) != old_parents:
        await session.execute(
            delete(VendorSubprocessor).where(VendorSubprocessor.subprocessor_id == vendor_id)
        )
        session.add_all(
            VendorSubprocessor(
                vendor_id=p,
                subprocessor_id=vendor_id,
                notified_on=notified.get((p, vendor_id), today),
                engaged_on=engagement.get((p, vendor_id), (None, None))[0],
                ended_on=engagement.get((p, vendor_id), (None, None))[1],
            )
            for p in set(parent_ids)
        )
        await record(
            session,
            actor,
            "update",
            "vendor_chain",
            vendor_id,
            {"parent_vendor_ids": old_parents},
            {"parent_vendor_ids": sorted(set(parent_ids))},
        )
    if subprocessor_ids is not None and sorted(set(subprocessor_ids)) != old_children:
        await session.execute(
            delete(VendorSubprocessor).where(VendorSubprocessor.vendor_id == vendor_id)
        )
        session.add_all(
            VendorSubprocessor(
                vendor_id=vendor_id,
                subprocessor_id=c,
                notified_on=notified.get((vendor_id, c), today),
                engaged_on=engagement.get((vendor_id, c), (None, None))[0],
                ended_on=engagement.get((vendor_id, c), (None, None))[1],
            )
            for c in set(subprocessor_ids)
        )
        await record(
            session,
            actor,
            "update",
            "vendor_chain",
            vendor_id,
            {"subprocessor_ids": old_children},
            {"subprocessor_ids": sorted(set(subprocessor_ids))},
        )
    await session.flush()


async def set_engagement(
    session: AsyncSession,
    *,
    vendor_id: int,
    subprocessor_id: int,
    engaged_on: date | None,
    ended_on: date | None,
    actor: Actor,
) -> VendorSubprocessor:
    """Record when a sub-processor's engagement for ``vendor_id`` starts and ends: the dates a
    customer's sub-processor list reports as changes, so the controller can object in time
    (GDPR Art. 28(2)). Audited; the link must exist."""
    link = await session.scalar(
        select(VendorSubprocessor).where(
            VendorSubprocessor.vendor_id == vendor_id,
            VendorSubprocessor.subprocessor_id == subprocessor_id,
        )
    )
    if link is None:
        raise not_found("Sub-processor link", f"{vendor_id}->{subprocessor_id}")
    if engaged_on is not None and ended_on is not None and ended_on < engaged_on:
        raise invalid("The engagement cannot end before it starts.", field="ended_on")
    before = {"engaged_on": link.engaged_on, "ended_on": link.ended_on}
    link.engaged_on, link.ended_on = engaged_on, ended_on
    await session.flush()
    await record(
        session,
        actor,
        "update",
        "vendor_engagement",
        vendor_id,
        {"subprocessor_id": subprocessor_id} | {k: v and v.isoformat() for k, v in before.items()},
        {
            "subprocessor_id": subprocessor_id,
            "engaged_on": engaged_on and engaged_on.isoformat(),
            "ended_on": ended_on and ended_on.isoformat(),
        },
    )
    return link


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    if "name" in values:
        values["name"] = clean_name(values["name"])
    if "country" in values:
        values["country"] = country(values["country"])
    for key in ("business_id", "dpf_participant_id"):
        if values.get(key) is not None:
            values[key] = values[key].strip() or None
    return values


def _create_values(data: VendorCreate) -> dict[str, Any]:
    """The columns of a new vendor, cleaned (one rule for single and batched creates)."""
    return _clean(plain_fields(data, frozenset({"parent_vendor_ids", "subprocessor_ids"})))


async def create_vendor(session: AsyncSession, data: VendorCreate, actor: Actor) -> Vendor:
    values = _create_values(data)
    await _check_unique(session, values.get("business_id"))
    vendor = await create_audited(session, Vendor(**values), actor, ENTITY)
    if data.parent_vendor_ids or data.subprocessor_ids:
        await set_links(
            session,
            vendor.id,
            parent_ids=data.parent_vendor_ids,
            subprocessor_ids=data.subprocessor_ids,
            actor=actor,
        )
    return vendor


async def update_vendor(
    session: AsyncSession, vendor: Vendor, data: VendorUpdate, actor: Actor
) -> Vendor:
    changes = _clean(
        changes_of(data, exclude=frozenset({"version", "parent_vendor_ids", "subprocessor_ids"}))
    )
    for required in ("name", "country", "role", "category", "status"):
        if required in changes and changes[required] is None:
            raise invalid(f"{required} cannot be null.", field=required)
    if "business_id" in changes:
        await _check_unique(session, changes["business_id"], exclude_id=vendor.id)
    await update_audited(session, vendor, changes, actor, ENTITY)
    parents = (
        None if isinstance(data.parent_vendor_ids, msgspec.UnsetType) else data.parent_vendor_ids
    )
    subs = None if isinstance(data.subprocessor_ids, msgspec.UnsetType) else data.subprocessor_ids
    if parents is not None or subs is not None:
        await set_links(session, vendor.id, parent_ids=parents, subprocessor_ids=subs, actor=actor)
    return vendor


async def delete_vendor(session: AsyncSession, vendor: Vendor, actor: Actor) -> None:
    """Delete a vendor that has nothing on record; otherwise refuse, so that agreements,
    transfers and their history are never lost as a side effect (offboard it instead)."""
    from sqlalchemy import func

    from transfers.models import Agreement, Processing, Transfer

    counts = {}
    for label, model in (
        ("agreements", Agreement),
        ("transfers", Transfer),
        ("processings", Processing),
    ):
        counts[label] = (
            await session.scalar(
                select(func.count()).select_from(model).where(model.vendor_id == vendor.id)
            )
            or 0
        )
    if any(counts.values()):
        held = ", ".join(f"{n} {label}" for label, n in counts.items() if n)
        raise ProblemError(
            409,
            "has-dependents",
            f"Vendor {vendor.id} still has {held}; set its status to offboarded, or delete those first.",
            dependents=counts,
        )
    await delete_audited(session, vendor, actor, ENTITY)


async def chain(session: AsyncSession, vendor: Vendor) -> ChainNode:
    """The whole subprocessor tree under a vendor (cycles are impossible by construction)."""
    children = await all_links(session)
    ids = _reachable(children, vendor.id) | {vendor.id}
    vendors = {
        v.id: v for v in (await session.scalars(select(Vendor).where(Vendor.id.in_(ids)))).all()
    }

    def build(vid: int) -> ChainNode:
        v = vendors[vid]
        return ChainNode(
            id=v.id,
            name=v.name,
            country=v.country,
            role=v.role,
            status=v.status,
            subprocessors=[build(c) for c in sorted(children.get(vid, []))],
        )

    return build(vendor.id)


# -- batched entry points (imports): the same schema and rules, set-based writes ------------


#: :func:`check_vendors`' answer: (index, struct) of the items that pass the schema, (index,
#: columns) of those that also pass the vendor rules, and the problems.
Checked = tuple[list[tuple[int, VendorCreate]], list[tuple[int, dict[str, Any]]], list[ItemProblem]]


def check_vendors(items: Sequence[VendorCreate | Mapping[str, Any]]) -> Checked:
    """What :func:`create_vendors` checks without the database: each item under the API's
    schema and the vendor rules. Pure, so that an import can check its next batch in a thread
    while the last one is being written."""
    problems: list[ItemProblem] = []
    structs = convert_all(items, VendorCreate, problems)
    return structs, check_each(structs, _create_values, problems), problems


async def create_vendors(
    session: AsyncSession,
    items: Sequence[VendorCreate | Mapping[str, Any]],
    actor: Actor,
    *,
    checked: Checked | None = None,
) -> list[int]:
    """Create many vendors under :func:`create_vendor`'s schema and rules (business ids unique
    in the register and in the batch), in one insert with one audit event per vendor.

    Returns the new ids in input order; raises :class:`BatchInvalid` naming every refused item,
    having written nothing. Chain links in the inputs go through :func:`add_links`.
    ``checked`` is :func:`check_vendors` of these same ``items``, if the caller ran it.
    """
    structs, rows, found = checked if checked is not None else check_vendors(items)
    problems = list(found)
    taken = await _taken_business_ids(session, [r["business_id"] for _, r in rows])
    seen: dict[str, int] = {}
    for index, row in rows:
        bid = row.get("business_id")
        if not bid:
            continue
        if bid in taken:
            problems.append(
                ItemProblem(
                    index, "business_id", f"Vendor {taken[bid]} already has business ID {bid!r}."
                )
            )
        elif bid in seen:
            problems.append(
                ItemProblem(
                    index, "business_id", f"Business ID {bid!r} is also on item {seen[bid]}."
                )
            )
        else:
            seen[bid] = index
    if problems:
        raise BatchInvalid(sorted(problems, key=lambda p: p.index))
    ids = await create_many(session, Vendor, [r for _, r in rows], actor, ENTITY)
    links = [
        (parent, ids[i]) for i, (_, data) in enumerate(structs) for parent in data.parent_vendor_ids
    ] + [(ids[i], child) for i, (_, data) in enumerate(structs) for child in data.subprocessor_ids]
    if links:
        await add_links(session, links, actor=actor)
    return ids


async def _taken_business_ids(session: AsyncSession, bids: Iterable[str | None]) -> dict[str, int]:
    taken: dict[str, int] = {}
    for condition in among(session, Vendor.business_id, sorted({b for b in bids if b})):
        rows = await session.execute(select(Vendor.business_id, Vendor.id).where(condition))
        taken.update({bid: vid for bid, vid in rows if bid})
    return taken


async def update_vendors(
    session: AsyncSession, changes: Mapping[int, VendorUpdate | Mapping[str, Any]], actor: Actor
) -> None:
    """Apply many partial updates through :func:`update_vendor` (the same rules and audit),
    loading the vendors in one query; raises :class:`BatchInvalid` keyed by vendor id."""
    problems: list[ItemProblem] = []
    vendors = await load_many(session, Vendor, changes.keys())
    for vendor_id, item in changes.items():
        data = convert(vendor_id, item, VendorUpdate)
        if isinstance(data, ItemProblem):
            problems.append(data)
            continue
        try:
            await update_vendor(session, vendors[vendor_id], data, actor)
        except ProblemError as exc:
            problems.extend(problems_of(vendor_id, exc))
    if problems:
        raise BatchInvalid(problems)


async def add_links(
    session: AsyncSession,
    pairs: Sequence[tuple[int, int]],
    *,
    actor: Actor,
    notified_on: date | None = None,
) -> int:
    """Add many chain links ``(vendor_id, subprocessor_id)`` with :func:`set_links`' rules (no
    self-links, known vendors, no cycle at any depth), reading the chain once; one audited
    ``vendor_chain`` event per sub-processor, as a single edit would record. Raises
    :class:`BatchInvalid` keyed by the pair's position. Returns how many links were new."""
    children = await all_links(session)
    existing = {(p, c) for p, kids in children.items() for c in kids}
    wanted_ids = {v for pair in pairs for v in pair}
    known = await existing_ids(session, Vendor.id, wanted_ids)
    problems: list[ItemProblem] = []
    new: list[tuple[int, int]] = []
    for index, (parent, child) in enumerate(pairs):
        if (parent, child) in existing:
            continue
        if parent == child:
            problems.append(
                ItemProblem(index, "subprocessor_ids", "A vendor cannot be its own subprocessor.")
            )
        elif not {parent, child} <= known:
            missing = sorted({parent, child} - known)
            problems.append(
                ItemProblem(
                    index,
                    "parent_vendor_ids",
                    f"Unknown vendor id(s) {missing} in the subprocessor chain.",
                )
            )
        elif parent in _reachable(children, child):
            problems.append(
                ItemProblem(
                    index,
                    "parent_vendor_ids",
                    "This change would create a cycle in the subprocessor chain.",
                )
            )
        else:
            children.setdefault(parent, []).append(child)
            existing.add((parent, child))
            new.append((parent, child))
    if problems:
        raise BatchInvalid(problems)
    if not new:
        return 0
    today = notified_on or date.today()
    await session.execute(
        insert(cast(Table, VendorSubprocessor.__table__)),
        [
            {
                "vendor_id": p,
                "subprocessor_id": c,
                "notified_on": today,
                "engaged_on": None,
                "ended_on": None,
            }
            for p, c in new
        ],
    )
    before: dict[int, list[int]] = defaultdict(list)
    after: dict[int, list[int]] = defaultdict(list)
    for p, kids in children.items():
        for c in kids:
            after[c].append(p)
            if (p, c) not in new:
                before[c].append(p)
    touched = sorted({c for _, c in new})
    await record_many(
        session,
        actor,
        "update",
        "vendor_chain",
        [
            (
                c,
                {"parent_vendor_ids": sorted(before[c])},
                {"parent_vendor_ids": sorted(after[c])},
            )
            for c in touched
        ],
    )
    return len(new)


async def names_of(session: AsyncSession, vendor_ids: Iterable[int]) -> list[tuple[int, str]]:
    """(id, name) of the given vendors, by name: for pickers and chain lists."""
    ids = list(vendor_ids)
    if not ids:
        return []
    rows = await session.execute(
        select(Vendor.id, Vendor.name).where(Vendor.id.in_(ids)).order_by(Vendor.name)
    )
    return [(int(i), str(n)) for i, n in rows]
