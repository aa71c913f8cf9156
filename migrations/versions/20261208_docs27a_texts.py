"""assessment.importer_finding and transfer.translations (issue 27, items 1 and 7)

A TIA states the assessor's Step 3 finding about this importer and these data (EDPB
Recommendations 01/2020, step 3), not the country's reference summary; and a transfer's free
texts a document prints (description, supplementary measures) get a text per language, so a
Finnish document never prints English.

Revision ID: docs27a_texts
Revises: docs27b_signatories
Create Date: 2026-12-08 02:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "docs27a_texts"
down_revision: str | Sequence[str] | None = "docs27b_signatories"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMNs (no batch rebuild): SQLite keeps the tables, their triggers and
    # AUTOINCREMENT.
    op.add_column("assessment", sa.Column("importer_finding", sa.Text(), nullable=True))
    op.add_column(
        "transfer",
        sa.Column(
            "translations",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
    )


def downgrade() -> None:
    with op.batch_alter_table("transfer") as batch:
        batch.drop_column("translations")
    with op.batch_alter_table("assessment") as batch:
        batch.drop_column("importer_finding")
