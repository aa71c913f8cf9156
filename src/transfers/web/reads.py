"""Read models for the pages: each gathers what one screen shows, through the domain services.

Queries the services do not offer yet (documents of a vendor, "did you mean") live here rather
than in a controller, so controllers stay parse -> read -> render.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process
from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers import register
from transfers.agreement import service as agreement_service
from transfers.agreement.schemas import AgreementRead
from transfers.compliance.clearance import cleared_for
from transfers.compliance.schemas import ANSWERS, Clearance
from transfers.compliance.service import (
    children_map,
    register_view,
    status_of,
    transfer_services,
)
from transfers.infra.cache import RegisterCache
from transfers.infra.gc import gc_paused
from transfers.infra.state import held
from transfers.intake import service as intake_service
from transfers.models import (
    Agreement,
    AgreementAttachment,
    Assessment,
    AuditEvent,
    Document,
    IntakeRequest,
    Processing,
    SubprocessorNotice,
    Transfer,
    Vendor,
)
from transfers.notice import service as notice_service
from transfers.notice.schemas import NoticeRead
from transfers.organisation import service as organisation_service
from transfers.reference import load_reference
from transfers.reminder.schemas import ReminderRead
from transfers.reminder.service import Filters, list_reminders
from transfers.rules.compliance import Compliance, Problem, register_compliance
from transfers.rules.status import VendorStatus, vendor_statuses
from transfers.settings import Settings
from transfers.vendor import service as vendor_service
from transfers.vendor.schemas import ChainNode, VendorRead

if TYPE_CHECKING:
    from transfers.document.versions import DocumentStatus

ATTENTION_DAYS = 30
#: Notices and intake requests shown on a vendor's page, newest first (the lists have the rest).
VENDOR_PAGE_ITEMS = 20
#: Register-wide views of the workspace, each valid at one register stamp.
_VIEWS: Final = RegisterCache("workspace views", size=8)


async def register_stamp(session: AsyncSession) -> tuple[Any, ...]:
    """The register version and its newest audit event (id and time): every change through the
    services writes an audit event, and every change at all (raw SQL, another tool) a register
    change, so a register-wide view computed at one stamp stays right until it moves."""
    newest = (
        await session.execute(
            select(AuditEvent.id, AuditEvent.occurred_at).order_by(AuditEvent.id.desc()).limit(1)
        )
    ).first()
    version = (await register.current(session)).version
    return (version, *newest) if newest else (version, 0, None)


async def _view(session: AsyncSession, key: tuple[Any, ...], compute: Any) -> Any:
    """``await compute()`` once per register stamp and ``key``."""
    stamp = await register_stamp(session)
    cached = _VIEWS.get(session, key, stamp)
    if cached is not None:
        return cached
    return _VIEWS.put(session, key, stamp, await compute())


async def register_on(
    session: AsyncSession, as_of: date, assume_invalid: str | None, assume_from: date | None
) -> Compliance:
    """``register_view`` once per register change and date (it evaluates every transfer)."""
    key = ("register", as_of, assume_invalid, assume_from)
    found: Compliance = await _view(
        session, key, lambda: register_view(session, as_of, assume_invalid, assume_from)
    )
    return found


async def reminders_on(
    session: AsyncSession, *, as_of: date, within_days: int, filters: Filters, settings: Settings
) -> list[ReminderRead]:
    """Reminders once per register change, day and filter (acknowledging one is audited too)."""
    key = ("reminders", as_of, within_days, filters)
    found: list[ReminderRead] = await _view(
        session,
        key,
        lambda: list_reminders(
            session, as_of=as_of, within_days=within_days, filters=filters, settings=settings
        ),
    )
    return found


#: Vendors shown per list on Today; "show all" links to the filtered list with the rest.
TODAY_VENDORS = 20
_SEVERITY: Final = {"unlawful": 0, "blocked": 0, "at_risk": 1, "conditional": 1}


@dataclass(frozen=True, slots=True)
class VendorProblems:
    """One vendor's transfers that need attention, as Today groups them."""

    status: VendorStatus
    problems: list[Problem]

    @property
    def worst(self) -> str:
        return self.problems[0].verdict


