"""Gather what a document needs from the register, render it, store it with its snapshot."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.agreement.terms import current_term_end
from transfers.audit.service import record
from transfers.auth.schemas import Actor
from transfers.common.problems import ProblemError, invalid, not_found
from transfers.compliance.service import downstream, load_facts
from transfers.document import context as ctx
from transfers.document.kinds import KINDS, LANGUAGES
from transfers.document.render import RenderError, builtin_template, render_docx, validate_template
from transfers.document.worker import run_in_worker
from transfers.models import (
    Agreement,
    Assessment,
    AuditEvent,
    Document,
    DocumentTemplate,
    Organisation,
    Processing,
    Transfer,
    Vendor,
    VendorSubprocessor,
)
from transfers.reference import load_reference
from transfers.rules.evaluate import evaluate_transfer

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


async def _org(session: AsyncSession, org_id: int | None) -> ctx.OrgData | None:
    org = await session.get(Organisation, org_id) if org_id else None
    if org is None:
        org = await session.scalar(select(Organisation).order_by(Organisation.id).limit(1))
    if org is None:
        return None
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
    return ctx.VendorData(v.id, v.name, v.legal_name, v.business_id, v.country, v.role)


async def _processing(
    session: AsyncSession, vendor_id: int
) -> tuple[ctx.ProcessingData | None, int | None]:
    p = await session.scalar(
        select(Processing).where(Processing.vendor_id == vendor_id).order_by(Processing.id).limit(1)
    )
    if p is None:
        return None, None
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
    )
    return data, p.organisation_id


async def _art28_agreement(
    session: AsyncSession, vendor_id: int, as_of: date
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


async def _transfer_data(
    session: AsyncSession, vendor_ids: set[int] | None, as_of: date
) -> list[ctx.TransferData]:
    facts = await load_facts(session, vendor_ids, as_of)
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
    out = []
    for vendor in facts.values():
        for t in vendor.transfers:
            evaluation = evaluate_transfer(t, as_of, ref)
            row = rows.get(t.id) if t.id is not None else None
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
                        {"code": r.code, "message": r.message, "citation": r.citation}
                        for r in evaluation.reasons
                    ),
                    is_third_country=ref.is_third_country(t.destination_country, as_of),
                    active=evaluation.active,
                )
            )
    return sorted(out, key=lambda t: t.id)


async def _chain_rows(
    session: AsyncSession, top_ids: set[int], as_of: date, language: str
) -> list[ctx.SubprocessorRow]:
    """Every vendor down the chains under ``top_ids`` (not the tops themselves)."""
    chain: set[int] = set()
    for vid in top_ids:
        chain |= await downstream(session, vid)
    subs = chain - top_ids
    if not subs:
        return []
    vendors = {
        v.id: v
        for v in (await session.scalars(select(Vendor).where(Vendor.id.in_(list(subs))))).all()
    }
    transfers = await _transfer_data(session, subs, as_of)
    purposes = {
        p.vendor_id: p.service
        for p in (
            await session.scalars(select(Processing).where(Processing.vendor_id.in_(list(subs))))
        ).all()
    }
    rows = []
    for vid in sorted(subs, key=lambda i: vendors[i].name.lower()):
        v = vendors[vid]
        mechs = sorted(
            {
                ctx.mechanism_name(t.mechanism, language)
                for t in transfers
                if t.vendor_name == v.name and t.active and t.is_third_country
            }
        )
        mechanism = (
            "; ".join(mechs)
            if mechs
            else ("EU/ETA" if language == "fi" else "EU/EEA (no transfer)")
        )
        rows.append(
            ctx.SubprocessorRow(
                v.name, v.country, purposes.get(vid) or v.category.replace("_", " "), mechanism
            )
        )
    return rows


async def _changes(
    session: AsyncSession, vendor_ids: set[int] | None, since: date
) -> list[dict[str, Any]]:
    """Subprocessors added to or removed from chains since ``since``, from the audit trail."""
    stmt = select(AuditEvent).where(
        AuditEvent.entity_type == "vendor_chain",
        AuditEvent.occurred_at >= datetime.combine(since, time.min, tzinfo=UTC),
    )
    events = (await session.scalars(stmt.order_by(AuditEvent.id))).all()
    names = {v.id: v.name for v in (await session.execute(select(Vendor.id, Vendor.name))).all()}
    out: list[dict[str, Any]] = []
    for e in events:
        before, after = e.before or {}, e.after or {}
        if "subprocessor_ids" in after:
            parent = e.entity_id or 0
            pairs = (
                [(parent, c) for c in after["subprocessor_ids"]],
                [(parent, c) for c in before.get("subprocessor_ids", [])],
            )
        else:
            child = e.entity_id or 0
            pairs = (
                [(p, child) for p in after.get("parent_vendor_ids", [])],
                [(p, child) for p in before.get("parent_vendor_ids", [])],
            )
        added = set(pairs[0]) - set(pairs[1])
        removed = set(pairs[1]) - set(pairs[0])
        for change, items in (("added", added), ("removed", removed)):
            for parent, child in sorted(items):
                if vendor_ids is not None and parent not in vendor_ids:
                    continue
                out.append(
                    {
                        "change": change,
                        "name": names.get(child, f"vendor {child}"),
                        "parent": names.get(parent, f"vendor {parent}"),
                        "on": e.occurred_at.date(),
                    }
                )
    # Links created with the vendor itself appear as notified_on dates.
    links = select(VendorSubprocessor).where(VendorSubprocessor.notified_on >= since)
    for link in (await session.scalars(links)).all():
        if vendor_ids is not None and link.vendor_id not in vendor_ids:
            continue
        row = {
            "change": "added",
            "name": names.get(link.subprocessor_id, ""),
            "parent": names.get(link.vendor_id, ""),
            "on": link.notified_on,
        }
        if not any(
            r["change"] == "added" and r["name"] == row["name"] and r["parent"] == row["parent"]
            for r in out
        ):
            out.append(row)
    return sorted(out, key=lambda r: (r["on"], r["name"]))


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
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(context, snapshot): the snapshot records which register rows the document used."""
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
    try:
        if kind == "dpa":
            if vendor_id is None:
                raise invalid("A DPA is generated for a vendor: give vendor_id.", field="vendor_id")
            vendor = await session.get(Vendor, vendor_id)
            if vendor is None:
                raise not_found("Vendor", vendor_id)
            processing, org_id = await _processing(session, vendor.id)
            base = ctx.common(await _org(session, org_id), language, as_of, today, template_version)
            agreement = await _art28_agreement(session, vendor.id, as_of)
            subs = await _chain_rows(session, {vendor.id}, as_of, language)
            snapshot |= {
                "vendor_id": vendor.id,
                "vendor_version": vendor.version,
                "subprocessors": [s.name for s in subs],
            }
            return ctx.dpa_context(
                base, _vendor(vendor), processing, agreement, subs, language
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
            processing, org_id = await _processing(session, vendor.id)
            org = await _org(session, transfer.organisation_id or org_id)
            base = ctx.common(org, language, as_of, today, template_version)
            data = next(
                t for t in await _transfer_data(session, {vendor.id}, as_of) if t.id == transfer.id
            )
            subs = await _chain_rows(session, {vendor.id}, as_of, language)
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
            on = assessment.completed_on or as_of
            data = next(
                t for t in await _transfer_data(session, {vendor.id}, on) if t.id == transfer.id
            )
            base = ctx.common(
                await _org(session, transfer.organisation_id),
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
            return ctx.tia_context(base, _vendor(vendor), data, a, on, language), snapshot
        base = ctx.common(await _org(session, None), language, as_of, today, template_version)
        if kind == "subprocessor_list":
            if vendor_id is not None:
                vendor = await session.get(Vendor, vendor_id)
                if vendor is None:
                    raise not_found("Vendor", vendor_id)
                tops, scope = {vendor.id}, vendor.name
            else:
                tops = set(
                    (
                        await session.scalars(
                            select(Vendor.id).where(
                                Vendor.role == "processor", Vendor.status != "offboarded"
                            )
                        )
                    ).all()
                )
                scope = None
            rows = await _chain_rows(session, tops, as_of, language)
            if vendor_id is None:
                processors = (
                    await session.scalars(select(Vendor).where(Vendor.id.in_(list(tops))))
                ).all()
                transfers = await _transfer_data(session, tops, as_of) if tops else []
                for v in processors:
                    mechs = sorted(
                        {
                            ctx.mechanism_name(t.mechanism, language)
                            for t in transfers
                            if t.vendor_name == v.name and t.active and t.is_third_country
                        }
                    )
                    rows.append(
                        ctx.SubprocessorRow(
                            v.name,
                            v.country,
                            v.category.replace("_", " "),
                            "; ".join(mechs)
                            or ("EU/ETA" if language == "fi" else "EU/EEA (no transfer)"),
                        )
                    )
                rows.sort(key=lambda r: r.name.lower())
            period_start = since or date(as_of.year, 1, 1)
            changes = await _changes(session, tops if vendor_id is not None else None, period_start)
            snapshot |= {
                "vendor_id": vendor_id,
                "since": period_start.isoformat(),
                "rows": len(rows),
            }
            return ctx.subprocessor_list_context(
                base, scope, rows, changes, period_start, language
            ), snapshot
        transfers = await _transfer_data(session, None, as_of)
        snapshot |= {"transfers": [t.id for t in transfers]}
        if kind == "privacy_notice_section":
            return ctx.privacy_notice_context(base, transfers, language), snapshot
        return ctx.record_extract_context(base, transfers, language), snapshot
    except ctx.MissingDataError as exc:
        raise _missing(exc) from exc


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
) -> Document:
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
        created_by=actor.label,
    )
    session.add(document)
    await session.flush()
    await record(
        session,
        actor,
        "generate",
        "document",
        document.id,
        None,
        {
            "kind": kind,
            "language": language,
            "sha256": document.sha256,
            "template_version": version,
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
