"""A killed import leaves the register as it was: the whole import is one transaction."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tests.conftest import Database
from transfers.db import create_engine, session_factory
from transfers.models import AuditEvent, Vendor


def big_sheet(path: Path, vendors: int) -> None:
    lines = ["name,business_id,country,role,category,destination_country,mechanism,scc_module"]
    lines += [f"Vendor {i},B-{i},FI,processor,other,US,scc_2021,2" for i in range(vendors)]
    path.write_text("\n".join(lines) + "\n")


def import_and_kill(url: str, tmp_path: Path) -> None:
    """Run `transfers import` on a big sheet and SIGKILL it once it is writing."""
    sheet = tmp_path / "big.csv"
    big_sheet(sheet, 30_000)
    wal = Path(url.split("///", 1)[1] + "-wal")
    wal_before = wal.stat().st_size if wal.exists() else 0
    env = {**os.environ, "TRANSFERS_DATABASE_URL": url}
    child = subprocess.Popen(
        [sys.executable, "-m", "transfers.cli", "import", str(sheet)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        # Wait until the import is writing (its uncommitted pages spill into the WAL), then kill it.
        while time.monotonic() < deadline and child.poll() is None:
            if wal.exists() and wal.stat().st_size > wal_before + 2_000_000:
                break
            time.sleep(0.05)
        assert child.poll() is None, "the import finished before it could be interrupted"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()


async def test_sigkill_during_import_writes_nothing(db: Database, tmp_path: Path) -> None:
    if db.backend != "sqlite":
        pytest.skip(
            "the WAL file shows the write phase on SQLite; the property is the same on PostgreSQL"
        )
    await asyncio.to_thread(import_and_kill, db.url, tmp_path)
    engine = create_engine(url=db.url)
    try:
        async with session_factory(engine)() as session:
            assert await session.scalar(select(func.count()).select_from(Vendor)) == 0
            assert await session.scalar(select(func.count()).select_from(AuditEvent)) == 0
            assert (await session.execute(text("PRAGMA integrity_check"))).scalar() == "ok"
    finally:
        await engine.dispose()
