"""Import and export endpoints (thin: parse the upload, call the plan and the writer)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.auth.guards import requires_writer
from transfers.auth.schemas import Actor
from transfers.common.fields import VendorCategory, VendorRole, VendorStatus
from transfers.common.problems import ProblemError, invalid
from transfers.common.text import check_filename
from transfers.common.uploads import UPLOAD
from transfers.importer.export import render
from transfers.importer.parse import Interrupt, ParseError
from transfers.importer.service import ImportReport, run_import
from transfers.importer.writer import export_data
from transfers.settings import Settings, get_settings

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


@asynccontextmanager
async def import_slot(request: Request[Any, Any, Any], settings: Settings) -> AsyncIterator[None]:
    """At most ``max_concurrent_imports`` imports at once (each holds a core and a transaction);
    one more is told to come back later (429 with Retry-After) rather than queue unseen."""
    state = request.app.state
    running = int(state.get("imports_running", 0))
    if running >= settings.max_concurrent_imports:
        raise ProblemError(
            429,
            "too-many-imports",
            f"{running} imports are running; try again in a minute.",
            headers={"Retry-After": "60"},
        )
    state.imports_running = running + 1
    try:
        yield
    finally:
        state.imports_running = int(state.get("imports_running", 1)) - 1


async def _watch_disconnect(request: Request[Any, Any, Any], interrupt: Interrupt) -> None:
    """Set ``interrupt.stop`` when the client goes away, so that work in threads stops too."""
    while (await request.receive())["type"] != "http.disconnect":
        pass
    interrupt.stop.set()


class ImportController(Controller):
    path = "/api/v1/imports"
    tags = ["import-export"]

    @post(
        "/",
        operation_id="ImportRegister",
        guards=[requires_writer],
        opt=UPLOAD,
        status_code=200,
    )
    async def import_sheet(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
        dry_run: bool = Parameter(
            default=True,
            description="Apply and roll back (default): the report the real import would give; "
            "false writes, all or nothing",
        ),
    ) -> dict[str, Any]:
        upload = data.get("file")
        if not isinstance(upload, UploadFile):
            raise invalid(
                "Send the spreadsheet (.xlsx or .csv) as a multipart field named 'file'.",
                field="file",
            )
        name = check_filename(upload.filename) or "upload"
        if not name.lower().endswith((".xlsx", ".csv")):
            raise ProblemError(
                415, "unsupported-media-type", f"{name!r} is not an .xlsx or .csv file."
            )
        content = await upload.read()
        if not content:
            raise invalid("The uploaded file is empty.", field="file")
        report = await limited_import(
            request, db_session, content, name, actor=request.user, dry_run=dry_run
        )
        if not report.ok:
            await db_session.rollback()
            where = name if report.stage == "sheet" else "against the register"
            raise ProblemError(
                422,
                "import-invalid",
                f"{len(report.problems)} problem(s) {'in ' if report.stage == 'sheet' else ''}"
                f"{where}; nothing was written.",
                title="Invalid spreadsheet",
                problems=report.problems,
                warnings=report.warnings,
            )
        if dry_run:
            await db_session.rollback()
        else:
            await db_session.commit()
        return report.as_dict()


async def limited_import(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    content: bytes,
    name: str,
    *,
    actor: Actor,
    dry_run: bool,
) -> ImportReport:
    """The one import path of the API and the workspace: at most ``max_concurrent_imports`` at
    once, stopped after ``import_seconds`` or when the client leaves (nothing written then).
    Never commits; the caller commits an ok report that is not a dry run."""
    settings: Settings = request.app.state.get("settings") or get_settings()
    interrupt = Interrupt(deadline=time.monotonic() + settings.import_seconds)
    async with import_slot(request, settings):
        watcher = asyncio.create_task(_watch_disconnect(request, interrupt))
        try:
            async with asyncio.timeout(settings.import_seconds):
                return await run_import(
                    db_session,
                    content,
                    filename=name,
                    actor=actor,
                    dry_run=dry_run,
                    max_bytes=settings.max_upload_bytes,
                    interrupt=interrupt,
                    progress=lambda phase, done, total: interrupt.check(phase, done),
                )
        except TimeoutError:
            await db_session.rollback()
            raise ProblemError(
                422,
                "import-too-slow",
                f"The import of {name} took longer than {settings.import_seconds} s; "
                "nothing was written. Split the file into smaller imports.",
                title="Import took too long",
            ) from None
        except ParseError as exc:
            await db_session.rollback()
            raise ProblemError(
                422,
                "import-stopped",
                f"{exc.message}; nothing was written.",
                title="Import stopped",
            ) from exc
        finally:
            watcher.cancel()


class ExportController(Controller):
    path = "/api/v1/exports"
    tags = ["import-export"]

    @get("/", operation_id="ExportRegister")
    async def export(
        self,
        db_session: AsyncSession,
        format: Literal["xlsx", "csv", "json"] = "xlsx",
        as_of: date | None = None,
        status: VendorStatus | None = None,
        country: str | None = Parameter(default=None, max_length=2),
        category: VendorCategory | None = None,
        role: VendorRole | None = None,
    ) -> Response[bytes]:
        day = as_of or date.today()
        filters = {
            "status": status,
            "country": country.upper() if country else None,
            "category": category,
            "role": role,
        }
        data = await export_data(db_session, as_of=day, filters=filters)
        body = await asyncio.to_thread(render, data, format)
        name = f"transfers-register-{day.isoformat()}.{format}"
        return Response(
            body,
            media_type=CONTENT_TYPES[format],
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
