"""A person changes their own password (other sessions end, this one stays); the audit log is
filtered by a date range."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.web.conftest import PASSWORD, Browser, People
from transfers.db import session_factory
from transfers.models import AuditEvent, UserSession

NEW = "a-much-longer-passphrase"


async def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(
    browser: Browser, second_browser: Browser, people: People, engine: AsyncEngine
) -> None:
    await browser.login(people.procurement)
    await second_browser.login(people.procurement)  # the same person on another device
    assert (await second_browser.get("/")).status_code == 200
    await browser.get("/account/password")
    wrong = await browser.post(
        "/account/password",
        {"current_password": "not-it-at-all", "new_password": NEW, "repeat_password": NEW},
    )
    assert wrong.status_code == 422
    assert 'id="current_password-error"' in wrong.text
    mismatch = await browser.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW, "repeat_password": NEW + "x"},
    )
    assert mismatch.status_code == 422 and "do not match" in mismatch.text
    short = await browser.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "short", "repeat_password": "short"},
    )
    assert short.status_code == 422 and 'id="new_password-error"' in short.text
    done = await browser.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW, "repeat_password": NEW},
    )
    assert done.status_code == 303
    assert (await browser.get("/")).status_code == 200  # this session stays
    assert (await second_browser.get("/")).status_code in (302, 303)  # the other one ended
    async with session_factory(engine)() as s:
        assert await s.scalar(select(func.count()).select_from(UserSession)) == 1
        actions = set((await s.scalars(select(AuditEvent.action))).all())
    assert "change-password" in actions
    assert (await second_browser.login(people.procurement)).status_code == 401
    assert (await second_browser.login(people.procurement, NEW)).status_code == 303


async def test_the_password_form_refuses_a_post_without_csrf(
    browser: Browser, people: People
) -> None:
    await browser.login(people.legal)
    await browser.get("/account/password")
    body = {"current_password": PASSWORD, "new_password": NEW, "repeat_password": NEW}
    assert (await browser.post("/account/password", body, csrf=False)).status_code == 403


async def test_the_audit_log_filters_by_a_date_range(browser: Browser, people: People) -> None:
    await browser.login(people.legal)
    await browser.get("/vendors/new")
    await browser.post("/vendors/new", {"name": "Acme Cloud", "country": "US", "role": "processor"})
    today = date.today()
    shown = (await browser.get(f"/audit?since={today}&until={today}")).text
    assert 'href="/vendors/1"' in shown
    assert f'value="{today}"' in shown
    before = (await browser.get(f"/audit?until={today - timedelta(days=1)}")).text
    assert 'href="/vendors/1"' not in before
    after = (await browser.get(f"/audit?since={today + timedelta(days=1)}")).text
    assert 'href="/vendors/1"' not in after
    backwards = await browser.get(f"/audit?since={today}&until={today - timedelta(days=3)}")
    assert backwards.status_code == 422
    bad = await browser.get("/audit?since=yesterday")
    assert bad.status_code == 400


async def test_guessing_the_current_password_is_throttled_like_a_login(
    browser: Browser, people: People
) -> None:
    """An unattended open session must not let anyone try passwords without limit: the fifth
    wrong current password locks the address out, for this form and for the login alike."""
    await browser.login(people.legal)
    await browser.get("/account/password")
    for _ in range(5):
        wrong = await browser.post(
            "/account/password",
            {"current_password": "guess-guess-guess", "new_password": NEW, "repeat_password": NEW},
        )
        assert wrong.status_code == 422
    locked = await browser.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW, "repeat_password": NEW},
    )
    assert locked.status_code == 429 and "try again later" in locked.text
    assert (await browser.login(people.legal)).status_code == 429  # the login is locked too
