"""Reminders, documents, import/export and the audit log."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import Parameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.agreement import service as agreement_service
from transfers.assessment import service as assessment_service
from transfers.audit.service import list_events
from transfers.common.problems import ProblemError, invalid
from transfers.document import service as document_service
from transfers.document.context import DocumentOptions
from transfers.document.kinds import KINDS, LANGUAGES
from transfers.document.versions import regenerate
from transfers.importer import pending
from transfers.importer.export import render
from transfers.importer.routes import limited_import
from transfers.importer.writer import export_data
from transfers.reminder import service as reminder_service
from transfers.transfer import service as transfer_service
from transfers.web import reads
from transfers.web.checklist import checklist
from transfers.web.i18n import _, ngettext
from transfers.web.pages import parse_day
from transfers.web.security import identity, require_writer, safe_next, settings_of

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXPORT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
SAFE_ATTACHMENT_TYPES = frozenset({"application/pdf", DOCX, "image/png", "image/jpeg"})
STATE_ACTIONS = ("acknowledged", "snoozed", "done", "open")
#: A register of 10,000 vendors has thousands of reminders in a 90-day window: a page at a time.
REMINDERS_PER_PAGE = 100


async def _missing_page(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    exc: ProblemError,
    *,
    back: str,
    vendor_id: int | None,
    transfer_id: int | None,
    assessment_id: int | None,
) -> Template:
    """A document refused for missing data: what is missing, in the UI language, each item a
    link to the form and field that fills it (never the field paths of the problem)."""
    if assessment_id is not None:
        transfer_id = (await assessment_service.get_assessment(session, assessment_id)).transfer_id
    if transfer_id is not None:
        vendor_id = (await transfer_service.get_transfer(session, transfer_id)).vendor_id
    items = []
    if vendor_id is not None:
        targets = replace(
            await reads.document_targets(session, vendor_id), assessment_id=assessment_id
        )
        items = checklist(exc.extra.get("missing", []), targets)
    return Template(
        template_name="missing.html",
        context={"me": identity(request), "checklist": items, "back": back},
        status_code=422,
    )


def _things(kind: str, n: int) -> str:
    """ "3 toimittajaa" / "1 vendor": a count of one kind of record, plural from the catalog."""
    if kind == "vendors":
        return ngettext("%(n)d vendor", "%(n)d vendors", n) % {"n": n}
    if kind == "agreements":
        return ngettext("%(n)d agreement", "%(n)d agreements", n) % {"n": n}
    if kind == "transfers":
        return ngettext("%(n)d transfer", "%(n)d transfers", n) % {"n": n}
    if kind == "links":
        return ngettext("%(n)d sub-processor link", "%(n)d sub-processor links", n) % {"n": n}
    return f"{n} {kind}"


def import_summary(
    counts: dict[str, dict[str, int]], rows: dict[str, int], *, written: bool
) -> list[str]:
    """What an import adds, changes and leaves, in words ("3 toimittajaa, 2 siirtoa
    lisätään"), never a dict."""
    out: list[str] = []
    verbs = (
        {
            "created": _("%(things)s added"),
            "updated": _("%(things)s changed"),
            "unchanged": _("%(things)s already in the register, unchanged"),
        }
        if written
        else {
            "created": _("%(things)s will be added"),
            "updated": _("%(things)s will be changed"),
            "unchanged": _("%(things)s already in the register, unchanged"),
        }
    )
    for group, verb in verbs.items():
        found = {k: v for k, v in (counts.get(group) or {}).items() if v}
        if found:
            out.append(verb % {"things": ", ".join(_things(k, v) for k, v in found.items())})
    if not out and any(rows.values()):
        things = ", ".join(_things(k, v) for k, v in rows.items() if v)
        out.append(_("rows read: %(things)s") % {"things": things})
    return out


class WorkPages(Controller):
    path = "/"
    include_in_schema = False

    # -- reminders ---------------------------------------------------------------------

    @get("/reminders")
    async def reminders(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        within: str = "90d",
        kind: str | None = None,
        owner: str | None = None,
        include_done: bool = False,
        page: int = Parameter(default=1, ge=1, le=100_000),
    ) -> Template:
        days = reminder_service.parse_within(within)
        items = await reads.reminders_on(
            db_session,
            as_of=date.today(),
            within_days=days,
            filters=reminder_service.Filters(
                kind=kind or None, owner=owner or None, include_done=include_done
            ),
            settings=settings_of(request),
        )
        kinds = sorted({r.kind for r in items} | ({kind} if kind else set()))
        pages = max(1, -(-len(items) // REMINDERS_PER_PAGE))
        page = min(page, pages)
        start = (page - 1) * REMINDERS_PER_PAGE
        return Template(
            template_name="reminders.html",
            context={
                "me": identity(request),
                "items": items[start : start + REMINDERS_PER_PAGE],
                "page": page,
                "pages": pages,
                "query": urlencode(
                    {"within": within, "kind": kind or "", "owner": owner or ""}
                    | ({"include_done": "true"} if include_done else {})
                ),
                "filters": {
                    "within": within,
                    "kind": kind or "",
                    "owner": owner or "",
                    "include_done": include_done,
                },
                "kinds": kinds,
                "today": date.today(),
            },
        )

    @post("/reminders/state")
    async def reminder_state(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> Response[Any]:
        me = identity(request)
        require_writer(me)
        form = await request.form()
        state = str(form.get("state") or "")
        if state not in STATE_ACTIONS:
            raise invalid(_("Unknown reminder action."), field="state")
        until_text = str(form.get("snoozed_until") or "")
        until = parse_day(until_text, "snoozed_until") if until_text else None
        await reminder_service.set_state(
            db_session,
            str(form.get("key") or ""),
            state=state,
            snoozed_until=until if state == "snoozed" else None,
            owner=None,
            actor=me.actor,
            as_of=date.today(),
            settings=settings_of(request),
        )
        await db_session.commit()
        return Redirect(safe_next(str(form.get("next") or "/reminders")), status_code=303)

    @post("/reminders/feed")
    async def create_feed(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> Template:
        """A calendar subscription; its URL is shown on this page once and stored only hashed.
        Writers only, as through the API (a feed is a credential to the register's deadlines)."""
        me = require_writer(identity(request))
        _feed, token = await reminder_service.create_feed(db_session, me.email, me.actor)
        await db_session.commit()
        url = f"{settings_of(request).public_url}/api/v1/calendar-feeds/{token}/feed.ics"
        return Template(template_name="feed.html", context={"me": me, "url": url})

    # -- documents ---------------------------------------------------------------------

    @get("/documents")
    async def documents(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> Template:
        docs, _total = await document_service.list_documents(
            db_session, vendor_id=None, kind=None, limit=200, offset=0
        )
        templates = await document_service.list_templates(db_session)
        return Template(
            template_name="documents.html",
            context={
                "me": identity(request),
                "documents": docs,
                "templates": templates,
                "kinds": KINDS,
                "languages": LANGUAGES,
            },
        )

    @post("/documents")
    async def generate(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> Response[Any]:
        """Generate a document from a vendor, transfer or assessment page (legal and admin)."""
        me = identity(request)
        require_writer(me)
        form = await request.form()

        def ident(name: str) -> int | None:
            text = str(form.get(name) or "")
            return int(text) if text.isdigit() and len(text) < 10 else None

        kind = str(form.get("kind") or "")
        language = str(form.get("language") or "")
        if kind not in KINDS or language not in LANGUAGES:
            raise invalid(_("Choose a document kind and a language."), field="kind")
        back = safe_next(str(form.get("next") or "/documents"))
        try:
            doc = await document_service.render_document(
                db_session,
                kind=kind,
                language=language,
                vendor_id=ident("vendor_id"),
                transfer_id=ident("transfer_id"),
                assessment_id=ident("assessment_id"),
                as_of=date.today(),
                since=None,
                actor=me.actor,
                options=DocumentOptions.from_settings(settings_of(request)),
            )
        except ProblemError as exc:
            if exc.slug != "missing-data":
                raise
            await db_session.rollback()
            return await _missing_page(
                request,
                db_session,
                exc,
                back=back,
                vendor_id=ident("vendor_id"),
                transfer_id=ident("transfer_id"),
                assessment_id=ident("assessment_id"),
            )
        await db_session.commit()
        return Redirect(f"{back}#document-{doc.id}", status_code=303)

    @post("/documents/{document_id:int}/regenerate")
    async def regenerate(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, document_id: int
    ) -> Response[Any]:
        """The new version of a stale document (legal and admin), back to the page it was on."""
        me = identity(request)
        require_writer(me)
        form = await request.form()
        back = safe_next(str(form.get("next") or "/documents"))
        try:
            doc = await regenerate(
                db_session,
                document_id=document_id,
                actor=me.actor,
                as_of=date.today(),
                options=DocumentOptions.from_settings(settings_of(request)),
            )
        except ProblemError as exc:
            if exc.slug != "missing-data":
                raise
            await db_session.rollback()
            old = await document_service.get_document(db_session, document_id=document_id)
            return await _missing_page(
                request,
                db_session,
                exc,
                back=back,
                vendor_id=old.vendor_id,
                transfer_id=old.transfer_id,
                assessment_id=old.assessment_id,
            )
        await db_session.commit()
        return Redirect(f"{back}#document-{doc.id}", status_code=303)

    @get("/documents/{document_id:int}/download")
    async def download(self, db_session: AsyncSession, document_id: int) -> Response[bytes]:
        doc = await document_service.get_document(db_session, document_id=document_id, content=True)
        return Response(
            doc.content,
            media_type=DOCX,
            headers={"Content-Disposition": f'attachment; filename="{doc.filename}"'},
        )

    @get("/agreements/{agreement_id:int}/attachments/{attachment_id:int}")
    async def attachment(
        self, db_session: AsyncSession, agreement_id: int, attachment_id: int
    ) -> Response[bytes]:
        """Always a download, and only known document types keep their type: an uploaded
        HTML file must never render as a page of this site."""
        found = await agreement_service.get_attachment_content(
            db_session, agreement_id, attachment_id
        )
        media = (
            found.content_type
            if found.content_type in SAFE_ATTACHMENT_TYPES
            else "application/octet-stream"
        )
        return Response(
            found.content,
            media_type=media,
            headers={
                "Content-Disposition": f'attachment; filename="{found.filename.replace(chr(34), "")}"'
            },
        )

    @post("/documents/templates")
    async def upload_template(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> Response[Any]:
        me = identity(request)
        require_writer(me)
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise invalid(_("Choose a .docx template to upload."), field="file")
        await document_service.upload_template(
            db_session,
            kind=str(form.get("kind") or ""),
            language=str(form.get("language") or ""),
            content=await upload.read(),
            actor=me.actor,
            sample=document_service.sample_context,
            options=DocumentOptions.from_settings(settings_of(request)),
        )
        await db_session.commit()
        return Redirect("/documents", status_code=303)

    # -- import / export ---------------------------------------------------------------

    @get("/import")
    async def import_form(self, request: Request[Any, Any, Any]) -> Template:
        return Template(template_name="import.html", context={"me": identity(request)})

    @post("/import")
    async def import_sheet(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> Template:
        """Upload -> dry run (report, nothing written); the file waits in the database, bound
        to this person, until they confirm it. Confirming runs the same plan, all or nothing."""
        me = require_writer(identity(request))
        form = await request.form()
        token = str(form.get("pending") or "")
        waiting = None
        if form.get("confirm"):
            waiting = await pending.take(db_session, owner_id=me.user_id, token=token[:64])
            if waiting is None:
                raise invalid(_("The uploaded file has expired; upload it again."), field="file")
            name, content = waiting.filename, waiting.content
        else:
            upload = form.get("file")
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise invalid(_("Choose an .xlsx or .csv file."), field="file")
            name = upload.filename
            if not name.lower().endswith((".xlsx", ".csv")):
                raise ProblemError(
                    415, "unsupported-media-type", _("Only .xlsx and .csv files can be imported.")
                )
            content = await upload.read()
            if not content:
                raise invalid(_("The uploaded file is empty."), field="file")
        report = await limited_import(
            request, db_session, content, name, actor=me.actor, dry_run=waiting is None
        )
        problems = report.problems
        written = False
        token = ""
        if problems or waiting is None:
            await db_session.rollback()
            if not problems:
                token = await pending.keep(
                    db_session, owner_id=me.user_id, filename=name, content=content
                )
                await db_session.commit()
        else:
            await pending.discard(db_session, waiting)
            await db_session.commit()
            written = True
        return Template(
            template_name="import.html",
            context={
                "me": me,
                "filename": name,
                "problems": problems,
                "warnings": report.warnings,
                "summary": import_summary(report.counts, report.rows, written=written),
                "written": written,
                "pending": token,
            },
            status_code=422 if problems else 200,
        )

    @get("/export")
    async def export(
        self,
        db_session: AsyncSession,
        format: str = "xlsx",
        status: str | None = None,
        country: str | None = None,
        category: str | None = None,
        role: str | None = None,
    ) -> Response[bytes]:
        if format not in EXPORT_TYPES:
            raise invalid(_("Choose xlsx, csv or json."), field="format")
        day = date.today()
        filters = {
            "status": status or None,
            "country": (country or "").upper()[:2] or None,
            "category": category or None,
            "role": role or None,
        }
        data = await export_data(db_session, as_of=day, filters=filters)
        body = await asyncio.to_thread(render, data, format)  # type: ignore[arg-type]
        return Response(
            body,
            media_type=EXPORT_TYPES[format],
            headers={
                "Content-Disposition": f'attachment; filename="transfers-register-{day}.{format}"'
            },
        )

    # -- audit -------------------------------------------------------------------------

    @get("/audit")
    async def audit(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        entity_type: str | None = None,
        actor: str | None = None,
        since: str | None = None,
        until: str | None = None,
        page: int = 1,
    ) -> Template:
        """Filtered by record type, person and a date range (both days included)."""
        page = max(1, min(page, 100_000))
        first = parse_day(since, "since") if since else None
        last = parse_day(until, "until") if until else None
        if first and last and last < first:
            raise invalid(_("The end date is before the start date."), field="until")
        events, total = await list_events(
            db_session,
            entity_type=entity_type or None,
            actor=actor or None,
            since=datetime.combine(first, time.min, UTC) if first else None,
            until=datetime.combine(last + timedelta(days=1), time.min, UTC) if last else None,
            limit=100,
            offset=(page - 1) * 100,
        )
        return Template(
            template_name="audit.html",
            context={
                "me": identity(request),
                "events": events,
                "total": total,
                "page": page,
                "pages": max(1, -(-total // 100)),
                "filters": {
                    "entity_type": entity_type or "",
                    "actor": actor or "",
                    "since": first.isoformat() if first else "",
                    "until": last.isoformat() if last else "",
                },
            },
        )
