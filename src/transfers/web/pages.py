"""Reading pages: Today, vendors, the vendor page, the procurement check, "is it lawful?"."""

from __future__ import annotations

from datetime import date
from typing import Any, get_args

from litestar import Controller, Request, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.common.fields import VendorCategory, VendorRole, VendorStatus
from transfers.common.problems import ProblemError
from transfers.compliance.service import status_of
from transfers.vendor import service as vendor_service
from transfers.web import reads
from transfers.web.i18n import _, country_names, current_language
from transfers.web.security import identity, settings_of
from transfers.web.workflow_pages import state_class, word, workflow_counts

PAGE_SIZE = 50


def parse_day(value: str | None, field: str = "as_of") -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ProblemError(
            400,
            "validation-error",
            _("Give the date as YYYY-MM-DD."),
            errors=[{"field": field, "message": _("Give the date as YYYY-MM-DD.")}],
        ) from None


def choices() -> dict[str, Any]:
    """Options for the vendor filters and forms, with country names in the UI language."""
    countries = sorted(country_names(current_language()).items(), key=lambda kv: kv[1])
    return {
        "statuses": get_args(VendorStatus),
        "categories": get_args(VendorCategory),
        "roles": get_args(VendorRole),
        "countries": countries,
    }


class ReadingPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/")
    async def today(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        view = await reads.today(db_session, as_of=date.today(), settings=settings_of(request))
        flow = await workflow_counts(db_session, date.today())
        return Template(
            template_name="today.html",
            context={"me": identity(request), "view": view, "flow": flow},
        )

    @get("/vendors")
    async def vendors(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        q: str | None = None,
        status: str | None = None,
        category: str | None = None,
        country: str | None = None,
        role: str | None = None,
        page: int = 1,
    ) -> Template:
        page = max(1, min(page, 100_000))
        filters = {
            "q": (q or "").strip()[:200],
            "status": status if status in get_args(VendorStatus) else "",
            "category": category if category in get_args(VendorCategory) else "",
            "country": (country or "").strip().upper()[:2],
            "role": role if role in get_args(VendorRole) else "",
        }
        items, total = await vendor_service.list_vendors(
            db_session,
            status=filters["status"] or None,
            category=filters["category"] or None,
            country_code=filters["country"] or None,
            role=filters["role"] or None,
            q=filters["q"] or None,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        compliance = await reads.statuses_for(db_session, [v.id for v in items], date.today())
        partial = request.headers.get("hx-request") == "true"
        return Template(
            template_name="vendor_rows.html" if partial else "vendors.html",
            context={
                "me": identity(request),
                "items": items,
                "compliance": compliance,
                "total": total,
                "page": page,
                "pages": max(1, -(-total // PAGE_SIZE)),
                "filters": filters,
                **choices(),
            },
        )

    @get("/vendors/{vendor_id:int}")
    async def vendor(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        vendor_id: int,
        as_of: str | None = None,
    ) -> Template:
        day = parse_day(as_of)
        view = await reads.vendor_page(db_session, vendor_id=vendor_id, as_of=day)
        return Template(
            template_name="vendor.html",
            context={
                "me": identity(request),
                "view": view,
                "as_of": day,
                "checklist": await reads.dpa_checklist(db_session, vendor_id, current_language())
                if identity(request).can_write
                else [],
                "word": word,
                "state_class": state_class,
            },
        )

    @get("/check")
    async def check(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        q: str | None = None,
        vendor_id: int | None = None,
    ) -> Template:
        """Procurement: "may we use vendor X?" by part of its name or business ID."""
        text = (q or "").strip()[:200]
        result = await reads.find_vendors(db_session, text) if text else None
        chosen = vendor_id
        if chosen is None and result is not None and len(result.matches) == 1:
            chosen = result.matches[0][0]
        status = None
        vendor = None
        if chosen is not None:
            vendor = await vendor_service.get_vendor(db_session, chosen)
            status = await status_of(db_session, chosen, date.today())
        return Template(
            template_name="check.html",
            context={
                "me": identity(request),
                "q": text,
                "result": result,
                "vendor": vendor,
                "status": status,
                "as_of": date.today(),
            },
        )

    @get("/lawful")
    async def lawful(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        as_of: str | None = None,
        dpf_falls_on: str | None = None,
    ) -> Template:
        """The register on any date, and what happens if the DPF falls on a given date."""
        day = parse_day(as_of)
        falls = parse_day(dpf_falls_on, "dpf_falls_on") if dpf_falls_on else None
        view = await reads.register_on(db_session, day, "dpf" if falls else None, falls)
        return Template(
            template_name="lawful.html",
            context={
                "me": identity(request),
                "view": view,
                "as_of": day,
                "dpf_falls_on": falls,
            },
        )
