"""The `transfers` command: the operator's entry point (serve, db, keys, check, ...)."""

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


@main.group()
def db() -> None:
    """Database migrations (reads TRANSFERS_DATABASE_URL)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Migrate the configured database to the latest schema."""
    from transfers.migrate import upgrade

    upgrade(revision=revision)
    console.print(f"database at {revision}: {_safe_url(get_settings().database_url)}")


@db.command("downgrade")
@click.option("--revision", default="-1", show_default=True)
def db_downgrade(revision: str) -> None:
    """Step the schema back (for development)."""
    from transfers.migrate import downgrade

    downgrade(revision=revision)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@main.group()
def keys() -> None:
    """API keys: shown once, stored hashed."""


@keys.command("create")
@click.option("--role", type=click.Choice(["admin", "legal", "procurement"]), required=True)
@click.option("--name", required=True, help="Who or what uses the key (unique)")
def keys_create(role: str, name: str) -> None:
    """Create a key and print it once."""
    from transfers.auth.service import create_key
    from transfers.common.problems import ProblemError

    async def work(session: Any) -> str:
        _, secret = await create_key(session, name=name, role=role, actor=cli_actor())
        return secret

    try:
        secret = run_in_session(work)
    except ProblemError as exc:
        fail(exc.detail)
    click.echo(secret)
    err_console.print(f"key '{name}' ({role}) created; it is shown only this once.")


@keys.command("bootstrap")
def keys_bootstrap() -> None:
    """Create a first admin key if the register has none (prints it once)."""
    from sqlalchemy import func, select

    from transfers.auth.service import create_key
    from transfers.models import ApiKey

    async def work(session: Any) -> str | None:
        if await session.scalar(select(func.count()).select_from(ApiKey)):
            return None
        _, secret = await create_key(
            session, name="bootstrap-admin", role="admin", actor=cli_actor()
        )
        return secret

    secret = run_in_session(work)
    if secret is None:
        err_console.print(
            "API keys exist already; create more with `transfers keys create --role legal --name NAME`."
        )
        return
    err_console.print("First admin key (shown only once; keep it):")
    click.echo(secret)
    err_console.print(
        f'Try: curl -H "Authorization: Bearer {secret}" {get_settings().public_url}/api/v1/vendors'
    )


@keys.command("list")
def keys_list() -> None:
    """List keys (never the secrets)."""
    from transfers.auth.service import list_keys

    rows = run_in_session(list_keys)
    table = new_table("id", "name", "role", "prefix", "created", "revoked")
    for key in rows:
        table.add_row(
            str(key.id),
            key.name,
            key.role,
            key.prefix + "…",
            f"{key.created_at:%Y-%m-%d}",
            f"{key.revoked_at:%Y-%m-%d}" if key.revoked_at else "",
        )
    console.print(table)


@keys.command("revoke")
@click.argument("key")
def keys_revoke(key: str) -> None:
    """Revoke a key by id, name or prefix."""
    from transfers.auth.service import find_key, revoke_key
    from transfers.common.problems import ProblemError

    async def work(session: Any) -> str:
        found = await find_key(session, key)
        await revoke_key(session, found, cli_actor(), keep_last_admin=False)
        return found.name

    try:
        name = run_in_session(work)
    except ProblemError as exc:
        fail(exc.detail)
    console.print(f"revoked key '{name}'")


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