def urgency(status: VendorStatus, worst: str) -> tuple[int, date, str]:
    """Sort key: the most severe first, then the nearest deadline (none last), then the name."""
    return (_SEVERITY.get(worst, 2), status.next_deadline or date.max, status.vendor_name.lower())


def group_problems(
    problems: Iterable[Problem], statuses: dict[int, VendorStatus]
) -> list[VendorProblems]:
    """Problems grouped by vendor, unlawful before at risk inside each, the vendors by
    :func:`urgency`."""
    by_vendor: dict[int, list[Problem]] = {}
    for p in problems:
        by_vendor.setdefault(p.vendor_id, []).append(p)
    groups = [
        VendorProblems(statuses[vid], sorted(found, key=lambda p: _SEVERITY.get(p.verdict, 2)))
        for vid, found in by_vendor.items()
        if vid in statuses
    ]
    return sorted(groups, key=lambda g: urgency(g.status, g.worst))


@dataclass(frozen=True, slots=True)
class Today:
    as_of: date
    compliance: Compliance
    blocked: list[VendorStatus]
    conditional: list[VendorStatus]
    overdue: list[ReminderRead]
    upcoming: list[ReminderRead]
    problems: list[VendorProblems] = field(default_factory=list)


async def today(session: AsyncSession, *, as_of: date, settings: Settings) -> Today:
    """What needs attention on ``as_of``: computed once per register change and day."""
    found: Today = await _view(
        session, ("today", as_of), lambda: _today(session, as_of=as_of, settings=settings)
    )
    return found


async def _today(session: AsyncSession, *, as_of: date, settings: Settings) -> Today:
    ref = load_reference()
    snapshot = await register.current(session)
    facts = snapshot.facts(as_of)
    with gc_paused():
        statuses = vendor_statuses(facts.values(), as_of, ref, snapshot.memo(as_of, ref))
        compliance = register_compliance(facts.values(), as_of, reference=ref, statuses=statuses)
        blocked = [s for s in statuses.values() if s.status == "blocked"]
        conditional = [s for s in statuses.values() if s.status == "conditional"]
        blocked.sort(key=lambda s: urgency(s, s.status))
        conditional.sort(key=lambda s: urgency(s, s.status))
        problems = group_problems(compliance.problems, statuses)
    reminders = await list_reminders(
        session, as_of=as_of, within_days=ATTENTION_DAYS, filters=Filters(), settings=settings
    )
    return Today(
        as_of=as_of,
        compliance=compliance,
        blocked=blocked,
        conditional=conditional,
        overdue=[r for r in reminders if r.overdue],
        upcoming=[r for r in reminders if not r.overdue],
        problems=problems,
    )


async def vendors_with_status(
    session: AsyncSession,
    compliance: str,
    *,
    as_of: date,
    settings: Settings,
    limit: int,
    offset: int,
) -> tuple[list[Vendor], int]:
    """A page of the vendors whose status today is ``compliance`` (blocked or conditional), in
    Today's order (most urgent first): the list behind Today's "show all". The statuses come
    from Today's view (kept per register stamp); only the page's vendors are read."""
    view = await today(session, as_of=as_of, settings=settings)
    found = view.blocked if compliance == "blocked" else view.conditional
    ids = [s.vendor_id for s in found[offset : offset + limit] if s.vendor_id is not None]
    return await vendors_by_ids(session, ids), len(found)


