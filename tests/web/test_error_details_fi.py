"""Finnish error pages say what the service said when there is a key for it (issue 23 part 4):
the record that does not exist is named, and a page's own message stays; anything else gets the
Finnish sentence for its problem type, never the API's English."""

from __future__ import annotations

import re
from html import unescape

from tests.web.conftest import Browser, People


def alert(html: str) -> str:
    found = re.search(r'<p class="alert" role="alert">(.*?)</p>', html, re.S)
    assert found, html[:500]
    return " ".join(unescape(found.group(1)).split())


async def test_a_missing_record_is_named_in_finnish(browser: Browser, people: People) -> None:
    await browser.login(people.legal)
    await browser.get("/vendors")
    await browser.post("/language", {"language": "fi", "next": "/vendors"})
    missing = await browser.get("/vendors/987654")
    assert missing.status_code == 404
    assert alert(missing.text) == "Toimittaja 987654 ei ole olemassa."
    bad_day = await browser.get("/lawful?as_of=31.2.2026")
    assert bad_day.status_code == 400
    assert alert(bad_day.text) == "Anna päivämäärä muodossa VVVV-KK-PP."
    await browser.post("/language", {"language": "en", "next": "/vendors"})
    assert alert((await browser.get("/vendors/987654")).text) == "Vendor 987654 does not exist."
