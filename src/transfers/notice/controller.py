"""Sub-processor notice endpoints: record, follow, accept or object (legal and admin write)."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.audit.crud import check_version
from transfers.auth.guards import requires_writer
from transfers.auth.schemas import Actor
from transfers.common.fields import MAX_ID, Limit, Offset
from transfers.common.pagination import Page
from transfers.common.responses import etag, version_of
from transfers.notice import service
from transfers.notice.schemas import (
    NoticeCreate,
    NoticeRead,
    NoticeState,
    ObjectionCreate,
    VersionOnly,
)

IF_MATCH = Parameter(header="If-Match", default=None)


class NoticeController(Controller):
    path = "/api/v1/subprocessor-notices"
    tags = ["subprocessor-notices"]

    async def _answer(
        self, db_session: AsyncSession, notice_id: int, status_code: int = 200
    ) -> Response[NoticeRead]:
        notice = await service.get_notice(db_session, notice_id)
        today = date.today()
        body = service.to_read(notice, today, await service.impact(db_session, notice, today))
        headers = etag(body.version)
        if status_code == 201:
            headers |= {"Location": f"{self.path}/{notice_id}"}
        return Response(body, status_code=status_code, headers=headers)

    @post("/", operation_id="CreateSubprocessorNotice", guards=[requires_writer])
    async def create(
        self, request: Request[Actor, Any, Any], db_session: AsyncSession, data: NoticeCreate
    ) -> Response[NoticeRead]:
        """Record the notice; the answer says the deadline and what accepting would do."""
        notice = await service.create_notice(db_session, data, request.user)
        await db_session.commit()
        return await self._answer(db_session, notice.id, 201)

    @get("/", operation_id="ListSubprocessorNotices")
    async def list_notices(
        self,
        db_session: AsyncSession,
        state_: NoticeState | None = Parameter(query="state", default=None),
        vendor_id: int | None = Parameter(default=None, ge=1, le=MAX_ID),
        overdue: bool = Parameter(default=False, description="Only undecided notices past due"),
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[NoticeRead]:
        today = date.today()
        items, total = await service.list_notices(
            db_session,
            state=state_,
            vendor_id=vendor_id,
            overdue_on=today if overdue else None,
            limit=limit,
            offset=offset,
        )
        return Page(
            items=[service.to_read(n, today) for n in items],
            total=total,
            limit=limit,
            offset=offset,
        )

    @get("/{notice_id:int}", operation_id="GetSubprocessorNotice")
    async def get_notice(self, db_session: AsyncSession, notice_id: int) -> Response[NoticeRead]:
        return await self._answer(db_session, notice_id)

    @post(
        "/{notice_id:int}/accept", operation_id="AcceptSubprocessorNotice", guards=[requires_writer]
    )
    async def accept(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        notice_id: int,
        data: VersionOnly,
        if_match: str | None = IF_MATCH,
    ) -> Response[NoticeRead]:
        notice = await service.get_notice(db_session, notice_id)
        check_version(notice, if_match, version_of(data))
        await service.accept(db_session, notice, request.user, date.today())
        await db_session.commit()
        return await self._answer(db_session, notice_id)

    @post(
        "/{notice_id:int}/object",
        operation_id="ObjectToSubprocessorNotice",
        guards=[requires_writer],
    )
    async def object_to(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        notice_id: int,
        data: ObjectionCreate,
        if_match: str | None = IF_MATCH,
    ) -> Response[NoticeRead]:
        notice = await service.get_notice(db_session, notice_id)
        check_version(notice, if_match, version_of(data))
        await service.object_to(db_session, notice, data, request.user, date.today())
        await db_session.commit()
        return await self._answer(db_session, notice_id)
