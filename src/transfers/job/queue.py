"""The job queue: procrastinate, on PostgreSQL across instances, in memory on SQLite.

Why procrastinate (compared with SAQ, issue 13): it is PostgreSQL-native (jobs are rows taken with
``FOR UPDATE SKIP LOCKED``, workers woken by LISTEN/NOTIFY), so every ``transfers serve`` or
``transfers worker`` on one database shares one queue with nothing else to run; its periodic tasks
are deferred once per tick across all workers (a unique row per tick), which the daily reminder
digest needs; and its in-memory connector runs the same tasks inside the server on the embedded
SQLite default. SAQ's PostgreSQL queue works too, but SAQ is Redis-first, has no in-memory queue
(SQLite would need a second code path) and its Litestar plugin is a separate package.

On PostgreSQL procrastinate's tables live in the schema ``procrastinate`` (created by the
migration); its connections put that schema on their ``search_path``. On SQLite the queue is in
the memory of the process that serves the request; that process holds a lease on each of its jobs,
and when it is killed another process takes them over once the lease runs out
(:mod:`transfers.job.lease`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from transfers.document.context import DocumentOptions
from transfers.settings import Settings

if TYPE_CHECKING:
    from procrastinate import App
    from procrastinate.connector import BaseAsyncConnector

log = logging.getLogger(__name__)
QUEUE_SCHEMA = "procrastinate"
DOCUMENT_TASK = "transfers.document_job"
DIGEST_TASK = "transfers.reminder_digest"
RESUME_TASK = "transfers.resume_stalled_jobs"
NOTICE_TASK = "transfers.customer_notice_delivery"
CONFIRM_TASK = "transfers.subscription_confirmation"
NOTICES_QUEUE = "notices"
RESUME_CRON = "*/5 * * * *"
DOCUMENTS_QUEUE = "documents"
REMINDERS_QUEUE = "reminders"


def connector_for(settings: Settings) -> BaseAsyncConnector:
    """PostgreSQL through psycopg (procrastinate has no asyncpg connector) on the same database
    as the register; SQLite: the in-memory connector, so the worker runs in this process."""
    from procrastinate import PsycopgConnector
    from procrastinate.testing import InMemoryConnector

    if settings.is_sqlite:
        return InMemoryConnector()
    url = make_url(settings.database_url).set(drivername="postgresql")
    return PsycopgConnector(
        conninfo=url.render_as_string(hide_password=False),
        min_size=1,
        max_size=4,
        kwargs={"options": f"-c search_path={QUEUE_SCHEMA}"},
    )


def document_options(settings: Settings) -> DocumentOptions:
    return DocumentOptions.from_settings(settings)


@dataclass
class Runtime:
    """What the tasks need where they run: the settings and a session factory."""

    settings: Settings
    maker: async_sessionmaker[AsyncSession]
    held: set[int] = field(default_factory=set)
    """Document jobs in this process's in-memory queue (SQLite), whose leases it renews."""


def build_app(runtime: Runtime) -> App:
    """A procrastinate app with the document job and the daily reminder digest registered."""
    from procrastinate import App, RetryStrategy

    settings = runtime.settings
    app = App(connector=connector_for(settings))

    @app.task(name=DOCUMENT_TASK, queue=DOCUMENTS_QUEUE)
    async def document_job(job_id: int) -> None:
        from transfers.job.service import run_job

        try:
            await run_job(runtime.maker, job_id, options=document_options(settings))
        finally:
            runtime.held.discard(job_id)

    async def reminder_digest(timestamp: int) -> None:
        """The daily digest (``transfers reminders send`` on a schedule): idempotent through
        the sent-log, so a second worker or a retry never mails a reminder twice."""
        from transfers.reminder.service import send_due

        async with runtime.maker() as session:
            report = await send_due(session, as_of=date.today(), settings=settings)
            await session.commit()
        log.info("reminder digest: %s messages, %s reminders", report.messages, report.reminders)

    @app.task(
        name=NOTICE_TASK,
        queue=NOTICES_QUEUE,
        retry=RetryStrategy(max_attempts=8, exponential_wait=30),
    )
    async def notice_delivery(change_id: int) -> None:
        """Send a planned change's customer notices and subscriber e-mails. A recipient that
        could not be reached makes the job fail and be retried; the rows already sent are
        never sent again (claimed and committed per recipient, ``customer.service.deliver``)."""
        from transfers.customer.service import DeliveryIncomplete, deliver

        sent, failed = await deliver(runtime.maker, change_id, settings)
        log.info("customer notices of change %s: %s sent, %s failed", change_id, sent, failed)
        if failed:
            raise DeliveryIncomplete(f"{failed} recipient(s) not reached; retrying")

    @app.task(
        name=CONFIRM_TASK,
        queue=NOTICES_QUEUE,
        retry=RetryStrategy(max_attempts=8, exponential_wait=30),
    )
    async def subscription_confirmation(subscriber_id: int) -> None:
        """Send a page subscriber's confirmation e-mail; an SMTP outage fails the job, which is
        retried (the subscription stays pending meanwhile)."""
        from transfers.customer.public import send_confirmation

        await send_confirmation(runtime.maker, subscriber_id, settings)

    @app.periodic(cron=RESUME_CRON)
    @app.task(name=RESUME_TASK, queue=DOCUMENTS_QUEUE, queueing_lock=RESUME_TASK)
    async def resume_stalled_jobs(timestamp: int) -> None:
        """A document job whose worker died (a deploy, a crash) is handed to another worker once
        that worker's heartbeat has stopped; the job resumes with the vendors not done yet."""
        for stalled in await app.job_manager.get_stalled_jobs(task_name=DOCUMENT_TASK):
            log.warning("resuming stalled document job %s", stalled.task_kwargs)
            await app.job_manager.retry_job(stalled)

    if settings.digest_cron:
        app.periodic(cron=settings.digest_cron)(
            app.task(name=DIGEST_TASK, queue=REMINDERS_QUEUE)(reminder_digest)
        )
    return app


