"""Workflow screens: intake, sub-processor notices and the DPF list, as people use them."""

from __future__ import annotations

import asyncio
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests import factories
from tests.conftest import Api, Keys
from tests.web.conftest import Browser, People

DPF_CSV = Path(__file__).resolve().parents[1] / "dpf" / "dpf-participants-sample.csv"


@pytest.fixture
def api(browser: Browser, keys: Keys) -> Api:
    """The API on the browser's own client: one app lifespan per test, not two."""
    return Api(browser.client, keys)


def _id(response_location: str) -> int:
    found = re.search(r"/(\d+)$", response_location)
    assert found is not None, response_location
    return int(found.group(1))


def test_every_need_the_engine_words_reads_in_finnish() -> None:
    """A need added to intake/needs.py without a Finnish wording would show in English; the
    Finnish is rendered from the need's key and parameters, never from the English line."""
    from transfers.intake.needs import TEXTS, Need, need_text

    assert set(TEXTS["fi"]) == set(TEXTS["en"])
    params = {"fitting": 2, "mechanism": "scc_2021", "module": 3}
    english = {k: need_text(Need(k, params), "en") for k in TEXTS["en"]}
    finnish = {k: need_text(Need(k, params), "fi") for k in TEXTS["fi"]}
    assert [k for k in finnish if finnish[k] == english[k]] == []
    assert finnish["contract_module_tia"] == (
        "tarvitaan allekirjoitettu sopimus: vakiosopimuslausekkeet (2021), moduuli 3 "
        "+ siirtovaikutusten arviointi"
    )
    assert english["contract_module_tia"] == (
        "needs signed Standard contractual clauses (2021) module 3 + TIA"
    )


async def ask(browser: Browser, **overrides: str) -> int:
    """Send an intake request from the form as a person would; the request's id."""
    await browser.get("/intake/new")
    form = {
        "vendor_id": "new",
        "vendor_name": "Postiljooni Oy",
        "vendor_country": "FI",
        "vendor_business_id": "1234567-8",
        "vendor_role": "processor",
        "service": "Newsletter delivery",
        "purposes": "marketing, newsletters",
        "data_categories": "contact",
        "data_subjects": "customers",
        "destinations[0].country": "US",
        "destinations[0].mechanism": "scc_2021",
        "destinations[0].scc_module": "2",
    }
    form.update(overrides)
    response = await browser.post("/intake/new", form)
    assert response.status_code == 303, response.text
    return _id(response.headers["location"])


async def test_procurement_asks_and_sees_at_once_what_is_missing(
    browser: Browser, people: People
) -> None:
    await browser.login(people.procurement)
    intake_id = await ask(browser)
    page = await browser.get(f"/intake/{intake_id}")
    assert page.status_code == 200
    assert "needs a DPA (Art. 28 agreement)" in page.text
    assert "needs signed Standard contractual clauses (2021) module 2 + TIA" in page.text
    assert "Record the decision" not in page.text, "procurement sees no review controls"
    mine = await browser.get("/intake?mine=true")
    assert "Postiljooni Oy" in mine.text


async def test_the_precheck_speaks_finnish_on_a_finnish_page(
    browser: Browser, people: People
) -> None:
    await browser.login(people.procurement)
    intake_id = await ask(browser)
    await browser.post("/language", {"language": "fi", "next": "/"})
    page = await browser.get(f"/intake/{intake_id}")
    assert "tarvitaan käsittelysopimus (28 artikla)" in page.text
    assert "needs a DPA" not in page.text
    assert "Ennakkotarkistus" in page.text


async def test_a_refused_request_shows_the_problem_next_to_its_field(
    browser: Browser, people: People
) -> None:
    await browser.login(people.procurement)
    await browser.get("/intake/new")
    response = await browser.post(
        "/intake/new",
        {"vendor_id": "new", "vendor_name": "Nimetön", "service": "x", "purposes": "x"},
    )
    assert response.status_code == 422
    assert 'id="vendor_country-error"' in response.text or 'id="data_categories-error"' in (
        response.text
    )
    assert 'value="Nimetön"' in response.text, "what the person typed is kept"


async def test_procurement_cannot_decide_even_with_a_crafted_form(
    browser: Browser, people: People
) -> None:
    await browser.login(people.procurement)
    intake_id = await ask(browser)
    for path, form in (
        (f"/intake/{intake_id}/review", {"version": "1"}),
        (f"/intake/{intake_id}/decision", {"decision": "approve", "version": "1"}),
    ):
        assert (await browser.post(path, form)).status_code == 403
    page = await browser.get(f"/intake/{intake_id}")
    assert "submitted" in page.text


