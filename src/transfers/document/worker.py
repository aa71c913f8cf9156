"""Template checks and renders run in warm worker processes, off the event loop.

A template is code from a user; however good the sandbox, a render may still take too much memory
or time. Jobs run in worker processes forked from a forkserver that has the document libraries
loaded, with RLIMIT_AS (for the worker's life) and RLIMIT_CPU (a soft limit of ``cpu_seconds``
above what the worker had used when the job started, and a hard limit for its whole life), and a
job is killed with its worker after ``wall_seconds``. At most ``concurrent`` workers run at once,
so templates cannot take every core either; the event loop only waits in a thread.

Workers are kept warm between jobs (issue 13): a fresh process per render cost its fork, and threw
away the prepared templates of :mod:`transfers.document.render` each time. A worker is retired
after any budget failure (it may be in a bad state), after ``JOBS_PER_WORKER`` jobs, and before
its lifetime CPU reaches the hard limit, so the kernel backstop stays in force.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import queue
import resource
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from transfers.document.limits import LIMITS, Limits
from transfers.document.render import RenderError

T = TypeVar("T")

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["transfers.document.render", "transfers.document.context"])
JOBS_PER_WORKER = 500
"""Jobs before a worker is replaced (bounds what caches and fragmentation can grow to)."""
LIFETIME_CPU_JOBS = 30
"""A worker's hard CPU limit, in jobs of ``cpu_seconds`` each: the kernel kills a worker whose
soft limit was somehow not enforced once it has used this much CPU in all."""


class BudgetExceeded(RenderError):
    """The worker ran out of memory, CPU or wall-clock time."""


class _CpuBudget(Exception):
    """Raised in the worker when the soft CPU limit sends SIGXCPU (the hard limit kills)."""


def _on_sigxcpu(signum: int, frame: object) -> None:
    raise _CpuBudget


def _cpu_used() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _hard_cpu(limits: Limits) -> int:
    return limits.cpu_seconds * LIFETIME_CPU_JOBS + 2


def _run_one(job: Callable[..., Any], args: tuple[Any, ...], limits: Limits) -> tuple[str, Any]:
    soft = int(_cpu_used()) + 1 + limits.cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (min(soft, _hard_cpu(limits)), _hard_cpu(limits)))
    try:
        return ("ok", job(*args))
    except _CpuBudget:
        return ("cpu", None)
    except MemoryError:
        return ("memory", None)
    except RecursionError:
        return ("error", "the template nests too deeply")
    except RenderError as exc:
        return ("error", str(exc))
    except Exception as exc:  # the template's fault, whatever the library raised
        return ("error", f"{type(exc).__name__}: {exc}")
    finally:
        resource.setrlimit(resource.RLIMIT_CPU, (_hard_cpu(limits), _hard_cpu(limits)))


def _serve(conn: Connection, limits: Limits) -> None:
    """The worker's loop: one job at a time until the pipe closes or a budget was exceeded."""
    signal.signal(signal.SIGXCPU, _on_sigxcpu)
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (_hard_cpu(limits), _hard_cpu(limits)))
    while True:
        try:
            job, args = conn.recv()
        except (EOFError, OSError):
            return
        status, value = _run_one(job, args, limits)
        try:
            conn.send((status, value, _cpu_used()))
        except MemoryError:
            conn.send(("memory", None, _cpu_used()))
        if status in ("cpu", "memory"):
            conn.close()
            return


@dataclass
class _Worker:
    process: Any
    conn: Connection
    jobs: int = 0
    cpu: float = 0.0

    def stop(self, *, kill: bool = False) -> None:
        self.conn.close()
        if kill:
            self.process.kill()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


@dataclass
class _Pool:
    limits: Limits
    pid: int = field(default_factory=os.getpid)
    idle: queue.LifoQueue[_Worker] = field(default_factory=queue.LifoQueue)
    slots: threading.BoundedSemaphore = field(init=False)

    def __post_init__(self) -> None:
        self.slots = threading.BoundedSemaphore(self.limits.concurrent)

    def _spawn(self) -> _Worker:
        parent, child = _CONTEXT.Pipe(duplex=True)
        process = _CONTEXT.Process(target=_serve, args=(child, self.limits), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def _take(self) -> _Worker:
        while True:
            try:
                worker = self.idle.get_nowait()
            except queue.Empty:
                return self._spawn()
            if worker.process.is_alive():
                return worker
            worker.stop()

    def _retire(self, worker: _Worker) -> bool:
        spent = worker.cpu + self.limits.cpu_seconds + 2 >= _hard_cpu(self.limits)
        return worker.jobs >= JOBS_PER_WORKER or spent

    def run(self, job: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        limits = self.limits
        with self.slots:
            worker = self._take()
            try:
                worker.conn.send((job, args))
            except (BrokenPipeError, OSError):
                worker.stop(kill=True)
                worker = self._spawn()
                worker.conn.send((job, args))
            status: str | None = None
            value: Any = None
            try:
                if worker.conn.poll(limits.wall_seconds):
                    status, value, worker.cpu = worker.conn.recv()
                else:
                    status = "timeout"
            except (EOFError, OSError):
                status = None
            worker.jobs += 1
            if status in ("ok", "error") and not self._retire(worker):
                self.idle.put(worker)
            else:
                worker.stop(kill=status != "ok" and status != "error")
        if status == "ok":
            return value
        if status == "error":
            raise RenderError(value)
        if status == "memory":
            raise BudgetExceeded(f"it needed more than {limits.memory_bytes // 2**20} MB of memory")
        if status == "timeout":
            raise BudgetExceeded(f"it took longer than {limits.wall_seconds:g} s")
        code = worker.process.exitcode
        if status == "cpu" or code in (-signal.SIGXCPU, -signal.SIGKILL):
            # SIGKILL comes from the hard CPU limit (or the kernel's OOM killer): over budget.
            raise BudgetExceeded(f"it used more than {limits.cpu_seconds} s of CPU")
        raise BudgetExceeded(f"the worker stopped (exit code {code})")

    def close(self) -> None:
        while True:
            try:
                self.idle.get_nowait().stop()
            except queue.Empty:
                return


_POOLS: dict[Limits, _Pool] = {}
_POOLS_LOCK = threading.Lock()


def _pool(limits: Limits) -> _Pool:
    with _POOLS_LOCK:
        pool = _POOLS.get(limits)
        if pool is None or pool.pid != os.getpid():  # a forked copy owns no workers
            pool = _POOLS[limits] = _Pool(limits)
        return pool


def shutdown() -> None:
    """Stop the idle workers of this process (they are daemons, so exit stops them anyway)."""
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.close()


def run_limited(job: Callable[..., T], *args: Any, limits: Limits = LIMITS) -> T:
    """Run ``job(*args)`` in a warm worker under ``limits``; blocking (call it from a thread).

    Raises :class:`RenderError` for what the job raised and :class:`BudgetExceeded` when it ran
    out of memory, CPU or time."""
    return _pool(limits).run(job, args)  # type: ignore[no-any-return]


async def run_in_worker(job: Callable[..., T], *args: Any, limits: Limits = LIMITS) -> T:
    """:func:`run_limited` without blocking the event loop."""
    return await asyncio.to_thread(run_limited, job, *args, limits=limits)
