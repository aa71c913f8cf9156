"""The audit trail, overall and per entity, filterable by actor and date."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from litestar import Controller, get
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.audit.schemas import AuditEventRead
from transfers.audit.service import list_events
from transfers.common.fields import Limit, Offset
from transfers.common.pagination import Page


def _start(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


class AuditController(Controller):
    path = "/api/v1/audit"
    tags = ["audit"]

    @get("/", operation_id="ListAuditEvents")
    async def list_audit(
        self,
        db_session: AsyncSession,
        entity_type: str | None = None,
        entity_id: int | None = None,
        actor: str | None = None,
        since: date | None = Parameter(default=None, description="From this day (UTC), inclusive"),
        until: date | None = Parameter(default=None, description="Up to this day (UTC), inclusive"),
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Page[AuditEventRead]:
        events, total = await list_events(
            db_session,
            entity_type=entity_type,
            entity_id=entity_id,
            actor=actor,
            since=_start(since),
            until=_start(until + timedelta(days=1)) if until else None,
            limit=limit,
            offset=offset,
        )
        items = [
            AuditEventRead(
                id=e.id,
                occurred_at=e.occurred_at,
                actor=e.actor,
                action=e.action,
                entity_type=e.entity_type,
                entity_id=e.entity_id,
                before=e.before,
                after=e.after,
            )
            for e in events
        ]
        return Page(items=items, total=total, limit=limit, offset=offset)
