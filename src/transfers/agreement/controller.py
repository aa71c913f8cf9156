"""Agreement endpoints, including document attachments (multipart upload)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.agreement import service
from transfers.agreement.schemas import (
    AgreementCreate,
    AgreementRead,
    AgreementUpdate,
    AttachmentRead,
)
from transfers.audit.crud import check_version
from transfers.auth.guards import requires_writer
from transfers.auth.schemas import Actor
from transfers.common.fields import AgreementKind, AgreementStatus, Limit, Offset
from transfers.common.pagination import Page
from transfers.common.responses import created, etag, read_as, version_of
from transfers.common.text import ATTACHMENT_HEADERS, content_disposition, safe_content_type
from transfers.common.uploads import UPLOAD


class AgreementController(Controller):
    path = "/api/v1/agreements"
    tags = ["agreements"]

    @get("/", operation_id="ListAgreements")
    async def list_agreements(
        self,
        db_session: AsyncSession,
        vendor_id: int | None = None,
        kind: AgreementKind | None = None,
        status: AgreementStatus | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[AgreementRead]:
        rows, total = await service.list_agreements(
            db_session, vendor_id=vendor_id, kind=kind, status=status, limit=limit, offset=offset
        )
        return Page(
            items=[service.to_read(r) for r in rows], total=total, limit=limit, offset=offset
        )

    @post("/", operation_id="CreateAgreement", guards=[requires_writer])
    async def create_agreement(
        self, request: Request[Actor, Any, Any], db_session: AsyncSession, data: AgreementCreate
    ) -> Response[AgreementRead]:
        agreement = await service.create_agreement(db_session, data, request.user)
        await db_session.commit()
        return created(service.to_read(agreement), f"{self.path}/{agreement.id}")

    @get("/{agreement_id:int}", operation_id="GetAgreement")
    async def get_agreement(
        self,
        db_session: AsyncSession,
        agreement_id: int,
        as_of: date | None = Parameter(
            default=None, description="Compute term dates as of this day"
        ),
    ) -> Response[AgreementRead]:
        agreement = await service.get_agreement(db_session, agreement_id)
        return Response(service.to_read(agreement, as_of), headers=etag(agreement.version))

    @patch("/{agreement_id:int}", operation_id="UpdateAgreement", guards=[requires_writer])
    async def update_agreement(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        agreement_id: int,
        data: AgreementUpdate,
        if_match: str | None = Parameter(header="If-Match", default=None),
    ) -> Response[AgreementRead]:
        agreement = await service.get_agreement(db_session, agreement_id)
        check_version(agreement, if_match, version_of(data))
        await service.update_agreement(db_session, agreement, data, request.user)
        await db_session.commit()
        return Response(service.to_read(agreement), headers=etag(agreement.version))

    @delete("/{agreement_id:int}", operation_id="DeleteAgreement", guards=[requires_writer])
    async def delete_agreement(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        agreement_id: int,
        if_match: str | None = Parameter(
            header="If-Match",
            default=None,
            description="The ETag from GET: deleting needs the version you saw",
        ),
        cascade: bool = Parameter(
            query="cascade",
            default=False,
            description="Also delete (or detach) the records that depend on this one, each audited",
        ),
    ) -> None:
        agreement = await service.get_agreement(db_session, agreement_id)
        check_version(agreement, if_match, None)
        await service.delete_agreement(db_session, agreement, request.user, cascade=cascade)
        await db_session.commit()

    @get("/{agreement_id:int}/attachments", operation_id="ListAgreementAttachments")
    async def list_attachments(
        self, db_session: AsyncSession, agreement_id: int
    ) -> list[AttachmentRead]:
        await service.get_agreement(db_session, agreement_id)
        return [
            read_as(AttachmentRead, a)
            for a in await service.list_attachments(db_session, agreement_id)
        ]

    @post(
        "/{agreement_id:int}/attachments",
        operation_id="AddAgreementAttachment",
        guards=[requires_writer],
        opt=UPLOAD,
    )
    async def add_attachment(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        agreement_id: int,
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Response[AttachmentRead]:
        """Upload a signed copy as the multipart field ``file``."""
        agreement = await service.get_agreement(db_session, agreement_id)
        upload = data.get("file")
        if not isinstance(upload, UploadFile):
            from transfers.common.problems import invalid

            raise invalid("Send the document as a multipart field named 'file'.", field="file")
        content = await upload.read()
        attachment = await service.add_attachment(
            db_session,
            agreement,
            filename=upload.filename,
            content_type=upload.content_type,
            content=content,
            actor=request.user,
        )
        await db_session.commit()
        return Response(read_as(AttachmentRead, attachment), status_code=201)

    @get(
        "/{agreement_id:int}/attachments/{attachment_id:int}/content",
        operation_id="GetAgreementAttachmentContent",
    )
    async def attachment_content(
        self, db_session: AsyncSession, agreement_id: int, attachment_id: int
    ) -> Response[bytes]:
        attachment = await service.get_attachment_content(db_session, agreement_id, attachment_id)
        return Response(
            attachment.content,
            media_type=safe_content_type(attachment.content_type),
            headers={
                "Content-Disposition": content_disposition(attachment.filename),
                **ATTACHMENT_HEADERS,
            },
        )
