"""Write a validated import plan into the register, and read the register out for export.

All or nothing: the caller's transaction holds every row, and the plan is applied only when it
has no problems. Rows match existing vendors by business ID, else by exact name (case and
spacing folded), so re-importing the same sheet updates instead of duplicating; every created or
changed row is audited like any other write.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.audit.crud import update_audited
from transfers.audit.service import record_created
from transfers.auth.schemas import Actor
from transfers.compliance.service import load_facts
from transfers.importer.export import (
    ExportAgreement,
    ExportData,
    ExportLink,
    ExportTransfer,
    ExportVendor,
)
from transfers.importer.validate import ImportPlan, Problem, VendorRef
from transfers.models import Agreement, Transfer, Vendor, VendorSubprocessor
from transfers.reference import load_reference
from transfers.rules.evaluate import evaluate_transfer
from transfers.vendor.service import set_links

Progress = Callable[[str, int, int], None]
BATCH = 1000


class PendingCreates:
    """New rows of one kind, inserted and audited a batch at a time (one flush per batch, not
    two per row), so a sheet of tens of thousands of rows imports in seconds."""

    def __init__(self, session: AsyncSession, actor: Actor, entity_type: str) -> None:
        self.session = session
        self.actor = actor
        self.entity_type = entity_type
        self.rows: list[Any] = []

    async def add(self, obj: Any) -> None:
        self.rows.append(obj)
        if len(self.rows) >= BATCH:
            await self.flush()

    async def flush(self) -> None:
        if not self.rows:
            return
        self.session.add_all(self.rows)
        await self.session.flush()
        await record_created(self.session, self.actor, self.entity_type, self.rows)
        self.rows = []


def _fold(name: str | None) -> str:
    return " ".join((name or "").split()).casefold()


def _bid(value: str | None) -> str:
    return "".join((value or "").split()).casefold()


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
    """Existing vendors by business ID and by folded name."""

    def __init__(self, vendors: list[Vendor]) -> None:
        self.by_bid = {_bid(v.business_id): v for v in vendors if v.business_id}
        self.by_name: dict[str, list[Vendor]] = defaultdict(list)
        for v in vendors:
            self.by_name[_fold(v.name)].append(v)

    def find(self, ref: VendorRef) -> Vendor | None:
        if ref.business_id and _bid(ref.business_id) in self.by_bid:
            return self.by_bid[_bid(ref.business_id)]
        matches = self.by_name.get(_fold(ref.name), []) if ref.name else []
        return matches[0] if len(matches) == 1 else None

    def add(self, vendor: Vendor) -> None:
        if vendor.business_id:
            self.by_bid[_bid(vendor.business_id)] = vendor
        self.by_name[_fold(vendor.name)].append(vendor)


async def apply_plan(
    session: AsyncSession, plan: ImportPlan, actor: Actor, *, progress: Progress | None = None
) -> ImportResult:
    """Apply a complete plan; returns counts, or problems (and writes nothing the caller keeps:
    the caller rolls back when ``problems`` is not empty)."""
    result = ImportResult()
    if plan.problems:
        result.problems = list(plan.problems)
        return result
    index = VendorIndex(list((await session.scalars(select(Vendor))).all()))
    new_vendors = PendingCreates(session, actor, "vendor")
    total = len(plan.vendors) + len(plan.agreements) + len(plan.transfers)
    done = 0

    def tick(phase: str) -> None:
        nonlocal done
        done += 1
        if progress is not None and (done % 200 == 0 or done == total):
            progress(phase, done, total)

    for row in plan.vendors:
        values: dict[str, Any] = {
            "name": row.name,
            "country": row.country,
            "role": row.role,
            "category": row.category,
            "status": row.status,
            "business_id": row.business_id,
            "legal_name": row.legal_name,
            "website": row.website,
            "address": row.address,
        }
        existing = index.find(row.ref)
        if existing is None:
            vendor = Vendor(**values, contacts=[], version=1)
            await new_vendors.add(vendor)
            index.add(vendor)
            result.created["vendors"] += 1
        else:
            changes = {
                k: v for k, v in values.items() if v is not None and getattr(existing, k) != v
            }
            if changes:
                await update_audited(session, existing, changes, actor, "vendor")
                result.updated["vendors"] += 1
            else:
                result.unchanged["vendors"] += 1
        tick("vendors")

    await new_vendors.flush()

    def vendor_of(ref: VendorRef, row: int, sheet: str) -> Vendor | None:
        found = index.find(ref)
        if found is None:
            result.problems.append(
                Problem(
                    row,
                    sheet,
                    "name",
                    ref.name or ref.business_id or "",
                    "This vendor is neither in the file nor in the register.",
                    "Add a row for the vendor, or fix the name/business ID.",
                )
            )
        return found

    links = {
        (p, c)
        for p, c in (
            await session.execute(
                select(VendorSubprocessor.vendor_id, VendorSubprocessor.subprocessor_id)
            )
        ).all()
    }
    for row in plan.vendors:
        child = index.find(row.ref)
        assert child is not None
        wanted = []
        for parent_ref in row.parents:
            parent = vendor_of(parent_ref, row.row, row.sheet)
            if parent is not None and (parent.id, child.id) not in links:
                wanted.append(parent.id)
        if wanted:
            current = [p for p, c in links if c == child.id]
            await set_links(
                session,
                child.id,
                parent_ids=sorted(set(current) | set(wanted)),
                subprocessor_ids=None,
                actor=actor,
            )
            links |= {(p, child.id) for p in wanted}
            result.created["links"] += len(wanted)

    new_agreements = PendingCreates(session, actor, "agreement")
    new_transfers = PendingCreates(session, actor, "transfer")
    agreements = list((await session.scalars(select(Agreement))).all())
    by_key = {(a.vendor_id, a.kind, a.scc_module, a.signed_on): a for a in agreements}
    for ag in plan.agreements:
        target = vendor_of(ag.vendor, ag.row, ag.sheet)
        if target is None:
            continue
        key = (target.id, ag.kind, ag.scc_module, ag.signed_on)
        values = {
            "kind": ag.kind,
            "scc_module": ag.scc_module,
            "title": ag.title,
            "status": ag.status,
            "signed_on": ag.signed_on,
            "ends_on": ag.ends_on,
        }
        existing_ag = by_key.get(key)
        if existing_ag is None:
            created = Agreement(vendor_id=target.id, auto_renew=False, version=1, **values)
            await new_agreements.add(created)
            by_key[key] = created
            result.created["agreements"] += 1
        else:
            changes = {
                k: v for k, v in values.items() if v is not None and getattr(existing_ag, k) != v
            }
            if changes:
                await update_audited(session, existing_ag, changes, actor, "agreement")
                result.updated["agreements"] += 1
            else:
                result.unchanged["agreements"] += 1
        tick("agreements")

    await new_agreements.flush()
    transfers = list((await session.scalars(select(Transfer))).all())
    by_flow: dict[tuple[Any, ...], list[Transfer]] = defaultdict(list)
    for t in transfers:
        by_flow[(t.vendor_id, t.destination_country, t.mechanism, t.scc_module)].append(t)

    used: set[int] = set()

    def match(key: tuple[Any, ...], categories: list[str], started: date | None) -> Transfer | None:
        """The existing flow a row describes: the same vendor, country and mechanism with the
        same data and start date; else the only such flow not yet matched in this import."""
        candidates = [c for c in by_flow.get(key, []) if id(c) not in used]
        exact = [
            c
            for c in candidates
            if sorted(c.data_categories or []) == sorted(categories) and c.started_on == started
        ]
        if exact:
            return exact[0]
        return candidates[0] if len(candidates) == 1 and len(by_flow.get(key, [])) == 1 else None

    for tr in plan.transfers:
        target = vendor_of(tr.vendor, tr.row, tr.sheet)
        if target is None:
            continue
        key2 = (target.id, tr.destination_country, tr.mechanism, tr.scc_module)
        values = {
            "exporter_role": tr.exporter_role,
            "data_categories": list(tr.data_categories),
            "frequency": tr.frequency,
            "dpf_certified": tr.dpf_certified,
            "dpf_verified_on": tr.dpf_verified_on,
            "started_on": tr.started_on,
            "ended_on": tr.ended_on,
        }
        existing_tr = match(key2, list(tr.data_categories), tr.started_on)
        if existing_tr is not None:
            used.add(id(existing_tr))
        if existing_tr is None:
            created_tr = Transfer(
                vendor_id=target.id,
                destination_country=tr.destination_country,
                mechanism=tr.mechanism,
                scc_module=tr.scc_module,
                transfer_type="storage",
                version=1,
                **values,
            )
            await new_transfers.add(created_tr)
            by_flow[key2].append(created_tr)
            used.add(id(created_tr))
            result.created["transfers"] += 1
        else:
            changes = {
                k: v
                for k, v in values.items()
                if v not in (None, []) and getattr(existing_tr, k) != v
            }
            if changes:
                await update_audited(session, existing_tr, changes, actor, "transfer")
                result.updated["transfers"] += 1
            else:
                result.unchanged["transfers"] += 1
        tick("transfers")
    await new_transfers.flush()
    return result


async def export_data(
    session: AsyncSession, *, as_of: date, filters: dict[str, Any] | None = None
) -> ExportData:
    """The register (or the vendors matching ``filters``) with verdicts as of ``as_of``."""
    stmt = select(Vendor)
    for key, value in (filters or {}).items():
        if value is not None:
            stmt = stmt.where(getattr(Vendor, key) == value)
    vendors = list((await session.scalars(stmt.order_by(Vendor.id))).all())
    ids = {v.id for v in vendors}
    agreements = [
        a
        for a in (await session.scalars(select(Agreement).order_by(Agreement.id))).all()
        if a.vendor_id in ids
    ]
    transfers = [
        t
        for t in (await session.scalars(select(Transfer).order_by(Transfer.id))).all()
        if t.vendor_id in ids
    ]
    links = [
        ExportLink(p, c)
        for p, c in (
            await session.execute(
                select(VendorSubprocessor.vendor_id, VendorSubprocessor.subprocessor_id)
            )
        ).all()
        if p in ids and c in ids
    ]
    facts = await load_facts(session, ids, as_of) if ids else {}
    ref = load_reference()
    verdicts = {
        t.id: evaluate_transfer(t, as_of, ref).verdict
        for f in facts.values()
        for t in f.transfers
        if t.id is not None
    }
    return ExportData(
        vendors=[ExportVendor.of(v) for v in vendors],
        agreements=[ExportAgreement.of(a) for a in agreements],
        transfers=[ExportTransfer.of(t) for t in transfers],
        links=links,
        verdicts=verdicts,
        as_of=as_of,
    )
