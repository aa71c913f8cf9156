"""API key payloads: the secret appears only in the creation response."""

from __future__ import annotations

from datetime import datetime

import msgspec

from transfers.common.actor import Actor
from transfers.common.fields import ApiRole, Name

__all__ = ["Actor", "ApiKeyCreate", "ApiKeyCreated", "ApiKeyRead"]


class ApiKeyCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    role: ApiRole


class ApiKeyRead(msgspec.Struct):
    id: int
    name: str
    role: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiKeyCreated(msgspec.Struct):
    id: int
    name: str
    role: str
    key: str
    note: str = "Store this key now: it is shown only once and kept only as a hash."
