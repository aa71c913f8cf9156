"""document.supersedes_id: a regenerated document links to the version it replaces

Revision ID: 5a7e2b91c0d4
Revises: f2a8c4d91b37
Create Date: 2026-11-26 18:15:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5a7e2b91c0d4"
down_revision: str | Sequence[str] | None = "f2a8c4d91b37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch rebuild): SQLite keeps the table, its AUTOINCREMENT and
    # every trigger.
    op.add_column("document", sa.Column("supersedes_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_document_supersedes_id"), "document", ["supersedes_id"], unique=True)


def downgrade() -> None:
    op.drop_index(op.f("ix_document_supersedes_id"), table_name="document")
    with op.batch_alter_table("document") as batch:
        batch.drop_column("supersedes_id")
