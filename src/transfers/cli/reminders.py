"""Deadlines before they lapse: `transfers reminders list|send`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from transfers.cli._base import (
    SHOWN,
    _parse_day,
    console,
    fail,
    main,
    print_rows,
    read_only_pass,
    run_in_session,
    stream_lines,
)
from transfers.settings import get_settings

if TYPE_CHECKING:
    pass


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
