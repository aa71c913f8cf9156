"""A bulk document job and one outcome row per vendor it covered."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from transfers.models.base import Base, JSONType, UTCDateTime, utcnow


class DocumentJob(Base):
    """What was asked (kind, language, date, the vendors chosen when the job was created) and
    where it stands; progress is the count of its :class:`DocumentJobItem` rows."""

    __tablename__ = "document_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    language: Mapped[str] = mapped_column(String(5), nullable=False)
    as_of: Mapped[date] = mapped_column(Date, nullable=False)
    selection: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False, default=dict)
    vendor_ids: Mapped[list[int]] = mapped_column(JSONType, nullable=False, default=list)
    total: Mapped[int] = mapped_column(Integer, nullable=False)
    state: Mapped[str] = mapped_column(String(20), nullable=False, default="queued", index=True)
    error: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """Renewed while a process holds the job (SQLite's in-memory queue): a job whose lease ran
    out belongs to a process that died, and another takes it over (:mod:`transfers.job.lease`)."""


class DocumentJobItem(Base):
    """One vendor's outcome, written in the same transaction as its document (or alone, with the
    problem, when the vendor lacks data): a retried job skips the vendors already done."""

    __tablename__ = "document_job_item"
    __table_args__ = (UniqueConstraint("job_id", "vendor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(
        ForeignKey("document_job.id", ondelete="CASCADE"), nullable=False, index=True
    )
    vendor_id: Mapped[int] = mapped_column(Integer, nullable=False)
    vendor_name: Mapped[str] = mapped_column(String(200), nullable=False)
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("document.id", ondelete="SET NULL"), index=True
    )
    problem: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
