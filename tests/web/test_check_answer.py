"""The procurement check answers the buyer (issue 23 part 5): first Kyllä / Ehdoin / Ei, then what
the vendor is cleared for, the open conditions and whom to ask; two transfers to one country are
told apart by the service each serves. The API's status answer carries the same answer word and
services (added fields only)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests import factories
from tests.conftest import Api, Keys
from tests.web.conftest import Browser, People

INTAKES = "/api/v1/intake-requests"


@pytest.fixture
def api(browser: Browser, keys: Keys) -> Api:
    """The API on the browser's own client: one app lifespan per test, not two (two clients'
    lifespans share the app's PostgreSQL connections across event loops)."""
    return Api(browser.client, keys)


async def payroll_vendor(api: Api) -> int:
    """Approved, DPA signed, owned by Olli; Payroll and Analytics both go to Japan (adequacy)."""
    v = await factories.vendor(
        api,
        name="Payroll Cloud Inc.",
        business_id="JP-778899",
        country="JP",
        status="approved",
        owner="olli.omistaja@example.com",
    )
    await factories.agreement(api, v["id"])
    for service, categories in (("Payroll", ["payroll", "hr"]), ("Analytics", ["contact"])):
        processing = await api.create(
            "/api/v1/processings",
            {
                "vendor_id": v["id"],
                "service": service,
                "purposes": [service],
                "data_categories": categories,
            },
        )
        await factories.transfer(
            api,
            v["id"],
            processing_id=processing["id"],
            destination_country="JP",
            mechanism="adequacy",
            scc_module=None,
            adequacy_scope_confirmed=True,
            data_categories=categories,
        )
    return int(v["id"])


async def with_open_condition(api: Api, vendor_name: str, business_id: str) -> None:
    """Legal approves a new use with a condition that is not yet met."""
    intake = await api.create(
        INTAKES,
        {
            "vendor_name": vendor_name,
            "vendor_business_id": business_id,
            "vendor_country": "JP",
            "service": "Payroll",
            "purposes": ["Payroll"],
            "data_categories": ["payroll"],
            "data_subjects": ["employees"],
            "destinations": [{"country": "JP", "mechanism": "adequacy"}],
        },
        role="procurement",
    )
    decided = await api.post(
        f"{INTAKES}/{intake['id']}/decision",
        json={
            "decision": "approve_with_conditions",
            "conditions": [{"text": "Sign the security annex", "due_on": "2030-01-31"}],
            "version": intake["version"],
        },
    )
    assert decided.status_code == 200, decided.text


def text_of(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</(?:span|dl|ul)>', html, re.S)
    assert found, f"no #{element_id} on the page"
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


async def test_the_check_says_ehdoin_then_what_is_cleared_and_whom_to_ask(
    api: Api, browser: Browser, people: People
) -> None:
    vid = await payroll_vendor(api)
    await with_open_condition(api, "Payroll Cloud Inc.", "JP-778899")
    await browser.login(people.procurement)
    await browser.get("/check")
    await browser.post("/language", {"language": "fi", "next": "/check"})
    page = (await browser.get(f"/check?vendor_id={vid}")).text

    assert text_of(page, "answer-word") == "Ehdoin"
    cleared = text_of(page, "cleared")
    assert "Analytics, Payroll" in cleared
    assert "Japani" in cleared
    assert "Sign the security annex" in text_of(page, "open-conditions")
    ask = text_of(page, "ask")
    assert "olli.omistaja@example.com" in ask
    # Two transfers to the US, told apart by their service.
    headings = [
        " ".join(re.sub(r"<[^>]+>", " ", h).split())
        for h in re.findall(r"<h4>(.*?)</h4>", page, re.S)
    ]
    assert any(h.startswith("Payroll · Japani") for h in headings), headings
    assert any(h.startswith("Analytics · Japani") for h in headings), headings


async def test_an_approved_vendor_is_kylla_and_a_blocked_one_is_ei(
    api: Api, browser: Browser, people: People
) -> None:
    vid = await payroll_vendor(api)
    await browser.login(people.procurement)
    await browser.get("/check")
    await browser.post("/language", {"language": "fi", "next": "/check"})
    assert text_of((await browser.get(f"/check?vendor_id={vid}")).text, "answer-word") == "Kyllä"
    await factories.transfer(api, vid, destination_country="CN", mechanism="none", scc_module=None)
    assert text_of((await browser.get(f"/check?vendor_id={vid}")).text, "answer-word") == "Ei"
    await browser.post("/language", {"language": "en", "next": "/check"})
    assert text_of((await browser.get(f"/check?vendor_id={vid}")).text, "answer-word") == "No"


async def test_the_api_status_carries_the_answer_and_each_transfers_service(api: Api) -> None:
    vid = await payroll_vendor(api)
    await with_open_condition(api, "Payroll Cloud Inc.", "JP-778899")
    body = (await api.get(f"/api/v1/vendors/{vid}/status", role="procurement")).json()
    assert body["answer"] == "with_conditions"
    assert {t["service"] for t in body["transfers"]} == {"Analytics", "Payroll"}
    assert {"Analytics", "Payroll"} <= set(body["cleared"]["purposes"])
    assert [c["text"] for c in body["cleared"]["open_conditions"]] == ["Sign the security annex"]
