"""ids are never reused on the tables added since e50090b34425 (SQLite AUTOINCREMENT)

Sub-processor notices, intake requests, accounts, sessions and the login throttle were created
without AUTOINCREMENT, so SQLite handed a deleted row's id (the highest) to the next insert: a
new notice inherited the reminder state of a deleted one, and the audit trail merged the two.
Each is rebuilt (batch mode) with AUTOINCREMENT; its sequence starts above every id it or the
audit trail has seen, and its triggers are put back (dropping a table drops them). PostgreSQL
sequences never hand an id out twice: nothing to do there.

As in e50090b34425, the rebuild needs foreign keys off (dropping ``user_account`` with them on
would cascade into sessions and pending imports); when SQLite cannot turn them off inside the
running transaction and such a table holds rows, the upgrade stops with instructions.

Revision ID: 9c4e2f1a7b30
Revises: 5a7e2b91c0d4
Create Date: 2026-11-27 09:00:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9c4e2f1a7b30"
down_revision: str | Sequence[str] | None = "5a7e2b91c0d4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Table -> the entity type its rows have in the audit trail (None: not audited).
# Parents before children.
TABLES: dict[str, str | None] = {
    "user_account": "user",
    "user_session": None,
    "login_throttle": None,
    "intake_request": "intake_request",
    "subprocessor_notice": "subprocessor_notice",
}


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
                "this step rebuilds tables and needs foreign keys off, which SQLite cannot do "
                "inside the running transaction: run 'transfers db upgrade' again so that it "
                "runs on its own (nothing has been changed)"
            )
    for table, entity_type in TABLES.items():
        triggers = [
            sql
            for (sql,) in bind.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)
            )
        ]
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass
        for sql in triggers:
            bind.exec_driver_sql(sql)
        if not autoincrement:
            continue
        start = bind.exec_driver_sql(f"SELECT max(id) FROM {table}").scalar() or 0
        if entity_type is not None:
            audit = sa.table("audit_event", sa.column("entity_type"), sa.column("entity_id"))
            seen = bind.execute(
                sa.select(sa.func.max(audit.c.entity_id)).where(audit.c.entity_type == entity_type)
            ).scalar()
            start = max(start, seen or 0)
        if start:
            bind.exec_driver_sql("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
            bind.exec_driver_sql(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, start)
            )
    bind.exec_driver_sql("PRAGMA foreign_keys=ON")


def upgrade() -> None:
    _rebuild(autoincrement=True)


def downgrade() -> None:
    _rebuild(autoincrement=False)
