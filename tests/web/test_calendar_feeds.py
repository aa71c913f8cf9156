"""Calendar feeds from the workspace (issue 22, item 7): procurement cannot make one (as the API
refuses it), and a feed stops when its holder's account is disabled."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import SYSTEM
from tests.web.conftest import Browser, People
from transfers.db import session_factory
from transfers.user.service import disable_user, find_user

FEED_URL = re.compile(r'value="https?://[^"]*(/api/v1/calendar-feeds/[^"/]+/feed\.ics)"')


async def _feed(browser: Browser, email: str) -> str:
    await browser.login(email)
    await browser.get("/reminders")
    page = await browser.post("/reminders/feed", {})
    assert page.status_code == 200, page.text
    found = FEED_URL.search(page.text)
    assert found, page.text
    return found.group(1)


async def test_procurement_cannot_create_a_calendar_feed_in_the_workspace(
    browser: Browser, people: People
) -> None:
    await browser.login(people.procurement)
    page = await browser.get("/reminders")
    assert "/reminders/feed" not in page.text
    refused = await browser.post("/reminders/feed", {})
    assert refused.status_code == 403
    assert "feed.ics" not in refused.text


async def test_a_feed_stops_when_its_holders_account_is_disabled(
    browser: Browser, people: People, engine: AsyncEngine
) -> None:
    path = await _feed(browser, people.legal)
    assert (await browser.client.get(path)).status_code == 200
    async with session_factory(engine)() as s:
        await disable_user(s, await find_user(s, people.legal), SYSTEM)
        await s.commit()
    gone = await browser.client.get(path)
    assert gone.status_code == 404
    assert "BEGIN:VCALENDAR" not in gone.text
