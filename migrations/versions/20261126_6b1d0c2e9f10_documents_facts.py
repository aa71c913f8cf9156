"""documents: engagement dates on chain links, controller and translations on processing, vendor address, SCC clause elections, TIA approver and risk method

Revision ID: 6b1d0c2e9f10
Revises: b7e14c0d2a51
Create Date: 2026-11-26 15:15:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "6b1d0c2e9f10"
down_revision: str | Sequence[str] | None = "b7e14c0d2a51"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("vendor_subprocessor", schema=None) as batch_op:
        batch_op.add_column(sa.Column("engaged_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
    with op.batch_alter_table("processing", schema=None) as batch_op:
        batch_op.add_column(sa.Column("controller", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "measures_catalogue",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "translations",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
    with op.batch_alter_table("vendor", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address", sa.Text(), nullable=True))
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approver", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("approved_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("risk_period_years", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "risk_scenarios",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("conclusion_reasoning", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "translations",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "scc_clauses",
                sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_column("translations")
        batch_op.drop_column("conclusion_reasoning")
        batch_op.drop_column("risk_scenarios")
        batch_op.drop_column("risk_period_years")
        batch_op.drop_column("approved_on")
        batch_op.drop_column("approver")
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_column("scc_clauses")
    with op.batch_alter_table("vendor", schema=None) as batch_op:
        batch_op.drop_column("address")
    with op.batch_alter_table("processing", schema=None) as batch_op:
        batch_op.drop_column("translations")
        batch_op.drop_column("measures_catalogue")
        batch_op.drop_column("controller")
    with op.batch_alter_table("vendor_subprocessor", schema=None) as batch_op:
        batch_op.drop_column("ended_on")
        batch_op.drop_column("engaged_on")
