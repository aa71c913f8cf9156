"""What a vendor engagement processes: the Art. 28(3) and Art. 30 description."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from transfers.models.base import Base, JSONType, VersionedMixin


class Processing(VersionedMixin, Base):
    __tablename__ = "processing"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(
        ForeignKey("vendor.id", ondelete="CASCADE"), nullable=False, index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    service: Mapped[str] = mapped_column(String(300), nullable=False)
    our_role: Mapped[str] = mapped_column(String(20), nullable=False, default="controller")
    controller: Mapped[str | None] = mapped_column(Text)
    """On whose behalf we process when ``our_role`` is processor (GDPR Art. 30(2)(a)); named
    in the Art. 28(4) sub-processing agreement and the record extract."""
    purposes: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    data_categories: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    data_subject_categories: Mapped[list[str]] = mapped_column(
        JSONType, nullable=False, default=list
    )
    special_categories: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    criminal_data: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    nature: Mapped[str | None] = mapped_column(Text)
    retention: Mapped[str | None] = mapped_column(Text)
    technical_measures: Mapped[str | None] = mapped_column(Text)
    measures_catalogue: Mapped[dict[str, str] | None] = mapped_column(JSONType)
    """Technical and organisational measures by the categories of SCC Annex II
    (``reference/data/vocabulary.toml`` [measure_categories]), for DPA and SCC Annex II."""
    translations: Mapped[dict[str, dict[str, str]] | None] = mapped_column(JSONType)
    """The free texts in another language, {"fi": {"service": ..., "nature": ...}}: each
    document prints its own language's text when there is one, else the text as typed."""
