"""Reminder endpoints and calendar feeds."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.auth.guards import requires_writer
from transfers.auth.schemas import Actor
from transfers.common.fields import Offset
from transfers.common.responses import read_as
from transfers.reminder import service
from transfers.reminder.feed import build_calendar
from transfers.reminder.schemas import (
    CalendarFeedCreate,
    CalendarFeedCreated,
    CalendarFeedRead,
    ReminderList,
    ReminderStateUpdate,
)
from transfers.rules.deadlines import KINDS
from transfers.settings import Settings


def _settings(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


class ReminderController(Controller):
    path = "/api/v1/reminders"
    tags = ["reminders"]

    @get("/", operation_id="ListReminders")
    async def list_reminders(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        within: str | None = Parameter(
            default=None, description="Horizon: 90d, 12w, 3m, P3M (default 90d)"
        ),
        kind: str | None = Parameter(default=None, description=f"One of {', '.join(KINDS)}"),
        owner: str | None = None,
        vendor_id: int | None = None,
        include_done: bool = False,
        as_of: date | None = None,
        limit: int = Parameter(
            default=500, ge=1, le=5000, description="Page size (default 500, at most 5000)"
        ),
        offset: Offset = 0,
    ) -> ReminderList:
        """Due first; one page at a time (a year ahead at 10,000 vendors is tens of thousands
        of reminders, 8 MB in one body), with the total of all that match."""
        if kind is not None and kind not in KINDS:
            from transfers.common.problems import invalid

            raise invalid(
                f"Unknown reminder kind {kind!r}; use one of {', '.join(KINDS)}.", field="kind"
            )
        day = as_of or date.today()
        days = service.parse_within(within)
        items = await service.list_reminders(
            db_session,
            as_of=day,
            within_days=days,
            filters=service.Filters(
                kind=kind, owner=owner, vendor_id=vendor_id, include_done=include_done
            ),
            settings=_settings(request),
        )
        return ReminderList(
            items=items[offset : offset + limit],
            total=len(items),
            as_of=day,
            within_days=days,
            limit=limit,
            offset=offset,
        )

    @put("/{key:str}/state", operation_id="SetReminderState", guards=[requires_writer])
    async def set_state(
        self,
        request: Request[Actor, Any, Any],
        db_session: AsyncSession,
        key: str,
        data: ReminderStateUpdate,
    ) -> dict[str, Any]:
        row = await service.set_state(
            db_session,
            key,
            state=data.state,
            snoozed_until=data.snoozed_until,
            owner=data.owner,
            actor=request.user,
            as_of=date.today(),
            settings=_settings(request),
        )
        await db_session.commit()
        return {
            "key": row.key,
            "state": row.state,
            "snoozed_until": row.snoozed_until,
            "owner": row.owner,
        }


class CalendarFeedController(Controller):
    path = "/api/v1/calendar-feeds"
    tags = ["reminders"]

    @get("/", operation_id="ListCalendarFeeds")
    async def list_feeds(self, db_session: AsyncSession) -> list[CalendarFeedRead]:
        return [read_as(CalendarFeedRead, r) for r in await service.list_feeds(db_session)]

    @post("/", operation_id="CreateCalendarFeed", guards=[requires_writer])
    async def create_feed(
        self, request: Request[Actor, Any, Any], db_session: AsyncSession, data: CalendarFeedCreate
    ) -> Response[CalendarFeedCreated]:
        feed, token = await service.create_feed(db_session, data.owner, request.user)
        await db_session.commit()
        url = f"{_settings(request).public_url}{self.path}/{token}/feed.ics"
        return Response(CalendarFeedCreated(id=feed.id, url=url, owner=feed.owner), status_code=201)

    @delete("/{feed_id:int}", operation_id="RevokeCalendarFeed", guards=[requires_writer])
    async def revoke_feed(
        self, request: Request[Actor, Any, Any], db_session: AsyncSession, feed_id: int
    ) -> None:
        await service.revoke_feed(db_session, feed_id, request.user)
        await db_session.commit()

    @get("/{token:str}/feed.ics", operation_id="GetCalendarFeed", media_type="text/calendar")
    async def feed(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, token: str
    ) -> Response[bytes]:
        """Public by design: the URL carries its own revocable token (no other credential)."""
        feed = await service.feed_by_token(db_session, token)
        deadlines = await service.feed_deadlines(db_session, feed, date.today(), _settings(request))
        name = f"transfers deadlines ({feed.owner})" if feed.owner else "transfers deadlines"
        body = build_calendar(deadlines, name=name, now=datetime.now(UTC))
        return Response(
            body,
            media_type="text/calendar; charset=utf-8",
            headers={"Cache-Control": "private, max-age=300"},
        )
