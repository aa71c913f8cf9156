"""Vendor intake requests: procurement asks, the engine pre-checks, legal decides."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from transfers.models.base import Base, JSONType, UTCDateTime, VersionedMixin


class IntakeRequest(VersionedMixin, Base):
    """One request to start using a vendor. ``destinations`` holds what the vendor offers per
    country (mechanism, SCC module, DPF facts); ``conditions`` the legal decision's conditions,
    each with its due date and when it was met."""

    __tablename__ = "intake_request"
    __table_args__ = (Index("ix_intake_request_state", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(30), nullable=False, default="submitted")
    requester: Mapped[str] = mapped_column(String(200), nullable=False)
    requester_email: Mapped[str | None] = mapped_column(String(320))
    vendor_id: Mapped[int | None] = mapped_column(
        ForeignKey("vendor.id", ondelete="SET NULL"), index=True
    )
    vendor_name: Mapped[str] = mapped_column(String(200), nullable=False)
    vendor_country: Mapped[str] = mapped_column(String(2), nullable=False)
    vendor_business_id: Mapped[str | None] = mapped_column(String(40))
    vendor_role: Mapped[str] = mapped_column(String(20), nullable=False, default="processor")
    service: Mapped[str] = mapped_column(String(300), nullable=False)
    purposes: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    data_categories: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    data_subjects: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    destinations: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONType, nullable=False, default=list
    )
    expected_start: Mapped[date | None] = mapped_column(Date)
    processing_id: Mapped[int | None] = mapped_column(
        ForeignKey("processing.id", ondelete="SET NULL"), index=True
    )
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str | None] = mapped_column(Text)
    conditions: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, nullable=False, default=list)
