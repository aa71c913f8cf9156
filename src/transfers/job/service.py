"""Bulk document jobs: choose the vendors, run the job, read its progress, stream its ZIP.

Each document goes through :func:`transfers.document.service.render_document`, the path a single
generation takes (gather, render in a warm sandboxed worker, store, audit), in a transaction of its
own together with the vendor's outcome row: a crash loses at most the documents in flight, and a
retried job skips the vendors already done. A vendor lacking data is reported with the problem the
single generation would have answered (422 missing-data), and the job goes on.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import zipfile
from collections.abc import AsyncIterator, Iterator
from datetime import date
from typing import Any

import msgspec
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from transfers.audit.service import record
from transfers.auth.schemas import Actor
from transfers.common.problems import ProblemError, invalid, not_found
from transfers.document.context import DocumentOptions
from transfers.document.service import render_document
from transfers.job.schemas import (
    MAX_VENDORS,
    DocumentJobCreate,
    DocumentJobRead,
    JobProblem,
    Progress,
)
from transfers.models import Document, DocumentJob, DocumentJobItem, Vendor
from transfers.models.base import utcnow

log = logging.getLogger(__name__)
PATH = "/api/v1/document-jobs"
ART28_ROLES = ("processor", "subprocessor")
"""Vendor roles that process personal data for us: a DPA is owed (GDPR Art. 28(3))."""
LANES = 5
"""Vendors in flight at once: two rendering in the worker pool while three gather their data or
store their document. A gather waits on a dozen database round trips, about as long as a render
(on PostgreSQL, under load, longer), so with one gathering lane the pool sat idle between
renders (1,000 DPAs on PostgreSQL: 3 lanes 48.7-94.7 s, 5 lanes 45.3-63.1 s, interleaved)."""
SHOWN_PROBLEMS = 1000
ZIP_BATCH = 50


async def _chosen_vendors(session: AsyncSession, data: DocumentJobCreate) -> list[int]:
    if data.vendor_ids is not None:
        ids = list(dict.fromkeys(data.vendor_ids))
        found = set((await session.scalars(select(Vendor.id).where(Vendor.id.in_(ids)))).all())
        missing = [i for i in ids if i not in found]
        if missing:
            raise invalid(
                f"No vendor has the id {', '.join(map(str, missing[:20]))}.",
                errors=[
                    {"field": "vendor_ids", "message": f"vendor {i} does not exist"}
                    for i in missing[:20]
                ],
            )
        return ids
    assert data.filter is not None
    wanted = data.filter
    stmt = select(Vendor.id).order_by(Vendor.id)
    if wanted.art28:
        stmt = stmt.where(Vendor.role.in_(ART28_ROLES))
    if wanted.roles:
        stmt = stmt.where(Vendor.role.in_(wanted.roles))
    if wanted.country:
        stmt = stmt.where(Vendor.country == wanted.country)
    if wanted.status:
        stmt = stmt.where(Vendor.status == wanted.status)
    ids = list((await session.scalars(stmt.limit(MAX_VENDORS + 1))).all())
    if not ids:
        raise invalid("No vendor matches the filter.", field="filter")
    if len(ids) > MAX_VENDORS:
        raise invalid(
            f"The filter matches more than {MAX_VENDORS:,} vendors; narrow it.", field="filter"
        )
    return ids


async def create_job(session: AsyncSession, data: DocumentJobCreate, actor: Actor) -> DocumentJob:
    """Fix the vendors now (a vendor added later is not in this job) and record the job queued."""
    if (data.vendor_ids is None) == (data.filter is None):
        raise invalid(
            'Give either vendor_ids (a list) or filter (e.g. {"art28": true}), not both.',
            field="vendor_ids",
        )
    ids = await _chosen_vendors(session, data)
    selection: dict[str, Any] = (
        {"listed_vendors": len(ids)}
        if data.filter is None
        else {"filter": msgspec.to_builtins(data.filter, order="deterministic")}
    )
    job = DocumentJob(
        kind=data.kind,
        language=data.language,
        as_of=data.as_of or date.today(),
        selection=selection,
        vendor_ids=ids,
        total=len(ids),
        state="queued",
        created_by=actor.label,
        heartbeat_at=utcnow(),
    )
    session.add(job)
    await session.flush()
    await record(
        session,
        actor,
        "create",
        "document_job",
        job.id,
        None,
        {"kind": job.kind, "language": job.language, "as_of": job.as_of, "total": job.total}
        | selection,
    )
    return job


async def mark_unqueued(session: AsyncSession, job: DocumentJob, exc: BaseException) -> None:
    """The queue refused the job: it fails at once (audited) rather than waiting forever."""
    job.state = "failed"
    job.error = f"the job queue could not take it: {type(exc).__name__}"
    job.finished_at = utcnow()
    await record(
        session, job.created_by, "fail", "document_job", job.id, None, {"error": job.error}
    )


async def get_job(session: AsyncSession, job_id: int) -> DocumentJob:
    job = await session.get(DocumentJob, job_id)
    if job is None:
        raise not_found("Document job", job_id)
    return job


async def to_read(session: AsyncSession, job: DocumentJob) -> DocumentJobRead:
    counts = (
        await session.execute(
            select(
                func.count(DocumentJobItem.id),
                func.count(DocumentJobItem.document_id),
                func.count(DocumentJobItem.problem),
            ).where(DocumentJobItem.job_id == job.id)
        )
    ).one()
    rows = (
        await session.execute(
            select(DocumentJobItem.vendor_id, DocumentJobItem.vendor_name, DocumentJobItem.problem)
            .where(DocumentJobItem.job_id == job.id, DocumentJobItem.problem.is_not(None))
            .order_by(DocumentJobItem.id)
            .limit(SHOWN_PROBLEMS)
        )
    ).all()
    problems = [
        JobProblem(
            vendor_id=vid,
            vendor_name=name,
            status=int(p.get("status", 422)),
            title=str(p.get("title", "")),
            detail=str(p.get("detail", "")),
            missing=p.get("missing"),
        )
        for vid, name, p in rows
        if isinstance(p, dict)
    ]
    documents = int(counts[1])
    url = f"{PATH}/{job.id}"
    return DocumentJobRead(
        id=job.id,
        kind=job.kind,
        language=job.language,
        as_of=job.as_of,
        selection=job.selection,
        state=job.state,  # type: ignore[arg-type]
        progress=Progress(
            done=int(counts[0]), total=job.total, documents=documents, problems=int(counts[2])
        ),
        problems=problems,
        error=job.error,
        created_by=job.created_by,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        url=url,
        result_url=f"{url}/result" if job.state == "done" and documents else None,
    )


def _problem(exc: ProblemError) -> dict[str, Any]:
    found: dict[str, Any] = {"status": exc.status, "title": exc.title, "detail": exc.detail}
    if exc.extra.get("missing"):
        found["missing"] = list(exc.extra["missing"])
    return found


async def _one(
    maker: async_sessionmaker[AsyncSession],
    job: DocumentJob,
    vendor_id: int,
    vendor_name: str,
    actor: Actor,
    options: DocumentOptions | None,
) -> None:
    async with maker() as session:
        try:
            document = await render_document(
                session,
                kind=job.kind,
                language=job.language,
                vendor_id=vendor_id,
                transfer_id=None,
                assessment_id=None,
                as_of=job.as_of,
                since=None,
                actor=actor,
                options=options,
            )
            session.add(
                DocumentJobItem(
                    job_id=job.id,
                    vendor_id=vendor_id,
                    vendor_name=vendor_name,
                    document_id=document.id,
                )
            )
        except ProblemError as exc:
            await session.rollback()
            session.add(
                DocumentJobItem(
                    job_id=job.id,
                    vendor_id=vendor_id,
                    vendor_name=vendor_name,
                    problem=_problem(exc),
                )
            )
        try:
            await session.commit()
        except IntegrityError:
            # Another worker took the same job (a stalled one retried) and did this vendor
            # first: its document stands, this one is rolled back with the outcome row.
            await session.rollback()


async def _finish(
    maker: async_sessionmaker[AsyncSession], job: DocumentJob, state: str, error: str | None
) -> None:
    async with maker() as session:
        await session.execute(
            update(DocumentJob)
            .where(DocumentJob.id == job.id)
            .values(state=state, error=error, finished_at=utcnow())
        )
        read = await to_read(session, await get_job(session, job.id))
        await record(
            session,
            job.created_by,
            "complete" if state == "done" else "fail",
            "document_job",
            job.id,
            None,
            {
                "state": state,
                "documents": read.progress.documents,
                "problems": read.progress.problems,
                "error": error,
            },
        )
        await session.commit()


async def run_job(
    maker: async_sessionmaker[AsyncSession],
    job_id: int,
    *,
    options: DocumentOptions | None = None,
    lanes: int = LANES,
) -> None:
    """Generate the job's documents, ``lanes`` vendors at a time, each with its own session.

    A job already done or failed is left alone; a job interrupted while running resumes with
    the vendors that have no outcome yet."""
    async with maker() as session:
        job = await session.get(DocumentJob, job_id)
        if job is None or job.state in ("done", "failed"):
            return
        job.state = "running"
        job.started_at = job.started_at or utcnow()
        await session.commit()
        done = set(
            (
                await session.scalars(
                    select(DocumentJobItem.vendor_id).where(DocumentJobItem.job_id == job_id)
                )
            ).all()
        )
        todo = [v for v in job.vendor_ids if v not in done]
        names: dict[int, str] = {}
        for start in range(0, len(todo), 1000):
            chunk = todo[start : start + 1000]
            rows = await session.execute(select(Vendor.id, Vendor.name).where(Vendor.id.in_(chunk)))
            names |= {vid: name for vid, name in rows.all()}
    actor = Actor(key_id=None, name=job.created_by, role="job")
    pending: Iterator[int] = iter(todo)

    async def lane() -> None:
        for vendor_id in pending:
            await _one(
                maker, job, vendor_id, names.get(vendor_id, f"vendor {vendor_id}"), actor, options
            )

    try:
        await asyncio.gather(*(lane() for _ in range(max(1, lanes))))
    except Exception as exc:
        log.exception("document job %s failed", job_id)
        await _finish(maker, job, "failed", f"{type(exc).__name__}: {exc}")
        raise
    await _finish(maker, job, "done", None)


async def result_documents(session: AsyncSession, job: DocumentJob) -> list[int]:
    """The ids of the job's documents, in vendor order; refuses a job not done yet (409)."""
    if job.state != "done":
        raise ProblemError(
            409,
            "job-not-done",
            f"Document job {job.id} is {job.state}; its ZIP is ready when the job is done.",
            state=job.state,
        )
    ids = list(
        (
            await session.scalars(
                select(DocumentJobItem.document_id)
                .where(DocumentJobItem.job_id == job.id, DocumentJobItem.document_id.is_not(None))
                .order_by(DocumentJobItem.vendor_id)
            )
        ).all()
    )
    if not ids:
        raise ProblemError(
            404,
            "no-documents",
            f"Document job {job.id} produced no document; see its problems.",
        )
    return [i for i in ids if i is not None]


