"""Bulk document job endpoints: queue a job (legal and admin), follow it, download its ZIP."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.response import Stream
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.auth.guards import requires_writer
from transfers.auth.schemas import Actor
from transfers.common.problems import PROBLEM_MEDIA_TYPE, ProblemError
from transfers.common.text import content_disposition
from transfers.job import service
from transfers.job.queue import JobQueue
from transfers.job.schemas import DocumentJobCreate, DocumentJobRead


class DocumentJobController(Controller):
    path = service.PATH
    tags = ["document-jobs"]

    @post("/", operation_id="CreateDocumentJob", guards=[requires_writer], status_code=202)
    async def create(
        self, request: Request[Actor, Any, Any], db_session: AsyncSession, data: DocumentJobCreate
    ) -> Response[DocumentJobRead]:
        """Queue the job and answer at once (202) with the URL to follow."""
        job = await service.create_job(db_session, data, request.user)
        await db_session.commit()
        queue: JobQueue = request.app.state.jobs
        try:
            await queue.defer_document_job(job.id)
        except Exception as exc:
            await service.mark_unqueued(db_session, job, exc)
            await db_session.commit()
            raise ProblemError(
                503,
                "queue-unavailable",
                "The job queue could not take the job; nothing was generated. Try again.",
            ) from exc
        body = await service.to_read(db_session, job)
        return Response(body, status_code=202, headers={"Location": body.url})

    @get("/{job_id:int}", operation_id="GetDocumentJob")
    async def get_job(self, db_session: AsyncSession, job_id: int) -> DocumentJobRead:
        """State, progress (done of total), per-vendor problems, and the ZIP link when done."""
        return await service.to_read(db_session, await service.get_job(db_session, job_id))

    @get(
        "/{job_id:int}/result",
        operation_id="GetDocumentJobResult",
        media_type="application/zip",
        responses={
            409: ResponseSpec(
                data_container=dict[str, Any],
                description="The job is not done yet (its state is in the problem)",
                media_type=PROBLEM_MEDIA_TYPE,
            )
        },
    )
    async def result(
        self, request: Request[Actor, Any, Any], db_session: AsyncSession, job_id: int
    ) -> Stream:
        """The documents as one ZIP (409 until the job is done)."""
        job = await service.get_job(db_session, job_id)
        ids = await service.result_documents(db_session, job)
        name = f"document-job-{job.id}-{job.kind}-{job.language}.zip"
        return Stream(
            service.zip_stream(request.app.state.session_maker, job.id, ids),
            media_type="application/zip",
            headers={"Content-Disposition": content_disposition(name)},
        )
