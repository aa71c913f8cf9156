"""Vendor intake requests: `transfers intake list`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from transfers.cli._base import (
    console,
    main,
    new_table,
    run_in_session,
)

if TYPE_CHECKING:
    pass


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
