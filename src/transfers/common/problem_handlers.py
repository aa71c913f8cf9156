"""Litestar exception handlers: every error leaves as an RFC 9457 problem body.

Kept apart from ``problems`` so that raising a problem (services, the CLI) never imports the
web stack.
"""

from __future__ import annotations

import logging
import socket
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
    ValidationException,
)
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as SATimeoutError
from sqlalchemy.orm.exc import StaleDataError

from transfers.common.problems import (
    CONTROL_CHARACTERS,
    PROBLEM_MEDIA_TYPE,
    TITLES,
    ProblemError,
    problem_body,
)

log = logging.getLogger("transfers")
#: msgspec's message for a text field's pattern (transfers.common.fields.SINGLE_LINE/MULTI_LINE):
#: both patterns exclude the range starting at NUL.
_CONTROL_MESSAGE = "matching regex '\\\\A[^\\\\x00-"


def _response(
    request: Request[Any, Any, Any],
    status: int,
    body: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    body.setdefault("instance", request.url.path)
    return Response(
        content=body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


def handle_problem(request: Request[Any, Any, Any], exc: ProblemError) -> Response[Any]:
    body = problem_body(
        exc.status, exc.slug, exc.detail, title=exc.title, errors=exc.errors, **exc.extra
    )
    return _response(request, exc.status, body, exc.headers)


def _validation_errors(extra: Any) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    if isinstance(extra, list):
        for item in extra:
            if isinstance(item, dict):
                errors.append(
                    {
                        "field": item.get("key") or item.get("source") or "body",
                        "message": str(item.get("message", "")),
                    }
                )
    elif isinstance(extra, dict):
        errors.append(
            {"field": str(extra.get("key", "body")), "message": str(extra.get("message", ""))}
        )
    return errors


def handle_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if isinstance(exc, ValidationException):
        errors = _validation_errors(exc.extra)
        control = [e for e in errors if _CONTROL_MESSAGE in e["message"]]
        if control and len(control) == len(errors):
            # Well-formed JSON whose text holds a control character: the content is wrong (422).
            errors = [{"field": e["field"], "message": CONTROL_CHARACTERS} for e in errors]
            detail = "; ".join(f"{e['field']} {e['message']}" for e in errors)
            return _response(
                request,
                422,
                problem_body(422, "validation-error", detail, title="Invalid input", errors=errors),
            )
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or exc.detail
        if "JSON is malformed" in detail or "malformed" in detail.lower():
            slug = "malformed-body"
        else:
            slug = "validation-error"
        return _response(
            request,
            400,
            problem_body(400, slug, detail, title="Invalid request", errors=errors or None),
        )
    slug = {
        401: "unauthenticated",
        403: "forbidden",
        404: "not-found",
        405: "method-not-allowed",
        413: "body-too-large",
        415: "unsupported-media-type",
    }.get(status, "http-error")
    headers = (
        {"WWW-Authenticate": 'Bearer realm="transfers"'}
        if isinstance(exc, NotAuthorizedException)
        else None
    )
    if isinstance(exc, PermissionDeniedException):
        status = 403
    detail = exc.detail or TITLES.get(status, "Error")
    return _response(request, status, problem_body(status, slug, detail), headers)


def handle_integrity_error(request: Request[Any, Any, Any], exc: IntegrityError) -> Response[Any]:
    message = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    if "unique" in message or "duplicate" in message:
        detail = "A record with the same unique value (e.g. business ID or name) already exists."
        slug = "duplicate"
    elif "foreign key" in message:
        detail = "The request refers to a record that does not exist, or a record others depend on."
        slug = "reference-conflict"
    else:
        detail = "The change conflicts with the register's constraints."
        slug = "constraint-conflict"
    return _response(request, 409, problem_body(409, slug, detail))


def handle_stale(request: Request[Any, Any, Any], exc: StaleDataError) -> Response[Any]:
    detail = "The resource was changed by someone else; fetch it again and retry with its new ETag."
    return _response(request, 412, problem_body(412, "stale-version", detail))


def handle_out_of_range(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    detail = "A number or value in the request is out of the range the register can store (ids are 1 to 2147483647)."
    return _response(
        request, 400, problem_body(400, "out-of-range", detail, title="Value out of range")
    )


#: Seconds a client should wait before retrying when the database is unreachable.
RETRY_AFTER_SECONDS = 5


def _unavailable(request: Request[Any, Any, Any]) -> Response[Any]:
    return _response(
        request,
        503,
        problem_body(
            503,
            "database-unavailable",
            "The database is unavailable; retry in a few seconds.",
            title="Service unavailable",
        ),
        {"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _sqlstate(exc: DBAPIError) -> str:
    orig = exc.orig
    for attr in ("sqlstate", "pgcode"):
        code = getattr(orig, attr, None) or getattr(getattr(orig, "__cause__", None), attr, None)
        if isinstance(code, str):
            return code
    return ""


def handle_db_error(request: Request[Any, Any, Any], exc: DBAPIError) -> Response[Any]:
    """A database error is the client's fault when the data is wrong (SQLSTATE class 22: too
    long, NUL, out of range; class 23: constraints) and a 503 with Retry-After otherwise: the
    database is down, restarting or overloaded, and the same request will work again later."""
    text = str(exc.orig).lower()
    state = _sqlstate(exc)
    if "out of range" in text or "out of int" in text or "too large" in text or state == "22003":
        return handle_out_of_range(request, exc)
    if state.startswith("22") or "value too long" in text or "invalid byte sequence" in text:
        detail = "A value does not fit the register (too long, or characters it cannot store)."
        return _response(
            request, 422, problem_body(422, "invalid-value", detail, title="Invalid input")
        )
    if state.startswith("23"):
        return _response(
            request,
            409,
            problem_body(409, "constraint-conflict", "The change conflicts with the register."),
        )
    log.warning("database unavailable: %s", exc.orig)
    return _unavailable(request)


def handle_unreachable(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """The database could not be reached at all (refused, reset, timed out, pool exhausted)."""
    log.warning("database unreachable: %r", exc)
    return _unavailable(request)


def handle_too_deep(request: Request[Any, Any, Any], exc: RecursionError) -> Response[Any]:
    """msgspec stops decoding JSON nested beyond Python's recursion limit with RecursionError;
    nothing in the register nests more than a few levels, so that is the client's body."""
    log.warning("request refused: %s", exc)
    detail = (
        "The request body is nested too deeply; the register's data nests a few levels at most."
    )
    return _response(
        request, 400, problem_body(400, "nesting-too-deep", detail, title="Invalid request")
    )


def handle_not_utf8(request: Request[Any, Any, Any], exc: UnicodeDecodeError) -> Response[Any]:
    """A body (JSON, form) that is not UTF-8: msgspec raises UnicodeDecodeError, not its
    DecodeError, for invalid bytes inside a JSON string, and Litestar passes it on."""
    log.warning("request refused: %s", exc)
    detail = f"The request body is not valid UTF-8 (byte {exc.start})."
    return _response(
        request, 400, problem_body(400, "malformed-body", detail, title="Invalid request")
    )


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error", exc_info=exc)
    return _response(
        request,
        500,
        problem_body(500, "internal-error", "An unexpected error occurred; it has been logged."),
    )


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ProblemError: handle_problem,
    HTTPException: handle_http_exception,
    IntegrityError: handle_integrity_error,
    StaleDataError: handle_stale,
    DataError: handle_db_error,
    OverflowError: handle_out_of_range,
    DBAPIError: handle_db_error,
    SATimeoutError: handle_unreachable,
    ConnectionError: handle_unreachable,
    TimeoutError: handle_unreachable,
    socket.gaierror: handle_unreachable,
    RecursionError: handle_too_deep,
    UnicodeDecodeError: handle_not_utf8,
    Exception: handle_unexpected,
}


__all__ = ["EXCEPTION_HANDLERS", "PROBLEM_MEDIA_TYPE", "MediaType", "ProblemError"]