@main.command()
@click.option(
    "--as-of", "as_of", default=None, help="Evaluate on this day (YYYY-MM-DD; default today)"
)
@click.option(
    "--assume-invalid", default=None, help="What-if: treat this mechanism code as invalid"
)
@click.option("--from", "from_", default=None, help="What-if: invalid from this day")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON")
@click.option(
    "--limit", default=SHOWN, show_default=True, help="Problem rows shown after the summary"
)
@click.option("--all", "show_all", is_flag=True, help="Every problem, one tab-separated line each")
@click.option(
    "--jobs",
    type=click.IntRange(1, 2),
    default=None,
    help="Processes for the summary: 2 evaluates two halves of the register at once "
    "(default: 2 from 20,000 transfers when a second core is free)",
)
def check(
    as_of: str | None,
    assume_invalid: str | None,
    from_: str | None,
    as_json: bool,
    limit: int,
    show_all: bool,
    jobs: int | None,
) -> None:
    """Evaluate every transfer; exit 1 when anything is unlawful (for cron).

    Prints a summary and the first problems; --all streams every problem as plain lines."""
    read_only_pass()
    from transfers.common.problems import ProblemError
    from transfers.compliance.service import register_summary, register_view
    from transfers.rules.compliance import summarise

    day = _parse_day(as_of)
    since = _parse_day(from_) if from_ else None
    shown = max(limit, 0)
    summary_only = not (as_json or show_all or assume_invalid or from_)

    async def work(session: Any) -> Any:
        if summary_only:
            return await register_summary(session, day, shown, jobs=jobs)
        return await register_view(session, day, assume_invalid, since)

    try:
        result = run_in_session(work, read_only=True)
    except ProblemError as exc:
        fail(exc.detail)
    if as_json:
        import msgspec

        from transfers.compliance.schemas import compliance_read

        shown = len(result.problems) if show_all else shown
        click.echo(msgspec.json.encode(compliance_read(result, limit=shown)).decode())
    elif summary_only:
        _print_check(result, day, shown, show_all=False)
    else:
        summary = summarise(result, sys.maxsize if show_all else shown)
        _print_check(summary, day, shown, show_all, result.what_if)
    if result.counts["unlawful"]:
        sys.exit(1)


def _problem_cells(p: Any) -> tuple[str, ...]:
    return (
        p.verdict,
        p.vendor_name,
        str(p.transfer_id),
        p.destination_country,
        p.mechanism,
        "; ".join(r.code for r in p.reasons if r.severity != "info"),
    )


def _print_check(summary: Any, day: Any, limit: int, show_all: bool, what_if: Any = None) -> None:
    """A :class:`~transfers.rules.compliance.Summary`: the tallies, then the first problems
    (every one with --all, as plain lines) and reliances on invalidated mechanisms."""
    counts = summary.counts
    vendors = ", ".join(f"{k} {v}" for k, v in sorted(summary.vendor_counts.items()))
    click.echo(
        f"{day} (reference {summary.reference_version}): {counts['lawful']} lawful, "
        f"{counts['at_risk']} at risk, {counts['unlawful']} unlawful active transfers "
        f"({summary.inactive} inactive); vendors: {vendors or 'none'}"
    )
    problems = summary.problems
    columns = ("verdict", "vendor", "transfer", "to", "mechanism", "reasons")
    if show_all:
        stream_lines(_problem_cells(p) for p in problems)
    elif problems and limit > 0:
        print_rows(columns, [_problem_cells(p) for p in problems[:limit]])
        if summary.problems_total > limit:
            click.echo(
                f"... {summary.problems_total - limit} more problems (--all lists every one)"
            )
    for row in summary.invalidated:
        click.echo(
            f"still relying on {row.mechanism}: {row.vendor_name} "
            f"(transfer {row.transfer_id}, {row.destination_country})"
        )
    if what_if is not None:
        w = what_if
        names = ", ".join(n.vendor_name for n in w.newly_blocked) or "none"
        click.echo(
            f"what if {w.mechanism} fell on {w.invalid_from}: newly blocked vendors: {names}"
        )


@main.command()
@click.option("--json", "as_json", is_flag=True)
def reference(as_json: bool) -> None:
    """Print the legal reference data (countries and mechanisms) with sources."""
    import msgspec

    from transfers.reference import load_reference

    ref = load_reference()
    if as_json:
        click.echo(
            msgspec.json.encode(
                {
                    "version": ref.version,
                    "countries": list(ref.countries()),
                    "mechanisms": list(ref.mechanisms()),
                }
            ).decode()
        )
        return
    console.print(f"[bold]Legal reference {ref.version}[/bold]")

    def cited(citation: str, confidence: str) -> str:
        """An unconfirmed fact is never printed as settled law (issue 26)."""
        return f"{citation} (unconfirmed)" if confidence == "U" else citation

    mech = new_table("code", "kind", "valid from", "invalid from", "citation", "source, checked")
    for m in ref.mechanisms():
        mech.add_row(
            m.code,
            m.kind,
            str(m.valid_from or ""),
            str(m.invalid_from or m.valid_until or ""),
            cited(m.citation, m.confidence),
            f"{m.source}, {m.checked}",
        )
    console.print(mech)
    countries = new_table("code", "name", "status", "citation", "source, checked")
    for c in ref.countries():
        countries.add_row(
            c.code, c.name, c.status, cited(c.citation, c.confidence), f"{c.source}, {c.checked}"
        )
    console.print(countries)


