"""Customers: the DPA terms a notice follows, and the processings each uses."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories
from tests.conftest import Api
from tests.customer.helpers import CUSTOMERS, world
from transfers.models import AuditEvent, Customer


async def test_customer_is_created_versioned_and_audited(api: Api, session: AsyncSession) -> None:
    w = await world(api)
    assert w.general["processing_ids"] == [w.processing["id"]]
    got = await api.get(f"{CUSTOMERS}/{w.general['id']}", role="procurement")
    assert got.status_code == 200 and got.headers["etag"] == '"1"'
    assert got.json()["authorisation"] == "general" and got.json()["objection_period_days"] == 30

    stale = await api.patch(f"{CUSTOMERS}/{w.general['id']}", json={"language": "en"})
    assert stale.status_code == 428
    ok = await api.patch(
        f"{CUSTOMERS}/{w.general['id']}",
        json={"objection_period_days": 14, "processing_ids": []},
        headers={"If-Match": '"1"'},
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["objection_period_days"] == 14 and ok.json()["processing_ids"] == []
    again = await api.patch(f"{CUSTOMERS}/{w.general['id']}", json={"language": "en", "version": 1})
    assert again.status_code == 412

    kinds = (
        await session.execute(
            select(AuditEvent.entity_type, AuditEvent.action).where(
                AuditEvent.entity_type.in_(("customer", "customer_processing"))
            )
        )
    ).all()
    assert ("customer", "create") in kinds and ("customer", "update") in kinds
    assert ("customer_processing", "update") in kinds


async def test_bad_customer_input_is_refused_and_changes_nothing(
    api: Api, session: AsyncSession
) -> None:
    await world(api)
    cases = [
        ({"legal_name": "Uusi Oy", "country": "FI", "privacy_email": "a@b.fi"}, 422),  # no days
        (
            {
                "legal_name": "Uusi Oy",
                "country": "FI",
                "authorisation": "specific",
                "privacy_email": "not-an-address",
            },
            422,
        ),
        ({"legal_name": "Uusi Oy", "country": "Suomi", "authorisation": "specific"}, 422),
        (
            {
                "legal_name": "Asiakas Oy",
                "country": "FI",
                "authorisation": "specific",
                "notice_channel": "letter",
            },
            409,
        ),
        (
            {
                "legal_name": "Uusi Oy",
                "country": "FI",
                "authorisation": "specific",
                "notice_channel": "letter",
                "processing_ids": [999],
            },
            422,
        ),
        ({"legal_name": "Uusi Oy", "country": "FI", "surprise": 1}, 400),
    ]
    for body, status in cases:
        r = await api.post(CUSTOMERS, json=body)
        assert r.status_code == status, (body, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
    denied = await api.post(
        CUSTOMERS,
        json={
            "legal_name": "X Oy",
            "country": "FI",
            "authorisation": "specific",
            "notice_channel": "letter",
        },
        role="procurement",
    )
    assert denied.status_code == 403
    assert await session.scalar(select(func.count()).select_from(Customer)) == 2


async def test_free_text_controllers_exact_matches_are_linked_the_rest_listed(
    api: Api, on_today: date
) -> None:
    v = await factories.vendor(api, name="Varasto Oy", country="FI")
    matching = await api.create(
        "/api/v1/processings",
        {
            "vendor_id": v["id"],
            "service": "Logistics",
            "our_role": "processor",
            "controller": "  kauppa   OY ",
        },
    )
    other = await api.create(
        "/api/v1/processings",
        {
            "vendor_id": v["id"],
            "service": "Devices",
            "our_role": "processor",
            "controller": "Kauppa Oyj",
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
    preview = (await api.get(f"{CUSTOMERS}/controller-links", role="procurement")).json()
    assert preview["linked"] == [matching["id"]]
    assert [u["processing_id"] for u in preview["unlinked"]] == [other["id"]]
    assert (await api.get(f"{CUSTOMERS}/{customer['id']}")).json()["processing_ids"] == []

    done = (await api.post(f"{CUSTOMERS}/controller-links")).json()
    assert done["linked"] == [matching["id"]]
    assert done["unlinked"][0]["controller"] == "Kauppa Oyj"
    linked = (await api.get(f"{CUSTOMERS}/{customer['id']}")).json()
    assert linked["processing_ids"] == [matching["id"]]
    # Run again: nothing new to link, the unmatched one still listed.
    assert (await api.post(f"{CUSTOMERS}/controller-links")).json()["linked"] == []
