"""The public sub-processor page: ``/subprocessors``, its Atom feed and e-mail subscriptions.

Off unless ``TRANSFERS_PUBLIC_SUBPROCESSOR_PAGE=true`` (then 404). No login and no JavaScript:
plain HTML forms. CSRF-safe without a session: the form carries a random token that must match a
``SameSite=Strict`` cookie set with the page (double submit). Every form POST is rate-limited
per client address. Confirmation and unsubscribe links open a page with a button (a POST), so a
mail scanner that follows links changes nothing. Nothing internal is shown: no ids, notes,
verdict reasons or subscriber addresses. Words come from the lexicon (``[public_page]``).
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import deque
from datetime import UTC, date, datetime
from html import escape
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from litestar import Request, Response, Router, get, post
from litestar.exceptions import NotFoundException
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.customer import public
from transfers.reference import lexicon
from transfers.settings import Settings

CSRF_COOKIE = "transfers_public_csrf"
WINDOW_SECONDS = 600
MAX_POSTS = 10
"""Form posts allowed per client address in ``WINDOW_SECONDS`` (subscribe, confirm,
unsubscribe together); one more gets 429."""
HTML = "text/html; charset=utf-8"


def _settings(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state.settings
    if not settings.public_subprocessor_page:
        raise NotFoundException()
    return settings


def _lang(request: Request[Any, Any, Any], given: str | None = None) -> str:
    wanted = given or request.query_params.get("lang")
    if wanted in ("fi", "en"):
        return wanted
    header = (request.headers.get("accept-language") or "").split(",")
    for part in header:
        code = part.split(";")[0].strip().lower()[:2]
        if code in ("fi", "en"):
            return code
    return "en"


def _t(word: str, lang: str) -> str:
    return escape(lexicon.name("public_page", word, lang))


def _throttled(request: Request[Any, Any, Any]) -> bool:
    """A sliding window per client address, kept by this app (per process)."""
    state = request.app.state
    if not hasattr(state, "public_posts"):
        state.public_posts = {}
    posts: dict[str, deque[float]] = state.public_posts
    client = request.client.host if request.client else "?"
    now = time.monotonic()
    seen = posts.setdefault(client, deque())
    while seen and now - seen[0] > WINDOW_SECONDS:
        seen.popleft()
    if len(seen) >= MAX_POSTS:
        return True
    seen.append(now)
    if len(posts) > 10_000:  # bound the memory an address sweep could take
        posts.clear()
    return False


def _page(
    lang: str, body: str, *, status: int = 200, csrf: str | None = None, settings: Settings
) -> Response[str]:
    other = "en" if lang == "fi" else "fi"
    html = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="stylesheet" href="/static/public.css">'
        f"<title>{_t('title', lang)} - {escape(settings.public_company_name)}</title>"
        f'<link rel="alternate" type="application/atom+xml" href="/subprocessors.atom?lang={lang}">'
        f'</head><body><main><p><a href="/subprocessors?lang={other}">'
        f"{_t('other_language', lang)}</a></p>{body}</main></body></html>"
    )
    response = Response(html, status_code=status, media_type=HTML)
    response.headers["Cache-Control"] = "no-store"
    if csrf is not None:
        response.set_cookie(
            CSRF_COOKIE,
            csrf,
            path="/subprocessors",
            httponly=True,
            samesite="strict",
            secure=settings.secure_cookies,
            max_age=3600,
        )
    return response


async def _form(request: Request[Any, Any, Any]) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _csrf_ok(request: Request[Any, Any, Any], form: dict[str, str]) -> bool:
    expected = request.cookies.get(CSRF_COOKIE, "")
    return bool(expected) and hmac.compare_digest(expected, form.get("csrf_token", ""))


def _refusal(lang: str, word: str, status: int, settings: Settings) -> Response[str]:
    response = _page(
        lang,
        f"<h1>{_t('title', lang)}</h1><p>{_t(word, lang)}</p>",
        status=status,
        settings=settings,
    )
    if status == 429:
        response.headers["Retry-After"] = str(WINDOW_SECONDS)
    return response


def _day(value: date | None, lang: str) -> str:
    return escape(lexicon.day(value, lang)) if value else ""


def _safeguards(mechanisms: tuple[str, ...], country: str, lang: str) -> str:
    if not mechanisms:
        return _t("none_needed", lang)
    return escape(", ".join(lexicon.mechanism(m, lang) for m in mechanisms))


def _changes_table(items: list[public.PublicChange], lang: str) -> str:
    if not items:
        return f"<p>{_t('nothing', lang)}</p>"
    rows = "".join(
        "<tr>"
        f"<td>{escape(lexicon.name('notice_change', c.change, lang))}</td>"
        f"<td>{escape(c.name)}</td>"
        f"<td>{escape(lexicon.country(c.new_country or c.country, lang))}</td>"
        f"<td>{escape(c.purpose or '')}</td>"
        f"<td>{escape(c.safeguard or '')}</td>"
        f"<td>{_day(c.effective_on, lang)}</td>"
        f"<td>{_day(c.announced_on, lang)}</td>"
        "</tr>"
        for c in items
    )
    head = "".join(
        f"<th>{_t(w, lang)}</th>"
        for w in (
            "change",
            "legal_entity",
            "country",
            "purpose",
            "safeguard",
            "effective",
            "announced",
        )
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _subscribe_form(lang: str, csrf: str) -> str:
    return (
        f"<h2>{_t('subscribe', lang)}</h2>"
        '<form method="post" action="/subprocessors/subscribe">'
        f'<input type="hidden" name="csrf_token" value="{escape(csrf)}">'
        f'<input type="hidden" name="lang" value="{lang}">'
        f'<label for="email">{_t("email", lang)}</label> '
        '<input id="email" name="email" type="email" required maxlength="320" autocomplete="email"> '
        f'<button type="submit">{_t("send", lang)}</button></form>'
    )


@get("/subprocessors")
async def page(request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[str]:
    settings = _settings(request)
    lang = _lang(request)
    today = date.today()
    services = await public.services(db_session, today)
    changes = await public.changes(db_session)
    await db_session.rollback()
    parts = [f"<h1>{_t('title', lang)}</h1><p>{_t('intro', lang)}</p>"]
    head = "".join(
        f"<th>{_t(w, lang)}</th>" for w in ("legal_entity", "country", "purpose", "safeguard")
    )
    for service in services:
        rows = "".join(
            f"<tr><td>{escape(s.legal_entity)}</td>"
            f"<td>{escape(lexicon.country(s.country, lang))}</td>"
            f"<td>{escape(s.purpose)}</td>"
            f"<td>{_safeguards(s.mechanisms, s.country, lang)}</td></tr>"
            for s in service.subprocessors
        )
        parts.append(
            f"<h2>{_t('service', lang)}: {escape(service.name)}</h2>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        )
    upcoming = [c for c in changes if c.effective_on >= today]
    parts.append(f"<h2>{_t('planned', lang)}</h2>{_changes_table(upcoming, lang)}")
    parts.append(f"<h2>{_t('history', lang)}</h2>{_changes_table(changes, lang)}")
    csrf = secrets.token_urlsafe(32)
    parts.append(_subscribe_form(lang, csrf))
    parts.append(f'<p><a href="/subprocessors.atom?lang={lang}">{_t("feed", lang)}</a></p>')
    return _page(lang, "".join(parts), csrf=csrf, settings=settings)


@get("/subprocessors.atom")
async def feed(request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[str]:
    settings = _settings(request)
    lang = _lang(request)
    changes = await public.changes(db_session)
    await db_session.rollback()
    base = settings.public_url
    updated = max((c.updated for c in changes), default=datetime(2000, 1, 1, tzinfo=UTC))
    entries = "".join(
        "<entry>"
        f"<id>urn:transfers:subprocessor-change:{c.key}</id>"
        f"<title>{xml_escape(lexicon.name('notice_change', c.change, lang))}: "
        f"{xml_escape(c.name)} ({xml_escape(lexicon.country(c.new_country or c.country, lang))})"
        "</title>"
        f"<updated>{c.updated.astimezone(UTC).isoformat()}</updated>"
        f'<link href="{xml_escape(base)}/subprocessors?lang={lang}"/>'
        f"<summary>{xml_escape(lexicon.name('public_page', 'effective', lang))}: "
        f"{xml_escape(lexicon.day(c.effective_on, lang))}"
        f"{('. ' + xml_escape(c.purpose)) if c.purpose else ''}</summary>"
        "</entry>"
        for c in changes
    )
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{lang}">'
        f"<id>urn:transfers:subprocessors:{lang}</id>"
        f"<title>{xml_escape(lexicon.name('public_page', 'title', lang))} - "
        f"{xml_escape(settings.public_company_name)}</title>"
        f"<updated>{updated.astimezone(UTC).isoformat()}</updated>"
        f'<link rel="self" href="{xml_escape(base)}/subprocessors.atom?lang={lang}"/>'
        f"<author><name>{xml_escape(settings.public_company_name)}</name></author>"
        f"{entries}</feed>"
    )
    return Response(xml, media_type="application/atom+xml; charset=utf-8")


def _valid_email(value: str) -> bool:
    local, at, domain = value.partition("@")
    return (
        bool(at and local and "." in domain.strip("."))
        and len(value) <= 320
        and not any(c.isspace() or c in "<>,;\"'" for c in value)
    )


@post("/subprocessors/subscribe", status_code=200)
async def subscribe(request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[str]:
    settings = _settings(request)
    form = await _form(request)
    lang = _lang(request, form.get("lang"))
    if _throttled(request):
        return _refusal(lang, "too_many", 429, settings)
    if not _csrf_ok(request, form):
        return _refusal(lang, "expired_form", 403, settings)
    email = form.get("email", "").strip()
    if not _valid_email(email):
        return _refusal(lang, "bad_email", 422, settings)
    pending = await public.subscribe(db_session, email, lang)
    await db_session.commit()
    if pending is not None:
        # Queued, not sent here: an SMTP outage leaves the subscription pending and the job
        # retries the e-mail.
        await request.app.state.jobs.defer_subscription_confirmation(pending)
    # The same answer whether or not the address was subscribed already (no enumeration).
    return _page(
        lang, f"<h1>{_t('title', lang)}</h1><p>{_t('check_mail', lang)}</p>", settings=settings
    )


def _token_form(action: str, token: str, lang: str, word: str) -> tuple[str, str]:
    csrf = secrets.token_urlsafe(32)
    body = (
        f"<h1>{_t('title', lang)}</h1>"
        f'<form method="post" action="{action}">'
        f'<input type="hidden" name="csrf_token" value="{escape(csrf)}">'
        f'<input type="hidden" name="token" value="{escape(token)}">'
        f'<input type="hidden" name="lang" value="{lang}">'
        f'<button type="submit">{_t(word, lang)}</button></form>'
    )
    return body, csrf


@get("/subprocessors/confirm")
async def confirm_form(request: Request[Any, Any, Any]) -> Response[str]:
    settings = _settings(request)
    lang = _lang(request)
    body, csrf = _token_form(
        "/subprocessors/confirm", request.query_params.get("token", "")[:100], lang, "confirm"
    )
    return _page(lang, body, csrf=csrf, settings=settings)


@post("/subprocessors/confirm", status_code=200)
async def confirm(request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[str]:
    settings = _settings(request)
    form = await _form(request)
    lang = _lang(request, form.get("lang"))
    if _throttled(request):
        return _refusal(lang, "too_many", 429, settings)
    if not _csrf_ok(request, form):
        return _refusal(lang, "expired_form", 403, settings)
    if not await public.confirm(db_session, form.get("token", ""), datetime.now(UTC)):
        await db_session.rollback()
        return _refusal(lang, "expired", 404, settings)
    await db_session.commit()
    return _page(
        lang, f"<h1>{_t('title', lang)}</h1><p>{_t('confirmed', lang)}</p>", settings=settings
    )


@get("/subprocessors/unsubscribe")
async def unsubscribe_form(request: Request[Any, Any, Any]) -> Response[str]:
    settings = _settings(request)
    lang = _lang(request)
    body, csrf = _token_form(
        "/subprocessors/unsubscribe",
        request.query_params.get("token", "")[:100],
        lang,
        "unsubscribe",
    )
    return _page(lang, body, csrf=csrf, settings=settings)


@post("/subprocessors/unsubscribe", status_code=200)
async def unsubscribe(request: Request[Any, Any, Any], db_session: AsyncSession) -> Response[str]:
    settings = _settings(request)
    form = await _form(request)
    lang = _lang(request, form.get("lang"))
    if _throttled(request):
        return _refusal(lang, "too_many", 429, settings)
    if not _csrf_ok(request, form):
        return _refusal(lang, "expired_form", 403, settings)
    if not await public.unsubscribe(db_session, form.get("token", "")):
        await db_session.rollback()
        return _refusal(lang, "expired", 404, settings)
    await db_session.commit()
    return _page(
        lang, f"<h1>{_t('title', lang)}</h1><p>{_t('unsubscribed', lang)}</p>", settings=settings
    )


def public_router() -> Router:
    return Router(
        path="/",
        route_handlers=[
            page,
            feed,
            subscribe,
            confirm_form,
            confirm,
            unsubscribe_form,
            unsubscribe,
        ],
        include_in_schema=False,
        opt={"exclude_from_auth": True},
    )
