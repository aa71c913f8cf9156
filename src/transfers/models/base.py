"""Declarative base with named constraints (so Alembic batch mode works on SQLite)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, MetaData
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class JSONType(TypeDecorator[Any]):
    """JSON, stored as ``jsonb`` on PostgreSQL.

    A decorator rather than ``JSON().with_variant(JSONB(), "postgresql")``: the variant needs
    the PostgreSQL dialect package at import time (about 35 ms, a tenth of every one-shot CLI
    command on SQLite); this loads it only when a PostgreSQL engine compiles the type.
    """

    impl = JSON
    cache_ok = True
    #: As JSON's own (``none_as_null=False``): an attribute never set is stored as SQL NULL, and
    #: only an explicit None as JSON ``null``.
    should_evaluate_none = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(JSON())


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on both engines (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _ids_never_reused(cls.__dict__.get("__table__"))


def _ids_never_reused(table: Any) -> None:
    """SQLite hands a deleted row's id to the next row unless the table is AUTOINCREMENT (then
    the audit trail would mix two records under one id); PostgreSQL sequences never go back."""
    if table is not None and "id" in table.c and table.c.id.primary_key:
        table.dialect_options["sqlite"]["autoincrement"] = True


class VersionedMixin:
    """Optimistic concurrency: every UPDATE checks and bumps ``version`` (no lost updates)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow
    )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]
