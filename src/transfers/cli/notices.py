"""Sub-processor change notices: `transfers notices list|apply`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from transfers.cli._base import (
    _parse_day,
    cli_actor,
    console,
    fail,
    main,
    new_table,
    run_in_session,
)

if TYPE_CHECKING:
    pass


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
