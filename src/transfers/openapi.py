"""The OpenAPI document states every problem an operation can answer with.

Litestar documents the success response and 400 per handler; the problems that come from the
shared layers (authentication, optimistic concurrency, the database being down, the import
limits) are added here once, to every operation, with the RFC 9457 body they carry.
"""

from __future__ import annotations

from litestar import Litestar
from litestar._openapi.plugin import OpenAPIPlugin
from litestar.openapi.spec import (
    OpenAPI,
    OpenAPIFormat,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Reference,
    Schema,
)
from litestar.openapi.spec import (
    OpenAPIHeader as Header,
)
from litestar.openapi.spec import (
    OpenAPIMediaType as MediaType,
)

from transfers.common.problems import PROBLEM_MEDIA_TYPE
from transfers.common.text import SAFE_CONTENT_TYPES
from transfers.importer.routes import CONTENT_TYPES as EXPORT_TYPES

PROBLEM = Schema(
    type=OpenAPIType.OBJECT,
    description="RFC 9457 problem details",
    required=["type", "title", "status", "detail"],
    properties={
        "type": Schema(type=OpenAPIType.STRING, description="urn:transfers:problem:<slug>"),
        "title": Schema(type=OpenAPIType.STRING),
        "status": Schema(type=OpenAPIType.INTEGER),
        "detail": Schema(type=OpenAPIType.STRING),
        "instance": Schema(type=OpenAPIType.STRING),
        "errors": Schema(
            type=OpenAPIType.ARRAY,
            description="One entry per field at fault",
            items=Schema(
                type=OpenAPIType.OBJECT,
                properties={
                    "field": Schema(type=OpenAPIType.STRING),
                    "message": Schema(type=OpenAPIType.STRING),
                },
            ),
        ),
    },
)

READ_PROBLEMS = {
    400: "Malformed request (syntax, nesting, out-of-range number)",
    401: "No or unknown API key",
    404: "No such record or route",
    422: "Well-formed but invalid input, named per field",
    503: "The database is unavailable; retry after Retry-After seconds",
}
WRITE_PROBLEMS = READ_PROBLEMS | {
    403: "The key's role may not write",
    409: "Conflicts with the register (duplicate, dependents, last admin key)",
    412: "If-Match names a version that is no longer current",
    413: "Request body too large",
    415: "Unsupported file type",
    428: "If-Match is required",
    429: "Too many imports at once; retry after Retry-After seconds",
}
RETRY_AFTER = Header(
    schema=Schema(type=OpenAPIType.INTEGER), description="Seconds to wait before retrying"
)


def _problem(description: str, status: int) -> OpenAPIResponse:
    return OpenAPIResponse(
        description=description,
        content={PROBLEM_MEDIA_TYPE: MediaType(schema=Reference("#/components/schemas/Problem"))},
        headers={"Retry-After": RETRY_AFTER} if status in (429, 503) else None,
    )


#: Operations whose success body comes in more than one type (Litestar states one).
BINARY = Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
JSON_BODY = Schema(type=OpenAPIType.OBJECT, description="The register as JSON")
SUCCESS_TYPES: dict[str, tuple[str, ...]] = {
    "ExportRegister": tuple(EXPORT_TYPES.values()),
    "GetAgreementAttachmentContent": (*sorted(SAFE_CONTENT_TYPES), "application/octet-stream"),
}


def document_problems(openapi: OpenAPI) -> OpenAPI:
    """Add the shared problem responses to every operation (keeping any a handler states)."""
    if openapi.components.schemas is not None:
        openapi.components.schemas["Problem"] = PROBLEM
    for item in (openapi.paths or {}).values():
        for method in ("get", "post", "put", "patch", "delete"):
            operation: Operation | None = getattr(item, method, None)
            if operation is None:
                continue
            problems = READ_PROBLEMS if method == "get" else WRITE_PROBLEMS
            responses = dict(operation.responses or {})
            for status, description in problems.items():
                responses.setdefault(str(status), _problem(description, status))
                if status == 400 and isinstance(responses["400"], OpenAPIResponse):
                    responses["400"].content = {
                        PROBLEM_MEDIA_TYPE: MediaType(
                            schema=Reference("#/components/schemas/Problem")
                        )
                    }
            success = responses.get("200")
            if operation.operation_id in SUCCESS_TYPES and isinstance(success, OpenAPIResponse):
                success.content = {
                    t: MediaType(schema=JSON_BODY if t == "application/json" else BINARY)
                    for t in SUCCESS_TYPES[operation.operation_id]
                }
            operation.responses = responses
    return openapi


class _DocumentedOpenAPIPlugin(OpenAPIPlugin):
    """Litestar's OpenAPI plugin, completing the document it builds with the shared problems."""

    __slots__ = ()

    def _build_openapi(self) -> OpenAPI:
        return document_problems(super()._build_openapi())


def document_when_built(app: Litestar) -> None:
    """Complete the OpenAPI document with the shared problems when Litestar first builds it.

    Building it costs about a second of CPU (269 operations), so it is built on the first read
    of ``/schema`` (or of ``app.openapi_schema``), not at start-up: a server, a CLI command or a
    test that never reads it never pays for it. Litestar caches the built document and rebuilds
    it when a route is added; the plugin it registered is given the subclass above (same slots,
    one method more), as Litestar offers no hook after the build.
    """
    plugin = app.plugins.get(OpenAPIPlugin)
    plugin.__class__ = _DocumentedOpenAPIPlugin
