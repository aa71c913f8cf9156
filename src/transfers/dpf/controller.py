"""DPF list upload: the file as downloaded by the user; dry run unless dry_run=false."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.auth.guards import requires_writer
from transfers.auth.schemas import Actor
from transfers.common.problems import ProblemError, invalid
from transfers.dpf import service
from transfers.dpf.parse import ListError
from transfers.dpf.schemas import SyncReport
from transfers.intake.service import plausible_day


class DpfController(Controller):
    path = "/api/v1/dpf"
    tags = ["dpf"]

    @post("/sync", operation_id="SyncDpfList", guards=[requires_writer], status_code=200)
    async def sync(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
        dry_run: bool = Parameter(default=True, description="Report only (default); false writes"),
        list_date: date | None = Parameter(
            default=None, description="The day the list was downloaded (default: today)"
        ),
    ) -> SyncReport:
        upload = data.get("file")
        if not isinstance(upload, UploadFile):
            raise invalid(
                "Send the DPF participant list (.csv or .json) as a multipart field 'file'.",
                field="file",
            )
        name = upload.filename or "dpf-list"
        if not name.casefold().endswith((".csv", ".json")):
            raise ProblemError(
                415, "unsupported-media-type", f"{name!r} is not a .csv or .json file."
            )
        plausible_day(list_date, "list_date")
        content = await upload.read()
        try:
            report = await service.sync(
                db_session,
                content,
                filename=name,
                list_date=list_date or date.today(),
                apply=not dry_run,
                actor=request.user,
            )
        except ListError as exc:
            raise invalid(str(exc), field="file") from exc
        if not dry_run:
            await db_session.commit()
        return report
