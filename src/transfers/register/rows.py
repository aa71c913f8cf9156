"""Read the register's facts with a few set-based Core queries, and build engine facts from them.

Rows, not ORM objects: loading 10,000 vendors and 50,000 transfers this way costs a fraction of
the ORM's time. The rows do not depend on the date asked about; :func:`build_facts` turns them
into the engine's :class:`VendorFacts` for one day (an agreement's current term end depends on
the day).
"""

from __future__ import annotations

import json
from collections import defaultdict, namedtuple
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from functools import lru_cache
from typing import Any, Final

from sqlalchemy import Text, TypeDecorator, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.common import record_fields
from transfers.models import (
    Agreement,
    Assessment,
    IntakeRequest,
    Processing,
    Transfer,
    Vendor,
    VendorSubprocessor,
)
from transfers.rules.calendar import current_term_end
from transfers.rules.chain import Link
from transfers.rules.facts import AgreementFacts, AssessmentFacts, TransferFacts, VendorFacts

CONTROLLER_ROLES = frozenset({"controller", "joint_controller"})
CHUNK = 5000


def importer_role(vendor_role: str) -> str:
    """The importer's Chapter V role follows the vendor's role towards us."""
    return "controller" if vendor_role in CONTROLLER_ROLES else "processor"


@dataclass(slots=True)
class VendorRows:
    """Everything the engine needs about one vendor, as stored."""

    vendor: Any
    agreements: list[Any] = field(default_factory=list)
    transfers: list[Any] = field(default_factory=list)
    assessments: dict[int, list[Any]] = field(default_factory=dict)  # by transfer id
    data_subjects: dict[int, tuple[str, ...]] = field(default_factory=dict)  # by processing id
    processings: list[Any] = field(default_factory=list)  # purposes and data categories
    conditions: list[Any] = field(default_factory=list)  # intake approvals with conditions


@dataclass(slots=True)
class RegisterRows:
    """Rows of a set of vendors and the sub-processor links that touch them (``links``: by
    parent, ``links_up``: by sub-processor, each in link id order, engagement dates included)."""

    vendors: dict[int, VendorRows]
    children: dict[int, list[int]]
    parents: dict[int, list[int]]
    links: dict[int, list[Link]] = field(default_factory=dict)
    links_up: dict[int, list[Link]] = field(default_factory=dict)


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def record_type(name: str, stmt: Any) -> Any:
    """A named tuple of the columns ``stmt`` selects, in order, that also answers ``_mapping``
    as a ``Row`` does (the export reads rows as mappings).

    The snapshot keeps its rows for the life of the process and reads each field again for
    every day asked about: a named tuple reads a field in C, where SQLAlchemy's ``Row`` looks
    the name up in Python (29 fields of 50,000 transfers: about 1 s against 0.05 s).
    """
    base = namedtuple(name, list(stmt.selected_columns.keys()))  # type: ignore[misc]

    def _mapping(self: Any) -> dict[str, Any]:
        return dict(zip(self._fields, self, strict=True))

    return type(name, (base,), {"__slots__": (), "_mapping": property(_mapping)})


async def records(
    session: AsyncSession, stmt: Any, record: Any, column: Any = None, ids: list[int] | None = None
) -> list[Any]:
    """Rows of ``stmt`` as ``record`` tuples (restricted to ``column`` IN ``ids`` when given)."""
    make = record._make
    if ids is None:
        return list(map(make, await session.execute(stmt)))
    out: list[Any] = []
    for chunk in _chunks(ids):
        out.extend(map(make, await session.execute(stmt.where(column.in_(chunk)))))
    return out


@lru_cache(maxsize=4096)
def _decoded(text: str) -> tuple[Any, ...]:
    """Equal JSON text decodes to the very same tuple: a register repeats a few category lists
    across tens of thousands of transfers (50,000 ``json.loads``: ~0.07 s)."""
    return tuple(json.loads(text))


class _JSONList(TypeDecorator[Any]):
    """A JSON list column as read by the register, as a tuple (rows are read-only, and the
    engine's facts hold tuples): SQLite hands over its text, decoded here once per distinct
    value; PostgreSQL's driver has already decoded it (its ``jsonb`` codec)."""

    impl = Text
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if isinstance(value, str):
            return _decoded(value)
        return tuple(value) if value is not None else None


def _json_list(column: Any) -> Any:
    return type_coerce(column, _JSONList()).label(column.key)


_V = Vendor.__table__.c
_A = Agreement.__table__.c
_T = Transfer.__table__.c
_S = Assessment.__table__.c
_P = Processing.__table__.c
_L = VendorSubprocessor.__table__.c

