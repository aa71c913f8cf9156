"""facts the rules engine needs for verdicts (issue 14)

Agreement termination day; BCR type and group membership, approval evidence for codes of
conduct and certifications, Module 4 data combination, third-country orders and Art. 48
agreements, Art. 49(1) second-subparagraph conditions on transfers; sub-processor authorisation
under the engaging processor's DPA on vendors.

Revision ID: b7e14c0d2a51
Revises: e50090b34425
Create Date: 2026-11-26 15:20:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7e14c0d2a51"
down_revision: str | Sequence[str] | None = "e50090b34425"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TRANSFER_COLUMNS = (
    ("bcr_type", sa.String(length=20)),
    ("importer_in_group", sa.Boolean()),
    ("approval_ref", sa.String(length=200)),
    ("combines_eu_data", sa.Boolean()),
    ("third_country_order", sa.Boolean()),
    ("international_agreement", sa.String(length=300)),
    ("limited_data_subjects", sa.Boolean()),
    ("authority_informed_on", sa.Date()),
    ("data_subjects_informed", sa.Boolean()),
)


def upgrade() -> None:
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("terminated_on", sa.Date(), nullable=True))
    with op.batch_alter_table("transfer", schema=None) as batch_op:
        for name, type_ in _TRANSFER_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    with op.batch_alter_table("vendor", schema=None) as batch_op:
        batch_op.add_column(sa.Column("authorised_by_processor", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("vendor", schema=None) as batch_op:
        batch_op.drop_column("authorised_by_processor")
    with op.batch_alter_table("transfer", schema=None) as batch_op:
        for name, _ in reversed(_TRANSFER_COLUMNS):
            batch_op.drop_column(name)
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_column("terminated_on")
