"""Audit events as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class AuditEventRead(msgspec.Struct):
    id: int
    occurred_at: datetime
    actor: str
    action: str
    entity_type: str
    entity_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
