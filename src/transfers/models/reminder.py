"""Reminder state, the idempotent sent-log, and calendar feed tokens."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from transfers.models.base import Base, UTCDateTime, VersionedMixin, utcnow


class ReminderState(VersionedMixin, Base):
    """What a person did with a computed deadline (the deadline itself is always recomputed)."""

    __tablename__ = "reminder_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    state: Mapped[str] = mapped_column(String(20), nullable=False, default="open")
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    owner: Mapped[str | None] = mapped_column(String(320))
    updated_by: Mapped[str | None] = mapped_column(String(200))


class ReminderDelivery(Base):
    """One row per reminder, lead time and channel: the unique key makes sending idempotent."""

    __tablename__ = "reminder_delivery"
    __table_args__ = (UniqueConstraint("reminder_key", "lead_days", "channel", "recipient"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reminder_key: Mapped[str] = mapped_column(String(200), nullable=False)
    lead_days: Mapped[int] = mapped_column(Integer, nullable=False)
    channel: Mapped[str] = mapped_column(String(20), nullable=False)
    recipient: Mapped[str] = mapped_column(String(320), nullable=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class CalendarFeed(Base):
    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    owner: Mapped[str | None] = mapped_column(String(320))
    created_by: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
