"""Errors on workspace pages render as pages (with the same problem details), never as 500s."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.response import Template
from sqlalchemy.orm.exc import StaleDataError

from transfers.common.problems import ProblemError, problem_body
from transfers.web import i18n
from transfers.web.security import SECURITY_HEADERS

log = logging.getLogger("transfers")


def error_page(request: Request[Any, Any, Any], problem: dict[str, Any]) -> Response[Any]:
    return Template(
        template_name="error.html",
        context={"problem": problem, "me": getattr(request.state, "identity", None)},
        status_code=int(problem["status"]),
        headers=SECURITY_HEADERS,
    )


def on_problem(request: Request[Any, Any, Any], exc: ProblemError) -> Response[Any]:
    body = problem_body(exc.status, exc.slug, exc.detail, title=exc.title, errors=exc.errors)
    return error_page(request, body)


def on_http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = 403 if isinstance(exc, PermissionDeniedException) else exc.status_code
    if isinstance(exc, NotAuthorizedException):
        status = 401
    titles = {
        400: i18n._("Bad request"),
        401: i18n._("Log in first"),
        403: i18n._("Not allowed"),
        404: i18n._("Not found"),
        405: i18n._("Not allowed"),
    }
    body = problem_body(status, "http-error", exc.detail, title=titles.get(status, i18n._("Error")))
    return error_page(request, body)


def on_stale(request: Request[Any, Any, Any], exc: StaleDataError) -> Response[Any]:
    detail = i18n._("Someone else changed this record at the same time; open it again.")
    return error_page(request, problem_body(412, "stale-version", detail))


def on_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on a page", exc_info=exc)
    detail = i18n._("An unexpected error occurred; it has been logged.")
    return error_page(request, problem_body(500, "internal-error", detail))


WEB_EXCEPTION_HANDLERS: dict[Any, Any] = {
    ProblemError: on_problem,
    HTTPException: on_http,
    StaleDataError: on_stale,
    Exception: on_unexpected,
}
