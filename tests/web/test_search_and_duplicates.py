"""Search that forgives typos (issue 23 part 6): the vendor list, intake and notices find a vendor
by a misspelt or partial name and by part of its business ID, best first; creating a vendor or
approving an intake request that matches a registered vendor warns and links to it, and saving
again goes on (a confirm step, not a block)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests import factories
from tests.conftest import Api, Keys
from tests.web.conftest import Browser, People


@pytest.fixture
def api(browser: Browser, keys: Keys) -> Api:
    """The API on the browser's own client: one app lifespan per test, not two (two clients'
    lifespans share the app's PostgreSQL connections across event loops)."""
    return Api(browser.client, keys)


def plain(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def vendor_rows(html: str) -> list[str]:
    rows = html[html.index('id="vendor-rows"') :] if 'id="vendor-rows"' in html else html
    return re.findall(r'<td><a href="/vendors/\d+">([^<]+)</a></td>', rows)


async def three_vendors(api: Api) -> dict[str, int]:
    made = {}
    for name, bid, country in (
        ("Northwind Cloud LLC", "US-4455667", "US"),
        ("Northwind Consulting Oy", "2345678-9", "FI"),
        ("Pilvi Oy", "1234567-8", "FI"),
    ):
        made[name] = (await factories.vendor(api, name=name, business_id=bid, country=country))[
            "id"
        ]
    return made


async def test_the_vendor_list_forgives_a_typo_and_finds_a_partial_business_id(
    api: Api, browser: Browser, people: People
) -> None:
    await three_vendors(api)
    await browser.login(people.procurement)
    typo = (await browser.get("/vendors?q=Nortwind+Clod")).text
    assert vendor_rows(typo)[:1] == ["Northwind Cloud LLC"], "best first"
    assert 'id="close-matches"' in typo
    # Part of a business ID, typed without its dash.
    partial = (await browser.get("/vendors?q=4455667")).text
    assert vendor_rows(partial) == ["Northwind Cloud LLC"]
    undashed = (await browser.get("/vendors?q=us4455667")).text
    assert vendor_rows(undashed) == ["Northwind Cloud LLC"]
    assert 'id="close-matches"' not in undashed, "found by its ID, not as a near name"
    check = (await browser.get("/check?q=US4455667")).text
    assert "Northwind Cloud LLC" in plain(check)
    # A part of a name: both Northwinds, the closer first.
    both = (await browser.get("/check?q=northwind+consult")).text
    assert "Northwind Consulting Oy" in plain(both)


async def test_intake_and_notices_find_a_misspelt_vendor(
    api: Api, browser: Browser, people: People
) -> None:
    ids = await three_vendors(api)
    intake = await api.create(
        "/api/v1/intake-requests",
        {
            "vendor_name": "Pilvi Oy",
            "vendor_business_id": "1234567-8",
            "vendor_country": "FI",
            "service": "Backups",
            "purposes": ["Backups"],
            "data_categories": ["contact"],
            "data_subjects": ["customers"],
            "destinations": [],
        },
        role="procurement",
    )
    await browser.login(people.legal)
    listed = plain((await browser.get("/intake?q=Pilv+oy")).text)
    assert f"{intake['id']} Pilvi Oy" in listed
    assert "Backups" not in plain((await browser.get("/intake?q=Zebra+Widgets")).text)
    # The intake form's vendor lookup offers the registered vendor for a misspelt name.
    lookup = (await browser.get("/intake/new?vendor_q=Northwnd+Cloud")).text
    assert "Northwind Cloud LLC" in plain(lookup)
    await api.create(
        "/api/v1/subprocessor-notices",
        {
            "vendor_id": ids["Northwind Cloud LLC"],
            "change": "added",
            "subprocessor_name": "Tiny Host Ltd",
            "subprocessor_country": "GB",
            "received_on": "2026-11-20",
            "effective_on": "2026-12-20",
        },
    )
    assert "Tiny Host Ltd" in plain((await browser.get("/notices?q=nortwind+cloud")).text)
    assert "Tiny Host Ltd" not in plain((await browser.get("/notices?q=Pilvi")).text)


async def test_creating_a_vendor_like_a_registered_one_warns_then_goes_on(
    api: Api, browser: Browser, people: People
) -> None:
    ids = await three_vendors(api)
    await browser.login(people.legal)
    await browser.get("/vendors/new")
    body = {"name": "Northwind Cloud", "country": "US", "role": "processor", "status": "proposed"}
    warned = await browser.post("/vendors/new", body)
    assert warned.status_code == 409
    assert 'id="duplicate-warning"' in warned.text
    assert f'href="/vendors/{ids["Northwind Cloud LLC"]}"' in warned.text
    assert (await api.get("/api/v1/vendors")).json()["total"] == 3, "nothing written yet"
    confirmed = await browser.post("/vendors/new", {**body, "confirm_duplicate": "yes"})
    assert confirmed.status_code == 303, confirmed.text
    assert (await api.get("/api/v1/vendors")).json()["total"] == 4
    # A name that shares only its company form with registered ones is created at once.
    other = await browser.post("/vendors/new", {**body, "name": "Forged Oy"})
    assert other.status_code == 303


async def test_approving_an_intake_for_a_vendor_we_have_warns_first(
    api: Api, browser: Browser, people: People
) -> None:
    ids = await three_vendors(api)
    intake = await api.create(
        "/api/v1/intake-requests",
        {
            "vendor_name": "Pilvi Oyj",
            "vendor_country": "FI",
            "service": "Backups",
            "purposes": ["Backups"],
            "data_categories": ["contact"],
            "data_subjects": ["customers"],
            "destinations": [],
        },
        role="procurement",
    )
    assert intake["vendor_id"] is None
    await browser.login(people.legal)
    await browser.get(f"/intake/{intake['id']}")
    decision = {"decision": "approve", "version": str(intake["version"])}
    warned = await browser.post(f"/intake/{intake['id']}/decision", decision)
    assert warned.status_code == 409
    assert f'href="/vendors/{ids["Pilvi Oy"]}"' in warned.text
    assert (await api.get(f"/api/v1/intake-requests/{intake['id']}")).json()["state"] == "submitted"
    done = await browser.post(
        f"/intake/{intake['id']}/decision", {**decision, "confirm_duplicate": "yes"}
    )
    assert done.status_code == 303, done.text
    assert (await api.get(f"/api/v1/intake-requests/{intake['id']}")).json()["state"] == "approved"
