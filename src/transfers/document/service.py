"""Gather what a document needs from the register, render it, store it with its snapshot."""

from __future__ import annotations

import hashlib
import importlib
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.assessment.risk import Scenario
from transfers.audit.crud import paginate
from transfers.audit.service import record
from transfers.auth.schemas import Actor
from transfers.common.problems import ProblemError, invalid, not_found
from transfers.document import context as ctx
from transfers.document.kinds import KINDS, LANGUAGES
from transfers.document.render import RenderError, builtin_template, render_docx, validate_template
from transfers.document.stale import Used
from transfers.document.worker import run_in_worker
from transfers.models import (
    Agreement,
    Assessment,
    Document,
    DocumentTemplate,
    Organisation,
    Processing,
    Transfer,
    Vendor,
    VendorSubprocessor,
)
from transfers.reference import load_reference
from transfers.register.snapshot import current
from transfers.rules.calendar import current_term_end
from transfers.rules.evaluate import evaluate_transfer

_LINK = VendorSubprocessor.__table__.c

VENDOR_KINDS = frozenset({"dpa", "subprocessor_list"})
TRANSFER_KINDS = frozenset({"scc_annexes"})
ASSESSMENT_KINDS = frozenset({"tia"})
REVERTED = b""
"""Content of a template version that stands for the built-in template (a revert)."""
REGISTER_KINDS = frozenset({"privacy_notice_section", "record_extract", "subprocessor_list"})


def _missing(exc: ctx.MissingDataError) -> ProblemError:
    return ProblemError(
        422,
        "missing-data",
        "The register lacks data this document needs: " + "; ".join(exc.missing),
        title="Missing register data",
        errors=[{"field": m, "message": "missing"} for m in exc.missing],
        missing=exc.missing,
    )


async def template_for(session: AsyncSession, kind: str, language: str) -> tuple[bytes, str]:
    """The newest uploaded version for the kind and language, else the built-in template."""
    row = await session.scalar(
        select(DocumentTemplate)
        .where(DocumentTemplate.kind == kind, DocumentTemplate.language == language)
        .order_by(DocumentTemplate.version.desc())
        .limit(1)
    )
    if row is None:
        return builtin_template(language, kind), "builtin"
    await session.refresh(row, ["content"])
    if row.content == REVERTED:
        return builtin_template(language, kind), "builtin"
    return row.content, f"v{row.version}"


async def _org(session: AsyncSession, org_id: int | None, used: Used) -> ctx.OrgData | None:
    org = await session.get(Organisation, org_id) if org_id else None
    if org is None:
        org = await session.scalar(select(Organisation).order_by(Organisation.id).limit(1))
    if org is None:
        return None
    used.add("organisation", org)
    return ctx.OrgData(
        org.name,
        org.business_id,
        org.address,
        org.country,
        org.dpo_name,
        org.dpo_email,
        org.supervisory_authority,
    )


def _vendor(v: Vendor) -> ctx.VendorData:
    contact = next(iter(v.contacts or ()), None)
    contact_text = (
        ", ".join(x for x in (contact.get("name"), contact.get("role"), contact.get("email")) if x)
        if contact
        else None
    )
    return ctx.VendorData(
        v.id,
        v.name,
        v.legal_name,
        v.business_id,
        v.country,
        v.role,
        address=v.address,
        contact=contact_text,
        category=v.category,
    )


async def _processing(
    session: AsyncSession, vendor_id: int, used: Used
) -> tuple[ctx.ProcessingData | None, int | None]:
    return _processing_data(await _first_processing(session, vendor_id), used)


def _processing_data(
    p: Processing | None, used: Used
) -> tuple[ctx.ProcessingData | None, int | None]:
    if p is None:
        return None, None
    used.add("processing", p)
    data = ctx.ProcessingData(
        p.service,
        p.nature,
        tuple(p.purposes or ()),
        tuple(p.data_categories or ()),
        tuple(p.data_subject_categories or ()),
        p.special_categories,
        p.criminal_data,
        p.retention,
        p.technical_measures,
        our_role=p.our_role,
        controller=p.controller,
        translations=p.translations,
        measures_catalogue=p.measures_catalogue,
    )
    return data, p.organisation_id


async def _first_processing(session: AsyncSession, vendor_id: int) -> Processing | None:
    """The vendor's first processing record (the one its documents describe)."""
    return await session.scalar(
        select(Processing).where(Processing.vendor_id == vendor_id).order_by(Processing.id).limit(1)
    )


