"""Transfer impact assessments (EDPB Recommendations 01/2020; SCC Clause 14)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from transfers.models.base import Base, JSONType, VersionedMixin


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
    importer_finding: Mapped[str | None] = mapped_column(Text)
    """The assessor's Step 3 finding for this importer and these data (EDPB Recommendations
    01/2020, step 3): whether the destination's laws and practice reach them. The reference's
    country text is guidance for it, never the finding."""
    procedural_steps: Mapped[str | None] = mapped_column(Text)
    next_review_on: Mapped[date | None] = mapped_column(Date)
    assessor: Mapped[str | None] = mapped_column(String(200))
    approver: Mapped[str | None] = mapped_column(String(200))
    """Who signed the assessment off (EDPB Recommendations 01/2020: documented and accountable)."""
    approved_on: Mapped[date | None] = mapped_column(Date)
    risk_period_years: Mapped[int | None] = mapped_column(Integer)
    risk_scenarios: Mapped[list[dict[str, object]] | None] = mapped_column(JSONType)
    """The assessor's estimates per scenario (transfers.assessment.risk)."""
    conclusion_reasoning: Mapped[str | None] = mapped_column(Text)
    translations: Mapped[dict[str, dict[str, str]] | None] = mapped_column(JSONType)
    """The free texts in another language; a TIA document prints its own language's."""
    owner: Mapped[str | None] = mapped_column(String(320))
    notes: Mapped[str | None] = mapped_column(Text)
