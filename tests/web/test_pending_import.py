"""The pending import (upload -> dry run -> confirm) waits in the database: the confirmation
works on another worker, only for its owner, and expired uploads are deleted."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.web.conftest import Browser, People
from transfers.db import session_factory
from transfers.models import PendingImport, Vendor
from transfers.models.base import utcnow

CSV = (
    "name,business_id,country,role,destination_country,mechanism,scc_module\n"
    "Fjord Analytics AS,NO-998877,NO,processor,NO,adequacy,\n"
)
TOKEN = re.compile(r'name="pending" value="([0-9a-f]+)"')


async def _upload(browser: Browser, content: str = CSV) -> str:
    await browser.get("/import")
    response = await browser.client.post(
        "/import",
        data={"csrf_token": browser.csrf},
        files={"file": ("vendors.csv", content.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert response.status_code == 200, response.text
    found = TOKEN.search(response.text)
    assert found is not None
    return found.group(1)


async def _count(engine: AsyncEngine, model: type) -> int:
    async with session_factory(engine)() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_the_dry_run_keeps_the_file_in_the_database_and_another_worker_confirms_it(
    browser: Browser, second_browser: Browser, people: People, engine: AsyncEngine
) -> None:
    await browser.login(people.legal)
    token = await _upload(browser)
    assert await _count(engine, PendingImport) == 1
    assert await _count(engine, Vendor) == 0  # a dry run writes nothing

    await second_browser.login(people.admin)  # someone else cannot confirm it
    await second_browser.get("/import")
    stolen = await second_browser.post("/import", {"pending": token, "confirm": "1"})
    assert stolen.status_code == 422 and "upload it again" in stolen.text
    assert await _count(engine, Vendor) == 0

    # the same person's confirm reaching another worker (a second app on the same database)
    second_browser.client.cookies = browser.client.cookies
    second_browser.csrf = browser.csrf
    done = await second_browser.post("/import", {"pending": token, "confirm": "1"})
    assert done.status_code == 200 and "Imported vendors.csv" in done.text
    assert await _count(engine, Vendor) == 1
    assert await _count(engine, PendingImport) == 0  # used up
    again = await browser.post("/import", {"pending": token, "confirm": "1"})
    assert again.status_code == 422


async def test_an_upload_older_than_an_hour_is_refused_and_deleted_on_the_next_upload(
    browser: Browser, people: People, engine: AsyncEngine
) -> None:
    await browser.login(people.legal)
    old = await _upload(browser)
    async with session_factory(engine)() as s:
        await s.execute(update(PendingImport).values(created_at=utcnow() - timedelta(hours=2)))
        await s.commit()
    expired = await browser.post("/import", {"pending": old, "confirm": "1"})
    assert expired.status_code == 422
    assert await _count(engine, Vendor) == 0
    await _upload(browser)
    async with session_factory(engine)() as s:
        tokens = list((await s.scalars(select(PendingImport.token))).all())
    assert len(tokens) == 1 and old not in tokens