async def _art28_agreement(
    session: AsyncSession, vendor_id: int, as_of: date, used: Used
) -> ctx.AgreementData | None:
    rows = (
        await session.scalars(
            select(Agreement).where(Agreement.vendor_id == vendor_id).order_by(Agreement.id.desc())
        )
    ).all()
    ref = load_reference()
    candidates = [a for a in rows if ref.covers_art28(a.kind, a.scc_module)]
    # Prefer a signed agreement, then a DPA proper over SCCs, then the newest.
    candidates.sort(key=lambda a: (a.status == "signed", a.kind == "dpa", a.id), reverse=True)
    chosen = candidates[0] if candidates else None
    if chosen is None:
        return None
    used.add("agreement", chosen)
    start = chosen.effective_on or chosen.signed_on
    end = current_term_end(
        start, chosen.term, chosen.ends_on, chosen.auto_renew, chosen.renewal_term, as_of
    )
    return ctx.AgreementData(
        chosen.kind,
        start,
        end,
        chosen.term,
        chosen.auto_renew,
        chosen.renewal_term,
        chosen.notice_period,
        chosen.subprocessor_authorisation,
        chosen.objection_period_days,
    )


def reason_message(reason: Any, language: str | None) -> str:
    """A reason's sentence in the document's language when the rules engine provides one
    (``transfers.rules.messages.reason_text``), else its message."""
    if language is None:
        return str(reason.message)
    try:
        messages = importlib.import_module("transfers.rules.messages")
    except ImportError:
        return str(reason.message)
    return str(messages.reason_text(reason, language))


async def _transfer_data(
    session: AsyncSession,
    vendor_ids: set[int] | None,
    as_of: date,
    used: Used,
    language: str | None = None,
    own: dict[int, Processing] | None = None,
) -> list[ctx.TransferData]:
    """The transfers of ``vendor_ids`` (all when None) with the engine's verdict on ``as_of``,
    from the register read model; rows are joined on ids, never on names. ``own``: the
    vendors' own processings, when the caller has read them already."""
    facts = used.snapshot.facts(as_of, vendor_ids)
    ref = load_reference()
    rows = (
        {
            t.id: t
            for t in (
                await session.scalars(select(Transfer).where(Transfer.vendor_id.in_(list(facts))))
            ).all()
        }
        if facts
        else {}
    )
    processings = dict(own) if own is not None else await _processings(session, set(facts))
    missing_own = set(facts) - set(processings)
    if missing_own:
        # A sub-processor without a processing of its own works for its parent's processing.
        processings |= await _inherited(session, missing_own)
    by_id = {p.id: p for p in processings.values()}
    if any(r.processing_id and r.processing_id not in by_id for r in rows.values()):
        ids = [r.processing_id for r in rows.values() if r.processing_id]
        by_id |= {
            p.id: p
            for p in (await session.scalars(select(Processing).where(Processing.id.in_(ids)))).all()
        }
    out = []
    for vendor_id, vendor in facts.items():
        for t in vendor.transfers:
            evaluation = evaluate_transfer(t, as_of, ref)
            row = rows.get(t.id) if t.id is not None else None
            processing = (
                by_id.get(row.processing_id) if row and row.processing_id else None
            ) or processings.get(vendor_id)
            used.add("transfer", row)
            used.add("processing", processing)
            out.append(
                ctx.TransferData(
                    id=t.id or 0,
                    vendor_name=vendor.name,
                    destination_country=t.destination_country,
                    exporter_role=t.exporter_role,
                    importer_role=t.importer_role,
                    mechanism=t.mechanism,
                    scc_module=t.scc_module,
                    data_categories=t.data_categories,
                    frequency=t.frequency,
                    transfer_type=row.transfer_type if row else "storage",
                    description=row.description if row else None,
                    supplementary_measures=row.supplementary_measures if row else None,
                    verdict=evaluation.verdict,
                    reasons=tuple(
                        {
                            "code": r.code,
                            "message": reason_message(r, language),
                            "citation": r.citation,
                        }
                        for r in evaluation.reasons
                    ),
                    is_third_country=ref.is_third_country(t.destination_country, as_of),
                    active=evaluation.active,
                    vendor_id=vendor_id,
                    our_role=processing.our_role if processing else t.exporter_role,
                    processing_service=processing.service if processing else None,
                    purposes=tuple(processing.purposes or ()) if processing else (),
                    controller=processing.controller if processing else None,
                    fallback_mechanism=row.fallback_mechanism if row else None,
                    translations=processing.translations if processing else None,
                    started_on=row.started_on if row else None,
                )
            )
    return sorted(out, key=lambda t: t.id)


async def _processings(session: AsyncSession, vendor_ids: set[int]) -> dict[int, Processing]:
    """Each vendor's first processing record (the one its documents describe)."""
    if not vendor_ids:
        return {}
    rows = (
        await session.scalars(
            select(Processing)
            .where(Processing.vendor_id.in_(list(vendor_ids)))
            .order_by(Processing.id.desc())
        )
    ).all()
    return {p.vendor_id: p for p in rows}


