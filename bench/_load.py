"""A small closed-loop HTTP load generator and server launcher shared by the benchmarks.

The load runs in this process (httpx, N concurrent connections); servers run as uvicorn
subprocesses, so the figures include real HTTP parsing and the ratio against a bare Litestar
endpoint, measured in the same run on the same machine, is what to compare.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(app: str, env: dict[str, str] | None = None, factory: bool = True) -> Iterator[str]:
    port = free_port()
    args = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    if factory:
        args.append("--factory")
    proc = subprocess.Popen(
        args, env={**os.environ, **(env or {}), "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}"}, cwd=ROOT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + float(
            os.environ.get("TRANSFERS_BENCH_STARTUP_SECONDS", "120")
        )
        while time.monotonic() < deadline:
            try:
                httpx.get(base + "/health", timeout=0.5)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"{app} did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@dataclass
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def row(self) -> str:
        return (
            f"{self.name:<34} {self.requests:>7} req  {self.rps:>8.0f} req/s  "
            f"p50 {self.pct(0.50):6.2f} ms  p99 {self.pct(0.99):6.2f} ms  errors {self.errors}"
        )


async def _connection(
    host: str,
    port: int,
    paths: Callable[[random.Random], str],
    headers: dict[str, str],
    seed: int,
    stop: float,
    latencies: list[float],
) -> int:
    """One keep-alive HTTP/1.1 connection issuing GETs back to back; returns the error count.

    A raw asyncio client, because a full client library (httpx) saturates a core at a few
    hundred requests per second and would measure itself instead of the server.
    """
    rng = random.Random(seed)
    reader, writer = await asyncio.open_connection(host, port)
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    errors = 0
    try:
        while time.perf_counter() < stop:
            request = f"GET {paths(rng)} HTTP/1.1\r\nHost: {host}\r\n{extra}\r\n".encode()
            t0 = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append((time.perf_counter() - t0) * 1000)
            if status != 200:
                errors += 1
    finally:
        writer.close()
    return errors


async def _run(
    name: str,
    base: str,
    path_for: Callable[[random.Random], str],
    headers: dict[str, str],
    concurrency: int,
    duration: float,
) -> Result:
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    warm: list[float] = []
    await _connection(host, int(port), path_for, headers, 0, time.perf_counter() + 0.5, warm)
    t0 = time.perf_counter()
    stop = t0 + duration
    errors = await asyncio.gather(
        *(
            _connection(host, int(port), path_for, headers, i, stop, latencies)
            for i in range(concurrency)
        )
    )
    elapsed = time.perf_counter() - t0
    return Result(name, len(latencies), sum(errors), elapsed, latencies)


def load(
    name: str,
    base: str,
    path_for: Callable[[random.Random], str],
    *,
    headers: dict[str, str] | None = None,
    concurrency: int = 16,
    duration: float = 8.0,
) -> Result:
    return asyncio.run(_run(name, base, path_for, headers or {}, concurrency, duration))


def median(values: list[float]) -> float:
    return statistics.median(values)
