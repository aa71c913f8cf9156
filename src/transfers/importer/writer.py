"""Write a validated import plan into the register through the domain services, and read the
register out for export.

All or nothing: the caller's transaction holds every row, and the caller rolls back when the
result has problems. Rows match existing vendors by business ID, else by exact name (case and
spacing folded), so re-importing the same sheet updates instead of duplicating. New rows go
through the services' batched entry points (``create_vendors``, ``create_agreements``,
``create_transfers``, ``add_links``) and changed rows through their single-row updates, so an
imported row obeys exactly the rules of an API row and is audited the same way; this module only
matches rows and turns the services' problems back into sheet rows and columns.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers import register
from transfers.agreement.service import check_agreements, create_agreements, update_agreements
from transfers.auth.schemas import Actor
from transfers.common.batch import BatchInvalid, ItemProblem
from transfers.importer.export import (
    ExportAgreement,
    ExportData,
    ExportLink,
    ExportTransfer,
    ExportVendor,
)
from transfers.importer.validate import AgreementRow, ImportPlan, Problem, TransferRow, VendorRef
from transfers.models import Agreement, Transfer, Vendor
from transfers.reference import load_reference
from transfers.rules.evaluate import evaluate_transfer
from transfers.transfer.service import check_transfers, create_transfers, update_transfers
from transfers.vendor.service import add_links, check_vendors, create_vendors, update_vendors

Progress = Callable[[str, int, int], None]
#: Rows per call of a batched service: progress (and the import's deadline) is checked between.
BATCH = 5000


def _fold(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def _bid(value: str | None) -> str:
    return "".join((value or "").split()).casefold()


def _categories(values: Sequence[str] | None) -> list[str]:
    return sorted({c.strip().lower() for c in values or () if c.strip()})


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {
            "created": dict(self.created),
            "updated": dict(self.updated),
            "unchanged": dict(self.unchanged),
        }


class VendorIndex:
    """Vendor ids by business ID and by folded name (the register's and the import's)."""

    def __init__(self) -> None:
        self.by_bid: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = defaultdict(list)

    def find(self, ref: VendorRef) -> int | None:
        if ref.business_id and _bid(ref.business_id) in self.by_bid:
            return self.by_bid[_bid(ref.business_id)]
        matches = self.by_name.get(_fold(ref.name), []) if ref.name else []
        return matches[0] if len(matches) == 1 else None

    def add(self, vendor_id: int, business_id: str | None, name: str) -> None:
        if business_id:
            self.by_bid[_bid(business_id)] = vendor_id
        self.by_name[_fold(name)].append(vendor_id)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an item came from: its sheet row, and the column of each field named otherwise."""

    row: int
    sheet: str
    columns: Mapping[str, str] = field(default_factory=dict)

    def column(self, name: str) -> str:
        return self.columns.get(name, name)


#: Fields that are not sheet columns, and the column that names them.
_FIELD_COLUMNS = {"vendor_id": "name", "": "name"}


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _given(values: Mapping[str, Any]) -> dict[str, Any]:
    """The filled-in values: a blank cell leaves the field to the schema's default."""
    return {k: v for k, v in values.items() if v is not None}