class JobQueue:
    """The queue as the web app and the CLI use it: built and opened on first use (an app that
    never queues a job never imports the library), and optionally a worker running in this
    process's event loop (``transfers serve``)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._app: App | None = None
        self._opened = False
        self._lock = asyncio.Lock()
        self._worker: asyncio.Task[None] | None = None
        self._leases: asyncio.Task[None] | None = None

    @property
    def app(self) -> App:
        if self._app is None:
            self._app = build_app(self.runtime)
        return self._app

    async def _open(self) -> None:
        async with self._lock:
            if not self._opened:
                await self.app.open_async()
                self._opened = True

    async def defer_document_job(self, job_id: int) -> None:
        await self._open()
        if self.runtime.settings.is_sqlite:
            self.runtime.held.add(job_id)
        await self.app.configure_task(DOCUMENT_TASK).defer_async(job_id=job_id)

    async def defer_notice_delivery(self, change_id: int) -> None:
        """Queue the delivery of a change's e-mails (retried until every recipient is reached)."""
        await self._open()
        await self.app.configure_task(NOTICE_TASK).defer_async(change_id=change_id)

    async def defer_subscription_confirmation(self, subscriber_id: int) -> None:
        """Queue a page subscriber's confirmation e-mail (retried until it is sent)."""
        await self._open()
        await self.app.configure_task(CONFIRM_TASK).defer_async(subscriber_id=subscriber_id)

    async def _keep_leases(self) -> None:
        """SQLite: renew this process's leases and take over the jobs of a process that died
        (at start, then every ``RENEW_SECONDS``)."""
        from transfers.job.lease import RENEW_SECONDS, renew, take_over_stale

        maker = self.runtime.maker
        while True:
            try:
                await renew(maker, set(self.runtime.held))
                for job_id in await take_over_stale(maker):
                    log.warning("taking over document job %s: its lease ran out", job_id)
                    await self.defer_document_job(job_id)
            except Exception:
                log.exception("document job leases could not be renewed")
            await asyncio.sleep(RENEW_SECONDS)

    def worker_options(self) -> dict[str, Any]:
        sqlite = self.runtime.settings.is_sqlite
        return {
            "concurrency": 2,
            "install_signal_handlers": False,
            # In memory a poll costs nothing; on PostgreSQL LISTEN/NOTIFY wakes the worker.
            "fetch_job_polling_interval": 0.5 if sqlite else 5.0,
            "shutdown_graceful_timeout": 5.0,
        }

    async def start_worker(self) -> None:
        await self._open()
        self._worker = asyncio.create_task(self.app.run_worker_async(**self.worker_options()))
        if self.runtime.settings.is_sqlite:
            self._leases = asyncio.create_task(self._keep_leases())

    async def run_worker(self) -> None:
        """Run a worker in the foreground until cancelled (``transfers worker``)."""
        await self._open()
        await self.app.run_worker_async(
            **(self.worker_options() | {"install_signal_handlers": True})
        )

    async def close(self) -> None:
        if self._leases is not None:
            self._leases.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._leases
            self._leases = None
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._worker
            self._worker = None
        if self._opened:
            await self.app.close_async()
            self._opened = False
