"""`transfers customers` and `transfers changes` as an operator runs them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests import factories
from tests.conftest import Api, Database
from tests.customer.helpers import CHANGES, CUSTOMERS, us_subprocessor, world
from transfers.cli import main
from transfers.settings import get_settings


@pytest.fixture
def cli(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("TRANSFERS_DATABASE_URL", db.url)
    monkeypatch.setenv("TRANSFERS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TRANSFERS_SMTP_PORT", "1")  # nothing listens: an outage
    get_settings.cache_clear()

    async def run(*args: str) -> Result:
        return await asyncio.to_thread(CliRunner().invoke, main, list(args))

    yield run
    get_settings.cache_clear()


async def test_link_controllers_dry_run_then_apply(cli: Any, api: Api) -> None:
    v = await factories.vendor(api, name="Varasto Oy", country="FI")
    for controller in ("Kauppa Oy", "Tuntematon Ky"):
        await api.create(
            "/api/v1/processings",
            {
                "vendor_id": v["id"],
                "service": "Logistics",
                "our_role": "processor",
                "controller": controller,
            },
        )
    customer = await api.create(
        CUSTOMERS,
        {
            "legal_name": "Kauppa Oy",
            "country": "FI",
            "authorisation": "specific",
            "notice_channel": "letter",
        },
    )
    dry = await cli("customers", "link-controllers")
    assert dry.exit_code == 1 and "would link 1" in dry.output and "Tuntematon Ky" in dry.output
    assert (await api.get(f"{CUSTOMERS}/{customer['id']}")).json()["processing_ids"] == []
    done = await cli("customers", "link-controllers", "--apply")
    assert done.exit_code == 1 and "linked 1" in done.output
    assert len((await api.get(f"{CUSTOMERS}/{customer['id']}")).json()["processing_ids"]) == 1
    listed = await cli("customers", "list")
    assert listed.exit_code == 0 and "Kauppa Oy" in listed.output


async def test_deliver_during_an_outage_keeps_the_mails_queued(
    cli: Any, api: Api, on_today: date
) -> None:
    w = await world(api)
    planned = await api.create(CHANGES, us_subprocessor(w))
    await api.post(f"{CHANGES}/{planned['id']}/send", json={"version": 1})
    out = await cli("changes", "deliver", str(planned["id"]))
    assert out.exit_code == 1 and "0 sent, 3 failed" in out.output
    listed = await cli("changes", "list")
    assert "3 failed" in listed.output and "3 e-mail(s) not sent" in listed.output


async def test_bounce_of_an_unsent_mail_is_refused(cli: Any, api: Api, on_today: date) -> None:
    w = await world(api)
    planned = await api.create(CHANGES, us_subprocessor(w))
    await api.post(f"{CHANGES}/{planned['id']}/send", json={"version": 1})
    out = await cli(
        "changes", "bounce", str(planned["id"]), "dpo@client.example", "--reason", "550 unknown"
    )
    assert out.exit_code != 0 and "No e-mail" in out.output


async def test_pending_confirmations_are_sent_by_hand_during_an_outage_they_stay_pending(
    cli: Any, api: Api, session: Any
) -> None:
    from sqlalchemy import select

    from transfers.customer.public import subscribe
    from transfers.models import PageSubscriber

    await subscribe(session, "fan@example.org", "fi")
    await session.commit()
    out = await cli("changes", "confirmations")
    assert out.exit_code == 1 and "0 confirmation(s) sent, 1 failed" in out.output
    assert "fan@example.org" not in out.output
    session.expire_all()
    stored = (await session.scalars(select(PageSubscriber))).one()
    assert stored.confirm_hash is None and stored.confirmed_at is None  # still pending