@main.group()
def reminders() -> None:
    """Deadlines: list them, or e-mail the due ones (for cron)."""


@reminders.command("list")
@click.option("--within", default="90d", show_default=True, help="Horizon: 30d, 12w, 3m, P3M")
@click.option("--kind", default=None)
@click.option("--owner", default=None)
@click.option("--as-of", "as_of", default=None)
@click.option("--limit", default=SHOWN, show_default=True, help="Rows shown after the summary")
@click.option("--all", "show_all", is_flag=True, help="Every reminder, one tab-separated line each")
def reminders_list(
    within: str,
    kind: str | None,
    owner: str | None,
    as_of: str | None,
    limit: int,
    show_all: bool,
) -> None:
    """Print a summary and the first deadlines (overdue first); exit 1 when something is overdue.

    --all streams every reminder as plain lines."""
    read_only_pass()
    from transfers.common.problems import ProblemError
    from transfers.reminder import service

    day = _parse_day(as_of)
    settings = get_settings()

    async def work(session: Any) -> Any:
        days = service.parse_within(within)
        return await service.list_reminders(
            session,
            as_of=day,
            within_days=days,
            filters=service.Filters(kind=kind, owner=owner),
            settings=settings,
            one_shot=True,
        )

    try:
        items = run_in_session(work, read_only=True)
    except ProblemError as exc:
        fail(exc.detail)
    overdue = sum(1 for r in items if r.overdue)
    by_kind: dict[str, int] = {}
    for r in items:
        by_kind[r.kind] = by_kind.get(r.kind, 0) + 1
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(by_kind.items()))
    click.echo(
        f"{len(items)} reminders within {within} of {day}, {overdue} overdue ({kinds or 'none'})"
    )

    def cells(r: Any) -> tuple[str, ...]:
        return (
            r.report_on.isoformat(),
            r.due_on.isoformat(),
            str(r.days_left),
            r.kind,
            r.vendor_name or "",
            r.title,
            r.owner or "",
            r.state,
        )

    if show_all:
        stream_lines(cells(r) for r in items)
    elif items and limit > 0:
        columns = ("report on", "due", "days", "kind", "vendor", "what", "owner", "state")
        print_rows(columns, [cells(r) for r in items[:limit]])
        if len(items) > limit:
            click.echo(f"... {len(items) - limit} more (--all lists every one)")
    if overdue:
        sys.exit(1)


@reminders.command("send")
@click.option("--as-of", "as_of", default=None)
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send and record nothing")
def reminders_send(as_of: str | None, dry_run: bool) -> None:
    """E-mail one digest per owner with the reminders due; each is sent once (sent-log)."""
    from transfers.reminder.service import send_due

    day = _parse_day(as_of)
    settings = get_settings()

    async def work(session: Any) -> Any:
        return await send_due(session, as_of=day, settings=settings, dry_run=dry_run)

    try:
        report = run_in_session(work)
    except OSError as exc:
        fail(
            f"could not send through {settings.smtp_host}:{settings.smtp_port}: {exc}; nothing was recorded as sent"
        )
    verb = "would send" if dry_run else "sent"
    console.print(
        f"{verb} {report.messages} digests with {report.reminders} reminders to {', '.join(report.recipients) or 'nobody'}"
    )
    if report.skipped_without_owner:
        console.print(
            f"[yellow]{report.skipped_without_owner} due reminders have no owner[/yellow] (set an owner on the vendor or agreement, or TRANSFERS_REMINDER_DEFAULT_OWNER)"
        )


