"""Role checks: procurement reads and asks for status; legal and admin write the register."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from transfers.auth.schemas import Actor

WRITERS = frozenset({"admin", "legal"})


def _actor(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    user = connection.scope.get("user")
    if not isinstance(user, Actor):
        raise NotAuthorizedException("Send an API key as 'Authorization: Bearer <key>'.")
    return user


def requires_writer(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    actor = _actor(connection)
    if actor.role not in WRITERS:
        raise PermissionDeniedException(
            f"The {actor.role} role can read the register but not change it."
        )


def requires_admin(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    actor = _actor(connection)
    if actor.role != "admin":
        raise PermissionDeniedException("Only an admin key may do this.")
