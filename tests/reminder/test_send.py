"""E-mail digests against a real SMTP server (aiosmtpd), sent exactly once."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests import factories
from tests.conftest import Api
from transfers.db import session_factory
from transfers.models import ReminderDelivery
from transfers.reminder.service import send_due
from transfers.settings import Settings


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


async def test_digest_is_sent_once_per_reminder_and_lead(
    api: Api, engine: AsyncEngine, settings: Settings, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    today = date.today()
    v = await factories.vendor(
        api, name="Kaito Devices K.K.", country="JP", owner="logistics@example.com"
    )
    start = today - timedelta(days=365) + timedelta(days=5)
    await factories.agreement(
        api,
        v["id"],
        signed_on=start.isoformat(),
        effective_on=start.isoformat(),
        term="P1Y",
        notice_period=None,
    )
    cfg = replace(
        settings, smtp_host="127.0.0.1", smtp_port=port, smtp_from="transfers@example.com"
    )

    async def run() -> Any:
        async with session_factory(engine)() as session:
            report = await send_due(session, as_of=today, settings=cfg)
            await session.commit()
            return report

    first = await run()
    assert first.messages == 1 and first.recipients == ("logistics@example.com",)
    assert len(inbox.messages) == 1
    rcpt, message = inbox.messages[0]
    assert rcpt == ["logistics@example.com"]
    assert "transfers: 1 deadline" in message["Subject"]
    body = message.get_payload()[0].get_payload(decode=True).decode()
    assert "Kaito Devices K.K." in body and "renews" in body

    second = await run()
    assert second.messages == 0
    assert len(inbox.messages) == 1

    async with session_factory(engine)() as session:
        logged = await session.scalar(select(func.count()).select_from(ReminderDelivery))
    assert logged == 3  # leads 90, 30 and 7 claimed together: none will be sent again


async def test_two_instances_at_once_send_once(
    api: Api, engine: AsyncEngine, settings: Settings, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    today = date.today()
    v = await factories.vendor(api, owner="legal@example.com")
    start = today - timedelta(days=365) + timedelta(days=3)
    await factories.agreement(
        api,
        v["id"],
        signed_on=start.isoformat(),
        effective_on=start.isoformat(),
        term="P1Y",
        notice_period=None,
    )
    cfg = replace(settings, smtp_host="127.0.0.1", smtp_port=port)

    async def run() -> int:
        async with session_factory(engine)() as session:
            report = await send_due(session, as_of=today, settings=cfg)
            await session.commit()
            return report.messages

    results = await asyncio.gather(run(), run(), return_exceptions=True)
    sent = [r for r in results if isinstance(r, int)]
    assert sum(sent) == 1, results
    assert len(inbox.messages) == 1


async def test_failed_delivery_records_nothing(
    api: Api, engine: AsyncEngine, settings: Settings
) -> None:
    today = date.today()
    v = await factories.vendor(api, owner="legal@example.com")
    start = today - timedelta(days=365) + timedelta(days=3)
    await factories.agreement(
        api,
        v["id"],
        signed_on=start.isoformat(),
        effective_on=start.isoformat(),
        term="P1Y",
        notice_period=None,
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    cfg = replace(settings, smtp_host="127.0.0.1", smtp_port=closed_port)
    async with session_factory(engine)() as session:
        with pytest.raises(OSError):
            await send_due(session, as_of=today, settings=cfg)
        await session.rollback()
    async with session_factory(engine)() as session:
        assert await session.scalar(select(func.count()).select_from(ReminderDelivery)) == 0
