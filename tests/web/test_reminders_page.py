"""The reminders page shows every reminder a page at a time (it silently stopped at 200)."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import Browser, People
from tests.web.test_what_if import _dpf_vendor
from transfers.web import work_pages


async def test_reminders_come_a_page_at_a_time_and_none_is_lost(
    browser: Browser, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    await browser.login(people.legal)
    names = ["Alpha Cloud", "Beta Cloud", "Gamma Cloud"]
    for vid, name in enumerate(names, start=1):
        await _dpf_vendor(browser, vid, name, fallback=False)  # DPF check overdue: a reminder
    monkeypatch.setattr(work_pages, "REMINDERS_PER_PAGE", 2)

    first = (await browser.get("/reminders?within=90d&kind=dpf_reverification")).text
    assert "1 / 2" in first
    following = re.search(r'href="\?([^"]+)&amp;page=2"', first)
    assert following, first
    second = await browser.get(f"/reminders?{following.group(1).replace('&amp;', '&')}&page=2")
    assert second.status_code == 200
    assert "2 / 2" in second.text and "Previous" in second.text
    shown = [n for n in names if n in first] + [n for n in names if n in second.text]
    assert sorted(shown) == names  # every vendor's reminder on exactly one page

    past_the_end = await browser.get("/reminders?within=90d&kind=dpf_reverification&page=9")
    assert "2 / 2" in past_the_end.text  # the last page, not an empty one
    refused = await browser.get("/reminders?page=0")
    assert refused.status_code == 400
