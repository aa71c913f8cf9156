"""Organisation and processing endpoints."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.audit.crud import check_version
from transfers.auth.guards import requires_writer
from transfers.auth.schemas import Actor
from transfers.common.fields import Limit, Offset
from transfers.common.pagination import Page
from transfers.common.responses import created, etag, read_as, version_of
from transfers.organisation import service
from transfers.organisation.schemas import (
    OrganisationCreate,
    OrganisationRead,
    OrganisationUpdate,
    ProcessingCreate,
    ProcessingRead,
    ProcessingUpdate,
)


class OrganisationController(Controller):
    path = "/api/v1/organisations"
    tags = ["organisations"]

    @get("/", operation_id="ListOrganisations")
    async def list_organisations(
        self, db_session: AsyncSession, limit: Limit = 50, offset: Offset = 0
    ) -> Page[OrganisationRead]:
        rows, total = await service.list_organisations(db_session, limit, offset)
        return Page(
            items=[read_as(OrganisationRead, r) for r in rows],
            total=total,
            limit=limit,
            offset=offset,
        )

    @post("/", operation_id="CreateOrganisation", guards=[requires_writer])
    async def create_organisation(
        self, request: Request[Actor, Any, Any], db_session: AsyncSession, data: OrganisationCreate
    ) -> Response[OrganisationRead]:
        org = await service.create_organisation(db_session, data, request.user)
        await db_session.commit()
        return created(read_as(OrganisationRead, org), f"{self.path}/{org.id}")

    @get("/{org_id:int}", operation_id="GetOrganisation")
    async def get_organisation(
        self, db_session: AsyncSession, org_id: int
    ) -> Response[OrganisationRead]:
        org = await service.get_organisation(db_session, org_id)
        return Response(read_as(OrganisationRead, org), headers=etag(org.version))

    @patch("/{org_id:int}", operation_id="UpdateOrganisation", guards=[requires_writer])
    async def update_organisation(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        org_id: int,
        data: OrganisationUpdate,
        if_match: str | None = Parameter(header="If-Match", default=None),
    ) -> Response[OrganisationRead]:
        org = await service.get_organisation(db_session, org_id)
        check_version(org, if_match, version_of(data))
        await service.update_organisation(db_session, org, data, request.user)
        await db_session.commit()
        return Response(read_as(OrganisationRead, org), headers=etag(org.version))

    @delete("/{org_id:int}", operation_id="DeleteOrganisation", guards=[requires_writer])
    async def delete_organisation(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        org_id: int,
        if_match: str | None = Parameter(
            header="If-Match",
            default=None,
            description="The ETag from GET: deleting needs the version you saw",
        ),
    ) -> None:
        org = await service.get_organisation(db_session, org_id)
        check_version(org, if_match, None)
        await service.delete_organisation(db_session, org, request.user)
        await db_session.commit()


class ProcessingController(Controller):
    path = "/api/v1/processings"
    tags = ["processings"]

    @get("/", operation_id="ListProcessings")
    async def list_processings(
        self,
        db_session: AsyncSession,
        vendor_id: int | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[ProcessingRead]:
        rows, total = await service.list_processings(db_session, vendor_id, limit, offset)
        return Page(
            items=[read_as(ProcessingRead, r) for r in rows],
            total=total,
            limit=limit,
            offset=offset,
        )

    @post("/", operation_id="CreateProcessing", guards=[requires_writer])
    async def create_processing(
        self, request: Request[Actor, Any, Any], db_session: AsyncSession, data: ProcessingCreate
    ) -> Response[ProcessingRead]:
        row = await service.create_processing(db_session, data, request.user)
        await db_session.commit()
        return created(read_as(ProcessingRead, row), f"{self.path}/{row.id}")

    @get("/{processing_id:int}", operation_id="GetProcessing")
    async def get_processing(
        self, db_session: AsyncSession, processing_id: int
    ) -> Response[ProcessingRead]:
        row = await service.get_processing(db_session, processing_id)
        return Response(read_as(ProcessingRead, row), headers=etag(row.version))

    @patch("/{processing_id:int}", operation_id="UpdateProcessing", guards=[requires_writer])
    async def update_processing(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        processing_id: int,
        data: ProcessingUpdate,
        if_match: str | None = Parameter(header="If-Match", default=None),
    ) -> Response[ProcessingRead]:
        row = await service.get_processing(db_session, processing_id)
        check_version(row, if_match, version_of(data))
        await service.update_processing(db_session, row, data, request.user)
        await db_session.commit()
        return Response(read_as(ProcessingRead, row), headers=etag(row.version))

    @delete("/{processing_id:int}", operation_id="DeleteProcessing", guards=[requires_writer])
    async def delete_processing(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        processing_id: int,
        if_match: str | None = Parameter(
            header="If-Match",
            default=None,
            description="The ETag from GET: deleting needs the version you saw",
        ),
    ) -> None:
        row = await service.get_processing(db_session, processing_id)
        check_version(row, if_match, None)
        await service.delete_processing(db_session, row, request.user)
        await db_session.commit()
