"""Transfer impact assessments (EDPB Recommendations 01/2020; SCC Clause 14)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from transfers.models.base import Base, VersionedMixin


class Assessment(VersionedMixin, Base):
    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(
        ForeignKey("transfer.id", ondelete="CASCADE"), nullable=False, index=True
    )
    completed_on: Mapped[date | None] = mapped_column(Date)
    conclusion: Mapped[str | None] = mapped_column(String(30))
    supplementary_measures: Mapped[str | None] = mapped_column(Text)
    law_and_practice: Mapped[str | None] = mapped_column(Text)
    procedural_steps: Mapped[str | None] = mapped_column(Text)
    next_review_on: Mapped[date | None] = mapped_column(Date)
    assessor: Mapped[str | None] = mapped_column(String(200))
    approver: Mapped[str | None] = mapped_column(String(200))
    """Who signed the assessment off (EDPB Recommendations 01/2020: documented and accountable)."""
    approved_on: Mapped[date | None] = mapped_column(Date)
    owner: Mapped[str | None] = mapped_column(String(320))
    notes: Mapped[str | None] = mapped_column(Text)
