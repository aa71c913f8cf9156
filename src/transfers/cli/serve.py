"""Running the service: `transfers serve` and `transfers worker`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from transfers.cli._base import (
    _safe_url,
    console,
    fail,
    main,
)
from transfers.settings import get_settings

if TYPE_CHECKING:
    pass


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@click.option("--no-migrate", is_flag=True, help="Do not apply pending migrations first")
@click.option(
    "--access-log/--no-access-log",
    default=False,
    show_default=True,
    help="Log every request (costs about 7 % of throughput; the audit trail records every write)",
)
@click.option(
    "--no-worker",
    is_flag=True,
    help="Run no job worker in the server (on PostgreSQL, run `transfers worker` instead)",
)
def serve(
    host: str, port: int, workers: int, no_migrate: bool, access_log: bool, no_worker: bool
) -> None:
    """Run the API and the workspace with uvicorn (no reload), with a job worker in each
    server process."""
    import os

    import uvicorn

    if not no_migrate:
        from transfers.migrate import upgrade

        upgrade()
    os.environ.setdefault("TRANSFERS_WARM_ON_START", "1")
    os.environ["TRANSFERS_JOB_WORKER"] = "0" if no_worker else "1"
    get_settings.cache_clear()
    uvicorn.run(
        "transfers.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        access_log=access_log,
        reload=False,
        # A worker answers the supervisor's ping only once its process has imported the app;
        # on a busy box that takes longer than uvicorn's 5 s and the worker would be killed.
        timeout_worker_healthcheck=60,
    )


@main.command()
def worker() -> None:
    """Run a job worker (bulk documents, the daily reminder digest) until stopped.

    On PostgreSQL any number of workers, on any machine, share the queue with the servers; on
    the embedded SQLite default the queue lives inside `transfers serve`, which runs the jobs."""
    import asyncio

    from transfers.db import create_engine, session_factory
    from transfers.job.queue import JobQueue, Runtime

    settings = get_settings()
    if settings.is_sqlite:
        fail(
            "on SQLite the job queue lives inside `transfers serve`, which runs the jobs itself; "
            "a separate worker needs PostgreSQL (TRANSFERS_DATABASE_URL)"
        )

    async def run() -> None:
        engine = create_engine(settings)
        queue = JobQueue(Runtime(settings, session_factory(engine)))
        try:
            await queue.run_worker()
        finally:
            await queue.close()
            await engine.dispose()

    console.print(f"job worker on {_safe_url(settings.database_url)} (Ctrl+C stops it)")
    asyncio.run(run())
