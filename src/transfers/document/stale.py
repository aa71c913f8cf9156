"""What a generated document used from the register, and what has changed there since.

A document keeps the values of every register row that reached it (``snapshot["values"]``:
entity -> row id -> field -> value). It is stale when any of them differs from the register
now, or the row is gone. The check compares stored values with one query per entity for any
number of documents at once, and never re-renders: a list of documents costs a few queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.models import (
    Agreement,
    Assessment,
    Document,
    Organisation,
    Processing,
    Transfer,
    Vendor,
)
from transfers.register.snapshot import Snapshot, current

#: entity -> (model, the fields a document can show or that decide what it says).
TRACKED: Final[dict[str, tuple[Any, tuple[str, ...]]]] = {
    "organisation": (
        Organisation,
        (
            "name",
            "business_id",
            "address",
            "country",
            "dpo_name",
            "dpo_email",
            "supervisory_authority",
            "signatory_name",
            "signatory_title",
        ),
    ),
    "vendor": (
        Vendor,
        (
            "name",
            "legal_name",
            "business_id",
            "address",
            "country",
            "role",
            "category",
            "contacts",
            "signatory_name",
            "signatory_title",
        ),
    ),
    "processing": (
        Processing,
        (
            "service",
            "nature",
            "our_role",
            "controller",
            "purposes",
            "data_categories",
            "data_subject_categories",
            "special_categories",
            "criminal_data",
            "retention",
            "technical_measures",
            "measures_catalogue",
            "translations",
        ),
    ),
    "agreement": (
        Agreement,
        (
            "kind",
            "title",
            "scc_module",
            "status",
            "signed_on",
            "effective_on",
            "ends_on",
            "terminated_on",
            "term",
            "auto_renew",
            "renewal_term",
            "notice_period",
            "subprocessor_authorisation",
            "objection_period_days",
            "scc_clauses",
        ),
    ),
    "transfer": (
        Transfer,
        (
            "destination_country",
            "exporter_role",
            "mechanism",
            "scc_module",
            "fallback_mechanism",
            "data_categories",
            "frequency",
            "transfer_type",
            "description",
            "supplementary_measures",
            "translations",
            "processing_id",
            "dpf_certified",
            "dpf_hr_covered",
            "dpf_verified_on",
            "started_on",
            "ended_on",
        ),
    ),
    "assessment": (
        Assessment,
        (
            "completed_on",
            "conclusion",
            "supplementary_measures",
            "law_and_practice",
            "importer_finding",
            "procedural_steps",
            "next_review_on",
            "assessor",
            "approver",
            "approved_on",
            "risk_period_years",
            "risk_scenarios",
            "conclusion_reasoning",
            "translations",
        ),
    ),
}
#: Sets a document depends on that no single row holds: a new sub-processor or transfer changes
#: a DPA as much as an edited one. Read from the register read model, never from its own query.
DERIVED: Final = {("vendor", "subprocessor_ids"), ("vendor", "transfer_ids")}
REGISTER: Final = "register"
CHUNK: Final = 5000


_SCALARS: Final = frozenset({str, int, float, bool, type(None)})


def plain(value: Any) -> Any:
    """The JSON form a value is stored and compared in (dates as ISO text, tuples as lists).
    Exact type checks first: this runs for every field of every row checked."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list or kind is tuple:
        return [plain(v) for v in value]
    if kind is dict:
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return value


