"""Argon2id hashing in a bounded pool of threads, off the event loop.

One hash or verification costs tens of milliseconds of CPU and about 64 MiB (argon2-cffi's
defaults, RFC 9106's second recommended profile). Run on the event loop, a handful of logins a
second stalled every other request (an authenticated read's p99 went from 13 ms to 779 ms; 30
logins at once froze ``/health`` for 2.9 s). argon2's C code releases the GIL, so a thread does
the work while the loop keeps serving; the pool's size bounds the CPU and memory that logins
can take, and the queue in front of it is bounded too: past it a check is refused with 503 and
Retry-After instead of piling up.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from transfers.common.problems import ProblemError

RETRY_AFTER_SECONDS = 1

_hasher = PasswordHasher()


class PasswordPool:
    def __init__(self, workers: int = 1, queue: int = 32) -> None:
        self.workers = max(1, workers)
        self.queue = max(0, queue)
        self._executor: ThreadPoolExecutor | None = None
        self._admitted = 0

    def configure(self, *, workers: int, queue: int) -> None:
        """Take the sizes from the app's settings (``create_app``)."""
        workers = max(1, workers)
        if self._executor is not None and workers != self.workers:
            self._executor.shutdown(wait=False)
            self._executor = None
        self.workers = workers
        self.queue = max(0, queue)

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="argon2")
        return self._executor

    async def _run(self, fn: object, *args: str) -> object:
        if self._admitted >= self.workers + self.queue:
            raise ProblemError(
                503,
                "busy",
                "Too many password checks at once; retry in a moment.",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        self._admitted += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._pool(), fn, *args)  # type: ignore[arg-type]
        finally:
            self._admitted -= 1

    async def hash(self, password: str) -> str:
        return str(await self._run(_hasher.hash, password))

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether ``password`` matches; with no hash (an unknown e-mail) a dummy one is
        checked, so a wrong e-mail costs as long as a wrong password."""
        return bool(await self._run(_verify, password_hash or "", password))


_dummy: list[str] = []


def _verify(password_hash: str, password: str) -> bool:
    if not password_hash:
        if not _dummy:
            _dummy.append(_hasher.hash(secrets.token_urlsafe(16)))
        password_hash = _dummy[0]
    with contextlib.suppress(VerificationError, InvalidHashError):
        return _hasher.verify(password_hash, password)
    return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


password_pool = PasswordPool()
"""The process's pool; ``create_app`` sizes it from ``Settings.password_hash_workers`` and
``password_hash_queue``."""