class _Writer:
    def __init__(
        self,
        session: AsyncSession,
        actor: Actor,
        result: ImportResult,
        total: int,
        progress: Progress | None,
    ) -> None:
        self.session = session
        self.actor = actor
        self.result = result
        self.total = total
        self.done = 0
        self.progress = progress
        self.index = VendorIndex()
        #: Vendors of the sheet the vendor service refused (their rows are not reported again).
        self.failed: set[VendorRef] = set()

    def tick(self, phase: str, count: int) -> None:
        self.done += count
        if self.progress is not None:
            self.progress(phase, self.done, self.total)

    def report(self, origin: Origin, problem: ItemProblem, values: Mapping[str, Any]) -> None:
        column = _FIELD_COLUMNS.get(problem.field, problem.field)
        self.result.problems.append(
            Problem(
                origin.row,
                origin.sheet,
                origin.column(column),
                _shown(values.get(problem.field)),
                problem.message,
                f"Correct {origin.column(column)} on row {origin.row} (or the cells it goes "
                "with) and import again.",
            )
        )

    async def create(
        self,
        phase: str,
        service: Callable[..., Awaitable[list[int]]],
        items: list[tuple[Origin, dict[str, Any]]],
        check: Callable[[list[dict[str, Any]]], Any] | None = None,
    ) -> list[int | None]:
        """Create through a batched service, a batch at a time. Refused items are reported at
        their row; the rest are created anyway (the caller rolls back), so that one upload
        shows every problem, including those of rows that depend on the created ones.

        With ``check`` (the service's own database-free checks, which it then takes as
        ``checked=``), each batch is checked in a thread while the one before is written: the
        Python work of one batch overlaps the database's work on the other."""
        ids: list[int | None] = [None] * len(items)
        ahead: asyncio.Future[Any] | None = None
        try:
            for start in range(0, len(items), BATCH):
                todo = list(range(start, min(start + BATCH, len(items))))
                checked = None
                if check is not None:
                    batch = [items[i][1] for i in todo]
                    checked = await ahead if ahead is not None else check(batch)
                    ahead = None
                    if start + BATCH < len(items):
                        following = range(start + BATCH, min(start + 2 * BATCH, len(items)))
                        ahead = asyncio.ensure_future(
                            asyncio.to_thread(check, [items[i][1] for i in following])
                        )
                while todo:
                    batch = [items[i][1] for i in todo]
                    try:
                        if checked is None:
                            new = await service(self.session, batch, self.actor)
                        else:
                            new = await service(self.session, batch, self.actor, checked=checked)
                    except BatchInvalid as exc:
                        for problem in exc.problems:
                            origin, values = items[todo[problem.index]]
                            self.report(origin, problem, values)
                        bad = {todo[i] for i in exc.bad}
                        todo = [i for i in todo if i not in bad]
                        checked = None  # the rest are checked again, by the service
                        continue
                    for i, new_id in zip(todo, new, strict=True):
                        ids[i] = new_id
                    break
                self.tick(phase, min(BATCH, len(items) - start))
        finally:
            if ahead is not None:
                ahead.cancel()
        return ids

    async def update(
        self,
        service: Callable[[AsyncSession, dict[int, dict[str, Any]], Actor], Awaitable[None]],
        changes: dict[int, tuple[Origin, dict[str, Any]]],
    ) -> None:
        if not changes:
            return
        try:
            await service(self.session, {k: v for k, (_, v) in changes.items()}, self.actor)
        except BatchInvalid as exc:
            for problem in exc.problems:
                origin, values = changes[problem.index]
                self.report(origin, problem, values)

    def vendor_of(self, ref: VendorRef, origin: Origin) -> int | None:
        found = self.index.find(ref)
        if found is None and ref not in self.failed:
            self.result.problems.append(
                Problem(
                    origin.row,
                    origin.sheet,
                    "name",
                    ref.name or ref.business_id or "",
                    "This vendor is neither in the file nor in the register.",
                    "Add a row for the vendor, or fix the name/business ID.",
                )
            )
        return found


_VENDOR_FIELDS = (
    "name",
    "country",
    "role",
    "category",
    "status",
    "business_id",
    "legal_name",
    "website",
    "address",
    "signatory_name",
    "signatory_title",
    "authorised_by_processor",
)
_V = Vendor.__table__.c
_A = Agreement.__table__.c
_T = Transfer.__table__.c


async def apply_plan(
    session: AsyncSession, plan: ImportPlan, actor: Actor, *, progress: Progress | None = None
) -> ImportResult:
    """Apply a complete plan through the domain services; returns counts, or problems (the
    caller rolls back when ``problems`` is not empty: the services have written the rest)."""
    result = ImportResult()
    if plan.problems:
        result.problems = list(plan.problems)
        return result
    total = len(plan.vendors) + len(plan.agreements) + len(plan.transfers)
    w = _Writer(session, actor, result, total, progress)
    await _vendors(w, plan)
    await _links(w, plan)
    await _agreements(w, plan.agreements)
    await _transfers(w, plan.transfers)
    result.problems.sort(key=lambda p: p.row)
    return result


