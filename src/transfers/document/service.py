"""Gather what a document needs from the register, render it, store it with its snapshot."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from transfers.audit.crud import paginate
from transfers.audit.service import record
from transfers.auth.schemas import Actor
from transfers.common.problems import ProblemError, invalid, not_found
from transfers.document import context as ctx
from transfers.document.gather import GATHERERS, Request
from transfers.document.kinds import KINDS, LANGUAGES
from transfers.document.render import RenderError, builtin_template, render_docx, validate_template
from transfers.document.stale import Used
from transfers.document.worker import run_in_worker
from transfers.models import Assessment, Document, DocumentTemplate, Transfer, Vendor
from transfers.reference import load_reference
from transfers.register.snapshot import current

VENDOR_KINDS = frozenset({"dpa", "subprocessor_list"})
TRANSFER_KINDS = frozenset({"scc_annexes"})
ASSESSMENT_KINDS = frozenset({"tia"})
REVERTED = b""
"""Content of a template version that stands for the built-in template (a revert)."""
REGISTER_KINDS = frozenset({"privacy_notice_section", "record_extract", "subprocessor_list"})


def _missing(exc: ctx.MissingDataError, *, untranslated: bool = False) -> ProblemError:
    lead = (
        "The register lacks the texts this document prints in its language (a document never "
        "prints another language's text): "
        if untranslated
        else "The register lacks data this document needs: "
    )
    return ProblemError(
        422,
        "missing-data",
        lead + "; ".join(exc.missing),
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
    """(context, snapshot) from the kind's gatherer (:data:`.gather.GATHERERS`): the snapshot
    keeps the values of every register row the document used (``snapshot["values"]``, see
    :mod:`.stale`), so a later change marks it stale."""
    if kind not in KINDS:
        raise invalid(
            f"Unknown document kind {kind!r}; use one of {', '.join(KINDS)}.", field="kind"
        )
    if language not in LANGUAGES:
        raise invalid(f"Unknown language {language!r}; use en or fi.", field="language")
    request = Request(
        kind=kind,
        language=language,
        as_of=as_of,
        today=date.today(),
        template_version=template_version,
        options=options or ctx.DocumentOptions(),
        vendor_id=vendor_id,
        transfer_id=transfer_id,
        assessment_id=assessment_id,
        since=since,
        previous=previous,
        changed_on=changed_on,
    )
    snapshot: dict[str, Any] = {
        "kind": kind,
        "language": language,
        "as_of": as_of.isoformat(),
        "reference_version": load_reference().version,
    }
    used = Used(await current(session))
    snapshot["values"] = used.values
    try:
        with ctx.strict_texts(request.options.text_language) as untranslated:
            context, kept = await GATHERERS[kind](session, request, used)
    except ctx.MissingDataError as exc:
        raise _missing(exc) from exc
    if untranslated:
        raise _missing(ctx.MissingDataError(untranslated), untranslated=True)
    return context, snapshot | kept


LIST_KIND = "subprocessor_list"


async def current_list(
    session: AsyncSession, *, language: str, vendor_id: int | None
) -> Document | None:
    """The newest version of the sub-processor list in ``language`` for the scope (one
    vendor, or the whole register when None), if one was generated."""
    later = aliased(Document)
    scope = Document.vendor_id.is_(None) if vendor_id is None else Document.vendor_id == vendor_id
    return await session.scalar(
        select(Document)
        .where(
            Document.kind == LIST_KIND,
            Document.language == language,
            scope,
            ~exists().where(later.supersedes_id == Document.id),
        )
        .order_by(Document.id.desc())
        .limit(1)
    )


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
    and a sub-processor list then reports what changed since that version).

    A sub-processor list has one version chain per language and scope: asking for one while
    a current version exists makes the next version of it, never a second, parallel list."""
    if kind == LIST_KIND and previous is None:
        previous = await current_list(session, language=language, vendor_id=vendor_id)
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
        content = await run_in_worker(
            partial(render_docx, created=datetime.now(UTC)), template, context
        )
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
    options: ctx.DocumentOptions | None = None,
) -> DocumentTemplate:
    """A new active version of the ``kind``/``language`` template, once it has rendered the
    sample context and the register's own largest contexts of that kind within the render
    budget; refused (422, nothing stored, the previous version stays active) otherwise."""
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
    if not problems:
        problems = await _fails_on_the_register(
            session, kind=kind, language=language, content=content, options=options
        )
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


