"""Login, logout and the language switch."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.common.problems import ProblemError
from transfers.user import service as user_service
from transfers.web import i18n
from transfers.web.security import (
    LANGUAGE_COOKIE,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    cookie,
    expired_cookie,
    identity,
    new_login_csrf,
    safe_next,
    settings_of,
)

YEAR = 365 * 24 * 3600


def _login_page(
    request: Request[Any, Any, Any], *, email: str = "", error: str | None = None, status: int = 200
) -> Template:
    token = new_login_csrf()
    response = Template(
        template_name="login.html",
        context={
            "csrf": token,
            "email": email,
            "error": error,
            "next": safe_next(request.query_params.get("next")),
            "me": None,
        },
        status_code=status,
    )
    response.set_cookie(cookie(settings_of(request), LOGIN_CSRF_COOKIE, token))
    return response


class AuthPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/login")
    async def login_form(self, request: Request[Any, Any, Any]) -> Template:
        return _login_page(request)

    @post("/login")
    async def login(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> Response[Any]:
        form = await request.form()
        email = str(form.get("email") or "")
        password = str(form.get("password") or "")
        settings = settings_of(request)
        try:
            user, token = await user_service.login(
                db_session, email=email, password=password, settings=settings
            )
        except ProblemError as exc:
            # The attempt was counted towards the throttle in a transaction of its own.
            await db_session.rollback()
            if exc.status == 429:
                message = i18n._("Too many failed logins; try again later.")
            elif exc.status == 503:
                message = i18n._("Too many logins at once; try again in a moment.")
            else:
                message = i18n._("Wrong e-mail or password.")
            page = _login_page(request, email=email, error=message, status=exc.status)
            if exc.headers:
                page.headers.update(exc.headers)
            return page
        await db_session.commit()
        response = Redirect(safe_next(str(form.get("next") or "/")), status_code=303)
        response.set_cookie(cookie(settings, SESSION_COOKIE, token))
        response.set_cookie(cookie(settings, LANGUAGE_COOKIE, user.language, max_age=YEAR))
        response.set_cookie(expired_cookie(settings, LOGIN_CSRF_COOKIE))
        return response

    @post("/logout")
    async def logout(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> Response[Any]:
        token = request.cookies.get(SESSION_COOKIE, "")
        await user_service.logout(db_session, token)
        await db_session.commit()
        response = Redirect("/login", status_code=303)
        response.set_cookie(expired_cookie(settings_of(request), SESSION_COOKIE))
        return response

    @post("/language")
    async def language(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> Response[Any]:
        """Switch the UI language and remember it on the account."""
        me = identity(request)
        form = await request.form()
        language = str(form.get("language") or "")
        await user_service.set_language(db_session, me.user_id, language)
        await db_session.commit()
        response = Redirect(safe_next(str(form.get("next") or "/")), status_code=303)
        response.set_cookie(cookie(settings_of(request), LANGUAGE_COOKIE, language, max_age=YEAR))
        return response
