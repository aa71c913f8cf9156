"""document_job.heartbeat_at: a lease, so a job of a killed server does not stay running

On SQLite the job queue lives in the memory of the serving process; when that process is killed
its jobs stayed "queued" or "running" for ever. The process holding a job now renews this
timestamp, and another takes over a job whose lease ran out.

Revision ID: a1d3c5e7f920
Revises: 9c4e2f1a7b30
Create Date: 2026-11-27 10:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a1d3c5e7f920"
down_revision: str | Sequence[str] | None = "9c4e2f1a7b30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN (no batch rebuild): SQLite keeps the table and its AUTOINCREMENT.
    op.add_column(
        "document_job", sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("document_job", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("heartbeat_at")
