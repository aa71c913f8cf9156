"""The logged-in person's own account: changing their password."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.user import service as user_service
from transfers.web.forms import Field, FormErrors, FormPage, payload, run_form
from transfers.web.i18n import N_, _
from transfers.web.security import identity, settings_of

DONE = "/account/password?changed=1"
_MESSAGES = {
    "current_password": lambda: _("The current password is wrong."),
    "new_password": lambda: _(
        "Choose a new password of at least 10 characters, different from the current one."
    ),
}
"""The user service's refusals, in the page's language."""


def _page(changed: bool = False) -> FormPage:
    return FormPage(
        title=_("Change your password"),
        action="/account/password",
        back="/",
        fields=[
            Field("current_password", _(N_("Current password")), "password", required=True),
            Field(
                "new_password",
                _(N_("New password")),
                "password",
                required=True,
                hint=_(N_("At least 10 characters.")),
            ),
            Field("repeat_password", _(N_("New password again")), "password", required=True),
        ],
        extra={
            "notice": _("Your password was changed. Your sessions on other devices were ended.")
            if changed
            else ""
        },
    )


class AccountPages(Controller):
    path = "/account"
    include_in_schema = False

    @get("/password")
    async def password_form(
        self, request: Request[Any, Any, Any], changed: bool = False
    ) -> Template:
        return _page(changed).render(request, values={})

    @post("/password")
    async def change_password(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> Response[Any]:
        """Every role may change its own password; the current one is required."""
        me = identity(request)
        form = await request.form()

        async def write() -> None:
            values, _raw = payload(form, _page().fields)
            if values.get("new_password") != values.get("repeat_password"):
                message = _("The new passwords do not match.")
                raise FormErrors(message, {"repeat_password": message})
            await user_service.change_password(
                db_session,
                user_id=me.user_id,
                current=str(values.get("current_password") or ""),
                new=str(values.get("new_password") or ""),
                keep_session_id=me.session_id,
                actor=me.actor,
                settings=settings_of(request),
            )

        async def ok(_result: None) -> Response[Any]:
            return Redirect(DONE, status_code=303)

        async def failed(errors: FormErrors) -> Response[Any]:
            if errors.status == 429:
                errors.detail = _("Too many wrong passwords; try again later.")
            for name in errors.fields.keys() & _MESSAGES.keys():
                errors.fields[name] = errors.detail = _MESSAGES[name]()
            return _page().render(request, values={}, errors=errors)

        return await run_form(db_session, write, ok=ok, failed=failed)
