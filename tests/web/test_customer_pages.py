"""The customer pages as legal and procurement use them: customers with picked services,
a planned change with the engine's before and after, sending, answers, resolution and the
engagement rule (also on a chain link's form)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.conftest import Api, Keys
from tests.customer.helpers import CHANGES, us_subprocessor, world
from tests.web.conftest import Browser, People


@pytest.fixture
def api(browser: Browser, keys: Keys) -> Api:
    """The API on the browser's own client: one app lifespan per test, not two."""
    return Api(browser.client, keys)


def _id(location: str) -> int:
    found = re.search(r"/(\d+)(#.*)?$", location)
    assert found is not None, location
    return int(found.group(1))


async def test_legal_adds_a_customer_with_picked_services_and_procurement_only_reads(
    api: Api, browser: Browser, people: People
) -> None:
    w = await world(api)
    await browser.login(people.legal)
    form = await browser.get("/customers/new")
    assert form.status_code == 200
    # The services are picked from the register (checkboxes), never typed as ids.
    assert re.search(
        rf'type="checkbox" name="processing_ids" value="{w.processing["id"]}"', form.text
    )
    assert "Helpdesk · Tukipalvelu Oy" in form.text
    refused = await browser.post(
        "/customers/new",
        {
            "legal_name": "Kauppa Oy",
            "country": "FI",
            "authorisation": "general",
            "notice_channel": "email",
            "language": "fi",
        },
    )
    assert refused.status_code == 422
    assert "Objection period" in refused.text and 'aria-invalid="true"' in refused.text
    made = await browser.post(
        "/customers/new",
        {
            "legal_name": "Kauppa Oy",
            "country": "FI",
            "language": "fi",
            "authorisation": "general",
            "objection_period_days": "14",
            "notice_channel": "email",
            "privacy_email": "tietosuoja@kauppa.example",
            "processing_ids": str(w.processing["id"]),
        },
    )
    assert made.status_code == 303, made.text
    cid = _id(made.headers["location"])
    read = (await api.get(f"/api/v1/customers/{cid}")).json()
    assert read["processing_ids"] == [w.processing["id"]] and read["objection_period_days"] == 14
    page = await browser.get(f"/customers/{cid}")
    assert "Helpdesk" in page.text and "14 days" in page.text

    edit = await browser.get(f"/customers/{cid}/edit")
    assert 'name="version" value="1"' in edit.text and "checked" in edit.text
    saved = await browser.post(
        f"/customers/{cid}/edit",
        {
            "version": "1",
            "legal_name": "Kauppa Oy",
            "country": "FI",
            "language": "en",
            "authorisation": "specific",
            "notice_channel": "email",
            "privacy_email": "tietosuoja@kauppa.example",
        },
    )
    assert saved.status_code == 303, saved.text
    read = (await api.get(f"/api/v1/customers/{cid}")).json()
    assert read["authorisation"] == "specific" and read["processing_ids"] == []
    stale = await browser.post(
        f"/customers/{cid}/edit",
        {
            "version": "1",
            "legal_name": "Kauppa Oy",
            "country": "FI",
            "language": "fi",
            "authorisation": "specific",
            "notice_channel": "letter",
        },
    )
    assert stale.status_code == 412 and "Someone else changed" in stale.text

    await browser.client.post("/logout", data={"csrf_token": browser.csrf})
    await browser.login(people.procurement)
    listing = await browser.get("/customers")
    assert "Kauppa Oy" in listing.text and "/customers/new" not in listing.text
    assert "/edit" not in (await browser.get(f"/customers/{cid}")).text
    assert (await browser.get("/customers/new")).status_code == 403
    assert (
        await browser.post("/customers/new", {"legal_name": "X", "country": "FI"})
    ).status_code == 403