@main.group()
def docs() -> None:
    """Generate DOCX documents from the register."""


@docs.command("render")
@click.option(
    "--kind",
    required=True,
    type=click.Choice(
        [
            "dpa",
            "scc_annexes",
            "tia",
            "subprocessor_list",
            "privacy_notice_section",
            "record_extract",
        ]
    ),
)
@click.option("--language", default="en", show_default=True, type=click.Choice(["en", "fi"]))
@click.option(
    "--vendor", "vendor_id", type=int, default=None, help="Vendor id (dpa, subprocessor_list)"
)
@click.option("--transfer", "transfer_id", type=int, default=None, help="Transfer id (scc_annexes)")
@click.option("--assessment", "assessment_id", type=int, default=None, help="Assessment id (tia)")
@click.option("--all-vendors", is_flag=True, help="One document per processor (dpa)")
@click.option("--as-of", "as_of", default=None)
@click.option("--since", default=None, help="Start of the change period (subprocessor_list)")
@click.option(
    "--output",
    "output",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Directory to write into",
)
def docs_render(
    kind: str,
    language: str,
    vendor_id: int | None,
    transfer_id: int | None,
    assessment_id: int | None,
    all_vendors: bool,
    as_of: str | None,
    since: str | None,
    output: str,
) -> None:
    """Render, store and write documents; a progress bar when rendering many."""
    from pathlib import Path

    from rich.progress import Progress
    from sqlalchemy import select

    from transfers.common.problems import ProblemError
    from transfers.document.controller import options_from
    from transfers.document.service import render_document
    from transfers.models import Vendor
    from transfers.settings import get_settings

    day = _parse_day(as_of)
    period = _parse_day(since) if since else None
    target = Path(output)
    target.mkdir(parents=True, exist_ok=True)
    actor = cli_actor()

    async def work(session: Any) -> tuple[list[str], list[str]]:
        ids: list[int | None] = [vendor_id]
        if all_vendors:
            ids = list(
                (
                    await session.scalars(
                        select(Vendor.id)
                        .where(
                            Vendor.role.in_(["processor", "subprocessor"]),
                            Vendor.status != "offboarded",
                        )
                        .order_by(Vendor.id)
                    )
                ).all()
            )
        written: list[str] = []
        failed: list[str] = []
        with Progress(console=err_console.real(), transient=False) as progress:
            task = progress.add_task(f"rendering {kind}", total=len(ids))
            for vid in ids:
                try:
                    async with session.begin_nested():
                        doc = await render_document(
                            session,
                            kind=kind,
                            language=language,
                            vendor_id=vid,
                            transfer_id=transfer_id,
                            assessment_id=assessment_id,
                            as_of=day,
                            since=period,
                            actor=actor,
                            options=options_from(get_settings()),
                        )
                    (target / doc.filename).write_bytes(doc.content)
                    written.append(doc.filename)
                except ProblemError as exc:
                    failed.append(f"vendor {vid}: {exc.detail}" if all_vendors else exc.detail)
                progress.advance(task)
        return written, failed

    written, failed = run_in_session(work)
    for name in written:
        console.print(f"wrote {target / name}")
    for problem in failed:
        err_console.print(f"[red]not rendered[/red]: {problem}")
    if failed:
        sys.exit(1)


