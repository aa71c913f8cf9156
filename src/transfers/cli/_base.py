"""What every command of `transfers` shares: the group, the consoles, one transaction per command."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from transfers.settings import get_settings

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from transfers.auth.schemas import Actor

T = TypeVar("T")


class _LazyConsole:
    """A rich ``Console`` made on first use: ``transfers --help`` and plain-text output never
    import rich (0.1-0.6 s on a busy machine)."""

    def __init__(self, *, stderr: bool = False) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def real(self) -> Console:
        """The rich console itself, for what needs the object (a ``Progress``, say)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real(), name)


console: Any = _LazyConsole()
err_console: Any = _LazyConsole(stderr=True)


def new_table(*columns: str) -> Table:
    from rich.table import Table

    return Table(*columns)


def cli_actor() -> Actor:
    import getpass

    from transfers.auth.schemas import Actor

    try:
        user = getpass.getuser()
    except Exception:  # pragma: no cover - no passwd entry in some containers
        user = "unknown"
    return Actor(key_id=None, name=f"cli:{user}", role="admin")


class _Process:
    """What the running command has told the console script about the process's end."""

    skip_teardown = False


def read_only_pass() -> None:
    """A command that reads the whole register once and exits: cyclic GC would scan the
    hundreds of thousands of row and fact objects again and again, none of them garbage before
    the process ends (it was about half of a register-wide evaluation, issue 13).

    Nor is anything worth freeing at the end: the console script (:func:`run`) then leaves
    without tearing the interpreter down, which freed the snapshot, the facts and every verdict
    object one by one (0.85 s of CPU after a check of 10,000 vendors, longer than evaluating
    them).

    Called before the command imports its modules: the imports alone set off collections worth
    about 30 ms."""
    import gc

    gc.disable()
    _Process.skip_teardown = True


def run() -> None:
    """The ``transfers`` console script: :data:`main`, then, after a read-only pass, an exit
    that skips the interpreter's teardown once the output is flushed. The command has closed
    its database engine and written everything by then; only memory is left, which the
    operating system reclaims at once. (Tests invoke :data:`main` itself, which exits as usual.)
    """
    try:
        main()
    except SystemExit as exc:
        if not _Process.skip_teardown or not (exc.code is None or isinstance(exc.code, int)):
            raise
        import contextlib
        import logging
        import os

        logging.shutdown()
        code = exc.code or 0
        try:
            sys.stdout.flush()
        except OSError:  # e.g. a closed pipe: Python's own exit status for a failed flush
            code = 120
        with contextlib.suppress(OSError):
            sys.stderr.flush()
        os._exit(code)


def run_in_session(work: Callable[[Any], Awaitable[T]], *, read_only: bool = False) -> T:
    """Run one CLI command in one transaction: all of it lands, or none of it.

    ``read_only`` commands write nothing, so they skip the document listener below (and the
    import of the document stack it needs: docx, docxtpl and Jinja, about 0.15 s)."""

    import asyncio

    if not read_only:
        # Registers the commit-time listener that brings our sub-processor list up to date
        # when the chain changes, whatever command changed it (as the server does on import).
        import transfers.document.versions  # noqa: F401
    from transfers.db import create_engine, session_scope

    # The result is handed back beside the task, never as its result: on Python 3.11,
    # asyncio.run() restores the SIGINT handler through signal.getsignal(), which builds (and
    # throws away) the repr of the partial holding the main task, and so of its result: for a
    # register-wide check that repr of every problem cost 0.4-0.9 s, twice.
    out: list[T] = []

    async def runner() -> None:
        engine = create_engine(get_settings())
        try:
            async with session_scope(engine) as session:
                out.append(await work(session))
        finally:
            await engine.dispose()

    from sqlalchemy.exc import DBAPIError

    try:
        asyncio.run(runner())
        return out[0]
    except DBAPIError as exc:
        text = str(exc.orig).lower()
        url = _safe_url(get_settings().database_url)
        if "no such table" in text or ("does not exist" in text and "relation" in text):
            fail(f"the database {url} has no schema yet: run `transfers db upgrade` first")
        fail(f"database error on {url}: {exc.orig}")
        raise  # unreachable: fail() exits


def fail(message: str, code: int = 2) -> None:
    err_console.print(f"[red]error:[/red] {message}")
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Register of GDPR processors, subprocessors and third-country transfers."""


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _parse_day(value: str | None) -> Any:
    from datetime import date

    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"not a date: {value!r} (use YYYY-MM-DD)")


def print_rows(columns: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """A plain aligned table of a few rows (rich's table layout cost most of a long listing)."""
    widths = [len(c) for c in columns]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]
    for row in (columns, *rows):
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def stream_lines(rows: Any) -> None:
    """Every row as one tab-separated line, written as it comes (for grep, cut and cron)."""
    out = sys.stdout
    for row in rows:
        out.write("\t".join(row))
        out.write("\n")


SHOWN = 20
"""Rows printed after a summary unless --all or --limit says otherwise."""
