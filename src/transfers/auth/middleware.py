"""Bearer-key authentication for every API path except the schema, health and calendar feeds."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from transfers.auth.cache import actor_cache
from transfers.auth.schemas import Actor
from transfers.auth.service import authenticate, hash_key

PUBLIC_PATHS = [r"^/schema", r"^/health$", r"^/ready$", r"^/api/v1/calendar-feeds/[^/]+/feed\.ics$"]


class ApiKeyAuthenticationMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise NotAuthorizedException("Send an API key as 'Authorization: Bearer <key>'.")
        secret = secret.strip()
        digest = hash_key(secret)
        maker: async_sessionmaker[AsyncSession] = connection.app.state.session_maker

        async def check() -> Actor | None:
            async with maker() as session:
                return await authenticate(session, secret)

        actor = await actor_cache.resolve(digest, check)
        if actor is None:
            raise NotAuthorizedException("The API key is unknown or revoked.")
        return AuthenticationResult(user=actor, auth=actor.key_id)
