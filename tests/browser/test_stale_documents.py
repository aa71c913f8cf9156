"""A document goes out of date when the register changes, and legal regenerates it from the
vendor page."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

import httpx
from playwright.sync_api import expect

from tests.browser.conftest import Person
from tests.conftest import SYSTEM
from transfers.auth.service import create_key
from transfers.db import create_engine, session_scope


def _api_key(database_url: str) -> str:
    """A legal API key: the address changes through the API, as an integration would do it."""

    async def make() -> str:
        engine = create_engine(url=database_url)
        try:
            async with session_scope(engine) as session:
                _, secret = await create_key(session, name="crm-sync", role="legal", actor=SYSTEM)
                return secret
        finally:
            await engine.dispose()

    with ThreadPoolExecutor(1) as pool:  # Playwright's sync API holds a loop on this thread
        return pool.submit(lambda: asyncio.run(make())).result()


def test_a_dpa_goes_stale_when_the_address_changes_and_is_regenerated(person: Person) -> None:
    page = person.page
    person.login("legal")
    person.go("/vendors?q=Zentick")
    page.get_by_role("link", name="Zentick Support Inc.").click()
    vendor_id = int(re.search(r"/vendors/(\d+)", page.url).group(1))  # type: ignore[union-attr]
    page.get_by_label("Document", exact=True).select_option("dpa")
    page.get_by_label("Language").select_option("en")
    page.get_by_role("button", name="Generate").click()
    first = page.locator("li[id^=document-]").first
    expect(first).to_contain_text("dpa")
    expect(first).not_to_contain_text("Out of date")
    old_id = (first.get_attribute("id") or "").removeprefix("document-")

    headers = {"Authorization": f"Bearer {_api_key(person.server.database_url)}"}
    url = f"{person.server.url}/api/v1/vendors/{vendor_id}"
    vendor = httpx.get(url, headers=headers).json()
    moved = httpx.patch(
        url,
        json={"address": "500 Harbour Road, Austin TX"},
        headers=headers | {"If-Match": f'"{vendor["version"]}"'},
    )
    assert moved.status_code == 200, moved.text

    page.reload()
    stale = page.locator(f"#document-{old_id}")
    expect(stale).to_contain_text("Out of date")
    expect(stale.locator(".changes")).to_contain_text(" · Address: ")  # its label, not its path
    expect(stale.locator(".changes")).to_contain_text("500 Harbour Road, Austin TX")
    stale.scroll_into_view_if_needed()
    person.shot("stale-document")

    stale.get_by_role("button", name="Regenerate").click()
    newest = page.locator("li[id^=document-]").first
    expect(newest).to_contain_text(f"new version of #{old_id}")
    expect(newest).not_to_contain_text("Out of date")
    expect(page.locator(f"#document-{old_id}")).to_contain_text("replaced by #")
    expect(page.locator(f"#document-{old_id}")).not_to_contain_text("Out of date")
    person.shot("stale-document-regenerated")
    assert not [e for e in person.errors if "Content Security Policy" in e]
