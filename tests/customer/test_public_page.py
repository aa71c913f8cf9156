"""The public sub-processor page: off by default, no login, no internal data, Finnish and
English, an Atom feed, and double opt-in subscriptions through a real SMTP server."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from litestar import Litestar
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tests.conftest import Api, Database, shared_app
from tests.customer.helpers import CHANGES, us_subprocessor, world
from tests.reminder.test_send import Inbox
from transfers.customer.public import ConfirmationNotSent, pending_confirmations, send_confirmation
from transfers.customer.service import deliver
from transfers.db import session_factory
from transfers.models import PageSubscriber
from transfers.settings import Settings


@pytest.fixture(scope="module")
def mailbox() -> Iterator[tuple[Inbox, int]]:
    """One SMTP server for the module, so every test shares one app (same settings)."""
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


@pytest.fixture
def settings(db: Database, mailbox: tuple[Inbox, int]) -> Settings:
    mailbox[0].messages.clear()
    return replace(
        Settings(),
        database_url=db.url,
        db_pool_size=5,
        public_subprocessor_page=True,
        public_url="http://trust.example",
        public_company_name="Palvelu Oy",
        smtp_host="127.0.0.1",
        smtp_port=mailbox[1],
        smtp_from="privacy@palvelu.example",
    )


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def _link(text: str, path: str) -> str:
    found = re.search(rf"http://trust\.example{path}\?token=([A-Za-z0-9_\-]+)", text)
    assert found, text
    return found.group(1)


def _body(message: object) -> str:
    return message.get_payload(decode=True).decode()  # type: ignore[attr-defined]


async def _send_pending(engine: AsyncEngine, settings: Settings) -> int:
    """What the queue's worker does after a subscription: send each pending confirmation."""
    maker = session_factory(engine)
    async with maker() as session:
        pending = await pending_confirmations(session)
    return sum([await send_confirmation(maker, i, settings) for i in pending])


async def test_the_page_is_off_unless_enabled(db: Database) -> None:
    from litestar.testing import AsyncTestClient

    app: Litestar = shared_app(replace(Settings(), database_url=db.url, db_pool_size=5))
    async with AsyncTestClient(app=app) as client:
        for path in ("/subprocessors", "/subprocessors.atom"):
            assert (await client.get(path)).status_code == 404
        assert (
            await client.post("/subprocessors/subscribe", data={"email": "a@b.fi"})
        ).status_code == 404


async def test_page_and_feed_show_public_facts_only_in_both_languages(
    api: Api, engine: AsyncEngine, settings: Settings, on_today: date
) -> None:
    w = await world(api)
    planned = await api.create(
        CHANGES, us_subprocessor(w, notes="Internal: negotiate the price down")
    )
    # Not announced yet: not on the page.
    page = await api.client.get("/subprocessors?lang=en")
    assert page.status_code == 200 and "Ticket Analytics Inc." not in page.text
    assert (
        await api.post(f"{CHANGES}/{planned['id']}/send", json={"version": 1})
    ).status_code == 200

    fi = (await api.client.get("/subprocessors?lang=fi")).text
    assert "Alikäsittelijämme" in fi and "Palvelu: Helpdesk" in fi
    assert "Tukipalvelu Oy" in fi and "Suomi" in fi
    assert "Suunnitellut muutokset" in fi and "Ticket Analytics Inc." in fi
    assert "Yhdysvallat" in fi and "15.1.2027" in fi
    en = (await api.client.get("/subprocessors?lang=en")).text
    assert "Our sub-processors" in en and "United States" in en and "Planned changes" in en
    feed = await api.client.get("/subprocessors.atom?lang=en")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert "<entry>" in feed.text and "Ticket Analytics Inc." in feed.text
    for text in (fi, en, feed.text):
        assert "negotiate" not in text  # notes stay internal
        assert "tietosuoja@asiakas.example" not in text and "Asiakas Oy" not in text
        assert "<script" not in text
        assert f"/{planned['id']}" not in text


