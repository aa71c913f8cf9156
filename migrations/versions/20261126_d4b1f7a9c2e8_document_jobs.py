"""document jobs: bulk generation in the background, and procrastinate's queue (issue 13)

On PostgreSQL the job library's own tables, types and functions go to a schema of their own,
``procrastinate`` (its connections set ``search_path`` to it), so they never mix with the
register's tables; the SQL is procrastinate's, as shipped with the installed version. On SQLite
the queue lives in the server's memory and needs no schema.

Revision ID: d4b1f7a9c2e8
Revises: c3d9a1e7f042
Create Date: 2026-11-26 18:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "d4b1f7a9c2e8"
down_revision: str | Sequence[str] | None = "c3d9a1e7f042"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUEUE_SCHEMA = "procrastinate"


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _create_queue_schema() -> None:
    """procrastinate's schema script has functions with ``$$`` bodies and ``%`` signs: it runs
    as one simple-protocol script on the driver's own connection, not as a bound statement."""
    from procrastinate.schema import SchemaManager
    from sqlalchemy.util import await_only

    op.execute(f"CREATE SCHEMA IF NOT EXISTS {QUEUE_SCHEMA}")
    raw = op.get_bind().connection.dbapi_connection
    driver = raw.driver_connection  # type: ignore[union-attr]
    await_only(driver.execute(f"SET LOCAL search_path TO {QUEUE_SCHEMA}"))
    await_only(driver.execute(SchemaManager.get_schema()))
    await_only(driver.execute("SET LOCAL search_path TO DEFAULT"))


def upgrade() -> None:
    op.create_table(
        "document_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("selection", _json(), nullable=False),
        sa.Column("vendor_ids", _json(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_job")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_document_job_state", "document_job", ["state"], unique=False)
    op.create_table(
        "document_job_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("vendor_name", sa.String(length=200), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("problem", _json(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_document_job_item_document_id_document"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["document_job.id"],
            name=op.f("fk_document_job_item_job_id_document_job"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_job_item")),
        sa.UniqueConstraint(
            "job_id", "vendor_id", name=op.f("uq_document_job_item_job_id_vendor_id")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_document_job_item_job_id", "document_job_item", ["job_id"], unique=False)
    op.create_index(
        "ix_document_job_item_document_id", "document_job_item", ["document_id"], unique=False
    )
    if op.get_bind().dialect.name == "postgresql":
        _create_queue_schema()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP SCHEMA IF EXISTS {QUEUE_SCHEMA} CASCADE")
    op.drop_index("ix_document_job_item_document_id", table_name="document_job_item")
    op.drop_index("ix_document_job_item_job_id", table_name="document_job_item")
    op.drop_table("document_job_item")
    op.drop_index("ix_document_job_state", table_name="document_job")
    op.drop_table("document_job")