async def vendors_by_ids(session: AsyncSession, ids: list[int]) -> list[Vendor]:
    """The vendors of ``ids``, in that order (a ranking made elsewhere)."""
    rows = {v.id: v for v in await session.scalars(select(Vendor).where(Vendor.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


async def statuses_for(
    session: AsyncSession, vendor_ids: list[int], as_of: date
) -> dict[int, VendorStatus]:
    """Compliance status of a page of vendors: their chains are loaded, not the register."""
    children = await children_map(session)
    wanted = set(vendor_ids)
    stack = list(wanted)
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in wanted:
                wanted.add(child)
                stack.append(child)
    snapshot = await register.current(session)
    facts = snapshot.facts(as_of, wanted)
    ref = load_reference()
    statuses = vendor_statuses(facts.values(), as_of, ref, snapshot.memo(as_of, ref))
    return {vid: statuses[vid] for vid in vendor_ids if vid in statuses}


@dataclass(frozen=True, slots=True)
class VendorPage:
    vendor: VendorRead
    status: VendorStatus
    agreements: list[AgreementRead]
    processings: list[Processing]
    chain: ChainNode
    names: dict[int, str]
    documents: list[Document]
    history: list[AuditEvent]
    attachments: dict[int, list[tuple[int, str]]]
    document_status: dict[int, DocumentStatus] = field(default_factory=dict)
    notices: list[NoticeRead] = field(default_factory=list)
    intakes: list[IntakeRequest] = field(default_factory=list)


async def vendor_page(session: AsyncSession, *, vendor_id: int, as_of: date) -> VendorPage:
    from transfers.document.versions import statuses as document_statuses

    vendor = await vendor_service.get_vendor(session, vendor_id)
    read = await vendor_service.read_vendor(session, vendor)
    agreements, _ = await agreement_service.list_agreements(
        session, vendor_id=vendor_id, kind=None, status=None, limit=500, offset=0
    )
    processings, _ = await organisation_service.list_processings(session, vendor_id, 500, 0)
    linked = set(read.parent_vendor_ids)
    names = dict(
        (await session.execute(select(Vendor.id, Vendor.name).where(Vendor.id.in_(linked)))).all()
    )
    documents = await documents_of(session, vendor_id=vendor_id)
    history = await vendor_history(session, vendor_id)
    attachments: dict[int, list[tuple[int, str]]] = {}
    rows = await session.execute(
        select(
            AgreementAttachment.agreement_id, AgreementAttachment.id, AgreementAttachment.filename
        )
        .where(AgreementAttachment.agreement_id.in_([a.id for a in agreements]))
        .order_by(AgreementAttachment.id)
    )
    for agreement_id, attachment_id, filename in rows:
        attachments.setdefault(agreement_id, []).append((attachment_id, filename))
    # The workflow around this vendor (issue 12): its sub-processor notices and intake requests.
    notices, _ = await notice_service.list_notices(
        session, state=None, vendor_id=vendor_id, overdue_on=None, limit=VENDOR_PAGE_ITEMS, offset=0
    )
    intakes, _ = await intake_service.list_intakes(
        session, state=None, vendor_id=vendor_id, limit=VENDOR_PAGE_ITEMS, offset=0
    )
    return VendorPage(
        vendor=read,
        status=await status_of(session, vendor_id, as_of),
        agreements=[agreement_service.to_read(a, as_of) for a in agreements],
        processings=processings,
        chain=await vendor_service.chain(session, vendor),
        names=names,
        documents=documents,
        history=history,
        attachments=attachments,
        document_status={s.document.id: s for s in await document_statuses(session, documents)},
        notices=[notice_service.to_read(n, as_of) for n in notices],
        intakes=intakes,
    )


#: Changes shown in a vendor's timeline, newest first (the audit log has the rest).
HISTORY_ITEMS = 100


async def vendor_history(
    session: AsyncSession, vendor_id: int, *, limit: int = HISTORY_ITEMS
) -> list[AuditEvent]:
    """Every change to the vendor and what belongs to it (agreements, processings, transfers,
    their assessments, sub-processor notices, intake requests and their decisions, the chain),
    newest first, in one statement.

    Audit events name their entity by type and id, so each kind of child is one
    ``entity_type = ... AND entity_id IN (ids of the vendor's rows)`` branch, each served by the
    ``(entity_type, entity_id)`` index. A child deleted since is no longer found by its id; its
    deletion stays in the audit log."""
    transfers = select(Transfer.id).where(Transfer.vendor_id == vendor_id)
    children: list[tuple[str, Any]] = [
        ("agreement", select(Agreement.id).where(Agreement.vendor_id == vendor_id)),
        ("processing", select(Processing.id).where(Processing.vendor_id == vendor_id)),
        ("transfer", transfers),
        ("assessment", select(Assessment.id).where(Assessment.transfer_id.in_(transfers))),
        (
            "subprocessor_notice",
            select(SubprocessorNotice.id).where(SubprocessorNotice.vendor_id == vendor_id),
        ),
        ("intake_request", select(IntakeRequest.id).where(IntakeRequest.vendor_id == vendor_id)),
    ]
    own = ("vendor", "vendor_chain", "vendor_engagement")
    found = await session.scalars(
        select(AuditEvent)
        .where(
            or_(
                and_(AuditEvent.entity_type.in_(own), AuditEvent.entity_id == vendor_id),
                *(
                    and_(AuditEvent.entity_type == kind, AuditEvent.entity_id.in_(ids))
                    for kind, ids in children
                ),
            )
        )
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    return list(found.all())


async def documents_of(
    session: AsyncSession,
    *,
    vendor_id: int | None = None,
    transfer_ids: list[int] | None = None,
    assessment_ids: list[int] | None = None,
    limit: int = 50,
) -> list[Document]:
    """Documents generated for a vendor, a transfer or an assessment, newest first. A vendor's
    list includes those generated from its transfers and their assessments (a TIA names the
    assessment, not the vendor), so everything written about a vendor is found on its page."""
    conditions: list[Any] = []
    if vendor_id is not None:
        transfers = select(Transfer.id).where(Transfer.vendor_id == vendor_id)
        conditions += [
            Document.vendor_id == vendor_id,
            Document.transfer_id.in_(transfers),
            Document.assessment_id.in_(
                select(Assessment.id).where(Assessment.transfer_id.in_(transfers))
            ),
        ]
    if transfer_ids:
        conditions.append(Document.transfer_id.in_(transfer_ids))
    if assessment_ids:
        conditions.append(Document.assessment_id.in_(assessment_ids))
    if not conditions:
        return []
    found = await session.scalars(
        select(Document).where(or_(*conditions)).order_by(Document.id.desc()).limit(limit)
    )
    return list(found.all())


@dataclass(frozen=True, slots=True)
class CheckAnswer:
    """What the procurement check says beyond the verdict: what the vendor is cleared for, the
    service each transfer serves (two transfers to one country are told apart by it), and whom
    to ask (the vendor's owner here, and who decided its latest intake request)."""

    answer: str
    clearance: Clearance
    services: dict[int, str]
    owner: str | None
    decided_by: str | None


async def check_answer(
    session: AsyncSession, vendor: Vendor, status: VendorStatus, as_of: date
) -> CheckAnswer:
    """The buyer's answer for ``vendor``: the clearance comes from the register snapshot that
    ``status_of`` has just brought up to date; two small reads add the services and the
    decider."""
    _status, cleared = await cleared_for(session, vendor.id, status, as_of)
    decided_by = await session.scalar(
        select(IntakeRequest.decided_by)
        .where(
            IntakeRequest.vendor_id == vendor.id,
            IntakeRequest.decided_by.is_not(None),
            IntakeRequest.state.in_(("approved", "approved_with_conditions")),
        )
        .order_by(IntakeRequest.id.desc())
        .limit(1)
    )
    return CheckAnswer(
        answer=ANSWERS.get(status.status, "no"),
        clearance=cleared,
        services=await transfer_services(session, vendor.id),
        owner=vendor.owner,
        decided_by=decided_by,
    )


@dataclass(frozen=True, slots=True)
class CheckResult:
    matches: list[tuple[int, str, str | None]]
    suggestions: list[str]
    close: list[tuple[int, str, str | None]] = field(default_factory=list)
    """The vendors whose names are close to a text no name contains (a typo), best first."""


#: The least rapidfuzz WRatio (0-100) at which a registered name is offered for a typed one.
SUGGEST_CUTOFF = 72
SUGGESTIONS = 5
#: A text (letters and digits only) this long or longer is also looked for inside business IDs.
ID_PART = 3


def _alnum(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


@dataclass(frozen=True, slots=True)
class Found:
    """Vendors found for a typed text, best first: ``contains`` those whose name or business ID
    contains it (the better score first), ``close`` those only near it (a typo)."""

    contains: list[tuple[int, str, str | None]]
    close: list[tuple[int, str, str | None]]

    @property
    def ids(self) -> list[int]:
        return [i for i, _n, _b in self.contains + self.close]


@dataclass(frozen=True, slots=True)
class NameIndex:
    """What the search compares, prepared once per register snapshot version: each vendor's
    name as rapidfuzz's processor leaves it, its name and legal name in lower case and its
    business ID's letters and digits (preparing 10,000 names on every keystroke was 30 ms)."""

    processed: dict[int, str]
    lower: dict[int, str]
    ids: dict[int, str]


def name_index(session: AsyncSession, snapshot: Any) -> NameIndex:
    """The search's index of ``snapshot``, kept per engine for the shared snapshot's version (a
    session's private snapshot, after a write, builds its own)."""
    kept: dict[str, Any] = held(session, "vendor name index", dict)
    version, vendors = snapshot.version, snapshot.vendors
    if (
        version is not None
        and kept.get("snapshot") is snapshot
        and kept.get("version") == version
        and kept.get("size") == len(vendors)
    ):
        index: NameIndex = kept["index"]
        return index
    processed: dict[int, str] = {}
    lower: dict[int, str] = {}
    ids: dict[int, str] = {}
    for vid, rows in vendors.items():
        vendor = rows.vendor
        processed[vid] = default_process(vendor.name)
        legal = getattr(vendor, "legal_name", None) or ""
        lower[vid] = f"{vendor.name.lower()}\n{legal.lower()}"
        ids[vid] = _alnum(getattr(vendor, "business_id", None) or "")
    index = NameIndex(processed, lower, ids)
    if version is not None:
        kept.update(snapshot=snapshot, version=version, size=len(vendors), index=index)
    return index


async def search_vendors(session: AsyncSession, text: str, *, limit: int = 20) -> Found:
    """Vendors by part of a name or business ID, forgiving typos, best first.

    Reads the names and business IDs the register snapshot already holds in memory (a keystroke
    reads no name from the database): a name or an ID that contains the text (an ID compared on
    its letters and digits, "JP778899" finds "JP-778899") is found first, ranked by rapidfuzz's
    WRatio; then names at least :data:`SUGGEST_CUTOFF` near it (token-aware: word order, a part
    of the name and a misspelt word all score)."""
    needle = " ".join(text.split())
    if not needle:
        return Found([], [])
    snapshot = await register.current(session)
    index = name_index(session, snapshot)
    low, digits, query = needle.lower(), _alnum(needle), default_process(needle)
    inside = {
        vid
        for vid, names in index.lower.items()
        if low in names or (len(digits) >= ID_PART and digits in index.ids[vid])
    }
    near = {
        key: score
        for _name, score, key in process.extract(
            query,
            index.processed,
            scorer=fuzz.WRatio,
            processor=None,
            score_cutoff=SUGGEST_CUTOFF,
            limit=None,
        )
    }

    def score(vid: int) -> float:
        found = near.get(vid)
        return found if found is not None else fuzz.WRatio(query, index.processed[vid])

    def row(vid: int) -> tuple[int, str, str | None]:
        vendor = snapshot.vendors[vid].vendor
        return (vid, vendor.name, getattr(vendor, "business_id", None))

    def name(vid: int) -> str:
        return str(snapshot.vendors[vid].vendor.name).lower()

    ranked = sorted(inside, key=lambda v: (-score(v), name(v)))[:limit]
    close = sorted((v for v in near if v not in inside), key=lambda v: (-near[v], name(v)))
    return Found([row(v) for v in ranked], [row(v) for v in close[: max(0, limit - len(ranked))]])


async def find_vendors(session: AsyncSession, text: str, *, limit: int = 20) -> CheckResult:
    """Vendors whose name or business ID contains ``text``, best first; when none does, the
    vendors whose names are closest to it ("did you mean"), so a typo still finds the vendor
    (:func:`search_vendors`)."""
    found = await search_vendors(session, text, limit=limit)
    close = found.close[:SUGGESTIONS] if not found.contains else []
    return CheckResult(
        matches=found.contains, suggestions=[name for _i, name, _b in close], close=close
    )


#: The least WRatio at which a new vendor's name is taken for a registered one ("Northwind
#: Cloud" for "Northwind Cloud LLC"): a warning with a link, which the person may pass.
DUPLICATE_CUTOFF = 88


#: Company forms that two different companies share ("Forged Oy", "Maksupalvelu Oy"): left out
#: when names are compared for duplicates, so the form alone never makes two names alike.
COMPANY_FORMS: Final = frozenset(
    [
        "oy",
        "oyj",
        "ab",
        "abp",
        "ky",
        "tmi",
        "ltd",
        "limited",
        "llc",
        "llp",
        "lp",
        "inc",
        "corp",
        "corporation",
        "co",
        "company",
        "plc",
        "gmbh",
        "ag",
        "se",
        "sa",
        "sas",
        "sarl",
        "bv",
        "nv",
        "srl",
        "spa",
        "as",
        "asa",
        "aps",
        "kk",
        "pte",
        "pvt",
    ]
)


def _core(name: str) -> str:
    """A name without its company form, for comparing ("K.K." and "KK" alike)."""
    words = default_process(re.sub(r"\b(\w)\.(?=\w\.)", r"\1", name)).split()
    kept = [w for w in words if w not in COMPANY_FORMS]
    return " ".join(kept or words)


async def likely_duplicates(
    session: AsyncSession, name: str, business_id: str | None = None, *, limit: int = 5
) -> list[tuple[int, str, str | None]]:
    """Registered vendors that a new vendor ``name`` (or ``business_id``) is probably the same
    as, best first: the same business ID (letters and digits compared) or a name at least
    :data:`DUPLICATE_CUTOFF` alike once company forms are left out. Read from the register
    snapshot, as the search is."""
    snapshot = await register.current(session)
    wanted_id = _alnum(business_id or "")
    same_id = [
        vid
        for vid, rows in snapshot.vendors.items()
        if wanted_id and _alnum(getattr(rows.vendor, "business_id", None) or "") == wanted_id
    ]
    names = {vid: rows.vendor.name for vid, rows in snapshot.vendors.items()}
    alike = process.extract(
        _core(name),
        {vid: _core(n) for vid, n in names.items()},
        scorer=fuzz.WRatio,
        processor=None,
        score_cutoff=DUPLICATE_CUTOFF,
        limit=None,
    )
    ranked = [vid for _n, _s, vid in sorted(alike, key=lambda m: (-m[1], names[m[2]].lower()))]
    ids = list(dict.fromkeys([*same_id, *ranked]))[:limit]
    return [
        (vid, names[vid], getattr(snapshot.vendors[vid].vendor, "business_id", None)) for vid in ids
    ]


def similar_names(needle: str, names: Iterable[str], *, limit: int = SUGGESTIONS) -> list[str]:
    """The ``names`` closest to ``needle``, best first (ties by name)."""
    found = process.extract(
        needle,
        sorted(set(names)),
        scorer=fuzz.WRatio,
        processor=default_process,
        score_cutoff=SUGGEST_CUTOFF,
        limit=None,
    )
    ranked = sorted(found, key=lambda m: (-m[1], m[0].lower()))
    return [name for name, _score, _index in ranked[:limit]]


def version_changes(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Fields that differ between the version a person edited and the current one."""
    return [(k, before.get(k), after.get(k)) for k in after if before.get(k) != after.get(k)]


# -- forms23: what the form pickers offer ------------------------------------------------------


@dataclass(slots=True)
class PickerRows:
    """The related records a form chooses from by a readable label: the vendor's agreements
    (with kind, module, status and dates), the organisations, the vendor's processings."""

    agreements: list[Any] = field(default_factory=list)
    organisations: list[tuple[int, str]] = field(default_factory=list)
    processings: list[tuple[int, str]] = field(default_factory=list)


async def picker_rows(session: AsyncSession, vendor_id: int | None) -> PickerRows:
    out = PickerRows()
    orgs, _ = await organisation_service.list_organisations(session, 500, 0)
    out.organisations = [(o.id, o.name) for o in orgs]
    if vendor_id is None:
        return out
    agreements, _ = await agreement_service.list_agreements(
        session, vendor_id=vendor_id, kind=None, status=None, limit=500, offset=0
    )
    out.agreements = list(agreements)
    processings, _ = await organisation_service.list_processings(session, vendor_id, 500, 0)
    out.processings = [(p.id, p.service) for p in processings]
    return out


async def link_dates(session: AsyncSession, vendor_id: int) -> dict[int, tuple[Any, Any]]:
    """Each sub-processor's engagement dates for ``vendor_id`` (engaged from, until), from the
    register read model."""
    snapshot = await register.current(session)
    return {
        link.subprocessor_id: (link.engaged_on, link.ended_on)
        for link in snapshot.links_of(vendor_id)
    }


# -- forms23: what a vendor's documents still need ---------------------------------------------


async def document_targets(session: AsyncSession, vendor_id: int) -> Any:
    """The records a vendor's DPA reads (its first processing, that processing's organisation
    or else the first one, its Art. 28 agreement), for the missing-data checklist's links."""
    from transfers.web.checklist import Targets

    snapshot = await register.current(session)
    processing_id = snapshot.first_processing(vendor_id)
    processing = await session.get(Processing, processing_id) if processing_id else None
    organisation_id = processing.organisation_id if processing else None
    if organisation_id is None:
        orgs, _ = await organisation_service.list_organisations(session, 1, 0)
        organisation_id = orgs[0].id if orgs else None
    agreements, _ = await agreement_service.list_agreements(
        session, vendor_id=vendor_id, kind=None, status=None, limit=500, offset=0
    )
    ref = load_reference()
    art28 = [a for a in agreements if ref.covers_art28(a.kind, a.scc_module)]
    art28.sort(key=lambda a: (a.status == "signed", a.kind == "dpa", a.id), reverse=True)
    return Targets(
        vendor_id,
        processing_id=processing_id,
        organisation_id=organisation_id,
        agreement_id=art28[0].id if art28 else None,
    )


async def document_missing(
    session: AsyncSession, *, kind: str, language: str, vendor_id: int, as_of: date
) -> list[str]:
    """What the register lacks for a vendor's document of ``kind`` (nothing: it generates),
    by gathering it as a generation would, without rendering or storing anything."""
    from transfers.common.problems import ProblemError
    from transfers.document import service as document_service

    try:
        await document_service.build_context(
            session,
            kind=kind,
            language=language,
            vendor_id=vendor_id,
            transfer_id=None,
            assessment_id=None,
            as_of=as_of,
            since=None,
            template_version="check",
        )
    except ProblemError as exc:
        # Another refusal (a sub-processor another vendor engaged) is no missing data: the
        # document page says it when someone generates the document.
        return [str(m) for m in exc.extra.get("missing", [])] if exc.slug == "missing-data" else []
    return []


async def dpa_checklist(session: AsyncSession, vendor_id: int, language: str) -> list[Any]:
    """What a processor's DPA still needs, as checklist items linking to the forms (empty for
    a vendor that is a controller towards us: it gets no Art. 28 DPA)."""
    from transfers.web.checklist import checklist

    vendor = await vendor_service.get_vendor(session, vendor_id)
    if vendor.role in ("controller", "joint_controller"):
        return []
    missing = await document_missing(
        session, kind="dpa", language=language, vendor_id=vendor_id, as_of=date.today()
    )
    if not missing:
        return []
    return checklist(missing, await document_targets(session, vendor_id))
