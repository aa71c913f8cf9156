"""Vendor forms: create and edit through the vendor service, stale edits shown as conflicts."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.audit.crud import check_version
from transfers.audit.service import list_events
from transfers.common.problems import ProblemError
from transfers.vendor import service as vendor_service
from transfers.vendor.schemas import VendorCreate, VendorUpdate
from transfers.web.forms import FormErrors, convert, from_problem, values_of
from transfers.web.pages import choices
from transfers.web.security import identity, require_writer

FIELDS = (
    "name",
    "legal_name",
    "business_id",
    "country",
    "role",
    "category",
    "status",
    "website",
    "owner",
    "notes",
)
OPTIONAL = ("legal_name", "business_id", "website", "owner", "notes")


def _form_page(
    request: Request[Any, Any, Any],
    *,
    values: dict[str, Any],
    vendor_id: int | None,
    version: int | None,
    errors: FormErrors | None = None,
    conflict: list[Any] | None = None,
    original: dict[str, str] | None = None,
) -> Template:
    return Template(
        template_name="vendor_form.html",
        context={
            "me": identity(request),
            "values": values,
            "vendor_id": vendor_id,
            "version": version,
            "errors": errors,
            "conflict": conflict,
            "original": original if original is not None else dict(values),
            **choices(),
        },
        status_code=(errors.status if errors else 200),
    )


def _originals(form: Any) -> dict[str, str]:
    """The values the person saw when they opened the form (hidden ``orig-*`` fields)."""
    out = {}
    for name in FIELDS:
        value = form.get(f"orig-{name}")
        out[name] = value.strip() if isinstance(value, str) else ""
    return out


def _edited(form: Any, values: dict[str, str]) -> dict[str, Any]:
    """Only the fields this person changed, so saving never resets what others changed."""
    original = _originals(form)
    changed: dict[str, Any] = {}
    for name in FIELDS:
        now = values.get(name, "")
        if now != original.get(name, ""):
            changed[name] = now if now else None
    return changed


class VendorForms(Controller):
    path = "/vendors"
    include_in_schema = False

    @get("/new")
    async def new(self, request: Request[Any, Any, Any]) -> Template:
        require_writer(identity(request))
        return _form_page(
            request,
            values={"role": "processor", "category": "other", "status": "proposed"},
            vendor_id=None,
            version=None,
        )

    @post("/new")
    async def create(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> Response[Any]:
        me = identity(request)
        require_writer(me)
        form = await request.form()
        values = values_of(form, FIELDS)
        try:
            data = convert(values, VendorCreate)
            vendor = await vendor_service.create_vendor(db_session, data, me.actor)
        except FormErrors as exc:
            await db_session.rollback()
            return _form_page(request, values=values, vendor_id=None, version=None, errors=exc)
        except ProblemError as exc:
            await db_session.rollback()
            return _form_page(
                request, values=values, vendor_id=None, version=None, errors=from_problem(exc)
            )
        await db_session.commit()
        return Redirect(f"/vendors/{vendor.id}", status_code=303)

    @get("/{vendor_id:int}/edit")
    async def edit(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, vendor_id: int
    ) -> Template:
        require_writer(identity(request))
        vendor = await vendor_service.get_vendor(db_session, vendor_id)
        values = {f: str(getattr(vendor, f) or "") for f in FIELDS}
        return _form_page(request, values=values, vendor_id=vendor_id, version=vendor.version)

    @post("/{vendor_id:int}/edit")
    async def update(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, vendor_id: int
    ) -> Response[Any]:
        """Apply an edit made on ``version``; if someone saved in between, show what they
        changed and keep this person's input, never overwrite theirs."""
        me = identity(request)
        require_writer(me)
        form = await request.form()
        values = values_of(form, FIELDS)
        raw_version = str(form.get("version") or "")
        version = int(raw_version) if raw_version.isdigit() else None
        vendor = await vendor_service.get_vendor(db_session, vendor_id)
        try:
            check_version(vendor, None, version)
        except ProblemError as exc:
            events, _ = await list_events(
                db_session, entity_type="vendor", entity_id=vendor_id, limit=50
            )
            newer = max(0, vendor.version - (version or 0))
            changes = [e for e in events if e.action == "update"][:newer]
            current = {f: str(getattr(vendor, f) or "") for f in FIELDS}
            mine = {k: (v or "") for k, v in _edited(form, values).items()}
            return _form_page(
                request,
                values=current | mine,
                vendor_id=vendor_id,
                version=vendor.version,
                errors=from_problem(exc),
                conflict=changes,
                original=current,
            )
        payload = _edited(form, values)
        try:
            data = convert(payload, VendorUpdate)
            await vendor_service.update_vendor(db_session, vendor, data, me.actor)
        except FormErrors as exc:
            await db_session.rollback()
            return _form_page(
                request,
                values=values,
                vendor_id=vendor_id,
                version=version,
                errors=exc,
                original=_originals(form),
            )
        except ProblemError as exc:
            await db_session.rollback()
            return _form_page(
                request,
                values=values,
                vendor_id=vendor_id,
                version=version,
                errors=from_problem(exc),
                original=_originals(form),
            )
        await db_session.commit()
        return Redirect(f"/vendors/{vendor_id}", status_code=303)
