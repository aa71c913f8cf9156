"""workflow: vendor intake requests, sub-processor change notices, DPF participant id (issue 12)

Revision ID: c3d9a1f4e8b2
Revises: b7e3f19a2c41
Create Date: 2026-11-26 15:50:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "c3d9a1f4e8b2"
down_revision: str | Sequence[str] | None = "b7e3f19a2c41"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("vendor", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dpf_participant_id", sa.String(length=40), nullable=True))
    op.create_table(
        "intake_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=30), nullable=False),
        sa.Column("requester", sa.String(length=200), nullable=False),
        sa.Column("requester_email", sa.String(length=320), nullable=True),
        sa.Column("vendor_id", sa.Integer(), nullable=True),
        sa.Column("vendor_name", sa.String(length=200), nullable=False),
        sa.Column("vendor_country", sa.String(length=2), nullable=False),
        sa.Column("vendor_business_id", sa.String(length=40), nullable=True),
        sa.Column("vendor_role", sa.String(length=20), nullable=False),
        sa.Column("service", sa.String(length=300), nullable=False),
        sa.Column("purposes", _json(), nullable=False),
        sa.Column("data_categories", _json(), nullable=False),
        sa.Column("data_subjects", _json(), nullable=False),
        sa.Column("destinations", _json(), nullable=False),
        sa.Column("expected_start", sa.Date(), nullable=True),
        sa.Column("processing_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("conditions", _json(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["processing_id"],
            ["processing.id"],
            name=op.f("fk_intake_request_processing_id_processing"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["vendor_id"],
            ["vendor.id"],
            name=op.f("fk_intake_request_vendor_id_vendor"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_request")),
    )
    with op.batch_alter_table("intake_request", schema=None) as batch_op:
        batch_op.create_index("ix_intake_request_state", ["state"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_intake_request_vendor_id"), ["vendor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_intake_request_processing_id"), ["processing_id"], unique=False
        )

    op.create_table(
        "subprocessor_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=20), nullable=False),
        sa.Column("subprocessor_id", sa.Integer(), nullable=True),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("subprocessor_name", sa.String(length=200), nullable=False),
        sa.Column("subprocessor_country", sa.String(length=2), nullable=False),
        sa.Column("mechanism", sa.String(length=30), nullable=False),
        sa.Column("scc_module", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("authorisation", sa.String(length=20), nullable=False),
        sa.Column("objection_deadline", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("objection_reason", sa.Text(), nullable=True),
        sa.Column("objection_sent_on", sa.Date(), nullable=True),
        sa.Column("applied_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["vendor_id"],
            ["vendor.id"],
            name=op.f("fk_subprocessor_notice_vendor_id_vendor"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subprocessor_id"],
            ["vendor.id"],
            name=op.f("fk_subprocessor_notice_subprocessor_id_vendor"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"],
            ["vendor.id"],
            name=op.f("fk_subprocessor_notice_replaces_id_vendor"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subprocessor_notice")),
    )
    with op.batch_alter_table("subprocessor_notice", schema=None) as batch_op:
        batch_op.create_index("ix_subprocessor_notice_state", ["state"], unique=False)
        for column in ("vendor_id", "subprocessor_id", "replaces_id"):
            batch_op.create_index(
                batch_op.f(f"ix_subprocessor_notice_{column}"), [column], unique=False
            )


def downgrade() -> None:
    op.drop_table("subprocessor_notice")
    op.drop_table("intake_request")
    with op.batch_alter_table("vendor", schema=None) as batch_op:
        batch_op.drop_column("dpf_participant_id")
