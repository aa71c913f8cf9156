"""Admins manage people and machine keys in the workspace; nobody else can."""

from __future__ import annotations

import re

from tests.web.conftest import Browser, People

SECRET = re.compile(r'id="secret" class="wide" readonly value="([^"]+)"')


async def test_only_an_admin_reaches_the_admin_page(browser: Browser, people: People) -> None:
    await browser.login(people.legal)
    assert (await browser.get("/admin")).status_code == 403
    refused = await browser.post(
        "/admin/users", {"email": "x@example.com", "name": "X", "role": "admin"}
    )
    assert refused.status_code == 403
    await browser.post("/logout", {})
    await browser.login(people.admin)
    assert (await browser.get("/admin")).status_code == 200


async def test_an_admin_creates_a_user_who_can_log_in_and_disables_them(
    browser: Browser, second_browser: Browser, people: People
) -> None:
    await browser.login(people.admin)
    await browser.get("/admin")
    page = await browser.post(
        "/admin/users",
        {
            "email": "uusi@example.com",
            "name": "Uusi Käyttäjä",
            "role": "procurement",
            "language": "fi",
        },
    )
    assert page.status_code == 200
    password = SECRET.search(page.text)
    assert password is not None
    assert (await second_browser.login("uusi@example.com", password.group(1))).status_code == 303
    assert "Toimittajat" in (await second_browser.get("/vendors")).text

    listing = await browser.get("/admin")
    user_id = re.search(r"/admin/users/(\d+)/disable", listing.text.split("uusi@example.com")[1])
    assert user_id is not None
    await browser.post(f"/admin/users/{user_id.group(1)}/disable", {})
    assert (await second_browser.get("/vendors")).status_code in (302, 303)


async def test_an_admin_creates_and_revokes_an_api_key(browser: Browser, people: People) -> None:
    await browser.login(people.admin)
    await browser.get("/admin")
    page = await browser.post("/admin/keys", {"key_name": "erp-sync", "key_role": "procurement"})
    secret = SECRET.search(page.text)
    assert secret is not None
    headers = {"Authorization": f"Bearer {secret.group(1)}"}
    assert (await browser.client.get("/api/v1/vendors", headers=headers)).status_code == 200
    listing = await browser.get("/admin")
    assert secret.group(1) not in listing.text
    key_id = re.search(r"/admin/keys/(\d+)/revoke", listing.text)
    assert key_id is not None
    await browser.post(f"/admin/keys/{key_id.group(1)}/revoke", {})
    assert (await browser.client.get("/api/v1/vendors", headers=headers)).status_code == 401
