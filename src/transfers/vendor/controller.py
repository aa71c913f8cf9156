"""Vendor endpoints: parse, call the service, return. Writes commit here, at the boundary."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.audit.crud import check_version
from transfers.auth.guards import requires_writer
from transfers.auth.schemas import Actor
from transfers.common.fields import Limit, Offset, VendorCategory, VendorRole, VendorStatus
from transfers.common.pagination import Page
from transfers.common.responses import etag, version_of
from transfers.vendor import service
from transfers.vendor.schemas import (
    ChainNode,
    VendorCreate,
    VendorRead,
    VendorUpdate,
)


class VendorController(Controller):
    path = "/api/v1/vendors"
    tags = ["vendors"]

    @get("/", operation_id="ListVendors")
    async def list_vendors(
        self,
        db_session: AsyncSession,
        status: VendorStatus | None = None,
        category: VendorCategory | None = None,
        country: str | None = Parameter(default=None, max_length=2),
        role: VendorRole | None = None,
        q: str | None = Parameter(
            default=None, max_length=200, description="Text search on names and business ID"
        ),
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[VendorRead]:
        items, total = await service.list_vendors(
            db_session,
            status=status,
            category=category,
            country_code=country,
            role=role,
            q=q,
            limit=limit,
            offset=offset,
        )
        return Page(items=items, total=total, limit=limit, offset=offset)

    @post("/", operation_id="CreateVendor", guards=[requires_writer])
    async def create_vendor(
        self, request: Request[Actor, Any, Any], db_session: AsyncSession, data: VendorCreate
    ) -> Response[VendorRead]:
        vendor = await service.create_vendor(db_session, data, request.user)
        body = await service.read_vendor(db_session, vendor)
        await db_session.commit()
        return Response(
            body,
            status_code=201,
            headers=etag(body.version) | {"Location": f"{self.path}/{vendor.id}"},
        )

    @get("/{vendor_id:int}", operation_id="GetVendor")
    async def get_vendor(self, db_session: AsyncSession, vendor_id: int) -> Response[VendorRead]:
        body = await service.read_vendor_by_id(db_session, vendor_id)
        return Response(body, headers=etag(body.version))

    @patch("/{vendor_id:int}", operation_id="UpdateVendor", guards=[requires_writer])
    async def update_vendor(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        vendor_id: int,
        data: VendorUpdate,
        if_match: str | None = Parameter(header="If-Match", default=None),
    ) -> Response[VendorRead]:
        vendor = await service.get_vendor(db_session, vendor_id)
        check_version(vendor, if_match, version_of(data))
        await service.update_vendor(db_session, vendor, data, request.user)
        body = await service.read_vendor(db_session, vendor)
        await db_session.commit()
        return Response(body, headers=etag(body.version))

    @delete("/{vendor_id:int}", operation_id="DeleteVendor", guards=[requires_writer])
    async def delete_vendor(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        vendor_id: int,
        if_match: str | None = Parameter(
            header="If-Match",
            default=None,
            description="The ETag from GET: deleting needs the version you saw",
        ),
    ) -> None:
        vendor = await service.get_vendor(db_session, vendor_id)
        check_version(vendor, if_match, None)
        await service.delete_vendor(db_session, vendor, request.user)
        await db_session.commit()

    @get("/{vendor_id:int}/chain", operation_id="GetVendorChain")
    async def get_chain(self, db_session: AsyncSession, vendor_id: int) -> ChainNode:
        vendor = await service.get_vendor(db_session, vendor_id)
        return await service.chain(db_session, vendor)
