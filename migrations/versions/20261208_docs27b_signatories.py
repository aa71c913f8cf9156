"""organisation and vendor signatories: who signs (name, title), for the signature blocks

Documents printed "Name and title: ____" because the register held no signatory (issue 27,
item 6).

Revision ID: docs27b_signatories
Revises: a1d3c5e7f920
Create Date: 2026-12-08 02:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "docs27b_signatories"
down_revision: str | Sequence[str] | None = "a1d3c5e7f920"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("organisation", "vendor")
COLUMNS = ("signatory_name", "signatory_title")


def upgrade() -> None:
    # Plain ADD COLUMN (no batch rebuild): SQLite keeps the tables, their AUTOINCREMENT and the
    # register change-log triggers on vendor.
    for table in TABLES:
        for column in COLUMNS:
            op.add_column(table, sa.Column(column, sa.String(200), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+ and PostgreSQL), again without a rebuild.
    for table in TABLES:
        for column in COLUMNS:
            op.drop_column(table, column)
