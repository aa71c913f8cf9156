"""The `transfers` command: the operator's entry point (serve, db, keys, check, ...)."""

from __future__ import annotations

import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from transfers.auth.schemas import Actor
from transfers.db import create_engine, session_scope
from transfers.settings import get_settings

T = TypeVar("T")
console = Console()
err_console = Console(stderr=True)


def cli_actor() -> Actor:
    try:
        user = getpass.getuser()
    except Exception:  # pragma: no cover - no passwd entry in some containers
        user = "unknown"
    return Actor(key_id=None, name=f"cli:{user}", role="admin")


def run_in_session(work: Callable[[Any], Awaitable[T]]) -> T:
    """Run one CLI command in one transaction: all of it lands, or none of it."""

    async def runner() -> T:
        engine = create_engine(get_settings())
        try:
            async with session_scope(engine) as session:
                return await work(session)
        finally:
            await engine.dispose()

    from sqlalchemy.exc import DBAPIError

    try:
        return asyncio.run(runner())
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
    table = Table("id", "name", "role", "prefix", "created", "revoked")
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


@main.command()
@click.option(
    "--as-of", "as_of", default=None, help="Evaluate on this day (YYYY-MM-DD; default today)"
)
@click.option(
    "--assume-invalid", default=None, help="What-if: treat this mechanism code as invalid"
)
@click.option("--from", "from_", default=None, help="What-if: invalid from this day")
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON")
def check(as_of: str | None, assume_invalid: str | None, from_: str | None, as_json: bool) -> None:
    """Evaluate every transfer; exit 1 when anything is unlawful (for cron)."""
    import msgspec

    from transfers.common.problems import ProblemError
    from transfers.compliance.schemas import compliance_read
    from transfers.compliance.service import register_view

    day = _parse_day(as_of)
    since = _parse_day(from_) if from_ else None

    async def work(session: Any) -> Any:
        return await register_view(session, day, assume_invalid, since)

    try:
        result = compliance_read(run_in_session(work))
    except ProblemError as exc:
        fail(exc.detail)
    if as_json:
        click.echo(msgspec.json.encode(result).decode())
    else:
        counts = result.counts
        console.print(
            f"[bold]{day}[/bold] (reference {result.reference_version}): {counts['lawful']} lawful, "
            f"{counts['at_risk']} at risk, {counts['unlawful']} unlawful active transfers; "
            f"vendors {result.vendor_counts}"
        )
        if result.problems:
            table = Table("verdict", "vendor", "transfer", "to", "mechanism", "reasons")
            for p in result.problems:
                colour = "red" if p.verdict == "unlawful" else "yellow"
                table.add_row(
                    f"[{colour}]{p.verdict}[/{colour}]",
                    p.vendor_name,
                    str(p.transfer_id),
                    p.destination_country,
                    p.mechanism,
                    "; ".join(r.code for r in p.reasons if r.severity != "info"),
                )
            console.print(table)
        for row in result.invalidated_mechanism_transfers:
            console.print(
                f"[red]still relying on {row.mechanism}[/red]: {row.vendor_name} (transfer {row.transfer_id}, {row.destination_country})"
            )
        if result.what_if is not None:
            w = result.what_if
            names = ", ".join(n.vendor_name for n in w.newly_blocked) or "none"
            console.print(
                f"what if {w.mechanism} fell on {w.invalid_from}: newly blocked vendors: {names}"
            )
    if result.counts["unlawful"]:
        sys.exit(1)


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
    mech = Table("code", "kind", "valid from", "invalid from", "citation")
    for m in ref.mechanisms():
        data = msgspec.to_builtins(m)
        mech.add_row(
            m.code,
            str(data.get("kind", "")),
            str(data.get("valid_from") or ""),
            str(data.get("invalid_from") or data.get("valid_until") or ""),
            str(data.get("citation", "")),
        )
    console.print(mech)
    countries = Table("code", "name", "status", "source")
    for c in ref.countries():
        data = msgspec.to_builtins(c)
        countries.add_row(
            str(data.get("code", "")),
            str(data.get("name", "")),
            str(data.get("status", "")),
            str(data.get("citation", data.get("source", ""))),
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
def reminders_list(within: str, kind: str | None, owner: str | None, as_of: str | None) -> None:
    """Print upcoming and overdue deadlines; exit 1 when something is overdue."""
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
        )

    try:
        items = run_in_session(work)
    except ProblemError as exc:
        fail(exc.detail)
    table = Table("report on", "due", "days", "kind", "vendor", "what", "owner", "state")
    for r in items:
        colour = "red" if r.overdue else ("yellow" if r.days_left <= 30 else "")
        days = f"[{colour}]{r.days_left}[/{colour}]" if colour else str(r.days_left)
        table.add_row(
            r.report_on.isoformat(),
            r.due_on.isoformat(),
            days,
            r.kind,
            r.vendor_name,
            r.title,
            r.owner or "",
            r.state,
        )
    console.print(table)
    overdue = sum(1 for r in items if r.overdue)
    console.print(f"{len(items)} reminders, {overdue} overdue")
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
        with Progress(console=err_console, transient=False) as progress:
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
        with Progress(console=err_console, transient=True) as progress:
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
        table = Table("row", "sheet", "column", "value", "problem", "fix")
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
def serve(host: str, port: int, workers: int, no_migrate: bool) -> None:
    """Run the API with uvicorn (no reload)."""
    import uvicorn

    if not no_migrate:
        from transfers.migrate import upgrade

        upgrade()
    uvicorn.run(
        "transfers.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        reload=False,
    )


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
    table = Table("id", "email", "name", "role", "language", "last login", "disabled")
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
    table = Table("id", "vendor", "change", "sub-processor", "country", "decide by", "state")
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
    table = Table("id", "state", "vendor", "service", "requester", "open conditions")
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
    main()