async def _inherited(session: AsyncSession, vendor_ids: set[int]) -> dict[int, Processing]:
    """The processing each of ``vendor_ids`` works for through its first parent link (the
    lowest link id), going up the chain past parents with none of their own; a level of the
    chain costs two small queries for all the vendors at once, never a read of every link."""
    out: dict[int, Processing] = {}
    walks = {vid: ({vid}, vid) for vid in vendor_ids}  # vendor -> (seen, node reached)
    first = select(func.min(_LINK.id)).group_by(_LINK.subprocessor_id)
    while walks:
        nodes = {node for _, node in walks.values()}
        parent = {
            child: parent
            for child, parent in (
                await session.execute(
                    select(_LINK.subprocessor_id, _LINK.vendor_id).where(
                        _LINK.id.in_(first.where(_LINK.subprocessor_id.in_(list(nodes))))
                    )
                )
            ).all()
        }
        ahead = {}
        for vid, (seen, node) in walks.items():
            up = parent.get(node)
            if up is not None and up not in seen:
                seen.add(up)
                ahead[vid] = (seen, up)
        found = await _processings(session, {up for _, up in ahead.values()})
        walks = {}
        for vid, (seen, up) in ahead.items():
            if up in found:
                out[vid] = found[up]
            else:
                walks[vid] = (seen, up)
    return out


async def _links(session: AsyncSession, vendor_ids: set[int] | None = None) -> list[Any]:
    """Sub-processor links (of ``vendor_ids`` as parents, all when None), in id order."""
    stmt = select(VendorSubprocessor).order_by(VendorSubprocessor.id)
    if vendor_ids is not None:
        if not vendor_ids:
            return []
        stmt = stmt.where(VendorSubprocessor.vendor_id.in_(list(vendor_ids)))
    return list((await session.scalars(stmt)).all())


def _current(link: VendorSubprocessor, as_of: date) -> bool:
    """A link counts on ``as_of`` unless its engagement has not started or has ended."""
    started = link.engaged_on is None or link.engaged_on <= as_of
    return started and (link.ended_on is None or link.ended_on > as_of)


async def _vendor_rows(
    session: AsyncSession,
    vendor_ids: set[int],
    parent_of: dict[int, int],
    as_of: date,
    language: str,
    used: Used,
) -> list[ctx.SubprocessorRow]:
    """One row per vendor: its own country, what it does (its processing), and the safeguard
    of its own transfers. A third-country entity is never shown as "EU/EEA": without a
    transfer of its own it receives the data from its parent in its country (SCC Clause 8.7
    onward transfer); an invalid safeguard is refused, never published."""
    if not vendor_ids:
        return []
    ref = load_reference()
    vendors = {
        v.id: v
        for v in (
            await session.scalars(select(Vendor).where(Vendor.id.in_(list(vendor_ids))))
        ).all()
    }
    processings = await _processings(session, vendor_ids)
    transfers = await _transfer_data(session, vendor_ids, as_of, used, own=processings)
    names = _names(used)
    used.add_all("vendor", vendors.values())
    used.add_all("processing", processings.values())
    used.derive(vendor_ids, "subprocessor_ids")
    rows: list[ctx.SubprocessorRow] = []
    missing: list[str] = []
    for vid in sorted(vendor_ids, key=lambda i: vendors[i].name.lower()):
        v = vendors[vid]
        own = [t for t in transfers if t.vendor_id == vid and t.active and t.is_third_country]
        invalid = [t for t in own if ctx.invalid_safeguard(t, as_of)]
        missing += [
            f"transfer {t.id} to {t.destination_country} ({v.name}) has no valid safeguard "
            f"({t.mechanism})"
            for t in invalid
        ]
        mechs = sorted({ctx.mechanism_name(t.mechanism, language) for t in own if t not in invalid})
        if mechs:
            mechanism = "; ".join(mechs)
        elif ref.is_third_country(v.country, as_of):
            parent = names.get(parent_of.get(vid, 0))
            mechanism = (
                ctx.LABELS[language]["received_from"].format(
                    parent=parent, country=ctx.country_name(v.country, language)
                )
                if parent
                else ctx.LABELS[language]["no_transfer_recorded"]
            )
        else:
            mechanism = ctx.LABELS[language]["eea"]
        processing = processings.get(vid)
        purpose = (
            ctx.localised(processing.service, processing.translations, "service", language)
            if processing
            else ctx.term("vendor_categories", v.category, language)
        )
        rows.append(
            ctx.SubprocessorRow(
                v.name,
                v.country,
                purpose,
                mechanism,
                vendor_id=vid,
                parent=names.get(parent_of.get(vid, 0)),
            )
        )
    if missing:
        raise ctx.MissingDataError(missing)
    return rows