async def test_legal_approves_with_conditions_and_the_vendor_is_conditional_until_met(
    browser: Browser, people: People
) -> None:
    await browser.login(people.procurement)
    intake_id = await ask(
        browser,
        vendor_role="controller",
        **{"destinations[0].country": "", "destinations[0].mechanism": "none"},
    )
    await browser.post("/logout", {})
    await browser.login(people.legal)
    await browser.get(f"/intake/{intake_id}")
    stale = await browser.post(
        f"/intake/{intake_id}/decision", {"decision": "approve", "version": "7"}
    )
    assert stale.status_code == 412, "a decision on an old version is refused"
    missing = await browser.post(
        f"/intake/{intake_id}/decision",
        {"decision": "approve_with_conditions", "version": "1", "conditions": ""},
    )
    assert missing.status_code == 422
    assert 'id="conditions-error"' in missing.text
    decided = await browser.post(
        f"/intake/{intake_id}/decision",
        {
            "decision": "approve_with_conditions",
            "version": "1",
            "conditions": "Privacy notice reviewed\nSecurity contact named",
            "conditions_due_on": (date.today() + timedelta(days=30)).isoformat(),
        },
    )
    assert decided.status_code == 303, decided.text
    page = await browser.get(f"/intake/{intake_id}")
    assert "approved with conditions" in page.text
    assert re.search(r"Vendor status now.*conditional", page.text, re.S)
    reminders = await browser.get("/reminders?within=90d")
    assert "Privacy notice reviewed" in reminders.text, "each condition is a reminder"
    for number, version in ((1, 2), (2, 3)):
        met = await browser.post(
            f"/intake/{intake_id}/conditions/{number}/met", {"version": str(version)}
        )
        assert met.status_code == 303, met.text
    page = await browser.get(f"/intake/{intake_id}")
    assert re.search(r"Vendor status now.*approved", page.text, re.S)
    assert "Cleared for purposes" in page.text and "newsletters" in page.text
    vendor_link = re.search(r'href="/vendors/(\d+)"', page.text)
    assert vendor_link is not None
    on_vendor = (await browser.get(f"/vendors/{vendor_link.group(1)}")).text
    requests = on_vendor[on_vendor.index('id="intake-requests"') :]
    assert f'href="/intake/{intake_id}"' in requests, "the vendor's page lists its intake request"


async def test_a_rejection_needs_a_reason(browser: Browser, people: People) -> None:
    await browser.login(people.legal)
    intake_id = await ask(browser)
    refused = await browser.post(
        f"/intake/{intake_id}/decision", {"decision": "reject", "version": "1"}
    )
    assert refused.status_code == 422
    assert 'id="reason-error"' in refused.text
    ok = await browser.post(
        f"/intake/{intake_id}/decision",
        {"decision": "reject", "version": "1", "reason": "Use our existing mail vendor."},
    )
    assert ok.status_code == 303
    assert "Use our existing mail vendor." in (await browser.get(f"/intake/{intake_id}")).text


async def test_a_script_vendor_name_renders_as_text(browser: Browser, people: People) -> None:
    await browser.login(people.procurement)
    intake_id = await ask(browser, vendor_name="<script>alert(1)</script>")
    page = await browser.get(f"/intake/{intake_id}")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


async def test_csrf_less_workflow_posts_are_refused(browser: Browser, people: People) -> None:
    await browser.login(people.legal)
    response = await browser.post("/intake/new", {"service": "x"}, csrf=False)
    assert response.status_code == 403


async def _processor(api: Api) -> int:
    v = await factories.vendor(api, name="Liffey Mail Ltd", country="IE", status="approved")
    await factories.agreement(
        api, v["id"], subprocessor_authorisation="general", objection_period_days=30
    )
    await factories.transfer(
        api, v["id"], destination_country="IE", mechanism="none", scc_module=None
    )
    return int(v["id"])


