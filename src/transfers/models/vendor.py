"""Vendors (processors, subprocessors, other recipients) and their subprocessor links."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from transfers.models.base import Base, JSONType, VersionedMixin


class Vendor(VersionedMixin, Base):
    __tablename__ = "vendor"
    __table_args__ = (
        Index("ix_vendor_name_lower", "name"),
        Index("ix_vendor_status", "status"),
        # The list filters by country and orders by name (issue 13: no index made it a scan).
        Index("ix_vendor_country_name", "country", "name", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    legal_name: Mapped[str | None] = mapped_column(String(300))
    business_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    address: Mapped[str | None] = mapped_column(Text)
    """Registered postal address: the party clause of a DPA and SCC Annex I.A."""
    country: Mapped[str] = mapped_column(String(2), nullable=False)
    category: Mapped[str] = mapped_column(String(40), nullable=False, default="other")
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="proposed")
    contacts: Mapped[list[dict[str, str]]] = mapped_column(JSONType, nullable=False, default=list)
    website: Mapped[str | None] = mapped_column(String(500))
    owner: Mapped[str | None] = mapped_column(String(320))
    notes: Mapped[str | None] = mapped_column(Text)
    authorised_by_processor: Mapped[bool | None] = mapped_column(Boolean)
    dpf_participant_id: Mapped[str | None] = mapped_column(String(40))
    signatory_name: Mapped[str | None] = mapped_column(String(200))
    """Who signs agreements for the vendor: the name printed in a DPA's signature block."""
    signatory_title: Mapped[str | None] = mapped_column(String(200))
    """The signatory's position ("Chief Executive Officer"), printed beside the name."""


class VendorSubprocessor(Base):
    """Edge of a subprocessor chain: ``subprocessor`` processes for ``vendor``."""

    __tablename__ = "vendor_subprocessor"
    __table_args__ = (UniqueConstraint("vendor_id", "subprocessor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(
        ForeignKey("vendor.id", ondelete="CASCADE"), nullable=False, index=True
    )
    subprocessor_id: Mapped[int] = mapped_column(
        ForeignKey("vendor.id", ondelete="CASCADE"), nullable=False, index=True
    )
    notified_on: Mapped[date | None] = mapped_column(Date)
    engaged_on: Mapped[date | None] = mapped_column(Date)
    """When the sub-processor started (or will start) processing for ``vendor``: the date a
    customer's sub-processor list reports as the change (GDPR Art. 28(2))."""
    ended_on: Mapped[date | None] = mapped_column(Date)
    """When the engagement ended or will end (announced removal)."""