class _Sink(io.RawIOBase):
    """An unseekable file the ZIP writer appends to; the stream drains it between entries."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        out = b"".join(self.chunks)
        self.chunks.clear()
        return out


async def _problems_csv(session: AsyncSession, job_id: int) -> bytes:
    rows = (
        await session.execute(
            select(DocumentJobItem.vendor_id, DocumentJobItem.vendor_name, DocumentJobItem.problem)
            .where(DocumentJobItem.job_id == job_id, DocumentJobItem.problem.is_not(None))
            .order_by(DocumentJobItem.vendor_id)
        )
    ).all()
    if not rows:
        return b""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["vendor_id", "vendor_name", "status", "problem"])
    for vid, name, problem in rows:
        problem = problem or {}
        writer.writerow([vid, name, problem.get("status", ""), problem.get("detail", "")])
    return out.getvalue().encode("utf-8")


async def zip_stream(
    maker: async_sessionmaker[AsyncSession], job_id: int, document_ids: list[int]
) -> AsyncIterator[bytes]:
    """The job's documents as a ZIP, written while it is sent (a few documents in memory at a
    time, never the whole archive), plus ``problems.csv`` when vendors lacked data. Each entry
    is named ``<vendor id>-<document file name>``: vendor names are not unique."""
    sink = _Sink()
    async with maker() as session:
        with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:
            for start in range(0, len(document_ids), ZIP_BATCH):
                batch = document_ids[start : start + ZIP_BATCH]
                rows = (
                    await session.execute(
                        select(
                            Document.id, Document.vendor_id, Document.filename, Document.content
                        ).where(Document.id.in_(batch))
                    )
                ).all()
                for _, vendor_id, filename, content in sorted(
                    rows, key=lambda r: batch.index(r[0])
                ):
                    archive.writestr(f"{vendor_id or 0}-{filename}", content)
                    yield sink.drain()
            problems = await _problems_csv(session, job_id)
            if problems:
                archive.writestr("problems.csv", problems)
        yield sink.drain()
