"""The register in and out: `transfers import|export|demo`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from transfers.cli._base import (
    _parse_day,
    cli_actor,
    console,
    err_console,
    fail,
    main,
    new_table,
    run_in_session,
)
from transfers.settings import get_settings

if TYPE_CHECKING:
    pass


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