@docs.command("revert-template")
@click.argument(
    "kind",
    type=click.Choice(
        [
            "dpa",
            "scc_annexes",
            "tia",
            "subprocessor_list",
            "privacy_notice_section",
            "record_extract",
        ]
    ),
)
@click.argument("language", type=click.Choice(["en", "fi"]))
def docs_revert_template(kind: str, language: str) -> None:
    """Use the built-in template again for KIND in LANGUAGE (uploads stay in the history)."""
    from transfers.document.service import revert_template

    async def work(session: Any) -> int:
        row = await revert_template(session, kind=kind, language=language, actor=cli_actor())
        return row.version

    version = run_in_session(work)
    console.print(f"{kind} ({language}): built-in template in use again (version {version})")


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--dry-run",
    is_flag=True,
    help="Apply the import and roll it back: the report the real import gives; nothing kept",
)
def import_(file: str, dry_run: bool) -> None:
    """Import vendors, agreements and transfers from an .xlsx or .csv sheet (all or nothing)."""
    from pathlib import Path

    from rich.progress import Progress

    from transfers.importer.service import ImportReport, run_import

    path = Path(file)
    content = path.read_bytes()

    async def work(session: Any) -> ImportReport:
        with Progress(console=err_console.real(), transient=True) as progress:
            task = progress.add_task(f"importing {path.name}", total=None)

            def advance(phase: str, done: int, total: int) -> None:
                progress.update(task, completed=done, total=total, description=f"writing {phase}")

            report = await run_import(
                session,
                content,
                filename=path.name,
                actor=cli_actor(),
                dry_run=dry_run,
                max_bytes=get_settings().max_upload_bytes,
                progress=advance,
            )
        if dry_run or not report.ok:
            await session.rollback()
        return report

    report = run_in_session(work)
    for w in report.warnings:
        err_console.print(f"[yellow]warning[/yellow] row {w['row']} {w['column']}: {w['message']}")
    if not report.ok:
        table = new_table("row", "sheet", "column", "value", "problem", "fix")
        for p in report.problems:
            table.add_row(
                str(p["row"]), p["sheet"], p["column"], str(p["value"])[:40], p["message"], p["fix"]
            )
        console.print(table)
        where = f"in {path.name}" if report.stage == "sheet" else "against the register"
        fail(f"{len(report.problems)} problem(s) {where}; nothing was written", code=1)
    rows = report.rows
    summary = (
        f"{rows['vendors']} vendors, {rows['agreements']} agreements, {rows['transfers']} transfers"
    )
    if dry_run:
        console.print(
            f"{path.name} is valid: {summary}; would write {report.counts} (dry run: nothing written)"
        )
        return
    console.print(f"imported {path.name}: {report.counts}")


@main.command()
@click.option(
    "--format", "fmt", type=click.Choice(["xlsx", "csv", "json"]), default="xlsx", show_default=True
)
@click.option("--as-of", "as_of", default=None)
@click.option(
    "--output", default=None, help="File to write (default transfers-register-DATE.FORMAT)"
)
def export(fmt: str, as_of: str | None, output: str | None) -> None:
    """Export the register with verdicts as of a date; the file re-imports to the same register."""
    from pathlib import Path

    from transfers.importer.export import render
    from transfers.importer.writer import export_data

    day = _parse_day(as_of)

    async def work(session: Any) -> bytes:
        return render(await export_data(session, as_of=day), fmt)  # type: ignore[arg-type]

    body = run_in_session(work)
    target = Path(output or f"transfers-register-{day.isoformat()}.{fmt}")
    target.write_bytes(body)
    console.print(f"wrote {target} ({len(body)} bytes)")


@main.command()
@click.option("--if-empty", is_flag=True, help="Do nothing when the register already has vendors")
def demo(if_empty: bool) -> None:
    """Load the sample register of a Finnish IT-services company."""
    from transfers.demo import load_demo, register_is_empty

    async def work(session: Any) -> dict[str, int] | None:
        if not await register_is_empty(session):
            if if_empty:
                return None
            fail("The register is not empty; the sample register loads only into an empty one.")
        return await load_demo(session)

    counts = run_in_session(work)
    if counts is None:
        err_console.print("register already has data; sample register not loaded")
        return
    console.print("sample register loaded: " + ", ".join(f"{n} {k}" for k, n in counts.items()))


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


# -- workspace users (issue 11) -----------------------------------------------------------