_VENDORS = select(_V.id, _V.name, _V.role, _V.status, _V.authorised_by_processor, _V.country)
_AGREEMENTS = select(
    _A.id,
    _A.vendor_id,
    _A.kind,
    _A.scc_module,
    _A.status,
    _A.signed_on,
    _A.effective_on,
    _A.ends_on,
    _A.terminated_on,
    _A.term,
    _A.auto_renew,
    _A.renewal_term,
)
_TRANSFERS = select(
    _T.id,
    _T.vendor_id,
    _T.agreement_id,
    _T.destination_country,
    _T.exporter_role,
    _T.mechanism,
    _T.scc_module,
    _json_list(_T.data_categories),
    _T.frequency,
    _T.dpf_certified,
    _T.dpf_verified_on,
    _T.started_on,
    _T.ended_on,
    _T.processing_id,
    # The transfer facts (fallback, BCR, Art. 46(3), 48, 49(1) second subparagraph): one
    # declaration (common/record_fields.py) for the forms, the import and export columns and
    # these rows, which the engine and the export read.
    *(_T[d.name] for d in record_fields.TRANSFER_FACT_COLUMNS),
)
_PROCESSINGS = select(
    _P.id,
    _P.vendor_id,
    _json_list(_P.data_subject_categories),
    _json_list(_P.purposes),
    _json_list(_P.data_categories),
)
_I = IntakeRequest.__table__.c
#: Conditions of a conditional approval keep a vendor conditional until met (issue 12).
_CONDITIONS = select(_I.id, _I.vendor_id, _I.conditions).where(
    _I.state == "approved_with_conditions", _I.vendor_id.is_not(None)
)
_ASSESSMENTS = select(
    _S.id, _S.transfer_id, _S.completed_on, _S.conclusion, _S.next_review_on, _T.vendor_id
).join(Transfer.__table__, _T.id == _S.transfer_id)


_LINKS = select(_L.id, _L.vendor_id, _L.subprocessor_id, _L.engaged_on, _L.ended_on, _L.notified_on)

VendorRecord = record_type("VendorRecord", _VENDORS)
AgreementRecord = record_type("AgreementRecord", _AGREEMENTS)
TransferRecord = record_type("TransferRecord", _TRANSFERS)
ProcessingRecord = record_type("ProcessingRecord", _PROCESSINGS)
ConditionRecord = record_type("ConditionRecord", _CONDITIONS)
AssessmentRecord = record_type("AssessmentRecord", _ASSESSMENTS)
LinkRecord = record_type("LinkRecord", _LINKS)


async def load_rows(session: AsyncSession, vendor_ids: Iterable[int] | None) -> RegisterRows:
    """Rows of the given vendors (every vendor when None), in seven set-based queries."""
    ids = sorted(set(vendor_ids)) if vendor_ids is not None else None
    vendors = {
        r.id: VendorRows(r) for r in await records(session, _VENDORS, VendorRecord, _V.id, ids)
    }
    for r in await records(session, _AGREEMENTS, AgreementRecord, _A.vendor_id, ids):
        if r.vendor_id in vendors:
            vendors[r.vendor_id].agreements.append(r)
    for r in await records(session, _TRANSFERS, TransferRecord, _T.vendor_id, ids):
        if r.vendor_id in vendors:
            vendors[r.vendor_id].transfers.append(r)
    for r in await records(session, _PROCESSINGS, ProcessingRecord, _P.vendor_id, ids):
        if r.vendor_id in vendors:
            vendors[r.vendor_id].data_subjects[r.id] = r.data_subject_categories or ()
            vendors[r.vendor_id].processings.append(r)
    for r in await records(session, _CONDITIONS, ConditionRecord, _I.vendor_id, ids):
        if r.vendor_id in vendors:
            vendors[r.vendor_id].conditions.append(r)
    for r in await records(session, _ASSESSMENTS, AssessmentRecord, _T.vendor_id, ids):
        if r.vendor_id in vendors:
            vendors[r.vendor_id].assessments.setdefault(r.transfer_id, []).append(r)
    children: dict[int, list[int]] = defaultdict(list)
    parents: dict[int, list[int]] = defaultdict(list)
    seen: set[tuple[int, int]] = set()
    found: dict[int, Link] = {}
    for column in (_L.vendor_id, _L.subprocessor_id):
        for r in await records(session, _LINKS, LinkRecord, column, ids):
            found[r.id] = Link(
                r.id, r.vendor_id, r.subprocessor_id, r.engaged_on, r.ended_on, r.notified_on
            )
            if (r.vendor_id, r.subprocessor_id) not in seen:
                seen.add((r.vendor_id, r.subprocessor_id))
                children[r.vendor_id].append(r.subprocessor_id)
                parents[r.subprocessor_id].append(r.vendor_id)
    links: dict[int, list[Link]] = defaultdict(list)
    links_up: dict[int, list[Link]] = defaultdict(list)
    for link_id in sorted(found):
        link = found[link_id]
        links[link.vendor_id].append(link)
        links_up[link.subprocessor_id].append(link)
    return RegisterRows(vendors, dict(children), dict(parents), dict(links), dict(links_up))


def build_facts(
    rows: Mapping[int, VendorRows],
    children: Mapping[int, list[int]],
    parents: Mapping[int, list[int]],
    as_of: date,
    vendor_ids: Iterable[int] | None = None,
) -> dict[int, VendorFacts]:
    """Engine facts of the given vendors (all when None) on ``as_of``."""
    wanted = rows.keys() if vendor_ids is None else [i for i in vendor_ids if i in rows]
    return {
        vendor_id: vendor_facts(rows[vendor_id], children, parents, as_of, rows)
        for vendor_id in wanted
    }


