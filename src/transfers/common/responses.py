"""Response helpers: ETags carry the row version; reads are built from column values."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from litestar import Response

S = TypeVar("S", bound=msgspec.Struct)


def etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}


def created(body: Any, location: str) -> Response[Any]:
    return Response(body, status_code=201, headers=etag(body.version) | {"Location": location})


def read_as(schema: type[S], obj: Any, **extra: Any) -> S:
    """Build a read schema from an ORM row: only the schema's fields, nothing else leaks."""
    values = {
        name: extra[name] if name in extra else getattr(obj, name)
        for name in schema.__struct_fields__
    }
    return msgspec.convert(values, schema, from_attributes=True)


def version_of(data: Any) -> int | None:
    value = getattr(data, "version", msgspec.UNSET)
    return value if isinstance(value, int) else None
