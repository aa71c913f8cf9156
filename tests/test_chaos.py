"""Chaos: stop and start a private PostgreSQL cluster under load; only 200s and 503s come back,
the service recovers without a restart, and the register is intact afterwards.

The cluster is our own (initdb in a temporary directory, a free port, listening on 127.0.0.1
only), so stopping it disturbs no other test. Skipped where no PostgreSQL binaries exist.
"""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest

from tests.conftest import SYSTEM
from transfers.app import create_app
from transfers.auth.service import create_key
from transfers.db import create_engine, session_factory
from transfers.migrate import upgrade
from transfers.settings import Settings

pytestmark = pytest.mark.slow

WORKERS = 6
VENDORS = 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    bindir: Path
    root: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(
            "pg_ctl",
            "-D",
            str(self.root / "data"),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.root / "data"), "-m", "fast", "-w", "stop")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    bindirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not bindirs or (os.geteuid() == 0 and shutil.which("runuser") is None):
        pytest.skip("no PostgreSQL binaries to run a private cluster")
    root = Path(tempfile.mkdtemp(prefix="transfers-chaos-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    cluster = Cluster(Path(bindirs[-1]), root, _free_port())
    cluster.run("initdb", "-D", str(root / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    cluster.start()
    try:
        yield cluster
    finally:
        try:
            cluster.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)


async def test_postgresql_stopped_and_started_under_load(cluster: Cluster) -> None:
    await asyncio.to_thread(upgrade, cluster.url)
    engine = create_engine(url=cluster.url)
    async with session_factory(engine)() as session:
        _, secret = await create_key(session, name="chaos", role="legal", actor=SYSTEM)
        await session.commit()
    await engine.dispose()
    headers = {"Authorization": f"Bearer {secret}"}
    settings = replace(Settings(), database_url=cluster.url, db_pool_size=WORKERS)
    statuses: Counter[int] = Counter()
    after_restart: Counter[int] = Counter()
    phase = "before"
    stop = asyncio.Event()

    app = create_app(settings)
    # httpx's ASGI transport runs requests concurrently in this event loop (Litestar's test
    # client hands each request to a portal thread one at a time, which is no load at all).
    transport = httpx.ASGITransport(app=app)
    async with (
        app.lifespan(),
        httpx.AsyncClient(transport=transport, base_url="http://t") as client,
    ):
        for i in range(VENDORS):
            body = {"name": f"Vendor {i}", "country": "FI", "role": "processor"}
            created = await client.post("/api/v1/vendors", json=body, headers=headers)
            assert created.status_code == 201, created.text
        audit_before = (await client.get("/api/v1/audit", headers=headers)).json()["total"]

        async def worker(n: int) -> None:
            i = n
            while not stop.is_set():
                i += 1
                path = "/api/v1/vendors" if i % 2 else f"/api/v1/vendors/{i % VENDORS + 1}"
                response = await client.get(path, headers=headers)
                statuses[response.status_code] += 1
                if phase == "after":
                    after_restart[response.status_code] += 1
                if response.status_code == 503:
                    assert response.headers["retry-after"].isdigit()
                    await asyncio.sleep(0.05)

        workers = [asyncio.create_task(worker(n)) for n in range(WORKERS)]
        await asyncio.sleep(1.0)
        await asyncio.to_thread(cluster.stop)
        phase = "down"
        await asyncio.sleep(1.5)
        await asyncio.to_thread(cluster.start)
        phase = "after"
        for _ in range(300):  # until reads succeed again, at most 30 s
            if after_restart[200] >= 20:
                break
            await asyncio.sleep(0.1)
        stop.set()
        await asyncio.gather(*workers)

        assert set(statuses) <= {200, 503}, statuses
        assert statuses[503] > 0 and after_restart[200] >= 20, (statuses, after_restart)
        vendors = (await client.get("/api/v1/vendors", headers=headers)).json()
        assert vendors["total"] == VENDORS
        assert sorted(v["name"] for v in vendors["items"]) == sorted(
            f"Vendor {i}" for i in range(VENDORS)
        )
        audit = (await client.get("/api/v1/audit", headers=headers)).json()["total"]
        assert audit == audit_before