def vendor_facts(
    rows: VendorRows,
    children: Mapping[int, list[int]],
    parents: Mapping[int, list[int]],
    as_of: date,
    known: Mapping[int, Any],
) -> VendorFacts:
    v = rows.vendor
    agreements = tuple(
        [
            AgreementFacts(
                g.id,
                g.kind,
                g.scc_module,
                g.status,
                g.signed_on,
                g.effective_on,
                current_term_end(
                    g.effective_on or g.signed_on,
                    g.term,
                    g.ends_on,
                    g.auto_renew,
                    g.renewal_term,
                    as_of,
                ),
                g.terminated_on,
            )
            for g in rows.agreements
        ]
    )
    role = importer_role(v.role)
    assessments = rows.assessments
    data_subjects = rows.data_subjects
    contracts_by_link: dict[int | None, tuple[AgreementFacts, ...]] = {}
    transfers: list[TransferFacts] = []
    for r in rows.transfers:
        found = assessments.get(r.id)
        contracts = contracts_by_link.get(r.agreement_id)
        if contracts is None:
            contracts = contracts_by_link[r.agreement_id] = _contracts(r.agreement_id, agreements)
        # Positional, in the order of TransferFacts' fields (checked below at import): keyword
        # arguments cost as much as building the object itself, 50,000 times a day asked about.
        transfers.append(
            TransferFacts(
                r.id,
                r.destination_country,
                r.exporter_role,
                role,
                r.mechanism,
                r.scc_module,
                r.data_categories or (),
                r.frequency,
                r.adequacy_scope_confirmed,
                r.dpf_certified,
                r.dpf_hr_covered,
                r.dpf_verified_on,
                r.bcr_approval_ref,
                r.fallback_mechanism,
                r.started_on,
                r.ended_on,
                tuple(
                    [
                        AssessmentFacts(a.id, a.completed_on, a.conclusion, a.next_review_on)
                        for a in found
                    ]
                )
                if found
                else (),
                contracts,
                r.agreement_id,
                data_subjects.get(r.processing_id, ()),
                r.bcr_type,
                r.importer_in_group,
                r.approval_ref,
                r.combines_eu_data,
                r.third_country_order,
                r.international_agreement,
                r.limited_data_subjects,
                r.authority_informed_on,
                r.data_subjects_informed,
            )
        )
    linked = children.get(v.id)
    above = parents.get(v.id)
    return VendorFacts(
        v.id,
        v.name,
        v.role,
        v.status,
        agreements,
        tuple(transfers),
        tuple([c for c in linked if c in known]) if linked else (),
        tuple(above) if above else (),
        v.authorised_by_processor,
        tuple(
            (intake.id, number)
            for intake in sorted(rows.conditions, key=lambda r: r.id)
            for number, condition in enumerate(intake.conditions or (), start=1)
            if not condition.get("met_on")
        )
        if rows.conditions
        else (),
        v.country,
    )


_POSITIONAL: Final = (
    "id",
    "destination_country",
    "exporter_role",
    "importer_role",
    "mechanism",
    "scc_module",
    "data_categories",
    "frequency",
    "adequacy_scope_confirmed",
    "dpf_certified",
    "dpf_hr_covered",
    "dpf_verified_on",
    "bcr_approval_ref",
    "fallback_mechanism",
    "started_on",
    "ended_on",
    "assessments",
    "contracts",
    "agreement_id",
    "data_subjects",
    "bcr_type",
    "importer_in_group",
    "approval_ref",
    "combines_eu_data",
    "third_country_order",
    "international_agreement",
    "limited_data_subjects",
    "authority_informed_on",
    "data_subjects_informed",
)
_POSITIONAL_OTHERS: Final = {
    AgreementFacts: (
        "id",
        "kind",
        "scc_module",
        "status",
        "signed_on",
        "effective_on",
        "ends_on",
        "terminated_on",
    ),
    VendorFacts: (
        "id",
        "name",
        "role",
        "status",
        "agreements",
        "transfers",
        "subprocessor_ids",
        "parent_ids",
        "authorised_by_processor",
        "open_conditions",
        "country",
    ),
}
for _facts, _order in ((TransferFacts, _POSITIONAL), *_POSITIONAL_OTHERS.items()):
    if tuple(f.name for f in fields(_facts)) != _order:  # pragma: no cover
        raise ImportError(
            f"{_facts.__name__}' fields changed: update vendor_facts(), which passes them by "
            "position"
        )


def _contracts(
    linked: int | None, agreements: tuple[AgreementFacts, ...]
) -> tuple[AgreementFacts, ...]:
    """The vendor's agreements, the linked one first: the engine picks the one that covers the
    transfer by kind, module and dates (a link is a hint, never a safeguard by itself)."""
    if len(agreements) < 2 or agreements[0].id == linked:  # already in order (most vendors)
        return agreements
    return tuple(sorted(agreements, key=lambda a: a.id != linked))
