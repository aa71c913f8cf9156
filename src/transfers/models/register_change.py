"""The register's change log: one row per write that can change a verdict.

Rows are written by database triggers on vendor, agreement, transfer, assessment, processing and
vendor_subprocessor (see the migration), so every write path (API, import, workspace, CLI, raw
SQL) records it in the same transaction. The highest id is the register version: each process
checks it per request and reloads only the vendors written since (``transfers.register``).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import Mapped, mapped_column

from transfers.models.base import Base


class RegisterChange(Base):
    __tablename__ = "register_change"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    vendor_id: Mapped[int | None] = mapped_column(Integer)