async def test_legal_plans_sends_records_answers_and_engagement_is_held_back(
    api: Api, browser: Browser, people: People, on_today: date
) -> None:
    w = await world(api)
    await browser.login(people.legal)
    form = await browser.get("/subprocessor-changes/new")
    assert form.status_code == 200 and "Ticket Analytics Inc." in form.text
    past = await browser.post(
        "/subprocessor-changes/new",
        {
            "change": "added",
            "vendor_id": str(w.vendor["id"]),
            "subprocessor_id": str(w.us["id"]),
            "mechanism": "dpf",
            "effective_on": "2026-11-01",
        },
    )
    assert past.status_code == 422 and "takes effect today or later" in past.text
    made = await browser.post(
        "/subprocessor-changes/new",
        {
            "change": "added",
            "vendor_id": str(w.vendor["id"]),
            "subprocessor_id": str(w.us["id"]),
            "mechanism": "dpf",
            "purpose": "Ticket analytics",
            "safeguard": "EU-US Data Privacy Framework",
            "effective_on": "2027-01-15",
        },
    )
    assert made.status_code == 303, made.text
    change_id = _id(made.headers["location"])
    page = (await browser.get(f"/subprocessor-changes/{change_id}")).text
    assert "Before and after the change" in page and "Transfers in the chain" in page
    assert "Asiakas Oy" in page and "Client Ltd" in page
    assert "31/12/2026" in page or "2026-12-31" in page or "31.12.2026" in page
    assert "Send the notices" in page

    sent = await browser.post(f"/subprocessor-changes/{change_id}/send", {"version": "1"})
    assert sent.status_code == 303, sent.text
    page = (await browser.get(f"/subprocessor-changes/{change_id}")).text
    assert "queued, not sent" in page and "tietosuoja@asiakas.example" in page
    notices = {
        n["customer_name"]: n for n in (await api.get(f"{CHANGES}/{change_id}")).json()["notices"]
    }
    general, specific = notices["Asiakas Oy"]["id"], notices["Client Ltd"]["id"]

    why_not = await browser.post(
        f"/subprocessor-changes/{change_id}/notices/{general}/response",
        {"version": "1", "response": "objected", "by": "Maija, DPO", "on": "2026-12-03"},
    )
    assert why_not.status_code == 422 and "Say why the customer objects." in why_not.text
    objected = await browser.post(
        f"/subprocessor-changes/{change_id}/notices/{general}/response",
        {
            "version": "1",
            "response": "objected",
            "by": "Maija, DPO",
            "on": "2026-12-03",
            "reason": "No US transfers",
        },
    )
    assert objected.status_code == 303
    blocked = await browser.post(
        f"/subprocessor-changes/{change_id}/engagement",
        {"version": "2", "engaged_on": "2027-01-15"},
    )
    assert blocked.status_code == 409
    assert "Asiakas Oy objected on" in blocked.text and "has not consented" in blocked.text
    resolved = await browser.post(
        f"/subprocessor-changes/{change_id}/notices/{general}/resolution",
        {"version": "2", "resolution": "withdrawn"},
    )
    assert resolved.status_code == 303
    consent = await browser.post(
        f"/subprocessor-changes/{change_id}/notices/{specific}/response",
        {"version": "1", "response": "consented", "by": "Client DPO", "on": "2026-12-05"},
    )
    assert consent.status_code == 303
    early = await browser.post(
        f"/subprocessor-changes/{change_id}/engagement",
        {"version": "2", "engaged_on": "2026-12-20"},
    )
    assert early.status_code == 409
    assert "The objection period of Asiakas Oy runs until" in early.text
    ok = await browser.post(
        f"/subprocessor-changes/{change_id}/engagement",
        {"version": "2", "engaged_on": "2027-01-02"},
    )
    assert ok.status_code == 303, ok.text
    read = (await api.get(f"{CHANGES}/{change_id}")).json()
    assert read["state"] == "applied" and read["engaged_on"] == "2027-01-02"
    # The customer's own page lists what it was told and how it answered.
    told = (await browser.get(f"/customers/{w.general['id']}")).text
    assert f'href="/subprocessor-changes/{change_id}#notice-{general}"' in told
    assert "objected" in told and "objection withdrawn" in told
    # The link's own form then shows the dates and the change it came from.
    link = await browser.get(f"/vendors/{w.vendor['id']}/subprocessors/{w.us['id']}/engagement")
    assert link.status_code == 200 and 'value="2027-01-02"' in link.text


async def test_the_link_engagement_form_applies_the_same_rule(
    api: Api, browser: Browser, people: People, on_today: date
) -> None:
    w = await world(api)
    planned = await api.create(CHANGES, us_subprocessor(w))
    await api.post(f"{CHANGES}/{planned['id']}/send", json={"version": 1})
    await api.patch(
        f"/api/v1/vendors/{w.us['id']}",
        json={"parent_vendor_ids": [w.vendor["id"]]},
        headers={"If-Match": '"1"'},
    )
    await browser.login(people.legal)
    chain = await browser.get(f"/vendors/{w.vendor['id']}/edit")
    url = f"/vendors/{w.vendor['id']}/subprocessors/{w.us['id']}/engagement"
    assert url in chain.text
    await browser.get(url)
    blocked = await browser.post(url, {"engaged_on": "2027-01-15"})
    assert blocked.status_code == 409
    assert "Client Ltd (specific authorisation) has not consented." in blocked.text
    trail = (await api.get("/api/v1/audit", params={"entity_type": "vendor_engagement"})).json()
    assert trail["items"] == []

    # Procurement reads the announced change; no step is offered, and a crafted post is refused.
    await browser.client.post("/logout", data={"csrf_token": browser.csrf})
    await browser.login(people.procurement)
    page = (await browser.get(f"/subprocessor-changes/{planned['id']}")).text
    assert "Client Ltd" in page and "queued, not sent" in page
    for step in ("Record the answer", "Engage the sub-processor", 'name="engaged_on"'):
        assert (step in page) is (step == "Engage the sub-processor"), step
    assert (await browser.post(url, {"engaged_on": "2027-01-15"})).status_code == 403
    notice = (await api.get(f"{CHANGES}/{planned['id']}")).json()["notices"][0]["id"]
    crafted = await browser.post(
        f"/subprocessor-changes/{planned['id']}/notices/{notice}/response",
        {"version": "1", "response": "consented", "by": "X", "on": "2026-12-02"},
    )
    assert crafted.status_code == 403


async def test_the_change_pages_speak_finnish(
    api: Api, browser: Browser, people: People, on_today: date
) -> None:
    w = await world(api)
    planned = await api.create(CHANGES, us_subprocessor(w))
    await browser.login(people.legal)
    await browser.get("/")
    await browser.post("/language", {"language": "fi", "next": "/"})
    page = (await browser.get(f"/subprocessor-changes/{planned['id']}")).text
    assert "Ennen muutosta ja sen jälkeen" in page and "Yhdysvallat" in page
    assert "Asiakas Oy" in page and "31.12.2026" in page
    listing = (await browser.get("/subprocessor-changes")).text
    assert "Suunnitellut alikäsittelijämuutokset" in listing and "suunniteltu" in listing
