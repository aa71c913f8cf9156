"""Who is logged in, CSRF on every form, and the headers every page carries.

A ``before_request`` hook on the workspace router resolves the session cookie into a
``WebIdentity`` (or sends the visitor to the login page) and checks the CSRF token of every
unsafe request against the one bound to the session. The login form, which has no session yet,
uses a double-submit cookie instead.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from transfers.settings import Settings
from transfers.user.schemas import WebIdentity
from transfers.user.service import identify
from transfers.web import i18n

SESSION_COOKIE = "transfers_session"
LOGIN_CSRF_COOKIE = "transfers_login_csrf"
LANGUAGE_COOKIE = "transfers_lang"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
OPEN_PATHS = frozenset({"/login"})

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class CsrfRefused(PermissionDeniedException):
    """A form without the session's CSRF token: refused, nothing changes."""


def settings_of(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def cookie(settings: Settings, key: str, value: str, *, max_age: int | None = None) -> Cookie:
    return Cookie(
        key=key,
        value=value,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
        max_age=max_age,
    )


def expired_cookie(settings: Settings, key: str) -> Cookie:
    return cookie(settings, key, "", max_age=0)


def safe_next(target: str | None) -> str:
    """Only a local path: an open redirect would make the login page a phishing tool."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def identity(request: Request[Any, Any, Any]) -> WebIdentity:
    ident = getattr(request.state, "identity", None)
    if not isinstance(ident, WebIdentity):  # pragma: no cover - the hook guarantees it
        raise NotAuthorizedException("Log in first.")
    return ident


def require_writer(ident: WebIdentity) -> WebIdentity:
    """The server refuses procurement's writes even when a form is crafted by hand."""
    if not ident.can_write:
        raise PermissionDeniedException(
            i18n._("Your role can read the register but not change it.")
        )
    return ident


def require_admin(ident: WebIdentity) -> None:
    if not ident.is_admin:
        raise PermissionDeniedException(i18n._("Only an admin may do this."))


def new_login_csrf() -> str:
    return secrets.token_urlsafe(32)


async def _submitted_token(request: Request[Any, Any, Any]) -> str:
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    form = await request.form()
    value = form.get("csrf_token")
    return value if isinstance(value, str) else ""


async def before_request(request: Request[Any, Any, Any]) -> Response[Any] | None:
    """Resolve the session, pick the language, check CSRF; redirect visitors to /login."""
    settings = settings_of(request)
    path = request.url.path
    if path in OPEN_PATHS:
        i18n.set_language(
            request.cookies.get(LANGUAGE_COOKIE)
            or i18n.pick_language(request.headers.get("accept-language"))
        )
        if request.method not in SAFE_METHODS:
            expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
            submitted = await _submitted_token(request)
            if not expected or not hmac.compare_digest(expected, submitted):
                raise CsrfRefused(i18n._("The form has expired; reload the page and try again."))
        return None
    token = request.cookies.get(SESSION_COOKIE)
    ident = None
    if token:
        maker: async_sessionmaker[AsyncSession] = request.app.state.session_maker
        async with maker() as session:
            ident = await identify(session, token, settings=settings)
            await session.commit()
    if ident is None:
        if request.method in SAFE_METHODS:
            target = path + (f"?{request.url.query}" if request.url.query else "")
            response: Response[Any] = Redirect(f"/login?next={quote(target, safe='')}")
        else:
            response = Redirect("/login")
        if token:
            response.set_cookie(expired_cookie(settings, SESSION_COOKIE))
        return response
    request.state.identity = ident
    i18n.set_language(ident.language)
    if request.method not in SAFE_METHODS:
        submitted = await _submitted_token(request)
        if not hmac.compare_digest(ident.csrf_token, submitted):
            raise CsrfRefused(i18n._("The form has expired; reload the page and try again."))
    return None


async def after_request(response: Response[Any]) -> Response[Any]:
    for key, value in SECURITY_HEADERS.items():
        response.headers.setdefault(key, value)
    return response