async def _chain_rows(
    session: AsyncSession,
    top_ids: set[int],
    as_of: date,
    language: str,
    used: Used,
    *,
    include_tops: bool = False,
) -> list[ctx.SubprocessorRow]:
    """Every vendor engaged on ``as_of`` down the chains under ``top_ids`` (and the tops
    themselves with ``include_tops``), each with the parent it receives the data from. The
    register read model says which vendors can be down the chains; only their links are read
    (their engagement dates decide which count on ``as_of``)."""
    below: set[int] = set()
    for top in top_ids:
        below |= used.snapshot.downstream(top)
    links = await _links(session, below)
    children: dict[int, list[VendorSubprocessor]] = {}
    for link in links:
        if _current(link, as_of):
            children.setdefault(link.vendor_id, []).append(link)
    parent_of: dict[int, int] = {}
    seen = set(top_ids)
    stack = list(top_ids)
    while stack:
        node = stack.pop()
        for link in children.get(node, ()):
            if link.subprocessor_id not in seen:
                seen.add(link.subprocessor_id)
                stack.append(link.subprocessor_id)
            parent_of.setdefault(link.subprocessor_id, node)
    wanted = seen if include_tops else seen - top_ids
    return await _vendor_rows(session, wanted, parent_of, as_of, language, used)


async def _scc_elections(session: AsyncSession, transfer: Transfer, used: Used) -> ctx.SccElections:
    """The clause elections of the SCC agreement the transfer relies on (its linked
    agreement, else the vendor's newest 2021 SCCs); defaults when none is recorded."""
    agreement = (
        await session.get(Agreement, transfer.agreement_id) if transfer.agreement_id else None
    )
    if agreement is None or agreement.kind != "scc_2021":
        agreement = await session.scalar(
            select(Agreement)
            .where(Agreement.vendor_id == transfer.vendor_id, Agreement.kind == "scc_2021")
            .order_by(Agreement.id.desc())
            .limit(1)
        )
    if agreement is None:
        return ctx.SccElections()
    used.add("agreement", agreement)
    given: dict[str, Any] = dict(agreement.scc_clauses or {})
    return ctx.SccElections(
        docking_clause=bool(given.get("docking_clause", True)),
        redress_body=given.get("redress_body"),
        supervisory_authority=given.get("supervisory_authority"),
        governing_law=str(given.get("governing_law", "FI")),
        forum=str(given.get("forum", "FI")),
        subprocessor_option=agreement.subprocessor_authorisation,
        subprocessor_days=agreement.objection_period_days,
    )


async def _processor_scope(
    session: AsyncSession, vendor_id: int | None
) -> tuple[set[int], str | None]:
    """The vendors we engage for processing we do as our customers' processor (their
    sub-processors); processors we use for our own purposes are not. With ``vendor_id``, that
    vendor alone (it must be one of them)."""
    stmt = (
        select(Vendor.id, Vendor.name)
        .join(Processing, Processing.vendor_id == Vendor.id)
        .where(Processing.our_role == "processor", Vendor.status != "offboarded")
    )
    found = {vid: name for vid, name in (await session.execute(stmt)).all()}
    if vendor_id is None:
        return set(found), None
    if vendor_id not in found:
        vendor = await session.get(Vendor, vendor_id)
        if vendor is None:
            raise not_found("Vendor", vendor_id)
        raise invalid(
            f"{vendor.name} processes no data we process as a processor, so it is not our "
            "customers' sub-processor.",
            field="vendor_id",
        )
    return {vendor_id}, found[vendor_id]


def _chain_ids(used: Used, tops: set[int]) -> set[int]:
    """The tops and every vendor ever linked down their chains (engaged or not), from the
    register read model."""
    seen = set(tops)
    for top in tops:
        seen |= used.snapshot.downstream(top)
    return seen


def _names(used: Used) -> dict[int, str]:
    """Vendor names by id from the register read model (names are shown, never joined on)."""
    return {vid: rows.vendor.name for vid, rows in used.snapshot.vendors.items()}


