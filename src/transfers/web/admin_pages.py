"""Admin: workspace users and API keys (secrets are shown once, right after creation)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.auth import service as key_service
from transfers.auth.service import ROLES
from transfers.user import service as user_service
from transfers.web.forms import FormErrors, run_form
from transfers.web.security import identity, require_admin


async def _page(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    *,
    secret: dict[str, str] | None = None,
    errors: Any = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Template:
    return Template(
        template_name="admin.html",
        context={
            "me": identity(request),
            "users": await user_service.list_users(session),
            "keys": await key_service.list_keys(session),
            "roles": ROLES,
            "secret": secret,
            "errors": errors,
            "values": values or {},
        },
        status_code=status,
    )


def _failed(
    request: Request[Any, Any, Any], session: AsyncSession, values: dict[str, str]
) -> Callable[[FormErrors], Awaitable[Response[Any]]]:
    async def failed(errors: FormErrors) -> Response[Any]:
        return await _page(request, session, errors=errors, values=values, status=errors.status)

    return failed


class AdminPages(Controller):
    path = "/admin"
    include_in_schema = False

    @get("/")
    async def admin(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        require_admin(identity(request))
        return await _page(request, db_session)

    @post("/users")
    async def create_user(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> Response[Any]:
        me = identity(request)
        require_admin(me)
        form = await request.form()
        values = {k: str(form.get(k) or "").strip() for k in ("email", "name", "role", "language")}
        password = str(form.get("password") or "") or None

        async def write() -> tuple[Any, str]:
            return await user_service.create_user(
                db_session,
                email=values["email"],
                name=values["name"],
                role=values["role"],
                password=password,
                actor=me.actor,
                language=values["language"] or "fi",
            )

        async def ok(created: tuple[Any, str]) -> Response[Any]:
            user, generated = created
            shown = None if password else {"label": user.email, "value": generated}
            return await _page(request, db_session, secret=shown)

        return await run_form(db_session, write, ok=ok, failed=_failed(request, db_session, values))

    @post("/users/{user_id:int}/disable")
    async def disable_user(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, user_id: int
    ) -> Response[Any]:
        me = identity(request)
        require_admin(me)
        user = await user_service.find_user(db_session, str(user_id))
        await user_service.disable_user(db_session, user, me.actor)
        await db_session.commit()
        return Redirect("/admin", status_code=303)

    @post("/keys")
    async def create_key(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> Response[Any]:
        me = identity(request)
        require_admin(me)
        form = await request.form()
        values = {
            "key_name": str(form.get("key_name") or ""),
            "key_role": str(form.get("key_role") or ""),
        }

        async def write() -> tuple[Any, str]:
            return await key_service.create_key(
                db_session, name=values["key_name"], role=values["key_role"], actor=me.actor
            )

        async def ok(created: tuple[Any, str]) -> Response[Any]:
            key, secret = created
            return await _page(request, db_session, secret={"label": key.name, "value": secret})

        return await run_form(db_session, write, ok=ok, failed=_failed(request, db_session, values))

    @post("/keys/{key_id:int}/revoke")
    async def revoke_key(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, key_id: int
    ) -> Response[Any]:
        me = identity(request)
        require_admin(me)
        key = await key_service.find_key(db_session, str(key_id))
        await key_service.revoke_key(db_session, key, me.actor)
        await db_session.commit()
        return Redirect("/admin", status_code=303)
