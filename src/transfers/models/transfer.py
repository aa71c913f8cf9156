"""Transfers: flows of personal data to a vendor in a destination country (GDPR Chapter V)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from transfers.models.base import Base, JSONType, VersionedMixin


class Transfer(VersionedMixin, Base):
    __tablename__ = "transfer"
    __table_args__ = (Index("ix_transfer_mechanism", "mechanism"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(
        ForeignKey("vendor.id", ondelete="CASCADE"), nullable=False, index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    processing_id: Mapped[int | None] = mapped_column(
        ForeignKey("processing.id", ondelete="SET NULL"), index=True
    )
    agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("agreement.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str | None] = mapped_column(Text)
    transfer_type: Mapped[str] = mapped_column(String(20), nullable=False, default="storage")
    exporter_role: Mapped[str] = mapped_column(String(20), nullable=False)
    destination_country: Mapped[str] = mapped_column(String(2), nullable=False)
    data_categories: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    frequency: Mapped[str | None] = mapped_column(String(20))
    mechanism: Mapped[str] = mapped_column(String(30), nullable=False)
    scc_module: Mapped[int | None] = mapped_column(Integer)
    fallback_mechanism: Mapped[str | None] = mapped_column(String(30))
    adequacy_scope_confirmed: Mapped[bool | None] = mapped_column(Boolean)
    dpf_certified: Mapped[bool | None] = mapped_column(Boolean)
    dpf_hr_covered: Mapped[bool | None] = mapped_column(Boolean)
    dpf_verified_on: Mapped[date | None] = mapped_column(Date)
    bcr_approval_ref: Mapped[str | None] = mapped_column(String(200))
    bcr_type: Mapped[str | None] = mapped_column(String(20))
    importer_in_group: Mapped[bool | None] = mapped_column(Boolean)
    approval_ref: Mapped[str | None] = mapped_column(String(200))
    combines_eu_data: Mapped[bool | None] = mapped_column(Boolean)
    third_country_order: Mapped[bool | None] = mapped_column(Boolean)
    international_agreement: Mapped[str | None] = mapped_column(String(300))
    limited_data_subjects: Mapped[bool | None] = mapped_column(Boolean)
    authority_informed_on: Mapped[date | None] = mapped_column(Date)
    data_subjects_informed: Mapped[bool | None] = mapped_column(Boolean)
    supplementary_measures: Mapped[str | None] = mapped_column(Text)
    translations: Mapped[dict[str, dict[str, str]] | None] = mapped_column(JSONType)
    """The free texts (description, supplementary measures) in another language; a document
    prints its own language's."""
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
