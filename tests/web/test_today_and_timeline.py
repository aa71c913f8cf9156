"""Today at scale and the vendor's whole story (issue 23 part 8): Today puts the most severe first,
then the nearest deadline, grouped by vendor, with "show all" to a filtered list; the vendor page's
history tells every change to the vendor and its children in one timeline."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest

from tests import factories
from tests.conftest import Api, Keys
from tests.web.conftest import Browser, People
from transfers.web import reads


@pytest.fixture
def api(browser: Browser, keys: Keys) -> Api:
    """The API on the browser's own client: one app lifespan per test, not two (two clients'
    lifespans share the app's PostgreSQL connections across event loops)."""
    return Api(browser.client, keys)


def plain(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


async def at_risk_vendor(api: Api, name: str, effective_on: str) -> int:
    """A Japanese vendor whose transfer is at risk (the adequacy scope is not confirmed); its
    DPA's notice deadline depends on when the DPA took effect."""
    v = await factories.vendor(api, name=name, country="JP", status="approved")
    await factories.agreement(api, v["id"], effective_on=effective_on, signed_on=effective_on)
    await factories.transfer(
        api, v["id"], destination_country="JP", mechanism="adequacy", scc_module=None
    )
    return int(v["id"])


async def register(api: Api) -> dict[str, int]:
    later = await at_risk_vendor(api, "Aalto Later KK", "2024-06-01")
    sooner = await at_risk_vendor(api, "Beta Sooner KK", "2024-01-01")
    worst = await at_risk_vendor(api, "Zeta Unlawful KK", "2024-03-01")
    await factories.transfer(
        api, worst, destination_country="CN", mechanism="none", scc_module=None
    )
    return {"later": later, "sooner": sooner, "worst": worst}


async def test_today_puts_unlawful_first_then_the_nearest_deadline_grouped_by_vendor(
    api: Api, browser: Browser, people: People, on_today: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = await register(api)
    await browser.login(people.legal)
    page = (await browser.get("/")).text
    section = page[page.index('id="unlawful"') : page.index('id="repapering"')]
    groups = re.findall(
        r'<li class="vendor-group" id="group-(\d+)">(.*?)(?=<li class="vendor-group"|</ol>)',
        section,
        re.S,
    )
    assert [int(g) for g, _ in groups] == [ids["worst"], ids["sooner"], ids["later"]]
    worst = plain(groups[0][1])
    # One group for the vendor, its unlawful transfer before the one at risk.
    assert worst.index("unlawful") < worst.index("at risk")
    assert worst.index("China") < worst.index("Japan")
    sooner, later = plain(groups[1][1]), plain(groups[2][1])
    assert "next deadline 2028-01-01" in sooner and "next deadline 2028-06-01" in later

    # "Show all" appears when there are more vendors than Today shows, and leads to the lists.
    monkeypatch.setattr(reads, "TODAY_VENDORS", 1)
    page = (await browser.get("/")).text
    links = re.findall(r'<a class="show-all" href="([^"]+)"', page)
    assert "/lawful?verdict=unlawful#problems" in links
    unlawful = plain((await browser.get("/lawful?verdict=unlawful")).text)
    assert "Zeta Unlawful KK" in unlawful and "Beta Sooner KK" not in unlawful
    monkeypatch.setattr(reads, "TODAY_VENDORS", 0)
    page = (await browser.get("/")).text
    assert "/vendors?compliance=blocked" in page
    blocked = (await browser.get("/vendors?compliance=blocked")).text
    rows = blocked[blocked.index('id="vendor-rows"') :]
    assert "Zeta Unlawful KK" in rows and "Aalto Later KK" not in rows
    conditional = (await browser.get("/vendors?compliance=conditional")).text
    rows = conditional[conditional.index('id="vendor-rows"') :]
    assert rows.index("Beta Sooner KK") < rows.index("Aalto Later KK"), "nearest deadline first"


async def test_the_vendor_timeline_shows_changes_to_its_children(
    api: Api, browser: Browser, people: People
) -> None:
    v = await factories.vendor(api, name="Timeline Cloud Inc.")
    other = await factories.vendor(api, name="Someone Else Ltd", country="FI")
    t = await factories.transfer(api, v["id"])
    await factories.transfer(api, other["id"], destination_country="US")
    patched = await api.patch(
        f"/api/v1/transfers/{t['id']}",
        json={"ended_on": "2026-06-30"},
        headers={"If-Match": '"1"'},
    )
    assert patched.status_code == 200, patched.text
    await api.create(
        "/api/v1/assessments", {"transfer_id": t["id"], "law_and_practice": "FISA 702 applies."}
    )
    await browser.login(people.legal)
    page = (await browser.get(f"/vendors/{v['id']}")).text
    timeline = page[page.index('id="timeline"') :]
    timeline = timeline[: timeline.index("</table>")]
    rows = [plain(r) for r in re.findall(r"<tr>(.*?)</tr>", timeline, re.S)[1:]]
    # Newest first: the assessment, the transfer's change (with the field), its creation, the vendor.
    kinds = [
        re.search(r"(transfer impact assessment|transfer|vendor)(?: #\d+)? (created|changed)", r)
        for r in rows
    ]
    assert [(k.group(1), k.group(2)) for k in kinds if k] == [
        ("transfer impact assessment", "created"),
        ("transfer", "changed"),
        ("transfer", "created"),
        ("vendor", "created"),
    ]
    assert "ended on" in rows[1] and "2026" in rows[1]
    assert f'href="/transfers/{t["id"]}"' in timeline
    assert "Someone Else" not in timeline
