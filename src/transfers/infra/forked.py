"""Two pieces of CPU-bound work at once, the second in a forked child process.

Python runs one thread of Python code at a time, so a register-wide evaluation can use a
second core only from a second process. ``fork`` gives the child the parent's memory as it is
(the register snapshot already loaded, nothing to send); only the child's answer comes back,
pickled through a pipe, so it must be small (a summary, not 20,000 problems with their reasons:
pickling those cost as much as computing them).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import TypeVar

A = TypeVar("A")
B = TypeVar("B")


def cores() -> int:
    """The cores this process may run on (its CPU affinity, where the platform tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    return hasattr(os, "fork") and cores() >= 2


def in_two(here: Callable[[], A], there: Callable[[], B]) -> tuple[A, B]:
    """``here()`` in this process while ``there()`` runs in a forked child; both here, one after
    the other, where there is no fork or no second core.

    The child only computes and writes its pickled answer; it leaves with ``os._exit``, so it
    never runs this process's exit handlers, flushes its buffers or touches its database
    connections. If the child fails or dies, ``there()`` is run again here: the answer never
    depends on whether a child was used.
    """
    if not can_fork():
        return here(), there()
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no memory or process slot for a child: one after the other, here
        os.close(read_end)
        os.close(write_end)
        return here(), there()
    if pid == 0:  # pragma: no cover - the child leaves with os._exit, before coverage saves
        os.close(read_end)
        try:
            data = pickle.dumps(there(), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # any failure: the parent computes it itself
            data = b""
        try:
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        mine = here()
    finally:
        with os.fdopen(read_end, "rb") as answer:
            data = answer.read()
        _, status = os.waitpid(pid, 0)
    if data and os.waitstatus_to_exitcode(status) == 0:
        try:
            return mine, pickle.loads(data)  # our own child's bytes, never external input
        except Exception:  # cut short (the child was killed while writing): computed here
            pass
    return mine, there()
