"""ids are never reused (SQLite AUTOINCREMENT); audit_event refuses TRUNCATE (PostgreSQL)

Without AUTOINCREMENT, SQLite gives a deleted row's id (the highest) to the next insert, and the
audit trail then mixes two records under one id. Each table is rebuilt (batch mode) with
AUTOINCREMENT, and its sequence starts above every id the audit trail has ever seen for it.
PostgreSQL keeps its sequences (they never hand an id out twice); there the audit trail's
guard gains TRUNCATE, which fires no row trigger: one statement could have emptied it.

The rebuild must run with foreign keys off (dropping a parent table with them on would cascade
into its children); SQLite ignores that switch inside a transaction, so when it cannot be turned
off and the register holds data, the upgrade stops with instructions instead of risking it.

Revision ID: e50090b34425
Revises: 142f4e011627
Create Date: 2026-11-26 15:50:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e50090b34425"
down_revision: str | Sequence[str] | None = "142f4e011627"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Parents before children, so that each table is rebuilt after those it refers to.
TABLES = (
    "api_key",
    "organisation",
    "vendor",
    "processing",
    "agreement",
    "agreement_attachment",
    "transfer",
    "assessment",
    "document_template",
    "document",
    "vendor_subprocessor",
    "reminder_state",
    "reminder_delivery",
    "calendar_feed",
    "audit_event",
)


def _rebuild(autoincrement: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        rows = sum(
            bind.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() or 0 for table in TABLES
        )
        if rows:
            raise RuntimeError(
                "this step rebuilds every table and needs foreign keys off, which SQLite cannot "
                "do inside the running transaction: run 'transfers db upgrade' again so that it "
                "runs on its own (nothing has been changed)"
            )
    bind.exec_driver_sql("DROP TRIGGER IF EXISTS audit_event_no_update")
    bind.exec_driver_sql("DROP TRIGGER IF EXISTS audit_event_no_delete")
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass
    if autoincrement:
        audit = sa.table("audit_event", sa.column("entity_type"), sa.column("entity_id"))
        for table in TABLES:
            seen = bind.execute(
                sa.select(sa.func.max(audit.c.entity_id)).where(audit.c.entity_type == table)
            ).scalar()
            current = bind.exec_driver_sql(f"SELECT max(id) FROM {table}").scalar()
            start = max(seen or 0, current or 0)
            if start:
                bind.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
                bind.exec_driver_sql(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, start)
                )
    for verb in ("UPDATE", "DELETE"):
        bind.exec_driver_sql(
            f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
            "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
        )
    bind.exec_driver_sql("PRAGMA foreign_keys=ON")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
        )
    _rebuild(autoincrement=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
    _rebuild(autoincrement=False)