@main.group()
def users() -> None:
    """Workspace accounts (people; machines use API keys)."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["admin", "legal", "procurement"]), required=True)
@click.option("--password", default=None, help="Generated and printed when not given")
@click.option("--language", type=click.Choice(["fi", "en"]), default="fi", show_default=True)
def users_create(email: str, name: str, role: str, password: str | None, language: str) -> None:
    """Create an account; prints the password when it was generated."""
    from transfers.common.problems import ProblemError
    from transfers.user.service import create_user

    async def work(session: Any) -> str:
        _, secret = await create_user(
            session,
            email=email,
            name=name,
            role=role,
            password=password,
            actor=cli_actor(),
            language=language,
        )
        return secret

    try:
        secret = run_in_session(work)
    except ProblemError as exc:
        fail(exc.detail)
    err_console.print(f"user {email} ({role}) created.")
    if password is None:
        click.echo(secret)


@users.command("bootstrap")
@click.option("--email", default="admin@example.com", show_default=True)
def users_bootstrap(email: str) -> None:
    """Create a first admin account if there is none and print its login once."""
    from transfers.user.service import count_users, create_user

    async def work(session: Any) -> str | None:
        if await count_users(session):
            return None
        _, secret = await create_user(
            session, email=email, name="Admin", role="admin", password=None, actor=cli_actor()
        )
        return secret

    secret = run_in_session(work)
    if secret is None:
        err_console.print("workspace users exist already; add more with `transfers users create`.")
        return
    err_console.print(f"First workspace login (shown only once): {email} / {secret}")


@users.command("list")
def users_list() -> None:
    """List accounts (never the passwords)."""
    from transfers.user.service import list_users

    rows = run_in_session(list_users)
    table = new_table("id", "email", "name", "role", "language", "last login", "disabled")
    for user in rows:
        table.add_row(
            str(user.id),
            user.email,
            user.name,
            user.role,
            user.language,
            f"{user.last_login_at:%Y-%m-%d %H:%M}" if user.last_login_at else "",
            f"{user.disabled_at:%Y-%m-%d}" if user.disabled_at else "",
        )
    console.print(table)


@users.command("disable")
@click.argument("user")
def users_disable(user: str) -> None:
    """Disable an account by id or e-mail; its sessions end at once."""
    from transfers.common.problems import ProblemError
    from transfers.user.service import disable_user, find_user

    async def work(session: Any) -> str:
        found = await find_user(session, user)
        await disable_user(session, found, cli_actor())
        return found.email

    try:
        email = run_in_session(work)
    except ProblemError as exc:
        fail(exc.detail)
    console.print(f"disabled {email}")


@users.command("set-password")
@click.argument("user")
@click.option("--password", default=None, help="Generated and printed when not given")
def users_set_password(user: str, password: str | None) -> None:
    """Set or generate a password; the user's open sessions end."""
    from transfers.common.problems import ProblemError
    from transfers.user.service import find_user, set_password

    async def work(session: Any) -> str:
        found = await find_user(session, user)
        return await set_password(session, found, password, cli_actor())

    try:
        secret = run_in_session(work)
    except ProblemError as exc:
        fail(exc.detail)
    err_console.print("password set; the user's other sessions have ended.")
    if password is None:
        click.echo(secret)


# Sub-processor change notices (issue 12) ---------------------------------------------------


@main.group()
def notices() -> None:
    """Sub-processor change notices (GDPR Art. 28(2))."""


@notices.command("list")
@click.option(
    "--state",
    "state",
    default="pending",
    show_default=True,
    help="pending, accepted, objected or all",
)
@click.option("--as-of", "as_of", default=None)
def notices_list(state: str, as_of: str | None) -> None:
    """Print sub-processor notices with their deadlines; exit 1 when one is overdue."""
    from transfers.notice.service import decide_by, is_overdue, list_notices

    if state not in ("pending", "accepted", "objected", "all"):
        fail(f"unknown state {state!r}: use pending, accepted, objected or all")
    day = _parse_day(as_of)

    async def work(session: Any) -> Any:
        items, _ = await list_notices(
            session,
            state=None if state == "all" else state,
            vendor_id=None,
            overdue_on=None,
            limit=10_000,
            offset=0,
        )
        return items

    items = run_in_session(work)
    table = new_table("id", "vendor", "change", "sub-processor", "country", "decide by", "state")
    overdue = 0
    for n in items:
        late = is_overdue(n, day)
        overdue += late
        due = decide_by(n).isoformat()
        table.add_row(
            str(n.id),
            str(n.vendor_id),
            n.change,
            n.subprocessor_name,
            n.subprocessor_country,
            f"[red]{due} overdue[/red]" if late else due,
            n.state,
        )
    console.print(table)
    console.print(f"{len(items)} notices, {overdue} overdue")
    if overdue:
        sys.exit(1)