class Used:
    """The register values one document reached, collected while its context is built."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.values: dict[str, dict[str, dict[str, Any]]] = {}

    def add(self, entity: str, row: Any) -> None:
        """Keep the tracked fields of an ORM object (or a row with the same attributes)."""
        if row is None:
            return
        fields = TRACKED[entity][1]
        self.values.setdefault(entity, {}).setdefault(str(row.id), {}).update(
            {f: plain(getattr(row, f)) for f in fields}
        )

    def add_all(self, entity: str, rows: Iterable[Any]) -> None:
        for row in rows:
            self.add(entity, row)

    def derive(self, vendor_ids: Iterable[int], *fields: str) -> None:
        """Keep sets of the register read model (e.g. a vendor's sub-processors) per vendor."""
        for vendor_id in vendor_ids:
            row = self.values.setdefault("vendor", {}).setdefault(str(vendor_id), {})
            for f in fields:
                row[f] = _derived(self.snapshot, "vendor", vendor_id, f)

    def derive_register(self) -> None:
        """A register-wide document (privacy notice, record extract) lists every transfer."""
        self.values[REGISTER] = {"0": {"transfer_ids": sorted(self.snapshot.transfer_vendor)}}


def _derived(snapshot: Snapshot, entity: str, row_id: int, field: str) -> Any:
    if entity == REGISTER:
        return sorted(snapshot.transfer_vendor)
    if field == "subprocessor_ids":
        return sorted(set(snapshot.children.get(row_id, ())))
    rows = snapshot.vendors.get(row_id)
    return sorted(t.id for t in rows.transfers) if rows else []


def stored_values(document: Document) -> dict[str, dict[str, dict[str, Any]]]:
    """The values a document used; documents generated before values were kept have none."""
    values = (document.snapshot or {}).get("values")
    return values if isinstance(values, dict) else {}


async def _current_rows(
    session: AsyncSession, wanted: Mapping[str, set[int]]
) -> dict[str, dict[int, dict[str, Any]]]:
    out: dict[str, dict[int, dict[str, Any]]] = {}
    for entity, ids in wanted.items():
        model, fields = TRACKED[entity]
        table = model.__table__.c
        found: dict[int, dict[str, Any]] = {}
        ordered = sorted(ids)
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            stmt = select(table.id, *(table[f] for f in fields)).where(table.id.in_(chunk))
            for row in (await session.execute(stmt)).all():
                found[row[0]] = {f: plain(v) for f, v in zip(fields, row[1:], strict=True)}
        out[entity] = found
    return out


async def changes_of(
    session: AsyncSession, documents: Sequence[Document]
) -> dict[int, list[dict[str, Any]]]:
    """What changed in the register since each document was generated: a list of
    ``{entity, id, field, before, after}`` per document id (empty: not stale). A deleted row is
    one change with ``field`` None and ``after`` None."""
    values = {d.id: stored_values(d) for d in documents}
    wanted: dict[str, set[int]] = {}
    needs_snapshot = False
    for stored in values.values():
        for entity, rows in stored.items():
            if entity in TRACKED:
                wanted.setdefault(entity, set()).update(int(i) for i in rows)
            if entity == REGISTER or any(
                (entity, f) in DERIVED for row in rows.values() for f in row
            ):
                needs_snapshot = True
    now = await _current_rows(session, wanted)
    snapshot = await current(session) if needs_snapshot else None
    out: dict[int, list[dict[str, Any]]] = {}
    for doc_id, stored in values.items():
        changes: list[dict[str, Any]] = []
        for entity in sorted(stored):
            for key in sorted(stored[entity], key=int):
                row_id = int(key)
                before_row = stored[entity][key]
                after_row = now.get(entity, {}).get(row_id) if entity in TRACKED else {}
                if after_row is None:
                    changes.append(
                        {
                            "entity": entity,
                            "id": row_id,
                            "field": None,
                            "before": before_row,
                            "after": None,
                        }
                    )
                    continue
                for field in sorted(before_row):
                    if field in after_row:
                        after = after_row[field]
                    elif snapshot is not None and (
                        entity == REGISTER or (entity, field) in DERIVED
                    ):
                        after = _derived(snapshot, entity, row_id, field)
                    else:
                        continue
                    if before_row[field] != after:
                        changes.append(
                            {
                                "entity": entity,
                                "id": row_id,
                                "field": field,
                                "before": before_row[field],
                                "after": after,
                            }
                        )
        out[doc_id] = changes
    return out
