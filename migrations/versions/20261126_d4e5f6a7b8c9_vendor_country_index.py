"""vendor list by country: an index on (country, name, id)

Revision ID: d4e5f6a7b8c9
Revises: c3d9a1e7f042
Create Date: 2026-11-26 18:45:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "d4e5f6a7b8c9"
down_revision: str | Sequence[str] | None = "c3d9a1e7f042"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # CREATE INDEX only: no SQLite table rebuild, so the register_change triggers stay.
    op.create_index("ix_vendor_country_name", "vendor", ["country", "name", "id"])


def downgrade() -> None:
    op.drop_index("ix_vendor_country_name", table_name="vendor")