async def _vendors(w: _Writer, plan: ImportPlan) -> None:
    existing = {
        r.id: r for r in await w.session.execute(select(_V.id, *(_V[f] for f in _VENDOR_FIELDS)))
    }
    for r in existing.values():
        w.index.add(r.id, r.business_id, r.name)
    new: list[tuple[Origin, dict[str, Any]]] = []
    changes: dict[int, tuple[Origin, dict[str, Any]]] = {}
    for row in plan.vendors:
        values = {f: getattr(row, f) for f in _VENDOR_FIELDS}
        origin = Origin(row.row, row.sheet)
        found = w.index.find(row.ref)
        if found is None:
            new.append((origin, _given(values)))
            continue
        current = existing[found]
        changed = {k: v for k, v in _given(values).items() if getattr(current, k) != v}
        if changed:
            changes[found] = (origin, changed)
            w.result.updated["vendors"] += 1
        else:
            w.result.unchanged["vendors"] += 1
    ids = await w.create("vendors", create_vendors, new, check_vendors)
    for (_, values), vendor_id in zip(new, ids, strict=True):
        if vendor_id is None:
            w.failed.add(VendorRef(values.get("business_id"), values.get("name")))
            continue
        w.index.add(vendor_id, values.get("business_id"), values["name"])
        w.result.created["vendors"] += 1
    await w.update(update_vendors, changes)
    w.tick("vendors", len(plan.vendors) - len(new))


async def _links(w: _Writer, plan: ImportPlan) -> None:
    pairs: list[tuple[int, int]] = []
    origins: list[Origin] = []
    for row in plan.vendors:
        child = w.index.find(row.ref)
        for i, parent_ref in enumerate(row.parents):
            where = row.parent_rows[i] if i < len(row.parent_rows) else (row.row, row.sheet)
            origin = Origin(*where, {"": "parent_name"})
            parent = w.vendor_of(parent_ref, origin)
            if parent is not None and child is not None:
                pairs.append((parent, child))
                origins.append(origin)
    if not pairs:
        return
    try:
        added = await add_links(w.session, pairs, actor=w.actor)
    except BatchInvalid as exc:
        for problem in exc.problems:
            origin = origins[problem.index]
            chain = ItemProblem(problem.index, "parent_name", problem.message)
            w.report(Origin(origin.row, origin.sheet), chain, {})
        return
    if added:
        w.result.created["links"] += added


async def _agreements(w: _Writer, rows: list[AgreementRow]) -> None:
    existing = {
        (r.vendor_id, r.kind, r.scc_module, r.signed_on): r
        for r in await w.session.execute(
            select(
                _A.id,
                _A.vendor_id,
                _A.kind,
                _A.scc_module,
                _A.title,
                _A.status,
                _A.signed_on,
                _A.ends_on,
                _A.terminated_on,
            )
        )
    }
    new: list[tuple[Origin, dict[str, Any]]] = []
    changes: dict[int, tuple[Origin, dict[str, Any]]] = {}
    keys: set[tuple[Any, ...]] = set()
    for ag in rows:
        origin = Origin(ag.row, ag.sheet, dict(ag.columns) | {"vendor_id": "name"})
        vendor_id = w.vendor_of(ag.vendor, origin)
        if vendor_id is None:
            continue
        values = {
            "kind": ag.kind,
            "scc_module": ag.scc_module,
            "title": ag.title,
            "status": ag.status,
            "signed_on": ag.signed_on,
            "ends_on": ag.ends_on,
            "terminated_on": ag.terminated_on,
        }
        key = (vendor_id, ag.kind, ag.scc_module, ag.signed_on)
        current = existing.get(key)
        if current is None or key in keys:
            keys.add(key)
            new.append((origin, {"vendor_id": vendor_id} | _given(values)))
            continue
        keys.add(key)
        changed = {k: v for k, v in _given(values).items() if getattr(current, k) != v}
        if changed:
            changes[current.id] = (origin, changed)
            w.result.updated["agreements"] += 1
        else:
            w.result.unchanged["agreements"] += 1
    ids = await w.create("agreements", create_agreements, new, check_agreements)
    if made := sum(1 for i in ids if i is not None):
        w.result.created["agreements"] += made
    await w.update(update_agreements, changes)
    w.tick("agreements", len(rows) - len(new))


