"""The official DPF participant list: `transfers dpf sync`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from transfers.cli._base import (
    _parse_day,
    cli_actor,
    console,
    fail,
    main,
    run_in_session,
)

if TYPE_CHECKING:
    pass


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
