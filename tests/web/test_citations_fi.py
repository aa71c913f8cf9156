"""A Finnish page cites the law by its Finnish title (issue 27: the reference data keeps a
Finnish variant beside every citation): the engine's reasons on the vendor page name Schrems II
as the Court's Finnish judgment, not in English."""

from __future__ import annotations

from html import unescape

import pytest

from tests import factories
from tests.conftest import Api, Keys
from tests.web.conftest import Browser, People


@pytest.fixture
def api(browser: Browser, keys: Keys) -> Api:
    return Api(browser.client, keys)


async def test_a_finnish_vendor_page_cites_privacy_shield_s_end_in_finnish(
    api: Api, browser: Browser, people: People
) -> None:
    v = await factories.vendor(api, name="Shield Era Inc.", country="US", status="approved")
    await factories.agreement(api, v["id"])
    await factories.transfer(
        api, v["id"], destination_country="US", mechanism="privacy_shield", scc_module=None
    )
    await browser.login(people.legal)
    english = unescape((await browser.get(f"/vendors/{v['id']}")).text)
    await browser.post("/language", {"language": "fi", "next": f"/vendors/{v['id']}"})
    finnish = unescape((await browser.get(f"/vendors/{v['id']}")).text)
    assert "C-311/18" in english and "C-311/18" in finnish
    assert "vastaan Facebook Ireland" in finnish
    assert "Data Protection Commissioner v Facebook" not in finnish
