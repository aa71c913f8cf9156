"""Editing a transfer in the workspace: only what the person changed is saved; a stale version
shows the other person's change and saves nothing."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.web.conftest import Browser, People
from transfers.db import session_factory
from transfers.models import Transfer

ORIG = re.compile(r'name="(orig-[a-z_]+)" value="([^"]*)"')


def _form(page: str) -> dict[str, str]:
    """What the browser would send back untouched: every field as shown, plus the hidden ones."""
    fields = dict(ORIG.findall(page))
    for name, value in ORIG.findall(page):
        fields[name.removeprefix("orig-")] = value
    version = re.search(r'name="version" value="(\d+)"', page)
    assert version is not None
    fields["version"] = version.group(1)
    return fields


async def test_a_stale_transfer_edit_shows_the_conflict_and_a_fresh_one_saves(
    browser: Browser, second_browser: Browser, people: People, engine: AsyncEngine
) -> None:
    await browser.login(people.legal)
    await browser.get("/vendors/new")
    await browser.post("/vendors/new", {"name": "Acme Cloud", "country": "US", "role": "processor"})
    await browser.get("/vendors/1/transfers/new")
    await browser.post(
        "/vendors/1/transfers/new",
        {"exporter_role": "controller", "destination_country": "US", "mechanism": "dpf"},
    )
    await second_browser.login(people.admin)

    mine = _form((await browser.get("/transfers/1/edit")).text)
    theirs = _form((await second_browser.get("/transfers/1/edit")).text)
    saved = await browser.post("/transfers/1/edit", {**mine, "fallback_mechanism": "scc_2021"})
    assert saved.status_code == 303, re.findall(
        r"class=\"(?:alert|field-error)\"[^>]*>([^<]*)", saved.text
    )
    stale = await second_browser.post("/transfers/1/edit", {**theirs, "description": "CRM data"})
    assert stale.status_code == 412
    assert "Someone else changed this record" in stale.text
    assert "scc_2021" in stale.text
    async with session_factory(engine)() as s:
        transfer = await s.scalar(select(Transfer))
        assert transfer is not None
        assert transfer.fallback_mechanism == "scc_2021"
        assert transfer.description is None

    assert ">CRM data</textarea>" in stale.text  # this person's input is kept in the form
    again = {**_form(stale.text), "description": "CRM data"}  # what the browser sends back
    resaved = await second_browser.post("/transfers/1/edit", again)
    assert resaved.status_code == 303
    async with session_factory(engine)() as s:
        transfer = await s.scalar(select(Transfer))
        assert transfer is not None
        assert (transfer.fallback_mechanism, transfer.description) == ("scc_2021", "CRM data")
