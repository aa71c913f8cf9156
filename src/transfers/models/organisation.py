"""Our own legal entities: the exporters in every transfer."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from transfers.models.base import Base, JSONType, VersionedMixin


class Organisation(VersionedMixin, Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    business_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    country: Mapped[str] = mapped_column(String(2), nullable=False)
    roles: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list)
    address: Mapped[str | None] = mapped_column(Text)
    dpo_name: Mapped[str | None] = mapped_column(String(200))
    dpo_email: Mapped[str | None] = mapped_column(String(320))
    dpo_phone: Mapped[str | None] = mapped_column(String(60))
    supervisory_authority: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    signatory_name: Mapped[str | None] = mapped_column(String(200))
    """Who signs agreements for us: the name printed in a document's signature block."""
    signatory_title: Mapped[str | None] = mapped_column(String(200))
    """The signatory's position ("toimitusjohtaja"), printed beside the name."""
