"""Sub-processor change notices from a processor (GDPR Art. 28(2))."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from transfers.models.base import Base, VersionedMixin


class SubprocessorNotice(VersionedMixin, Base):
    """A processor tells us it adds, replaces or removes a sub-processor. ``subprocessor_id``
    is set when the sub-processor is (or, once applied, becomes) a vendor in the register;
    ``replaces_id`` names the one leaving on a replacement."""

    __tablename__ = "subprocessor_notice"
    __table_args__ = (Index("ix_subprocessor_notice_state", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(
        ForeignKey("vendor.id", ondelete="CASCADE"), nullable=False, index=True
    )
    change: Mapped[str] = mapped_column(String(20), nullable=False)
    subprocessor_id: Mapped[int | None] = mapped_column(
        ForeignKey("vendor.id", ondelete="SET NULL"), index=True
    )
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("vendor.id", ondelete="SET NULL"), index=True
    )
    subprocessor_name: Mapped[str] = mapped_column(String(200), nullable=False)
    subprocessor_country: Mapped[str] = mapped_column(String(2), nullable=False)
    mechanism: Mapped[str] = mapped_column(String(30), nullable=False, default="none")
    scc_module: Mapped[int | None] = mapped_column(Integer)
    purpose: Mapped[str | None] = mapped_column(Text)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    effective_on: Mapped[date] = mapped_column(Date, nullable=False)
    authorisation: Mapped[str] = mapped_column(String(20), nullable=False)
    objection_deadline: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(20), nullable=False, default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_on: Mapped[date | None] = mapped_column(Date)
    objection_reason: Mapped[str | None] = mapped_column(Text)
    objection_sent_on: Mapped[date | None] = mapped_column(Date)
    applied_on: Mapped[date | None] = mapped_column(Date)
