"""Our customers and the sub-processor changes we announce to them:
`transfers customers list|link-controllers`,
`transfers changes list|deliver|bounce|confirmations`."""

from __future__ import annotations

import sys
from typing import Any

import click

from transfers.cli._base import cli_actor, console, fail, main, new_table, run_in_session


@main.group()
def customers() -> None:
    """Our customers (the controllers we process for) and their DPA terms."""


@customers.command("list")
def customers_list() -> None:
    """Print every customer with its authorisation, objection period and services."""
    from transfers.customer.service import list_customers

    async def work(session: Any) -> Any:
        items, _ = await list_customers(session, q=None, limit=10_000, offset=0)
        return items

    items = run_in_session(work, read_only=True)
    table = new_table("id", "customer", "country", "language", "authorisation", "days", "services")
    for c in items:
        table.add_row(
            str(c.id),
            c.legal_name,
            c.country,
            c.language,
            c.authorisation,
            str(c.objection_period_days or ""),
            ", ".join(map(str, c.processing_ids)),
        )
    console.print(table)
    console.print(f"{len(items)} customers")


@customers.command("link-controllers")
@click.option("--apply", "apply", is_flag=True, help="Write the links (default: a dry run)")
def customers_link(apply: bool) -> None:
    """Link processings whose free-text controller is exactly a customer's legal name (case
    and spacing aside); list the rest for a person. Exits 1 while some remain unlinked."""
    from transfers.customer.service import link_controllers

    async def work(session: Any) -> Any:
        report = await link_controllers(session, cli_actor(), apply=apply)
        if not apply:
            await session.rollback()
        return report

    report = run_in_session(work)
    verb = "linked" if apply else "would link"
    console.print(f"{verb} {len(report.linked)} processing(s)")
    if report.unlinked:
        table = new_table("processing", "service", "controller (as typed)")
        for u in report.unlinked:
            table.add_row(str(u.processing_id), u.service, u.controller)
        console.print(table)
        console.print(f"{len(report.unlinked)} processing(s) match no customer: link them by hand")
        sys.exit(1)


@main.group()
def changes() -> None:
    """Planned changes of our sub-processors, announced to our customers (Art. 28(2))."""


@changes.command("list")
def changes_list() -> None:
    """Print the planned changes and their delivery: e-mails not sent are counted."""
    from sqlalchemy import func, select

    from transfers.models import NoticeDelivery, SubprocessorChange

    async def work(session: Any) -> Any:
        rows = (
            await session.scalars(select(SubprocessorChange).order_by(SubprocessorChange.id))
        ).all()
        counts = (
            await session.execute(
                select(NoticeDelivery.change_id, NoticeDelivery.status, func.count()).group_by(
                    NoticeDelivery.change_id, NoticeDelivery.status
                )
            )
        ).all()
        return rows, counts

    rows, counts = run_in_session(work, read_only=True)
    per: dict[int, dict[str, int]] = {}
    for change_id, status, n in counts:
        per.setdefault(change_id, {})[status] = n
    table = new_table("id", "change", "sub-processor", "country", "effective", "state", "e-mails")
    unsent = 0
    for c in rows:
        mails = per.get(c.id, {})
        waiting = sum(n for s, n in mails.items() if s != "sent")
        unsent += waiting
        table.add_row(
            str(c.id),
            c.change,
            c.name,
            c.new_country or c.country,
            c.effective_on.isoformat(),
            c.state,
            ", ".join(f"{n} {s}" for s, n in sorted(mails.items())),
        )
    console.print(table)
    console.print(f"{len(rows)} changes, {unsent} e-mail(s) not sent")


@changes.command("deliver")
@click.argument("change_id", type=int)
def changes_deliver(change_id: int) -> None:
    """Send the queued and failed e-mails of a change now (each recipient at most once);
    exits 1 when some could not be sent."""
    import asyncio

    from transfers.customer.service import deliver
    from transfers.db import create_engine, session_factory
    from transfers.settings import get_settings

    settings = get_settings()

    async def run() -> tuple[int, int]:
        engine = create_engine(settings)
        try:
            return await deliver(session_factory(engine), change_id, settings)
        finally:
            await engine.dispose()

    sent, failed = asyncio.run(run())
    console.print(f"{sent} sent, {failed} failed")
    if failed:
        fail(f"{failed} e-mail(s) not sent; they stay queued for the next try", code=1)


@changes.command("bounce")
@click.argument("change_id", type=int)
@click.argument("recipient")
@click.option("--reason", required=True, help="What the mail server reported (the bounce)")
def changes_bounce(change_id: int, recipient: str, reason: str) -> None:
    """Record that a sent e-mail of a change bounced (audited): the notice shows it as not
    received, with the reason."""
    from transfers.common.problems import ProblemError
    from transfers.customer.service import get_change, mark_bounced

    async def work(session: Any) -> int:
        change = await get_change(session, change_id)
        return await mark_bounced(session, change, recipient, reason, cli_actor())

    try:
        count = run_in_session(work)
    except ProblemError as exc:
        fail(exc.detail, code=1)
        return
    console.print(f"{count} e-mail(s) to {recipient} marked bounced")


@changes.command("confirmations")
def changes_confirmations() -> None:
    """Send the public page's pending subscription confirmations now (those whose queued job
    was lost, e.g. with the server's in-memory queue on SQLite); exits 1 when some could not
    be sent. Prints counts, never addresses."""
    import asyncio

    from transfers.customer.public import (
        ConfirmationNotSent,
        pending_confirmations,
        send_confirmation,
    )
    from transfers.db import create_engine, session_factory
    from transfers.settings import get_settings

    settings = get_settings()

    async def run() -> tuple[int, int]:
        engine = create_engine(settings)
        maker = session_factory(engine)
        sent = failed = 0
        try:
            async with maker() as session:
                pending = await pending_confirmations(session)
            for subscriber_id in pending:
                try:
                    sent += await send_confirmation(maker, subscriber_id, settings)
                except ConfirmationNotSent:
                    failed += 1
        finally:
            await engine.dispose()
        return sent, failed

    sent, failed = asyncio.run(run())
    console.print(f"{sent} confirmation(s) sent, {failed} failed")
    if failed:
        fail(f"{failed} confirmation(s) not sent; they stay pending", code=1)
