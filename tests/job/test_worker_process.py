"""`transfers worker` in a separate process takes the jobs a server queued (PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from litestar.testing import AsyncTestClient

from tests.conftest import Api, Database, Keys
from tests.job.test_document_jobs import JOBS, _register, _until_finished
from transfers.app import create_app
from transfers.settings import Settings

TRANSFERS = str(Path(sys.executable).with_name("transfers"))


def _env(db: Database) -> dict[str, str]:
    return os.environ | {"TRANSFERS_DATABASE_URL": db.url, "TRANSFERS_DIGEST_CRON": ""}


async def test_a_separate_worker_runs_the_job_a_server_without_worker_queued(
    db: Database, settings: Settings, keys: Keys
) -> None:
    if db.backend != "postgresql":
        pytest.skip("a separate worker shares the queue through PostgreSQL")
    app = create_app(replace(settings, job_worker=False))
    worker = await asyncio.create_subprocess_exec(
        TRANSFERS, "worker", env=_env(db), stdout=asyncio.subprocess.DEVNULL
    )
    try:
        async with AsyncTestClient(app=app) as client:
            api = Api(client, keys)
            vendors = await _register(api, 2)
            response = await api.post(JOBS, json={"vendor_ids": [v["id"] for v in vendors]})
            assert response.status_code == 202, response.text
            job = await _until_finished(api, response.json()["url"])
            assert job["state"] == "done" and job["progress"]["documents"] == 2
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            await asyncio.wait_for(worker.wait(), 30)
        except TimeoutError:
            worker.kill()
            await worker.wait()


def test_the_worker_command_explains_that_sqlite_runs_jobs_in_the_server(db: Database) -> None:
    if db.backend != "sqlite":
        pytest.skip("the SQLite message")
    done = subprocess.run(
        [TRANSFERS, "worker"], env=_env(db), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    assert "transfers serve" in done.stderr
