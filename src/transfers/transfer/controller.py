"""Transfer endpoints."""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.audit.crud import check_version
from transfers.auth.guards import requires_writer
from transfers.auth.schemas import Actor
from transfers.common.fields import Limit, Mechanism, Offset, PartyRole
from transfers.common.pagination import Page
from transfers.common.responses import created, etag, read_as, version_of
from transfers.compliance.schemas import evaluation_read
from transfers.compliance.service import evaluate_one
from transfers.reference import load_reference
from transfers.transfer import service
from transfers.transfer.schemas import TransferCreate, TransferRead, TransferUpdate, TransferWritten


async def _written(session: AsyncSession, transfer: Any) -> TransferWritten:
    """The stored transfer with its verdict on today's date."""
    read = read_as(TransferRead, transfer)
    facts, evaluation = await evaluate_one(session, transfer.id, date.today())
    return TransferWritten(
        **msgspec.structs.asdict(read),
        evaluation=evaluation_read(facts, evaluation, load_reference().version),
    )


class TransferController(Controller):
    path = "/api/v1/transfers"
    tags = ["transfers"]

    @get("/", operation_id="ListTransfers")
    async def list_transfers(
        self,
        db_session: AsyncSession,
        vendor_id: int | None = None,
        destination_country: str | None = Parameter(default=None, max_length=2),
        mechanism: Mechanism | None = None,
        exporter_role: PartyRole | None = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[TransferRead]:
        rows, total = await service.list_transfers(
            db_session,
            vendor_id=vendor_id,
            destination_country=destination_country,
            mechanism=mechanism,
            exporter_role=exporter_role,
            limit=limit,
            offset=offset,
        )
        return Page(
            items=[read_as(TransferRead, r) for r in rows], total=total, limit=limit, offset=offset
        )

    @post("/", operation_id="CreateTransfer", guards=[requires_writer])
    async def create_transfer(
        self, request: Request[Actor, Any, Any], db_session: AsyncSession, data: TransferCreate
    ) -> Response[TransferWritten]:
        transfer = await service.create_transfer(db_session, data, request.user)
        await db_session.commit()
        return created(await _written(db_session, transfer), f"{self.path}/{transfer.id}")

    @get("/{transfer_id:int}", operation_id="GetTransfer")
    async def get_transfer(
        self, db_session: AsyncSession, transfer_id: int
    ) -> Response[TransferRead]:
        transfer = await service.get_transfer(db_session, transfer_id)
        return Response(read_as(TransferRead, transfer), headers=etag(transfer.version))

    @patch("/{transfer_id:int}", operation_id="UpdateTransfer", guards=[requires_writer])
    async def update_transfer(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        transfer_id: int,
        data: TransferUpdate,
        if_match: str | None = Parameter(header="If-Match", default=None),
    ) -> Response[TransferWritten]:
        transfer = await service.get_transfer(db_session, transfer_id)
        check_version(transfer, if_match, version_of(data))
        await service.update_transfer(db_session, transfer, data, request.user)
        await db_session.commit()
        return Response(await _written(db_session, transfer), headers=etag(transfer.version))

    @delete("/{transfer_id:int}", operation_id="DeleteTransfer", guards=[requires_writer])
    async def delete_transfer(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        transfer_id: int,
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
        transfer = await service.get_transfer(db_session, transfer_id)
        check_version(transfer, if_match, None)
        await service.delete_transfer(db_session, transfer, request.user, cascade=cascade)
        await db_session.commit()
