"""Issue 26 in the workspace: a vendor in a third country with no transfer recorded is flagged
on Today and on its own page ("a transfer to X is not recorded"), at once after its country
changes to a third country, in the page's language."""

from __future__ import annotations

from tests.web.conftest import Browser, People


async def _vendor(browser: Browser, name: str, country: str) -> None:
    await browser.get("/vendors/new")
    saved = await browser.post(
        "/vendors/new",
        {"name": name, "country": country, "role": "controller", "status": "approved"},
    )
    assert saved.status_code == 303, saved.text


async def test_today_and_vendor_page_flag_a_silent_third_country(
    browser: Browser, people: People
) -> None:
    await browser.login(people.legal)
    await _vendor(browser, "Bharat Support", "IN")
    await _vendor(browser, "Pilvi Oy", "FI")
    today = (await browser.get("/")).text
    conditional = today[today.index('id="conditional"') :]
    assert "Bharat Support" in conditional
    assert "a transfer to India is not recorded" in conditional, conditional[:2000]
    assert "transfer to Finland" not in today
    page = (await browser.get("/vendors/1")).text
    assert "a transfer to India is not recorded" in page
    assert "is not recorded" not in (await browser.get("/vendors/2")).text


async def test_flagged_in_finnish_too(browser: Browser, people: People) -> None:
    await browser.login(people.legal)
    await _vendor(browser, "Acme Cloud", "US")
    await browser.post("/language", {"language": "fi"})
    page = (await browser.get("/vendors/1")).text
    assert "siirtoa kohteeseen Yhdysvallat ei ole kirjattu" in page
