"""Document endpoints: render, list, download; upload template versions."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.auth.guards import requires_writer
from transfers.auth.schemas import Actor
from transfers.common.fields import Limit, Offset
from transfers.common.pagination import Page
from transfers.common.responses import read_as
from transfers.common.text import check_filename, content_disposition
from transfers.common.uploads import UPLOAD
from transfers.document import service, versions
from transfers.document.context import DocumentOptions
from transfers.document.schemas import Change, DocumentCreate, DocumentRead, TemplateRead
from transfers.models import Document
from transfers.settings import Settings

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PATH = "/api/v1/documents"


def options_from(settings: Settings) -> DocumentOptions:
    return DocumentOptions.from_settings(settings)


def _read(
    doc: Document, status: versions.DocumentStatus | None = None, *, brief: bool = False
) -> DocumentRead:
    """``brief`` (lists) leaves out the stored register values: a register-wide document keeps
    one entry per transfer, and ``changes`` already says what matters."""
    status = status or versions.DocumentStatus(doc)
    snapshot = doc.snapshot
    if brief:
        snapshot = {k: v for k, v in (doc.snapshot or {}).items() if k != "values"}
    return read_as(
        DocumentRead,
        doc,
        snapshot=snapshot,
        content_url=f"{PATH}/{doc.id}/content",
        superseded_by=status.superseded_by,
        stale=status.stale,
        changes=[Change(**c) for c in status.changes],
    )


class DocumentController(Controller):
    path = PATH
    tags = ["documents"]

    @post("/", operation_id="CreateDocument", guards=[requires_writer])
    async def create_document(
        self, request: Request[Actor, Any, Any], db_session: AsyncSession, data: DocumentCreate
    ) -> Response[DocumentRead]:
        doc = await service.render_document(
            db_session,
            kind=data.kind,
            language=data.language,
            vendor_id=data.vendor_id,
            transfer_id=data.transfer_id,
            assessment_id=data.assessment_id,
            as_of=data.as_of or date.today(),
            since=data.since,
            actor=request.user,
            options=options_from(request.app.state.settings),
        )
        await db_session.commit()
        return Response(_read(doc), status_code=201, headers={"Location": f"{PATH}/{doc.id}"})

    @get("/", operation_id="ListDocuments")
    async def list_documents(
        self,
        db_session: AsyncSession,
        vendor_id: int | None = None,
        kind: str | None = None,
        stale: bool | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[DocumentRead]:
        """``stale=true``: the newest versions whose register rows changed since, each with
        what changed; ``stale=false``: the rest."""
        found, total = await versions.list_documents(
            db_session, vendor_id=vendor_id, kind=kind, stale=stale, limit=limit, offset=offset
        )
        return Page(
            items=[_read(s.document, s, brief=True) for s in found],
            total=total,
            limit=limit,
            offset=offset,
        )

    @get("/{document_id:int}", operation_id="GetDocument")
    async def get_document(self, db_session: AsyncSession, document_id: int) -> DocumentRead:
        status = await versions.document_status(db_session, document_id=document_id)
        return _read(status.document, status)

    @post(
        "/{document_id:int}/regenerate",
        operation_id="RegenerateDocument",
        guards=[requires_writer],
        summary="Generate the new version of a document",
        description="Same kind, language and subject, from the register as it is today; the "
        "new version links to the old one (supersedes_id / superseded_by). 409 when the "
        "document already has a newer version.",
    )
    async def regenerate(
        self, request: Request[Actor, Any, Any], db_session: AsyncSession, document_id: int
    ) -> Response[DocumentRead]:
        doc = await versions.regenerate(
            db_session,
            document_id=document_id,
            actor=request.user,
            as_of=date.today(),
            options=options_from(request.app.state.settings),
        )
        await db_session.commit()
        return Response(
            _read(doc),
            status_code=201,
            headers={"Location": f"{PATH}/{doc.id}"},
        )

    @get("/{document_id:int}/content", operation_id="GetDocumentContent", media_type=DOCX)
    async def content(self, db_session: AsyncSession, document_id: int) -> Response[bytes]:
        doc = await service.get_document(db_session, document_id=document_id, content=True)
        return Response(
            doc.content,
            media_type=DOCX,
            headers={"Content-Disposition": content_disposition(doc.filename)},
        )


class DocumentTemplateController(Controller):
    path = "/api/v1/document-templates"
    tags = ["documents"]

    @get("/", operation_id="ListDocumentTemplates")
    async def list_templates(self, db_session: AsyncSession) -> list[TemplateRead]:
        return [read_as(TemplateRead, r) for r in await service.list_templates(db_session)]

    @post(
        "/",
        operation_id="UploadDocumentTemplate",
        guards=[requires_writer],
        opt=UPLOAD,
    )
    async def upload(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Response[TemplateRead]:
        from transfers.common.problems import invalid

        upload = data.get("file")
        if not isinstance(upload, UploadFile):
            raise invalid("Send the template as a multipart field named 'file'.", field="file")
        check_filename(upload.filename)
        content = await upload.read()
        row = await service.upload_template(
            db_session,
            kind=str(data.get("kind", "")),
            language=str(data.get("language", "")),
            content=content,
            actor=request.user,
            sample=service.sample_context,
            options=options_from(request.app.state.settings),
        )
        await db_session.commit()
        return Response(read_as(TemplateRead, row), status_code=201)

    @post(
        "/{kind:str}/{language:str}/revert",
        operation_id="RevertDocumentTemplate",
        guards=[requires_writer],
        summary="Return to the built-in template",
        description="Adds a template version that stands for the built-in template of this kind "
        "and language; uploads stay in the history and the audit trail.",
    )
    async def revert(
        self, request: Request[Actor, Any, Any], db_session: AsyncSession, kind: str, language: str
    ) -> Response[TemplateRead]:
        row = await service.revert_template(
            db_session, kind=kind, language=language, actor=request.user
        )
        await db_session.commit()
        return Response(read_as(TemplateRead, row), status_code=201)
