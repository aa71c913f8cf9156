"""Read models for the pages: each gathers what one screen shows, through the domain services.

Queries the services do not offer yet (documents of a vendor, "did you mean") live here rather
than in a controller, so controllers stay parse -> read -> render.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Final

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process
from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers import register
from transfers.agreement import service as agreement_service
from transfers.agreement.schemas import AgreementRead
from transfers.audit.service import list_events
from transfers.compliance.service import children_map, register_view, status_of
from transfers.infra.cache import RegisterCache
from transfers.infra.gc import gc_paused
from transfers.intake import service as intake_service
from transfers.models import (
    AgreementAttachment,
    Assessment,
    AuditEvent,
    Document,
    IntakeRequest,
    Processing,
    Transfer,
    Vendor,
)
from transfers.notice import service as notice_service
from transfers.notice.schemas import NoticeRead
from transfers.organisation import service as organisation_service
from transfers.reference import load_reference
from transfers.reminder.schemas import ReminderRead
from transfers.reminder.service import Filters, list_reminders
from transfers.rules.compliance import Compliance, register_compliance
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


@dataclass(frozen=True, slots=True)
class Today:
    as_of: date
    compliance: Compliance
    blocked: list[VendorStatus]
    conditional: list[VendorStatus]
    overdue: list[ReminderRead]
    upcoming: list[ReminderRead]


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
    by_name = sorted(statuses.values(), key=lambda s: s.vendor_name.lower())
    reminders = await list_reminders(
        session, as_of=as_of, within_days=ATTENTION_DAYS, filters=Filters(), settings=settings
    )
    return Today(
        as_of=as_of,
        compliance=compliance,
        blocked=[s for s in by_name if s.status == "blocked"],
        conditional=[s for s in by_name if s.status == "conditional"],
        overdue=[r for r in reminders if r.overdue],
        upcoming=[r for r in reminders if not r.overdue],
    )


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
    history, _ = await list_events(session, entity_type="vendor", entity_id=vendor_id, limit=50)
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
class CheckResult:
    matches: list[tuple[int, str, str | None]]
    suggestions: list[str]


#: The least rapidfuzz WRatio (0-100) at which a registered name is offered for a typed one.
SUGGEST_CUTOFF = 72
SUGGESTIONS = 5


async def find_vendors(session: AsyncSession, text: str, *, limit: int = 20) -> CheckResult:
    """Vendors whose name or business ID contains ``text``; when none does, the registered
    names closest to it, best first ("did you mean"), so a typo still finds the vendor.

    Similarity is rapidfuzz's WRatio (token-aware: word order, a partial name and a misspelt
    word all score) over the names the register snapshot already holds in memory: a keystroke
    costs no read of every name from the database.
    """
    needle = " ".join(text.split())
    pattern = f"%{needle}%"
    rows = (
        await session.execute(
            select(Vendor.id, Vendor.name, Vendor.business_id)
            .where(
                or_(
                    Vendor.name.ilike(pattern),
                    Vendor.legal_name.ilike(pattern),
                    Vendor.business_id.ilike(pattern),
                )
            )
            .order_by(func.lower(Vendor.name))
            .limit(limit)
        )
    ).all()
    matches = [(int(r.id), str(r.name), r.business_id) for r in rows]
    suggestions: list[str] = []
    if not matches and needle:
        snapshot = await register.current(session)
        names = {rows.vendor.name for rows in snapshot.vendors.values()}
        suggestions = similar_names(needle, names)
    return CheckResult(matches=matches, suggestions=suggestions)


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