async def _changes(
    session: AsyncSession, scope_ids: set[int], since: date, as_of: date, used: Used
) -> list[ctx.ChangeRow]:
    """Engagements that started or ended (or will) since ``since`` under vendors in
    ``scope_ids``: the dates come from the chain link, not from when a row was typed in."""
    names = _names(used)
    out: list[ctx.ChangeRow] = []
    for link in await _links(session, scope_ids):
        for on, change in ((link.engaged_on, "added"), (link.ended_on, "removed")):
            if on is not None and on >= since:
                planned = on > as_of
                out.append(
                    ctx.ChangeRow(
                        f"{change}_planned" if planned else change,
                        names.get(link.subprocessor_id, ""),
                        names.get(link.vendor_id, ""),
                        on,
                    )
                )
    return sorted(out, key=lambda r: (r.on, r.name))


async def build_context(
    session: AsyncSession,
    *,
    kind: str,
    language: str,
    vendor_id: int | None,
    transfer_id: int | None,
    assessment_id: int | None,
    as_of: date,
    since: date | None,
    template_version: str,
    options: ctx.DocumentOptions | None = None,
    previous: Document | None = None,
    changed_on: date | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(context, snapshot): the snapshot keeps the values of every register row the document
    used (``snapshot["values"]``, see :mod:`.stale`), so a later change marks it stale."""
    options = options or ctx.DocumentOptions()
    if kind not in KINDS:
        raise invalid(
            f"Unknown document kind {kind!r}; use one of {', '.join(KINDS)}.", field="kind"
        )
    if language not in LANGUAGES:
        raise invalid(f"Unknown language {language!r}; use en or fi.", field="language")
    today = date.today()
    snapshot: dict[str, Any] = {
        "kind": kind,
        "language": language,
        "as_of": as_of.isoformat(),
        "reference_version": load_reference().version,
    }
    used = Used(await current(session))
    snapshot["values"] = used.values
    try:
        if kind == "dpa":
            if vendor_id is None:
                raise invalid("A DPA is generated for a vendor: give vendor_id.", field="vendor_id")
            vendor = await session.get(Vendor, vendor_id)
            if vendor is None:
                raise not_found("Vendor", vendor_id)
            used.add("vendor", vendor)
            used.derive({vendor.id}, "subprocessor_ids", "transfer_ids")
            first = await _first_processing(session, vendor.id)
            processing, org_id = _processing_data(first, used)
            base = ctx.common(
                await _org(session, org_id, used), language, as_of, today, template_version
            )
            agreement = await _art28_agreement(session, vendor.id, as_of, used)
            subs = await _chain_rows(session, {vendor.id}, as_of, language, used)
            snapshot |= {
                "vendor_id": vendor.id,
                "vendor_version": vendor.version,
                "subprocessors": [s.name for s in subs],
            }
            own = await _transfer_data(
                session,
                {vendor.id},
                as_of,
                used,
                own={vendor.id: first} if first is not None else {},
            )
            return ctx.dpa_context(
                base,
                _vendor(vendor),
                processing,
                agreement,
                subs,
                language,
                options=options,
                transfers=own,
            ), snapshot
        if kind == "scc_annexes":
            if transfer_id is None:
                raise invalid(
                    "SCC annexes are generated for a transfer: give transfer_id.",
                    field="transfer_id",
                )
            transfer = await session.get(Transfer, transfer_id)
            if transfer is None:
                raise not_found("Transfer", transfer_id)
            vendor = await session.get(Vendor, transfer.vendor_id)
            assert vendor is not None
            used.add("vendor", vendor)
            used.derive({vendor.id}, "subprocessor_ids")
            processing, org_id = await _processing(session, vendor.id, used)
            org = await _org(session, transfer.organisation_id or org_id, used)
            base = ctx.common(org, language, as_of, today, template_version)
            # Only this transfer reaches the annexes, not the vendor's others.
            data = next(
                t
                for t in await _transfer_data(session, {vendor.id}, as_of, Used(used.snapshot))
                if t.id == transfer.id
            )
            used.add("transfer", transfer)
            subs = await _chain_rows(session, {vendor.id}, as_of, language, used)
            exporter = None
            if transfer.transfer_type == "onward_transfer":
                # Vendor -> its sub-processor: the vendor that passes the data on exports it.
                parent_id = await session.scalar(
                    select(VendorSubprocessor.vendor_id)
                    .where(VendorSubprocessor.subprocessor_id == vendor.id)
                    .order_by(VendorSubprocessor.id)
                    .limit(1)
                )
                parent = await session.get(Vendor, parent_id) if parent_id else None
                exporter = _vendor(parent) if parent else None
                used.add("vendor", parent)
            clauses = await _scc_elections(session, transfer, used)
            snapshot |= {
                "transfer_id": transfer.id,
                "transfer_version": transfer.version,
                "vendor_id": vendor.id,
            }
            return ctx.scc_context(
                base,
                _vendor(vendor),
                processing,
                data,
                org.supervisory_authority if org else None,
                subs,
                language,
                exporter=exporter,
                clauses=clauses,
            ), snapshot
        if kind == "tia":
            if assessment_id is None:
                raise invalid(
                    "A TIA document is generated for an assessment: give assessment_id.",
                    field="assessment_id",
                )
            assessment = await session.get(Assessment, assessment_id)
            if assessment is None:
                raise not_found("Assessment", assessment_id)
            transfer = await session.get(Transfer, assessment.transfer_id)
            assert transfer is not None
            vendor = await session.get(Vendor, transfer.vendor_id)
            assert vendor is not None
            used.add("vendor", vendor)
            used.add("assessment", assessment)
            on = assessment.completed_on or as_of
            data = next(
                t
                for t in await _transfer_data(
                    session, {vendor.id}, on, Used(used.snapshot), language
                )
                if t.id == transfer.id
            )
            used.add("transfer", transfer)
            base = ctx.common(
                await _org(session, transfer.organisation_id, used),
                language,
                as_of,
                today,
                template_version,
            )
            a = ctx.AssessmentData(
                assessment.completed_on,
                assessment.conclusion,
                assessment.supplementary_measures,
                assessment.procedural_steps,
                assessment.law_and_practice,
                assessment.next_review_on,
                assessment.assessor,
                assessment.approver,
                assessment.approved_on,
                assessment.risk_period_years,
                tuple(
                    Scenario(
                        str(r["scenario"]),
                        float(r["request"]),
                        float(r["compelled"]),
                        float(r["measures_fail"]),
                    )
                    for r in _scenario_rows(assessment.risk_scenarios)
                ),
                assessment.conclusion_reasoning,
                assessment.translations,
            )
            if assessment.completed_on is None:
                raise ctx.MissingDataError(
                    ["assessment.completed_on (complete the assessment first)"]
                )
            snapshot |= {
                "assessment_id": assessment.id,
                "assessment_version": assessment.version,
                "transfer_id": transfer.id,
                "verdict": data.verdict,
            }
            processing, _ = await _processing(session, vendor.id, used)
            onward = await _chain_rows(session, {vendor.id}, on, language, used)
            return ctx.tia_context(
                base,
                _vendor(vendor),
                data,
                a,
                on,
                language,
                processing=processing,
                onward=onward,
                as_of=as_of,
            ), snapshot
        base = ctx.common(await _org(session, None, used), language, as_of, today, template_version)
        if kind == "subprocessor_list":
            tops, scope = await _processor_scope(session, vendor_id)
            rows = await _chain_rows(session, tops, as_of, language, used, include_tops=True)
            period_start = since or date(as_of.year, 1, 1)
            scope_ids = tops | _chain_ids(used, tops)
            changes = await _changes(session, scope_ids, period_start, as_of, used)
            listed = _listed(rows)
            if previous is not None and "listed" in previous.snapshot:
                changes = _merge_changes(
                    changes,
                    _list_changes(
                        previous.snapshot.get("listed") or {}, listed, changed_on or as_of, language
                    ),
                )
            snapshot |= {
                "vendor_id": vendor_id,
                "since": period_start.isoformat(),
                "rows": len(rows),
                "listed": listed,
            }
            return ctx.subprocessor_list_context(
                base,
                scope,
                rows,
                changes,
                period_start,
                language,
                objection_days=options.objection_days,
            ), snapshot
        transfers = await _transfer_data(session, None, as_of, used)
        used.derive_register()
        snapshot |= {"transfers": [t.id for t in transfers]}
        if kind == "privacy_notice_section":
            return ctx.privacy_notice_context(base, transfers, language), snapshot
        return ctx.record_extract_context(base, transfers, language), snapshot
    except ctx.MissingDataError as exc:
        raise _missing(exc) from exc


def _listed(rows: list[ctx.SubprocessorRow]) -> dict[str, dict[str, Any]]:
    """What a sub-processor list showed, per vendor id: the next version reports the
    difference as its changes (Art. 28(2): customers are told of every addition or removal)."""
    return {
        str(r.vendor_id): {
            "name": r.name,
            "country": r.country,
            "purpose": r.purpose,
            "mechanism": r.mechanism,
            "parent": r.parent,
        }
        for r in rows
        if r.vendor_id is not None
    }


LIST_FIELDS = ("name", "country", "purpose", "mechanism")


def _list_changes(
    before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]], on: date, language: str
) -> list[ctx.ChangeRow]:
    """Sub-processors added, removed or changed between two versions of the list, dated
    ``on`` (the day the chain changed)."""
    out: list[ctx.ChangeRow] = []
    for key in sorted(set(before) | set(after), key=int):
        old, new = before.get(key), after.get(key)
        if old is None and new is not None:
            out.append(ctx.ChangeRow("added", new["name"], new.get("parent") or "", on))
        elif new is None and old is not None:
            out.append(ctx.ChangeRow("removed", old["name"], old.get("parent") or "", on))
        elif old is not None and new is not None:
            detail = "; ".join(
                f"{_shown(f, old.get(f), language)} → {_shown(f, new.get(f), language)}"
                for f in LIST_FIELDS
                if old.get(f) != new.get(f)
            )
            if detail:
                out.append(
                    ctx.ChangeRow("changed", new["name"], new.get("parent") or "", on, detail)
                )
    return out


def _shown(field: str, value: Any, language: str) -> str:
    if field == "country" and value:
        return ctx.country_name(str(value), language)
    if field == "mechanism" and value:
        return ctx.mechanism_name(str(value), language)
    return str(value or "-")


def _merge_changes(dated: list[ctx.ChangeRow], diffed: list[ctx.ChangeRow]) -> list[ctx.ChangeRow]:
    """Engagement dates from the chain links plus the differences from the previous version,
    once each."""
    seen = {(c.change, c.name, c.on) for c in dated}
    merged = dated + [c for c in diffed if (c.change, c.name, c.on) not in seen]
    return sorted(merged, key=lambda c: (c.on, c.name))


def _scenario_rows(value: Any) -> list[dict[str, Any]]:
    return list(value or ())


def filename_for(kind: str, language: str, subject: str, as_of: date) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", subject.lower()).strip("-")[:60] or "register"
    return f"{kind}-{slug}-{language}-{as_of.isoformat()}.docx"


async def render_document(
    session: AsyncSession,
    *,
    kind: str,
    language: str,
    vendor_id: int | None,
    transfer_id: int | None,
    assessment_id: int | None,
    as_of: date,
    since: date | None,
    actor: Actor,
    options: ctx.DocumentOptions | None = None,
    previous: Document | None = None,
    changed_on: date | None = None,
) -> Document:
    """Render and store a document; with ``previous``, as its new version (linked both ways,
    and a sub-processor list then reports what changed since that version)."""
    template, version = await template_for(session, kind, language) if kind in KINDS else (b"", "")
    context, snapshot = await build_context(
        session,
        kind=kind,
        language=language,
        vendor_id=vendor_id,
        transfer_id=transfer_id,
        assessment_id=assessment_id,
        as_of=as_of,
        since=since,
        template_version=version,
        options=options,
        previous=previous,
        changed_on=changed_on,
    )
    try:
        content = await run_in_worker(render_docx, template, context)
    except RenderError as exc:
        raise ProblemError(
            422, "render-failed", f"The {kind} template ({version}) could not be rendered: {exc}"
        ) from exc
    subject = ""
    if isinstance(context.get("vendor"), dict):
        subject = context["vendor"]["name"]
    document = Document(
        kind=kind,
        language=language,
        vendor_id=snapshot.get("vendor_id"),
        transfer_id=snapshot.get("transfer_id"),
        assessment_id=snapshot.get("assessment_id"),
        as_of=as_of,
        template_version=version,
        filename=filename_for(kind, language, subject or context["org"]["name"], as_of),
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content=content,
        snapshot=snapshot,
        supersedes_id=previous.id if previous is not None else None,
        created_by=actor.label,
    )
    session.add(document)
    await session.flush()
    await record(
        session,
        actor,
        "regenerate" if previous is not None else "generate",
        "document",
        document.id,
        None if previous is None else {"supersedes_id": previous.id},
        {
            "kind": kind,
            "language": language,
            "sha256": document.sha256,
            "template_version": version,
            "supersedes_id": document.supersedes_id,
        },
    )
    return document


async def upload_template(
    session: AsyncSession,
    *,
    kind: str,
    language: str,
    content: bytes,
    actor: Actor,
    sample: Callable[[str, str], dict[str, Any]],
) -> DocumentTemplate:
    if kind not in KINDS:
        raise invalid(
            f"Unknown document kind {kind!r}; use one of {', '.join(KINDS)}.", field="kind"
        )
    if language not in LANGUAGES:
        raise invalid("language must be en or fi.", field="language")
    try:
        problems = await run_in_worker(validate_template, content, kind, sample(kind, language))
    except RenderError as exc:
        problems = [f"the test render was stopped: {exc}"]
    if problems:
        raise ProblemError(
            422,
            "invalid-template",
            "The template was not accepted: " + "; ".join(problems),
            errors=[{"field": "file", "message": p} for p in problems],
        )
    latest = await session.scalar(
        select(func.max(DocumentTemplate.version)).where(
            DocumentTemplate.kind == kind, DocumentTemplate.language == language
        )
    )
    row = DocumentTemplate(
        kind=kind,
        language=language,
        version=(latest or 0) + 1,
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by=actor.label,
    )
    session.add(row)
    await session.flush()
    await record(
        session,
        actor,
        "create",
        "document_template",
        row.id,
        None,
        {"kind": kind, "language": language, "version": row.version, "sha256": row.sha256},
    )
    return row


async def revert_template(
    session: AsyncSession, *, kind: str, language: str, actor: Actor
) -> DocumentTemplate:
    """Return to the built-in template: a new version that stands for it, so the history of
    uploads stays and the next render uses ``templates/{language}/{kind}.docx`` again."""
    if kind not in KINDS:
        raise invalid(
            f"Unknown document kind {kind!r}; use one of {', '.join(KINDS)}.", field="kind"
        )
    if language not in LANGUAGES:
        raise invalid("language must be en or fi.", field="language")
    latest = await session.scalar(
        select(func.max(DocumentTemplate.version)).where(
            DocumentTemplate.kind == kind, DocumentTemplate.language == language
        )
    )
    row = DocumentTemplate(
        kind=kind,
        language=language,
        version=(latest or 0) + 1,
        sha256=hashlib.sha256(builtin_template(language, kind)).hexdigest(),
        content=REVERTED,
        uploaded_by=actor.label,
    )
    session.add(row)
    await session.flush()
    await record(
        session,
        actor,
        "revert",
        "document_template",
        row.id,
        None,
        {"kind": kind, "language": language, "version": row.version, "builtin": True},
    )
    return row


def sample_context(kind: str, language: str) -> dict[str, Any]:
    """A complete context with neutral values, for test-rendering uploaded templates."""
    org = ctx.OrgData(
        "Example Oy",
        "1234567-8",
        "Street 1, Helsinki",
        "FI",
        "DPO",
        "dpo@example.com",
        "Data Protection Ombudsman",
    )
    base = ctx.common(org, language, date.today(), date.today(), "sample")
    vendor = ctx.VendorData(1, "Vendor", "Vendor Ltd", "X-1", "US", "processor")
    processing = ctx.ProcessingData(
        "Service",
        "Hosting",
        ("support",),
        ("contact",),
        ("customers",),
        False,
        False,
        "2 years",
        "Encryption",
    )
    agreement = ctx.AgreementData(
        "dpa", date.today(), None, None, False, None, None, "specific", None
    )
    sub = [ctx.SubprocessorRow("Sub Ltd", "IN", "support", "SCC")]
    transfer = ctx.TransferData(
        1,
        "Vendor",
        "US",
        "controller",
        "processor",
        "scc_2021",
        2,
        ("contact",),
        "systematic",
        "storage",
        None,
        None,
        "lawful",
        ({"code": "scc_in_place", "message": "ok", "citation": "2021/914"},),
    )
    if kind == "dpa":
        return ctx.dpa_context(base, vendor, processing, agreement, sub, language)
    if kind == "scc_annexes":
        return ctx.scc_context(base, vendor, processing, transfer, "Authority", sub, language)
    if kind == "tia":
        a = ctx.AssessmentData(date.today(), "adequate", "Encryption", "None", "Notes", None)
        return ctx.tia_context(base, vendor, transfer, a, date.today(), language)
    if kind == "subprocessor_list":
        return ctx.subprocessor_list_context(base, None, sub, [], date.today(), language)
    if kind == "privacy_notice_section":
        return ctx.privacy_notice_context(base, [transfer], language)
    return ctx.record_extract_context(base, [transfer], language)


async def list_documents(
    session: AsyncSession, *, vendor_id: int | None, kind: str | None, limit: int, offset: int
) -> tuple[list[Document], int]:
    """Generated documents, newest first, one page and the total."""
    stmt = select(Document)
    if vendor_id is not None:
        stmt = stmt.where(Document.vendor_id == vendor_id)
    if kind:
        stmt = stmt.where(Document.kind == kind)
    return await paginate(session, stmt.order_by(Document.id.desc()), limit, offset)


async def get_document(
    session: AsyncSession, *, document_id: int, content: bool = False
) -> Document:
    """One generated document; its DOCX bytes (deferred) only when ``content`` is asked for."""
    doc = await session.get(Document, document_id)
    if doc is None:
        raise not_found("Document", document_id)
    if content:
        await session.refresh(doc, ["content"])
    return doc


async def list_templates(session: AsyncSession) -> list[DocumentTemplate]:
    """Every uploaded template version, by kind, language and version."""
    stmt = select(DocumentTemplate).order_by(
        DocumentTemplate.kind, DocumentTemplate.language, DocumentTemplate.version
    )
    return list((await session.scalars(stmt)).all())
