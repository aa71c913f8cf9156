"""pending import: an uploaded spreadsheet waiting for confirmation, kept in the database

Replaces the temporary folder on one worker's disk (issue 11): the confirm step may reach any
worker, and rows older than an hour are deleted on the next upload.

Revision ID: f2a8c4d91b37
Revises: d4e5f6a7b8c9
Create Date: 2026-11-26 18:30:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f2a8c4d91b37"
down_revision: str | Sequence[str] | None = "d4e5f6a7b8c9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["user_account.id"],
            name=op.f("fk_pending_import_owner_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_import")),
        sa.UniqueConstraint("token", name=op.f("uq_pending_import_token")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("pending_import", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pending_import_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_pending_import_created_at"), ["created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("pending_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pending_import_created_at"))
        batch_op.drop_index(batch_op.f("ix_pending_import_owner_id"))
    op.drop_table("pending_import")
