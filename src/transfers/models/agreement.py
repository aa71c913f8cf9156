"""Agreements with vendors (Art. 28 DPAs, SCCs, UK instruments...) and their attachments."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from transfers.models.base import Base, JSONType, UTCDateTime, VersionedMixin, utcnow


class Agreement(VersionedMixin, Base):
    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(
        ForeignKey("vendor.id", ondelete="CASCADE"), nullable=False, index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    scc_module: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="draft")
    signed_on: Mapped[date | None] = mapped_column(Date)
    effective_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    terminated_on: Mapped[date | None] = mapped_column(Date)
    term: Mapped[str | None] = mapped_column(String(20))
    auto_renew: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    renewal_term: Mapped[str | None] = mapped_column(String(20))
    notice_period: Mapped[str | None] = mapped_column(String(20))
    subprocessor_authorisation: Mapped[str | None] = mapped_column(String(20))
    objection_period_days: Mapped[int | None] = mapped_column(Integer)
    owner: Mapped[str | None] = mapped_column(String(320))
    notes: Mapped[str | None] = mapped_column(Text)
    scc_clauses: Mapped[dict[str, object] | None] = mapped_column(JSONType)
    """The options elected in SCCs of Decision (EU) 2021/914 (Clauses 7, 11, 13, 17, 18; the
    Clause 9(a) option is ``subprocessor_authorisation`` with ``objection_period_days``)."""


class AgreementAttachment(Base):
    __tablename__ = "agreement_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreement.id", ondelete="CASCADE"), nullable=False, index=True
    )
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    content_type: Mapped[str] = mapped_column(String(120), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    uploaded_by: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