async def _transfers(w: _Writer, rows: list[TransferRow]) -> None:
    by_flow: dict[tuple[Any, ...], list[Any]] = defaultdict(list)
    for t in await w.session.execute(select(*_T)):
        by_flow[(t.vendor_id, t.destination_country, t.mechanism, t.scc_module)].append(t)
    used: set[int] = set()

    def match(key: tuple[Any, ...], categories: Sequence[str], started: date | None) -> Any:
        """The existing flow a row describes: the same vendor, country and mechanism with the
        same data and start date; else the only such flow not yet matched in this import."""
        flows = by_flow.get(key)
        if not flows:
            return None
        categories = _categories(categories)
        candidates = [c for c in flows if c.id not in used]
        exact = [
            c
            for c in candidates
            if _categories(c.data_categories) == categories and c.started_on == started
        ]
        if exact:
            return exact[0]
        return candidates[0] if len(candidates) == 1 and len(flows) == 1 else None

    new: list[tuple[Origin, dict[str, Any]]] = []
    changes: dict[int, tuple[Origin, dict[str, Any]]] = {}
    for tr in rows:
        origin = Origin(tr.row, tr.sheet, {"vendor_id": "name"})
        vendor_id = w.vendor_of(tr.vendor, origin)
        if vendor_id is None:
            continue
        values: dict[str, Any] = {
            "exporter_role": tr.exporter_role,
            "data_categories": list(tr.data_categories) or None,
            "frequency": tr.frequency,
            "dpf_certified": tr.dpf_certified,
            "dpf_verified_on": tr.dpf_verified_on,
            "started_on": tr.started_on,
            "ended_on": tr.ended_on,
            **dict(tr.facts),
        }
        key = (vendor_id, tr.destination_country, tr.mechanism, tr.scc_module)
        current = match(key, tr.data_categories, tr.started_on)
        if current is None:
            new.append(
                (
                    origin,
                    {
                        "vendor_id": vendor_id,
                        "destination_country": tr.destination_country,
                        "mechanism": tr.mechanism,
                        "scc_module": tr.scc_module,
                    }
                    | _given(values),
                )
            )
            continue
        used.add(current.id)
        changed = {
            k: v
            for k, v in _given(values).items()
            if (
                _categories(v) != _categories(current.data_categories)
                if k == "data_categories"
                else getattr(current, k) != v
            )
        }
        if changed:
            changes[current.id] = (origin, changed)
            w.result.updated["transfers"] += 1
        else:
            w.result.unchanged["transfers"] += 1
    ids = await w.create("transfers", create_transfers, new, check_transfers)
    if made := sum(1 for i in ids if i is not None):
        w.result.created["transfers"] += made
    await w.update(update_transfers, changes)
    w.tick("transfers", len(rows) - len(new))


async def export_data(
    session: AsyncSession, *, as_of: date, filters: dict[str, Any] | None = None
) -> ExportData:
    """The register (or the vendors matching ``filters``) with verdicts as of ``as_of``.

    Agreements, transfers, chain links and the facts behind each verdict come from the register
    read model (the process's snapshot, brought up to date); only the columns it does not hold
    (a vendor's contact details, an agreement's title) are read here.
    """
    stmt = select(_V.id, *(_V[f] for f in _VENDOR_FIELDS))
    for key, value in (filters or {}).items():
        if value is not None:
            stmt = stmt.where(_V[key] == value)
    vendors = list((await session.execute(stmt.order_by(_V.id))).all())
    ids = {v.id for v in vendors}
    snapshot = await register.current(session)
    held = [snapshot.vendors[i] for i in sorted(ids) if i in snapshot.vendors]
    titles = dict(
        (await session.execute(select(_A.id, _A.title).where(_A.title.is_not(None)))).all()
    )
    agreements = sorted(
        (
            ExportAgreement.of(dict(a._mapping) | {"title": titles.get(a.id)})
            for rows in held
            for a in rows.agreements
        ),
        key=lambda a: a.id,
    )
    transfers = sorted(
        (ExportTransfer.of(t._mapping) for rows in held for t in rows.transfers),
        key=lambda t: t.id,
    )
    links = sorted(
        (
            ExportLink(p, c)
            for p, kids in snapshot.children.items()
            if p in ids
            for c in kids
            if c in ids
        ),
        key=lambda link: (link.vendor_id, link.subprocessor_id),
    )
    ref = load_reference()
    facts = snapshot.facts(as_of, ids) if ids else {}
    verdicts = {
        t.id: evaluate_transfer(t, as_of, ref).verdict
        for f in facts.values()
        for t in f.transfers
        if t.id is not None
    }
    return ExportData(
        vendors=[ExportVendor.of(v._mapping) for v in vendors],
        agreements=agreements,
        transfers=transfers,
        links=links,
        verdicts=verdicts,
        as_of=as_of,
    )
