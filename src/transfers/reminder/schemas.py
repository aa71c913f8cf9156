"""Reminder payloads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

import msgspec

from transfers.common.fields import Email

ReminderStateValue = Literal["open", "acknowledged", "snoozed", "done"]


class ReminderRead(msgspec.Struct):
    key: str
    kind: str
    due_on: date
    report_on: date
    days_left: int
    overdue: bool
    title: str
    entity_type: str
    entity_id: int
    vendor_id: int | None
    vendor_name: str
    owner: str | None
    citation: str
    state: ReminderStateValue
    snoozed_until: date | None
    title_key: str = ""
    """The title's wording, for a reader that words it in its own language (with ``title_params``)."""
    title_params: dict[str, Any] = {}


class ReminderList(msgspec.Struct):
    items: list[ReminderRead]
    total: int
    as_of: date
    within_days: int
    limit: int = 500
    offset: int = 0


class ReminderStateUpdate(msgspec.Struct, forbid_unknown_fields=True):
    state: ReminderStateValue
    snoozed_until: date | None = None
    owner: Email | None = None


class CalendarFeedCreate(msgspec.Struct, forbid_unknown_fields=True):
    owner: Email | None = None


class CalendarFeedCreated(msgspec.Struct):
    id: int
    url: str
    owner: str | None
    note: str = "Subscribe to this URL in Outlook or Google Calendar; it carries its own token, shown only once."


class CalendarFeedRead(msgspec.Struct):
    id: int
    owner: str | None
    created_by: str
    created_at: datetime
    revoked_at: datetime | None