async def test_double_opt_in_notice_and_unsubscribe(
    api: Api,
    engine: AsyncEngine,
    session: AsyncSession,
    settings: Settings,
    mailbox: tuple[Inbox, int],
    on_today: date,
) -> None:
    inbox, _ = mailbox
    client = api.client
    form = (await client.get("/subprocessors?lang=fi")).text
    csrf = _csrf(form)

    # Without the page's token nothing is stored and nothing is mailed.
    forged = await client.post(
        "/subprocessors/subscribe", data={"email": "fan@example.org", "csrf_token": "x"}
    )
    assert forged.status_code == 403 and inbox.messages == []
    bad = await client.post(
        "/subprocessors/subscribe", data={"email": "not an address", "csrf_token": csrf}
    )
    assert bad.status_code == 422
    assert (await session.scalars(select(PageSubscriber))).all() == []

    ok = await client.post(
        "/subprocessors/subscribe",
        data={"email": "fan@example.org", "csrf_token": csrf, "lang": "fi"},
    )
    assert ok.status_code == 200 and "vahvistuslinkin" in ok.text
    assert inbox.messages == []  # queued, not sent inside the request
    assert await _send_pending(engine, settings) == 1
    assert await _send_pending(engine, settings) == 0  # a retry sends it once
    assert len(inbox.messages) == 1
    rcpt, confirmation = inbox.messages[0]
    assert rcpt == ["fan@example.org"]
    token = _link(_body(confirmation), "/subprocessors/confirm")
    stored = (await session.scalars(select(PageSubscriber))).one()
    assert stored.confirmed_at is None and stored.confirm_hash not in (None, token)

    # The link opens a page with a button; only the POST confirms.
    shown = await client.get(f"/subprocessors/confirm?token={token}&lang=fi")
    assert shown.status_code == 200 and "Vahvista tilaus" in shown.text
    await session.refresh(stored)
    assert stored.confirmed_at is None
    done = await client.post(
        "/subprocessors/confirm",
        data={"token": token, "csrf_token": _csrf(shown.text), "lang": "fi"},
    )
    assert done.status_code == 200 and "vahvistettu" in done.text
    again = await client.post(
        "/subprocessors/confirm",
        data={"token": token, "csrf_token": _csrf(shown.text), "lang": "fi"},
    )
    assert again.status_code == 404  # a token works once

    # A change is announced: the subscriber is mailed with an unsubscribe link.
    w = await world(api)
    planned = await api.create(CHANGES, us_subprocessor(w))
    await api.post(f"{CHANGES}/{planned['id']}/send", json={"version": 1})
    assert await deliver(session_factory(engine), planned["id"], settings) == (
        4,
        0,
    )  # 3 customer addresses, 1 subscriber
    notice = next(
        m for r, m in inbox.messages if r == ["fan@example.org"] and m is not confirmation
    )
    assert " ".join(str(make_header(decode_header(notice["Subject"]))).split()) == (
        "Alikäsittelijämuutos: Ticket Analytics Inc."
    )
    leave = _link(_body(notice), "/subprocessors/unsubscribe")

    page = await client.get(f"/subprocessors/unsubscribe?token={leave}&lang=fi")
    gone = await client.post(
        "/subprocessors/unsubscribe",
        data={"token": leave, "csrf_token": _csrf(page.text), "lang": "fi"},
    )
    assert gone.status_code == 200 and "Et saa enää" in gone.text
    session.expire_all()
    assert (await session.scalars(select(PageSubscriber))).all() == []


async def test_an_expired_confirmation_link_confirms_nothing(
    api: Api,
    engine: AsyncEngine,
    settings: Settings,
    session: AsyncSession,
    mailbox: tuple[Inbox, int],
    on_today: date,
) -> None:
    inbox, _ = mailbox
    csrf = _csrf((await api.client.get("/subprocessors?lang=en")).text)
    await api.client.post(
        "/subprocessors/subscribe", data={"email": "late@example.org", "csrf_token": csrf}
    )
    await _send_pending(engine, settings)
    token = _link(_body(inbox.messages[0][1]), "/subprocessors/confirm")
    await session.execute(
        update(PageSubscriber).values(confirm_expires=datetime.now(UTC) - timedelta(minutes=1))
    )
    await session.commit()
    shown = await api.client.get(f"/subprocessors/confirm?token={token}")
    late = await api.client.post(
        "/subprocessors/confirm", data={"token": token, "csrf_token": _csrf(shown.text)}
    )
    assert late.status_code == 404
    session.expire_all()
    assert (await session.scalars(select(PageSubscriber))).one().confirmed_at is None


async def test_form_posts_are_rate_limited(api: Api, on_today: date) -> None:
    csrf = _csrf((await api.client.get("/subprocessors?lang=en")).text)
    codes = [
        (
            await api.client.post(
                "/subprocessors/subscribe", data={"email": "bad", "csrf_token": csrf}
            )
        ).status_code
        for _ in range(11)
    ]
    assert codes == [422] * 10 + [429]
    assert (await api.client.get("/subprocessors")).status_code == 200  # reading is not limited


async def test_an_smtp_outage_leaves_the_subscription_pending_and_the_mail_is_retried(
    api: Api,
    engine: AsyncEngine,
    settings: Settings,
    session: AsyncSession,
    mailbox: tuple[Inbox, int],
    on_today: date,
) -> None:
    inbox, _ = mailbox
    csrf = _csrf((await api.client.get("/subprocessors?lang=en")).text)
    ok = await api.client.post(
        "/subprocessors/subscribe", data={"email": "patient@example.org", "csrf_token": csrf}
    )
    assert ok.status_code == 200  # the visitor is told to check the mail either way
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    down = replace(settings, smtp_port=closed)
    maker = session_factory(engine)
    [pending] = await _pending(engine)
    with pytest.raises(ConfirmationNotSent):
        await send_confirmation(maker, pending, down)
    stored = (await session.scalars(select(PageSubscriber))).one()
    assert stored.email == "patient@example.org" and stored.confirmed_at is None
    assert stored.confirm_hash is None  # no link went out: still pending
    assert inbox.messages == []
    # The server is back: the job's retry sends it, once.
    assert await send_confirmation(maker, pending, settings) is True
    assert await send_confirmation(maker, pending, settings) is False
    assert [r for r, _m in inbox.messages] == [["patient@example.org"]]
    assert _link(_body(inbox.messages[0][1]), "/subprocessors/confirm")


async def _pending(engine: AsyncEngine) -> list[int]:
    async with session_factory(engine)() as session:
        return await pending_confirmations(session)
