"""Template checks and renders run in a short-lived worker process, off the event loop.

A template is code from a user; however good the sandbox, a render may still take too much memory
or time. Each job runs in a fresh process forked from a forkserver that has the document libraries
loaded (a fork costs milliseconds; a cold start would cost a second), with RLIMIT_AS and RLIMIT_CPU
set, and is killed after ``wall_seconds``. The event loop only waits in a thread; at most
``concurrent`` workers run at once, so templates cannot take every core either.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from transfers.document.limits import LIMITS, Limits
from transfers.document.render import RenderError

T = TypeVar("T")

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["transfers.document.render", "transfers.document.context"])
_SLOTS: dict[int, threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()


class BudgetExceeded(RenderError):
    """The worker ran out of memory, CPU or wall-clock time."""


class _CpuBudget(Exception):
    """Raised in the worker when the soft CPU limit sends SIGXCPU (the hard limit kills)."""


def _on_sigxcpu(signum: int, frame: object) -> None:
    raise _CpuBudget


def _child(
    conn: Connection, job: Callable[..., Any], args: tuple[Any, ...], limits: Limits
) -> None:
    signal.signal(signal.SIGXCPU, _on_sigxcpu)
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 2))
    try:
        result: tuple[str, Any] = ("ok", job(*args))
    except _CpuBudget:
        result = ("cpu", None)
    except MemoryError:
        result = ("memory", None)
    except RecursionError:
        result = ("error", "the template nests too deeply")
    except RenderError as exc:
        result = ("error", str(exc))
    except Exception as exc:  # the template's fault, whatever the library raised
        result = ("error", f"{type(exc).__name__}: {exc}")
    try:
        conn.send(result)
    except MemoryError:
        conn.send(("memory", None))
    finally:
        conn.close()


def _slots(limits: Limits) -> threading.BoundedSemaphore:
    with _SLOTS_LOCK:
        return _SLOTS.setdefault(limits.concurrent, threading.BoundedSemaphore(limits.concurrent))


def run_limited(job: Callable[..., T], *args: Any, limits: Limits = LIMITS) -> T:
    """Run ``job(*args)`` in a worker under ``limits``; blocking (call it from a thread).

    Raises :class:`RenderError` for what the job raised and :class:`BudgetExceeded` when it ran
    out of memory, CPU or time."""
    with _slots(limits):
        receiver, sender = _CONTEXT.Pipe(duplex=False)
        process = _CONTEXT.Process(target=_child, args=(sender, job, args, limits), daemon=True)
        process.start()
        sender.close()
        status: str | None = None
        value: Any = None
        try:
            if receiver.poll(limits.wall_seconds):
                try:
                    status, value = receiver.recv()
                except EOFError:
                    status = None
            else:
                status = "timeout"
        finally:
            receiver.close()
            if status == "timeout":
                process.kill()
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()
    if status == "ok":
        return value  # type: ignore[no-any-return]
    if status == "error":
        raise RenderError(value)
    if status == "memory":
        raise BudgetExceeded(f"it needed more than {limits.memory_bytes // 2**20} MB of memory")
    if status == "timeout":
        raise BudgetExceeded(f"it took longer than {limits.wall_seconds:g} s")
    if status == "cpu" or process.exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
        # SIGKILL comes from the hard CPU limit (or the kernel's OOM killer): over budget either way.
        raise BudgetExceeded(f"it used more than {limits.cpu_seconds} s of CPU")
    raise BudgetExceeded(f"the worker stopped (exit code {process.exitcode})")


async def run_in_worker(job: Callable[..., T], *args: Any, limits: Limits = LIMITS) -> T:
    """:func:`run_limited` without blocking the event loop."""
    return await asyncio.to_thread(run_limited, job, *args, limits=limits)
