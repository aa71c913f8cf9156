"""Logging in and out, sessions, CSRF, throttling, roles and the remembered language."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.web.conftest import Browser, People
from transfers.db import session_factory
from transfers.models import AuditEvent, UserSession, Vendor
from transfers.models.base import utcnow


async def _vendor_count(engine: AsyncEngine) -> int:
    async with session_factory(engine)() as s:
        return await s.scalar(select(func.count()).select_from(Vendor)) or 0


async def test_a_visitor_is_sent_to_the_login_page(browser: Browser) -> None:
    response = await browser.get("/vendors?q=acme")
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/login?next=%2Fvendors%3Fq%3Dacme"
    login = await browser.get("/login")
    assert login.status_code == 200
    assert 'name="password"' in login.text
    assert "script-src 'self'" in login.headers["content-security-policy"]


async def test_login_opens_a_session_cookie_that_scripts_cannot_read(
    browser: Browser, people: People
) -> None:
    response = await browser.login(people.legal)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = next(
        v
        for k, v in response.headers.multi_items()
        if k == "set-cookie" and "transfers_session" in v
    )
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # served over http in tests; Secure only behind https
    today = await browser.get("/")
    assert today.status_code == 200
    assert "Legal Person" in today.text


async def test_logout_ends_the_session(browser: Browser, people: People) -> None:
    await browser.login(people.legal)
    await browser.get("/")
    out = await browser.post("/logout", {})
    assert out.status_code == 303
    assert (await browser.get("/")).status_code in (302, 303)


async def test_an_idle_session_expires(
    browser: Browser, people: People, engine: AsyncEngine
) -> None:
    await browser.login(people.legal)
    assert (await browser.get("/")).status_code == 200
    async with session_factory(engine)() as s:
        await s.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(hours=2)))
        await s.commit()
    assert (await browser.get("/")).status_code in (302, 303)


async def test_wrong_password_five_times_is_throttled(browser: Browser, people: People) -> None:
    for _ in range(5):
        failed = await browser.login(people.legal, "wrong password!")
        assert failed.status_code == 401
        assert "Wrong e-mail or password." in failed.text
    throttled = await browser.login(people.legal)  # even the right password waits now
    assert throttled.status_code == 429
    assert "Too many failed logins" in throttled.text
    assert (await browser.get("/")).status_code in (302, 303)


async def test_a_form_without_the_csrf_token_is_refused_and_changes_nothing(
    browser: Browser, people: People, engine: AsyncEngine
) -> None:
    await browser.login(people.legal)
    await browser.get("/vendors/new")
    form = {"name": "Forged Oy", "country": "FI", "role": "processor"}
    refused = await browser.post("/vendors/new", form, csrf=False)
    assert refused.status_code == 403
    wrong = await browser.post("/vendors/new", {**form, "csrf_token": "not-the-token"})
    assert wrong.status_code == 403
    assert await _vendor_count(engine) == 0
    accepted = await browser.post("/vendors/new", form)
    assert accepted.status_code == 303
    assert await _vendor_count(engine) == 1


async def test_a_login_form_without_its_csrf_cookie_is_refused(
    browser: Browser, people: People
) -> None:
    response = await browser.post(
        "/login", {"email": people.legal, "password": "x", "csrf_token": "guess"}
    )
    assert response.status_code == 403


async def test_procurement_sees_no_edit_controls_and_its_writes_are_refused(
    browser: Browser, people: People, engine: AsyncEngine
) -> None:
    await browser.login(people.legal)
    await browser.get("/vendors/new")
    await browser.post("/vendors/new", {"name": "Acme Cloud", "country": "US", "role": "processor"})
    await browser.post("/logout", {})

    await browser.login(people.procurement)
    page = await browser.get("/vendors/1")
    assert page.status_code == 200
    assert "/vendors/1/edit" not in page.text
    assert "/vendors/new" not in (await browser.get("/vendors")).text
    assert (await browser.get("/vendors/1/edit")).status_code == 403
    refused = await browser.post(
        "/vendors/1/edit",
        {"name": "Hijacked", "country": "US", "role": "processor", "version": "1"},
    )
    assert refused.status_code == 403
    created = await browser.post(
        "/vendors/new", {"name": "Sneaky", "country": "US", "role": "processor"}
    )
    assert created.status_code == 403
    async with session_factory(engine)() as s:
        assert await s.scalar(select(Vendor.name)) == "Acme Cloud"


async def test_a_script_in_a_vendor_name_renders_as_text(browser: Browser, people: People) -> None:
    await browser.login(people.legal)
    await browser.get("/vendors/new")
    name = "<script>alert(1)</script>"
    created = await browser.post(
        "/vendors/new", {"name": name, "country": "US", "role": "processor"}
    )
    assert created.status_code == 303
    for url in ("/vendors", created.headers["location"], "/check?q=script"):
        page = await browser.get(url)
        assert name not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


async def test_the_language_choice_is_remembered_on_the_account(
    browser: Browser, second_browser: Browser, people: People
) -> None:
    await browser.login(people.legal)
    assert "Vendors" in (await browser.get("/")).text
    switched = await browser.post("/language", {"language": "fi", "next": "/vendors"})
    assert switched.status_code == 303
    assert switched.headers["location"] == "/vendors"
    assert "Toimittajat" in (await browser.get("/vendors")).text
    await second_browser.login(people.legal)  # another device: same account, same language
    assert "Toimittajat" in (await second_browser.get("/vendors")).text


async def test_an_edit_on_a_stale_version_shows_the_conflict_and_keeps_the_other_change(
    browser: Browser, second_browser: Browser, people: People, engine: AsyncEngine
) -> None:
    await browser.login(people.legal)
    await browser.get("/vendors/new")
    await browser.post("/vendors/new", {"name": "Acme Cloud", "country": "US", "role": "processor"})
    await second_browser.login(people.admin)

    await browser.get("/vendors/1/edit")
    await second_browser.get("/vendors/1/edit")
    base = {"country": "US", "role": "processor", "category": "other", "status": "proposed"}
    first = await browser.post("/vendors/1/edit", {**base, "name": "Acme Cloud EU", "version": "1"})
    assert first.status_code == 303
    second = await second_browser.post(
        "/vendors/1/edit", {**base, "name": "Acme Cloud Inc", "version": "1"}
    )
    assert second.status_code == 412
    assert "Someone else changed this vendor" in second.text
    assert "Acme Cloud EU" in second.text  # what the other person changed
    assert 'value="Acme Cloud Inc"' in second.text  # this person's input is kept
    async with session_factory(engine)() as s:
        assert await s.scalar(select(Vendor.name)) == "Acme Cloud EU"
        actors = set((await s.scalars(select(AuditEvent.actor))).all())
    assert people.legal in actors


async def test_legal_adds_an_organisation_and_a_processing_through_the_forms(
    browser: Browser, people: People, engine: AsyncEngine
) -> None:
    from transfers.models import Organisation, Processing

    await browser.login(people.legal)
    await browser.get("/organisations/new")
    bad = await browser.post("/organisations/new", {"name": "Esimerkki Oy", "country": "XX"})
    assert bad.status_code == 422
    assert "Unknown country code" in bad.text
    ok = await browser.post(
        "/organisations/new",
        {
            "name": "Esimerkki Oy",
            "country": "FI",
            "business_id": "1234567-8",
            "roles": "controller",
        },
    )
    assert ok.status_code == 303
    await browser.post("/vendors/new", {"name": "Acme Cloud", "country": "US", "role": "processor"})
    created = await browser.post(
        "/vendors/1/processings/new",
        {"service": "Helpdesk", "our_role": "controller", "purposes": "support, billing"},
    )
    assert created.status_code == 303
    async with session_factory(engine)() as s:
        assert await s.scalar(select(Organisation.name)) == "Esimerkki Oy"
        processing = await s.scalar(select(Processing))
        assert processing is not None
        assert processing.purposes == ["support", "billing"]
    assert "Helpdesk" in (await browser.get("/vendors/1")).text


async def test_today_follows_every_change_to_the_register(browser: Browser, people: People) -> None:
    """Today is computed once per register change; a change must show at once."""
    await browser.login(people.legal)
    assert "Shady Hosting" not in (await browser.get("/")).text
    await browser.get("/vendors/new")
    await browser.post(
        "/vendors/new", {"name": "Shady Hosting", "country": "US", "role": "processor"}
    )
    await browser.get("/vendors/1/transfers/new")
    created = await browser.post(
        "/vendors/1/transfers/new",
        {"exporter_role": "controller", "destination_country": "US", "mechanism": "privacy_shield"},
    )
    assert created.status_code == 303
    today = (await browser.get("/")).text
    assert "Shady Hosting" in today
    assert "EU-US Privacy Shield" in today


async def test_a_vendor_without_a_country_is_refused_next_to_the_field(
    browser: Browser, people: People, engine: AsyncEngine
) -> None:
    await browser.login(people.legal)
    assert "Choose a country" in (await browser.get("/vendors/new")).text
    refused = await browser.post("/vendors/new", {"name": "Nowhere Oy", "role": "processor"})
    assert refused.status_code == 422
    assert 'id="country-error"' in refused.text
    assert 'value="Nowhere Oy"' in refused.text  # the input is kept
    assert await _vendor_count(engine) == 0
