"""audit_event refuses TRUNCATE too (PostgreSQL)

The row triggers of a5c23aca72a3 stop UPDATE and DELETE, but TRUNCATE fires no row trigger: one
statement could empty the audit trail. SQLite has no TRUNCATE (its DELETE trigger covers it).

Revision ID: a3169c463f0d
Revises: b7e14c0d2a51
Create Date: 2026-11-26 15:40:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "a3169c463f0d"
down_revision: str | Sequence[str] | None = "b7e14c0d2a51"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
