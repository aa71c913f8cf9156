"""The workspace router: pages behind the session hook, static files beside it."""

from __future__ import annotations

from pathlib import Path

from litestar import Router
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler

from transfers.web.account_pages import AccountPages
from transfers.web.admin_pages import AdminPages
from transfers.web.auth_pages import AuthPages
from transfers.web.customer_pages import CustomerPages
from transfers.web.errors import WEB_EXCEPTION_HANDLERS
from transfers.web.pages import ReadingPages
from transfers.web.record_pages import RecordPages
from transfers.web.register_forms import REGISTER_FORMS
from transfers.web.security import after_request, before_request
from transfers.web.vendor_forms import VENDOR_ROUTES
from transfers.web.work_pages import WorkPages
from transfers.web.workflow_pages import WorkflowPages

STATIC_DIR = Path(__file__).parent / "static"
PAGES_OPT = {"exclude_from_auth": True}
"""The API-key middleware leaves pages and static files alone: pages use session cookies."""


def web_handlers() -> list[ControllerRouterHandler]:
    pages = Router(
        path="/",
        route_handlers=[
            AuthPages,
            ReadingPages,
            *VENDOR_ROUTES,
            *REGISTER_FORMS,
            RecordPages,
            WorkPages,
            WorkflowPages,
            CustomerPages,
            AdminPages,
            AccountPages,
        ],
        before_request=before_request,
        after_request=after_request,
        exception_handlers=WEB_EXCEPTION_HANDLERS,
        include_in_schema=False,
        opt=PAGES_OPT,
    )
    static = create_static_files_router(
        path="/static",
        directories=[STATIC_DIR],
        include_in_schema=False,
        opt=PAGES_OPT,
    )
    return [pages, static]
