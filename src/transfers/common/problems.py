"""RFC 9457 problem details for every error the API can return.

Every failure leaves as ``application/problem+json`` with a stable ``type`` and, for bad
input, an ``errors`` list naming each field, so that integrations can act on it.

This module is the web-free half (services and the CLI raise these without importing
Litestar); the handlers that turn errors into responses are in ``problem_handlers``.
"""

from __future__ import annotations

from typing import Any

PROBLEM_MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:transfers:problem:"

TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    428: "Precondition required",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


class ProblemError(Exception):
    """A client-facing error; raised by services and turned into a problem body."""

    def __init__(
        self,
        status: int,
        slug: str,
        detail: str,
        *,
        title: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.headers = headers
        self.status = status
        self.slug = slug
        self.detail = detail
        self.title = title or TITLES.get(status, "Error")
        self.errors = errors
        self.extra = extra


def not_found(entity: str, entity_id: object) -> ProblemError:
    return ProblemError(404, "not-found", f"{entity} {entity_id} does not exist.")


def invalid(
    detail: str, *, field: str | None = None, errors: list[dict[str, Any]] | None = None
) -> ProblemError:
    if errors is None and field is not None:
        errors = [{"field": field, "message": detail}]
    return ProblemError(422, "validation-error", detail, title="Invalid input", errors=errors)


def problem_body(
    status: int,
    slug: str,
    detail: str,
    *,
    title: str | None = None,
    instance: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug,
        "title": title or TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    body.update({k: v for k, v in extra.items() if v is not None})
    return body


CONTROL_CHARACTERS = (
    "must not contain control characters (such as NUL) or other characters XML cannot hold "
    "(such as U+FFFF)"
)


def __getattr__(name: str) -> Any:
    """Handlers and ``MediaType`` moved to ``problem_handlers``; old imports keep working."""
    if name in ("EXCEPTION_HANDLERS", "MediaType") or name.startswith("handle_"):
        from transfers.common import problem_handlers

        return getattr(problem_handlers, name)
    raise AttributeError(name)


__all__ = [
    "CONTROL_CHARACTERS",
    "PROBLEM_MEDIA_TYPE",
    "TITLES",
    "ProblemError",
    "invalid",
    "not_found",
    "problem_body",
]
