"""Errors on workspace pages render as pages (with the same problem details), never as 500s."""

from __future__ import annotations

import logging
import re
from functools import cache
from typing import Any, Final

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, PermissionDeniedException
from litestar.response import Template
from sqlalchemy.orm.exc import StaleDataError

from transfers.common.problems import ProblemError, problem_body
from transfers.reference import lexicon
from transfers.web import i18n
from transfers.web.i18n import N_
from transfers.web.security import SECURITY_HEADERS

log = logging.getLogger("transfers")


STATUS_TITLES = {
    400: N_("Bad request"),
    401: N_("Log in first"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Not allowed"),
    409: N_("Conflict with the register"),
    412: N_("Someone else changed this record"),
    413: N_("The file is too large"),
    415: N_("Unsupported file type"),
    422: N_("The input cannot be accepted"),
    429: N_("Too many requests"),
    500: N_("Unexpected error"),
    503: N_("Try again in a moment"),
}
SLUG_DETAILS = {
    "not-found": N_("The record does not exist, or it has been removed."),
    "duplicate": N_("A record with the same name or identifier already exists."),
    "validation-error": N_("Some of the input cannot be accepted; check the form and try again."),
    "missing-data": N_("The document needs data that the register does not hold yet."),
    "invalid-transition": N_("That step is not possible in the record's current state."),
    "has-dependents": N_("Other records depend on this one; remove or move them first."),
    "stale-version": N_("Someone else changed this record at the same time; open it again."),
    "unsupported-media-type": N_("The file type is not supported."),
    "render-failed": N_("The document could not be produced."),
    "invalid-template": N_("The template cannot be used."),
    "busy": N_("The service is busy; try again in a moment."),
    "too-many-imports": N_("Another import is running; try again in a moment."),
    "import-too-slow": N_("The import took too long and was stopped; nothing was written."),
    "import-invalid": N_("The file cannot be imported; see the report."),
    "http-error": N_("The page cannot be shown."),
}


#: A service's "not found" detail (``common.problems.not_found``): the record named in the UI
#: language when the lexicon knows its kind.
_NOT_FOUND: Final = re.compile(r"^(?P<entity>[A-Za-z][A-Za-z -]*) (?P<id>\S+) does not exist\.$")


@cache
def _catalog_texts(language: str) -> frozenset[str]:
    """Every translated sentence of the catalog: a detail a page raised already in the UI
    language is one of them."""
    catalog = getattr(i18n.translations(language), "_catalog", {})
    return frozenset(v for v in catalog.values() if isinstance(v, str))


def _detail(detail: str, language: str) -> str | None:
    """The service's own detail in ``language`` when there is a key for it, else None."""
    if not detail:
        return None
    translated = i18n._(detail)
    if translated != detail or detail in _catalog_texts(language):
        return translated
    found = _NOT_FOUND.match(detail)
    if found:
        code = re.sub(r"[ -]+", "_", found["entity"].strip().lower())
        if code in lexicon.groups().get("entity_type", {}):
            entity = lexicon.name("entity_type", code, language)
            return i18n._("%(entity)s %(id)s does not exist.") % {
                "entity": entity[:1].upper() + entity[1:],
                "id": found["id"],
            }
    return None


def _localised(problem: dict[str, Any]) -> dict[str, Any]:
    """The problem in the page's language: the title by status; the detail the service gave when
    the catalog or the lexicon has it in that language, else one by the problem's type. The
    API's English detail and field paths only on English pages."""
    status = int(problem["status"])
    out = dict(problem)
    out["title"] = i18n._(STATUS_TITLES.get(status, N_("Error")))
    language = i18n.current_language()
    if language != "en":
        slug = str(problem.get("type", "")).rsplit(":", 1)[-1]
        out["detail"] = _detail(str(problem.get("detail") or ""), language) or i18n._(
            SLUG_DETAILS.get(slug, N_("The request cannot be completed."))
        )
        out["errors"] = None
    return out


def error_page(request: Request[Any, Any, Any], problem: dict[str, Any]) -> Response[Any]:
    problem = _localised(problem)
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
    slug = "not-found" if status == 404 else "http-error"
    body = problem_body(status, slug, exc.detail)
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
