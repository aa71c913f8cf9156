"""register change log written by triggers (issue 13: one read model, invalidated on write)

Every insert, update or delete of a vendor, agreement, transfer, assessment, processing or
sub-processor link records the vendor(s) concerned in ``register_change`` in the same
transaction, whatever wrote it. Each process keeps a snapshot of the register and reloads only
the vendors changed since its version (the highest id).

Revision ID: c3d9a1e7f042
Revises: c3d9a1f4e8b2
Create Date: 2026-11-26 15:40:00

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3d9a1e7f042"
down_revision: str | Sequence[str] | None = "c3d9a1f4e8b2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: table -> SQL expressions (with {row} for NEW or OLD) giving the vendor ids a row concerns.
SOURCES: dict[str, tuple[str, ...]] = {
    "vendor": ("{row}.id",),
    "agreement": ("{row}.vendor_id",),
    "transfer": ("{row}.vendor_id",),
    "processing": ("{row}.vendor_id",),
    "vendor_subprocessor": ("{row}.vendor_id", "{row}.subprocessor_id"),
    "assessment": ("(SELECT t.vendor_id FROM transfer t WHERE t.id = {row}.transfer_id)",),
}


def _inserts(table: str, row: str) -> str:
    return " ".join(
        f"INSERT INTO register_change (vendor_id) SELECT {expr.format(row=row)} "
        f"WHERE {expr.format(row=row)} IS NOT NULL;"
        for expr in SOURCES[table]
    )


def upgrade() -> None:
    op.create_table(
        "register_change",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("vendor_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_change")),
        sqlite_autoincrement=True,
    )
    if op.get_bind().dialect.name == "postgresql":
        for table in SOURCES:
            op.execute(
                f"""
                CREATE FUNCTION register_change_{table}() RETURNS trigger
                LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP IN ('UPDATE', 'DELETE') THEN {_inserts(table, "OLD")} END IF;
                    IF TG_OP IN ('INSERT', 'UPDATE') THEN {_inserts(table, "NEW")} END IF;
                    RETURN NULL;
                END $$
                """
            )
            op.execute(
                f"CREATE TRIGGER register_change_{table} AFTER INSERT OR UPDATE OR DELETE "
                f"ON {table} FOR EACH ROW EXECUTE FUNCTION register_change_{table}()"
            )
    else:
        for table in SOURCES:
            for verb, rows in (
                ("INSERT", ("NEW",)),
                ("UPDATE", ("OLD", "NEW")),
                ("DELETE", ("OLD",)),
            ):
                body = " ".join(_inserts(table, row) for row in rows)
                op.execute(
                    f"CREATE TRIGGER register_change_{table}_{verb.lower()} AFTER {verb} "
                    f"ON {table} FOR EACH ROW BEGIN {body} END"
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in SOURCES:
            op.execute(f"DROP TRIGGER IF EXISTS register_change_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS register_change_{table}()")
    else:
        for table in SOURCES:
            for verb in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS register_change_{table}_{verb}")
    op.drop_table("register_change")
