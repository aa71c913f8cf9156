"""Cyclic GC paused around register-wide work.

Building and evaluating tens of thousands of frozen dataclasses triggers collection passes over
every object the snapshot holds, none of which is garbage yet: about half of a register-wide
evaluation in the issue 13 profile. Reference counting still frees everything as usual.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause cyclic GC for the block (nesting-safe: only the outermost pause re-enables it)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def settle_heap() -> None:
    """Move what is alive now (the snapshot, today's facts and evaluation) out of the cyclic
    collector's sight. With the register loaded, a full collection walks about half a million
    objects (about 0.3 s on this box) every time enough new objects have survived: a pause
    every second or two under load, and the whole of the p99. Collected once first, so nothing
    that is already garbage is kept; reference counting frees frozen objects as before."""
    gc.collect()
    gc.freeze()