@notices.command("apply")
@click.option(
    "--as-of", "as_of", default=None, help="Apply changes effective on or before this day"
)
def notices_apply(as_of: str | None) -> None:
    """Apply accepted sub-processor changes whose effective date has come (run daily)."""
    from transfers.notice.service import apply_due

    day = _parse_day(as_of)

    async def work(session: Any) -> list[int]:
        return await apply_due(session, day, cli_actor())

    applied = run_in_session(work)
    console.print(
        f"applied {len(applied)} accepted notice(s)"
        + (f": {', '.join(map(str, applied))}" if applied else "")
    )


# The DPF participant list (issue 12) ----------------------------------------------------------


@main.group()
def dpf() -> None:
    """The official DPF participant list, as downloaded from the DPF website."""


@dpf.command("sync")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--list-date", default=None, help="The day the list was downloaded (default today)")
@click.option("--apply", "apply_", is_flag=True, help="Write the changes (default: dry run)")
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON")
def dpf_sync(file: str, list_date: str | None, apply_: bool, as_json: bool) -> None:
    """Set DPF certification, HR coverage and check date on DPF transfers from the list."""
    from pathlib import Path

    import msgspec

    from transfers.dpf.parse import ListError
    from transfers.dpf.service import sync

    path = Path(file)
    content = path.read_bytes()
    day = _parse_day(list_date)

    async def work(session: Any) -> Any:
        return await sync(
            session, content, filename=path.name, list_date=day, apply=apply_, actor=cli_actor()
        )

    try:
        report = run_in_session(work)
    except ListError as exc:
        fail(f"{path.name}: {exc}")
    if as_json:
        click.echo(msgspec.json.encode(report).decode())
        return
    verb = "changed" if apply_ else "would change"
    console.print(
        f"{path.name} (sha256 {report.sha256[:12]}…, {report.participants} participants, "
        f"list of {report.list_date}): {report.vendors_on_dpf} vendors rely on the DPF; "
        f"{verb} {len(report.changes)} transfers, {report.unchanged} already up to date"
    )
    for f in report.flagged:
        console.print(
            f"[yellow]{f.issue}[/yellow] {f.vendor_name} (vendor {f.vendor_id}): {f.detail}"
        )
    for u in report.uncertain:
        names = ", ".join(f"{c.name} ({c.similarity:.2f})" for c in u.candidates)
        console.print(f"[yellow]uncertain[/yellow] {u.vendor_name} (vendor {u.vendor_id}): {names}")
    if not apply_:
        console.print("dry run: nothing written; run again with --apply to write")


# Vendor intake (issue 12) ----------------------------------------------------------------------


@main.group()
def intake() -> None:
    """Vendor intake requests."""


@intake.command("list")
@click.option(
    "--state",
    "state",
    default=None,
    type=click.Choice(
        ["submitted", "in_review", "approved", "approved_with_conditions", "rejected"]
    ),
    help="Only requests in this state (default: all)",
)
def intake_list(state: str | None) -> None:
    """Print intake requests, newest first, with open conditions."""
    from transfers.intake.service import list_intakes

    async def work(session: Any) -> Any:
        items, _ = await list_intakes(session, state=state, vendor_id=None, limit=10_000, offset=0)
        return items

    items = run_in_session(work)
    table = new_table("id", "state", "vendor", "service", "requester", "open conditions")
    for i in items:
        open_ = [c for c in i.conditions if not c.get("met_on")]
        table.add_row(
            str(i.id),
            i.state,
            i.vendor_name,
            i.service,
            i.requester,
            "; ".join(f"{c['text']} (by {c['due_on']})" for c in open_),
        )
    console.print(table)
    console.print(f"{len(items)} intake requests")


if __name__ == "__main__":  # pragma: no cover
    run()
