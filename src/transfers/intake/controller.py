"""Intake endpoints: procurement files and follows requests; legal reviews and decides."""

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
from transfers.intake import service
from transfers.intake.schemas import (
    DecisionCreate,
    IntakeCreate,
    IntakeRead,
    IntakeState,
    VersionOnly,
)

IF_MATCH = Parameter(header="If-Match", default=None)


class IntakeController(Controller):
    path = "/api/v1/intake-requests"
    tags = ["intake"]

    async def _answer(
        self, db_session: AsyncSession, intake_id: int, status_code: int = 200
    ) -> Response[IntakeRead]:
        intake = await service.get_intake(db_session, intake_id)
        check = await service.precheck(db_session, intake, date.today())
        body = service.to_read(intake, check)
        return Response(body, status_code=status_code, headers=etag(body.version))

    @post("/", operation_id="CreateIntakeRequest")
    async def create(
        self, request: Request[Actor, Any, Any], db_session: AsyncSession, data: IntakeCreate
    ) -> Response[IntakeRead]:
        """Any role may ask; the answer carries the engine's pre-check of the request."""
        intake = await service.create_intake(db_session, data, request.user)
        check = await service.precheck(db_session, intake, date.today())
        body = service.to_read(intake, check)
        await db_session.commit()
        return Response(
            body,
            status_code=201,
            headers=etag(body.version) | {"Location": f"{self.path}/{intake.id}"},
        )

    @get("/", operation_id="ListIntakeRequests")
    async def list_requests(
        self,
        db_session: AsyncSession,
        state_: IntakeState | None = Parameter(query="state", default=None),
        vendor_id: int | None = Parameter(default=None, ge=1, le=MAX_ID),
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[IntakeRead]:
        items, total = await service.list_intakes(
            db_session, state=state_, vendor_id=vendor_id, limit=limit, offset=offset
        )
        return Page(
            items=[service.to_read(i) for i in items], total=total, limit=limit, offset=offset
        )

    @get("/{intake_id:int}", operation_id="GetIntakeRequest")
    async def get_request(self, db_session: AsyncSession, intake_id: int) -> Response[IntakeRead]:
        return await self._answer(db_session, intake_id)

    @post("/{intake_id:int}/review", operation_id="StartIntakeReview", guards=[requires_writer])
    async def start_review(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        intake_id: int,
        data: VersionOnly,
        if_match: str | None = IF_MATCH,
    ) -> Response[IntakeRead]:
        intake = await service.get_intake(db_session, intake_id)
        check_version(intake, if_match, version_of(data))
        await service.start_review(db_session, intake, request.user)
        await db_session.commit()
        return await self._answer(db_session, intake_id)

    @post("/{intake_id:int}/decision", operation_id="DecideIntakeRequest", guards=[requires_writer])
    async def decide(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        intake_id: int,
        data: DecisionCreate,
        if_match: str | None = IF_MATCH,
    ) -> Response[IntakeRead]:
        intake = await service.get_intake(db_session, intake_id)
        check_version(intake, if_match, version_of(data))
        await service.decide(db_session, intake, data, request.user)
        await db_session.commit()
        return await self._answer(db_session, intake_id)

    @post(
        "/{intake_id:int}/conditions/{number:int}/met",
        operation_id="MeetIntakeCondition",
        guards=[requires_writer],
    )
    async def condition_met(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        intake_id: int,
        number: int,
        data: VersionOnly,
        if_match: str | None = IF_MATCH,
    ) -> Response[IntakeRead]:
        intake = await service.get_intake(db_session, intake_id)
        check_version(intake, if_match, version_of(data))
        await service.condition_met(db_session, intake, number, request.user, date.today())
        await db_session.commit()
        return await self._answer(db_session, intake_id)
