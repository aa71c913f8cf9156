"""API key management (admin only); the CLI offers the same through `transfers keys`."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.auth import service
from transfers.auth.guards import requires_admin
from transfers.auth.schemas import Actor, ApiKeyCreate, ApiKeyCreated, ApiKeyRead


def _read(key: Any) -> ApiKeyRead:
    return ApiKeyRead(
        id=key.id,
        name=key.name,
        role=key.role,
        prefix=key.prefix,
        created_at=key.created_at,
        revoked_at=key.revoked_at,
        last_used_at=key.last_used_at,
    )


class ApiKeyController(Controller):
    path = "/api/v1/keys"
    tags = ["keys"]
    guards = [requires_admin]

    @get("/", operation_id="ListApiKeys")
    async def list_keys(self, db_session: AsyncSession) -> list[ApiKeyRead]:
        return [_read(k) for k in await service.list_keys(db_session)]

    @post("/", operation_id="CreateApiKey")
    async def create_key(
        self, request: Request[Actor, Any, Any], db_session: AsyncSession, data: ApiKeyCreate
    ) -> ApiKeyCreated:
        key, secret = await service.create_key(
            db_session, name=data.name, role=data.role, actor=request.user
        )
        await db_session.commit()
        return ApiKeyCreated(id=key.id, name=key.name, role=key.role, key=secret)

    @post("/{key_id:int}/revoke", operation_id="RevokeApiKey", status_code=200)
    async def revoke_key(
        self, request: Request[Actor, Any, Any], db_session: AsyncSession, key_id: int = Parameter()
    ) -> ApiKeyRead:
        key = await service.find_key(db_session, str(key_id))
        await service.revoke_key(db_session, key, request.user)
        await db_session.commit()
        return _read(key)