async def test_a_notice_is_judged_shown_overdue_and_objected(
    api: Api, browser: Browser, people: People
) -> None:
    vendor_id = await _processor(api)
    await browser.login(people.legal)
    vendor_page = await browser.get(f"/vendors/{vendor_id}")
    assert f"/vendors/{vendor_id}/notices/new" in vendor_page.text
    await browser.get(f"/vendors/{vendor_id}/notices/new")
    created = await browser.post(
        f"/vendors/{vendor_id}/notices/new",
        {
            "change": "added",
            "subprocessor_name": "Bulk Send Inc.",
            "subprocessor_country": "US",
            "purpose": "E-mail delivery",
            "mechanism": "none",
            "received_on": "2024-05-01",
            "effective_on": "2024-06-01",
        },
    )
    assert created.status_code == 303, created.text
    notice_id = _id(created.headers["location"])
    page = await browser.get(f"/notices/{notice_id}")
    assert "If we accept" in page.text
    assert re.search(r"Vendor status.*approved.*→.*blocked", page.text, re.S)
    listing = await browser.get("/notices?overdue=true")
    assert "Bulk Send Inc." in listing.text and "overdue" in listing.text
    on_vendor = (await browser.get(f"/vendors/{vendor_id}")).text
    notices = on_vendor[on_vendor.index('id="notices"') : on_vendor.index('id="intake-requests"')]
    assert f'href="/notices/{notice_id}"' in notices and "Bulk Send Inc." in notices
    assert "overdue" in notices, "the vendor's own page shows the undecided notice"
    today = await browser.get("/")
    assert re.search(r"<strong>1</strong>\s*overdue sub-processor notice\b", today.text)
    early = await browser.post(
        f"/notices/{notice_id}/object",
        {"version": "1", "reason": "US without SCCs", "sent_on": "2024-04-01"},
    )
    assert early.status_code == 422 and 'id="sent_on-error"' in early.text
    objected = await browser.post(
        f"/notices/{notice_id}/object",
        {"version": "1", "reason": "US without SCCs", "sent_on": "2024-05-10"},
    )
    assert objected.status_code == 303
    page = await browser.get(f"/notices/{notice_id}")
    assert "objected" in page.text and "US without SCCs" in page.text
    assert "Accept the change" not in page.text
    on_vendor = (await browser.get(f"/vendors/{vendor_id}")).text
    assert re.search(
        r'id="notices".*Bulk Send Inc\..*objected.*id="intake-requests"', on_vendor, re.S
    )


async def test_procurement_cannot_record_or_decide_notices(
    api: Api, browser: Browser, people: People
) -> None:
    vendor_id = await _processor(api)
    await browser.login(people.procurement)
    assert (await browser.get(f"/vendors/{vendor_id}/notices/new")).status_code == 403
    refused = await browser.post(
        f"/vendors/{vendor_id}/notices/new",
        {"change": "added", "subprocessor_name": "X", "subprocessor_country": "US"},
    )
    assert refused.status_code == 403


async def test_the_dpf_list_report_lists_unsure_matches_and_applies_on_request(
    api: Api, browser: Browser, people: People
) -> None:
    for name in ("Acme Cloud Inc.", "Northwind Analytcs Inc"):
        v = await factories.vendor(api, name=name)
        await factories.transfer(api, v["id"], mechanism="dpf", scc_module=None)
    await browser.login(people.legal)
    await browser.get("/dpf")
    content = await asyncio.to_thread(DPF_CSV.read_bytes)
    response = await browser.client.post(
        "/dpf",
        data={"csrf_token": browser.csrf, "list_date": "2026-11-20"},
        files={"file": ("dpf.csv", content, "text/csv")},
    )
    assert response.status_code == 200, response.text
    text = response.text
    assert "Report only: nothing was written." in text
    unsure = text.split("Unsure matches")[1]
    assert "Northwind Analytcs Inc" in unsure and "Northwind Analytics, Inc." in unsure
    applied = await browser.client.post(
        "/dpf",
        data={"csrf_token": browser.csrf, "list_date": "2026-11-20", "apply": "on"},
        files={"file": ("dpf.csv", content, "text/csv")},
    )
    assert "The changes below were written to the register and audited." in applied.text
    audit = await browser.get("/audit?entity_type=transfer")
    assert "DPF List checked on" in audit.text, "every change is audited, by its field name"
    bad = await browser.client.post(
        "/dpf",
        data={"csrf_token": browser.csrf},
        files={"file": ("list.txt", b"x", "text/plain")},
    )
    assert bad.status_code == 415 and 'id="file-error"' in bad.text
    await browser.post("/logout", {})
    await browser.login(people.procurement)
    assert (await browser.get("/dpf")).status_code == 403
    assert 'href="/dpf"' not in (await browser.get("/")).text