#: Register subjects tried per kind when a template is uploaded (the largest of them are rendered).
CANDIDATES = 5
#: How many of the largest real contexts a new template must render within the budget.
REAL_RENDERS = 2


async def _candidates(session: AsyncSession, kind: str) -> list[dict[str, int | None]]:
    """The subjects of ``kind`` likely to give the largest contexts: the vendors with the most
    transfers (and their transfers), the newest assessments, or the register itself."""
    if kind in REGISTER_KINDS:
        return [{}]
    busiest = (
        select(Transfer.vendor_id, func.count(Transfer.id).label("n"))
        .group_by(Transfer.vendor_id)
        .order_by(func.count(Transfer.id).desc(), Transfer.vendor_id)
        .limit(CANDIDATES)
    )
    if kind in VENDOR_KINDS:
        vendor_ids = [int(v) for v, _n in (await session.execute(busiest)).all()]
        if not vendor_ids:
            vendor_ids = [
                int(i) for i in await session.scalars(select(Vendor.id).limit(CANDIDATES))
            ]
        return [{"vendor_id": i} for i in vendor_ids]
    if kind in TRANSFER_KINDS:
        vendors = [int(v) for v, _n in (await session.execute(busiest)).all()]
        transfer_ids = (
            await session.scalars(
                select(Transfer.id)
                .where(Transfer.vendor_id.in_(vendors))
                .order_by(Transfer.id.desc())
                .limit(CANDIDATES)
            )
        ).all()
        return [{"transfer_id": int(i)} for i in transfer_ids]
    assessment_ids = (
        await session.scalars(
            select(Assessment.id).order_by(Assessment.id.desc()).limit(CANDIDATES)
        )
    ).all()
    return [{"assessment_id": int(i)} for i in assessment_ids]


async def _fails_on_the_register(
    session: AsyncSession,
    *,
    kind: str,
    language: str,
    content: bytes,
    options: ctx.DocumentOptions | None,
) -> list[str]:
    """Problems of rendering ``content`` with the register's largest contexts of ``kind``.

    A template can be cheap on the sample and ruinous on real data (a loop over the real
    sub-processors, a branch the sample never takes): accepted, it made every later render fail
    at the budget until someone reverted it. Subjects the register cannot yet document (data
    missing: a 422 of their own) are skipped; an empty register checks nothing more.
    """
    contexts: list[tuple[int, str, dict[str, Any]]] = []
    for subject in await _candidates(session, kind):
        try:
            context, _snapshot = await build_context(
                session,
                kind=kind,
                language=language,
                vendor_id=subject.get("vendor_id"),
                transfer_id=subject.get("transfer_id"),
                assessment_id=subject.get("assessment_id"),
                as_of=date.today(),
                since=None,
                template_version="check",
                options=options,
            )
        except ProblemError:
            continue
        label = ", ".join(f"{k.removesuffix('_id')} {v}" for k, v in subject.items()) or "register"
        contexts.append((len(repr(context)), label, context))
    contexts.sort(key=lambda c: -c[0])
    for _size, label, context in contexts[:REAL_RENDERS]:
        try:
            await run_in_worker(render_docx, content, context)
        except RenderError as exc:
            return [f"the template fails on the register's own data ({label}): {exc}"]
    return []


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
        a = ctx.AssessmentData(
            date.today(),
            "adequate",
            "Encryption",
            "None",
            "Notes",
            None,
            conclusion_reasoning="Reasoning",
            importer_finding="Finding",
        )
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
