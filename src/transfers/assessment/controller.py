"""Assessment endpoints."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.assessment import service
from transfers.assessment.schemas import AssessmentCreate, AssessmentRead, AssessmentUpdate
from transfers.audit.crud import check_version
from transfers.auth.guards import requires_writer
from transfers.auth.schemas import Actor
from transfers.common.fields import Limit, Offset
from transfers.common.pagination import Page
from transfers.common.responses import created, etag, read_as, version_of


class AssessmentController(Controller):
    path = "/api/v1/assessments"
    tags = ["assessments"]

    @get("/", operation_id="ListAssessments")
    async def list_assessments(
        self,
        db_session: AsyncSession,
        transfer_id: int | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[AssessmentRead]:
        rows, total = await service.list_assessments(
            db_session, transfer_id=transfer_id, limit=limit, offset=offset
        )
        return Page(
            items=[read_as(AssessmentRead, r) for r in rows],
            total=total,
            limit=limit,
            offset=offset,
        )

    @post("/", operation_id="CreateAssessment", guards=[requires_writer])
    async def create_assessment(
        self, request: Request[Actor, Any, Any], db_session: AsyncSession, data: AssessmentCreate
    ) -> Response[AssessmentRead]:
        row = await service.create_assessment(db_session, data, request.user)
        await db_session.commit()
        return created(read_as(AssessmentRead, row), f"{self.path}/{row.id}")

    @get("/{assessment_id:int}", operation_id="GetAssessment")
    async def get_assessment(
        self, db_session: AsyncSession, assessment_id: int
    ) -> Response[AssessmentRead]:
        row = await service.get_assessment(db_session, assessment_id)
        return Response(read_as(AssessmentRead, row), headers=etag(row.version))

    @patch("/{assessment_id:int}", operation_id="UpdateAssessment", guards=[requires_writer])
    async def update_assessment(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        assessment_id: int,
        data: AssessmentUpdate,
        if_match: str | None = Parameter(header="If-Match", default=None),
    ) -> Response[AssessmentRead]:
        row = await service.get_assessment(db_session, assessment_id)
        check_version(row, if_match, version_of(data))
        await service.update_assessment(db_session, row, data, request.user)
        await db_session.commit()
        return Response(read_as(AssessmentRead, row), headers=etag(row.version))

    @delete("/{assessment_id:int}", operation_id="DeleteAssessment", guards=[requires_writer])
    async def delete_assessment(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        assessment_id: int,
        if_match: str | None = Parameter(
            header="If-Match",
            default=None,
            description="The ETag from GET: deleting needs the version you saw",
        ),
    ) -> None:
        row = await service.get_assessment(db_session, assessment_id)
        check_version(row, if_match, None)
        await service.delete_assessment(db_session, row, request.user)
        await db_session.commit()
