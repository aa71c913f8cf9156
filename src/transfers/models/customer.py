"""Our customers (the controllers we process for) and what we tell them under GDPR Art. 28(2).

A customer's DPA says whether it gave us a general written authorisation for sub-processors
(then it may object within ``objection_period_days`` of our notice) or a specific one (then a
change needs its consent first). A planned change of our sub-processors is sent to every customer
whose services it touches, one notice per customer, delivered per recipient; the public
sub-processor page has its own subscribers (double opt-in, tokens stored hashed).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from transfers.models.base import Base, JSONType, UTCDateTime, VersionedMixin, utcnow


class Customer(VersionedMixin, Base):
    __tablename__ = "customer"

    id: Mapped[int] = mapped_column(primary_key=True)
    legal_name: Mapped[str] = mapped_column(String(300), nullable=False, unique=True)
    business_id: Mapped[str | None] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(String(2), nullable=False)
    language: Mapped[str] = mapped_column(String(2), nullable=False, default="fi")
    privacy_email: Mapped[str | None] = mapped_column(String(320))
    dpo_email: Mapped[str | None] = mapped_column(String(320))
    authorisation: Mapped[str] = mapped_column(String(20), nullable=False, default="general")
    objection_period_days: Mapped[int | None] = mapped_column(Integer)
    notice_channel: Mapped[str] = mapped_column(String(20), nullable=False, default="email")
    dpa_signed_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)


class CustomerProcessing(Base):
    """A customer uses one of our services: its data flows through that processing's vendor and
    the vendor's sub-processors. This link is the processing's controller."""

    __tablename__ = "customer_processing"
    __table_args__ = (UniqueConstraint("customer_id", "processing_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), nullable=False, index=True
    )
    processing_id: Mapped[int] = mapped_column(
        ForeignKey("processing.id", ondelete="CASCADE"), nullable=False, index=True
    )


class SubprocessorChange(VersionedMixin, Base):
    """A change of our sub-processors that we plan, to be announced to our customers.

    ``vendor_id`` is the processor in whose chain the sub-processor sits (None: we engage it
    ourselves); ``subprocessor_id`` names a sub-processor in the register, else ``name`` and
    ``country`` describe a new one. ``new_country`` is the country a sub-processor moves to."""

    __tablename__ = "subprocessor_change"
    __table_args__ = (Index("ix_subprocessor_change_state", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change: Mapped[str] = mapped_column(String(20), nullable=False)
    vendor_id: Mapped[int | None] = mapped_column(
        ForeignKey("vendor.id", ondelete="SET NULL"), index=True
    )
    subprocessor_id: Mapped[int | None] = mapped_column(
        ForeignKey("vendor.id", ondelete="SET NULL"), index=True
    )
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("vendor.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    country: Mapped[str] = mapped_column(String(2), nullable=False)
    new_country: Mapped[str | None] = mapped_column(String(2))
    mechanism: Mapped[str] = mapped_column(String(30), nullable=False, default="none")
    scc_module: Mapped[int | None] = mapped_column(Integer)
    purpose: Mapped[str | None] = mapped_column(Text)
    safeguard: Mapped[str | None] = mapped_column(Text)
    processing_ids: Mapped[list[int]] = mapped_column(JSONType, nullable=False, default=list)
    effective_on: Mapped[date] = mapped_column(Date, nullable=False)
    owner: Mapped[str | None] = mapped_column(String(320))
    notes: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), nullable=False, default="planned")
    """planned -> sent -> applied | withdrawn"""
    sent_on: Mapped[date | None] = mapped_column(Date)
    engaged_on: Mapped[date | None] = mapped_column(Date)
    override_reason: Mapped[str | None] = mapped_column(Text)


class CustomerNotice(VersionedMixin, Base):
    """One customer's notice of one change, and its answer (objection or consent) and
    resolution."""

    __tablename__ = "customer_notice"
    __table_args__ = (UniqueConstraint("change_id", "customer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(
        ForeignKey("subprocessor_change.id", ondelete="CASCADE"), nullable=False, index=True
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customer.id", ondelete="CASCADE"), nullable=False, index=True
    )
    language: Mapped[str] = mapped_column(String(2), nullable=False)
    authorisation: Mapped[str] = mapped_column(String(20), nullable=False)
    objection_period_days: Mapped[int | None] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    sent_on: Mapped[date | None] = mapped_column(Date)
    response: Mapped[str | None] = mapped_column(String(20))
    """objected | consented"""
    response_by: Mapped[str | None] = mapped_column(String(300))
    response_on: Mapped[date | None] = mapped_column(Date)
    response_reason: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[str | None] = mapped_column(String(30))
    """withdrawn (the objection) | dropped (the change, for this customer) | terminated"""
    resolved_on: Mapped[date | None] = mapped_column(Date)
    resolved_by: Mapped[str | None] = mapped_column(String(200))


class NoticeDelivery(Base):
    """One e-mail of one notice to one recipient. ``key`` is unique: a retry of the sending job
    finds the row already sent and never mails it twice."""

    __tablename__ = "notice_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    notice_id: Mapped[int | None] = mapped_column(
        ForeignKey("customer_notice.id", ondelete="CASCADE"), index=True
    )
    change_id: Mapped[int] = mapped_column(
        ForeignKey("subprocessor_change.id", ondelete="CASCADE"), nullable=False, index=True
    )
    recipient: Mapped[str] = mapped_column(String(320), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="queued")
    """queued | sent | failed | bounced"""
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    reason: Mapped[str | None] = mapped_column(Text)
    unsubscribe_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    """A page subscriber's e-mail carries its own unsubscribe token (stored hashed), so the
    link in every message keeps working."""
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class PageSubscriber(Base):
    """A subscriber of the public sub-processor page. Only hashes of the tokens are stored."""

    __tablename__ = "page_subscriber"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), nullable=False, unique=True)
    language: Mapped[str] = mapped_column(String(2), nullable=False, default="en")
    confirm_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    confirm_expires: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unsubscribe_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
