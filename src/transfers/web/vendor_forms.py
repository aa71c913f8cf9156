"""Vendor forms: create and edit (profile and contacts) through the vendor service, stale edits
shown as conflicts, and the sub-processor chain edited link by link (GDPR Art. 28(2), (4))."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, post
from litestar.response import Redirect
from litestar.types import ControllerRouterHandler
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.common import record_fields
from transfers.common.problems import ProblemError
from transfers.models import Vendor
from transfers.vendor import service as vendor_service
from transfers.vendor.schemas import VendorCreate, VendorUpdate
from transfers.web import reads
from transfers.web.duplicates import warn_if_duplicate
from transfers.web.form_routes import RecordForms, creates, edit_form, routes, updates
from transfers.web.forms import Field, FormErrors, FormPage, form_errors
from transfers.web.i18n import _
from transfers.web.record_forms import build_fields
from transfers.web.security import identity, require_writer

CHAIN_FIELD = "subprocessor"
"""The chain form's input; the service's ``subprocessor_ids``/``parent_vendor_ids`` errors
are shown next to it."""


def vendor_fields(*, editing: bool) -> list[Field]:
    decls = record_fields.VENDOR + (record_fields.VENDOR_EDIT_ONLY if editing else ())
    return build_fields(decls)


def link_fields() -> list[Field]:
    """A sub-processor link's engagement dates (Art. 28(2): when it starts and stops). Posted
    to ``customer_pages.CustomerPages.link_save``: the dates are checked against our
    customers' notice periods and consents (one rule, ``customer.service``)."""
    return build_fields(record_fields.LINK)


async def _chain(session: AsyncSession, vendor: Vendor) -> list[tuple[int, str]]:
    read = await vendor_service.read_vendor(session, vendor)
    if not read.subprocessor_ids:
        return []
    return await vendor_service.names_of(session, read.subprocessor_ids)


async def _page(session: AsyncSession, _parent: None, vendor: Vendor | None) -> FormPage:
    if vendor is None:
        return FormPage(
            title=_("New vendor"),
            action="/vendors/new",
            back="/vendors",
            fields=vendor_fields(editing=False),
        )
    return FormPage(
        title=_("Edit vendor"),
        action=f"/vendors/{vendor.id}/edit",
        back=f"/vendors/{vendor.id}",
        fields=vendor_fields(editing=True),
        conflict_title=_("Someone else changed this vendor while you were editing."),
        template="vendor_form.html",
        extra={
            "vendor_id": vendor.id,
            "chain": await _chain(session, vendor),
            "link_fields": link_fields(),
            "link_dates": await reads.link_dates(session, vendor.id),
        },
    )


async def _create(
    session: AsyncSession,
    parent: None,
    values: dict[str, Any],
    me: Any,
    request: Request[Any, Any, Any],
) -> Any:
    """Create, after a warning with links when the vendor may already be registered."""
    await warn_if_duplicate(
        session, await request.form(), str(values.get("name") or ""), values.get("business_id")
    )
    return await creates(VendorCreate, vendor_service.create_vendor)(
        session, parent, values, me, request
    )


VENDOR_FORMS = RecordForms(
    entity_type="vendor",
    plural="vendors",
    load=vendor_service.get_vendor,
    page=_page,
    defaults=lambda _p: {"role": "processor", "category": "other", "status": "proposed"},
    create=_create,
    update=updates(VendorUpdate, vendor_service.update_vendor),
    created=lambda _p, vendor: f"/vendors/{vendor.id}",
    updated=lambda vendor: f"/vendors/{vendor.id}",
)


async def _resolve(session: AsyncSession, text: str) -> int:
    """The vendor a person named: an exact name, or the only partial match."""
    if not text:
        message = _("Type the name or business ID of the sub-processor.")
        raise FormErrors(message, {CHAIN_FIELD: message})
    found = await reads.find_vendors(session, text, limit=10)
    exact = [m for m in found.matches if text.lower() in (m[1].lower(), (m[2] or "").lower())]
    if len(exact) == 1 or len(found.matches) == 1:
        return (exact or found.matches)[0][0]
    if not found.matches:
        message = _("No vendor matches “%(text)s”.") % {"text": text}
        if found.suggestions:
            message += " " + _("Did you mean: %(names)s?") % {"names": ", ".join(found.suggestions)}
    else:
        message = _("Several vendors match: %(names)s. Type the full name.") % {
            "names": ", ".join(m[1] for m in found.matches)
        }
    raise FormErrors(message, {CHAIN_FIELD: message})


class VendorChain(Controller):
    """The sub-processor chain, edited link by link on the vendor's edit page."""

    path = "/vendors"
    include_in_schema = False

    @post("/{vendor_id:int}/subprocessors")
    async def add_subprocessor(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, vendor_id: int
    ) -> Response[Any]:
        """Link a sub-processor; a self-link or a cycle is refused with the service's error."""
        me = require_writer(identity(request))
        vendor = await vendor_service.get_vendor(db_session, vendor_id)
        form = await request.form()
        try:
            child = await _resolve(db_session, str(form.get(CHAIN_FIELD) or "").strip())
            current = [i for i, _name in await _chain(db_session, vendor)]
            await vendor_service.set_links(
                db_session,
                vendor_id,
                parent_ids=None,
                subprocessor_ids=[*current, child],
                actor=me.actor,
            )
        except (FormErrors, ProblemError) as exc:
            await db_session.rollback()
            errors = form_errors(exc)
            errors.fields = {CHAIN_FIELD: errors.fields.get(CHAIN_FIELD) or errors.detail}
            vendor = await vendor_service.get_vendor(db_session, vendor_id)
            return edit_form(request, await _page(db_session, None, vendor), vendor, errors)
        await db_session.commit()
        return Redirect(f"/vendors/{vendor_id}/edit#chain", status_code=303)

    @post("/{vendor_id:int}/subprocessors/{subprocessor_id:int}/remove")
    async def remove_subprocessor(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        vendor_id: int,
        subprocessor_id: int,
    ) -> Response[Any]:
        me = require_writer(identity(request))
        vendor = await vendor_service.get_vendor(db_session, vendor_id)
        current = [i for i, _name in await _chain(db_session, vendor)]
        await vendor_service.set_links(
            db_session,
            vendor_id,
            parent_ids=None,
            subprocessor_ids=[i for i in current if i != subprocessor_id],
            actor=me.actor,
        )
        await db_session.commit()
        return Redirect(f"/vendors/{vendor_id}/edit#chain", status_code=303)


VENDOR_ROUTES: list[ControllerRouterHandler] = [*routes(VENDOR_FORMS), VendorChain]
