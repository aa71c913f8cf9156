"""The daily reminder digest runs as a job on the queue, and a second run sends nothing twice."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date, timedelta

from litestar.testing import AsyncTestClient

from tests import factories
from tests.conftest import Api, Keys
from tests.reminder.test_send import Inbox, smtp  # noqa: F401  (the SMTP server fixture)
from transfers.app import create_app
from transfers.job.queue import DIGEST_TASK, JobQueue
from transfers.settings import Settings


async def test_the_digest_job_mails_due_reminders_once(
    settings: Settings,
    keys: Keys,
    smtp: tuple[Inbox, int],  # noqa: F811
) -> None:
    inbox, port = smtp
    cfg = replace(settings, smtp_host="127.0.0.1", smtp_port=port, digest_cron="0 6 * * *")
    app = create_app(cfg)
    async with AsyncTestClient(app=app) as client:
        api = Api(client, keys)
        today = date.today()
        vendor = await factories.vendor(api, owner="legal@example.com")
        start = today - timedelta(days=365) + timedelta(days=5)
        await factories.agreement(
            api,
            vendor["id"],
            signed_on=start.isoformat(),
            effective_on=start.isoformat(),
            term="P1Y",
            notice_period=None,
        )
        queue: JobQueue = app.state.jobs
        schedule = {
            task.task.name: task.cron
            for task in queue.app.periodic_registry.periodic_tasks.values()
        }
        assert schedule[DIGEST_TASK] == "0 6 * * *"

        digest = queue.app.configure_task(DIGEST_TASK)
        for tick in (1, 2):  # two ticks (or two instances) of the daily schedule
            await digest.defer_async(timestamp=tick)
        for _ in range(600):  # a deadline for a stuck job, not a speed check
            jobs = await queue.app.job_manager.list_jobs_async(task=DIGEST_TASK)
            if all(job.status in ("succeeded", "failed") for job in jobs):
                break
            await asyncio.sleep(0.1)
        assert {job.status for job in jobs} == {"succeeded"}
        assert len(inbox.messages) == 1
        assert inbox.messages[0][0] == ["legal@example.com"]
