"""Documents: `transfers docs render|revert-template`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from transfers.cli._base import (
    _parse_day,
    cli_actor,
    console,
    err_console,
    main,
    run_in_session,
)
from transfers.settings import get_settings

if TYPE_CHECKING:
    pass


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
