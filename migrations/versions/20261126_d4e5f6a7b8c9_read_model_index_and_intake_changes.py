"""read model: vendor (country, name, id) index; intake approvals in the register change log

The vendor list filters by country and orders by name (issue 13: no index made it a scan). The
open conditions of an intake approval keep a vendor ``conditional``, so a write to
``intake_request`` records its vendor in ``register_change`` like every other register write,
and the snapshot serves a vendor's status with no further query.

Revision ID: d4e5f6a7b8c9
Revises: d4b1f7a9c2e8
Create Date: 2026-11-26 18:45:00

"""

from collections.abc import Sequence

from alembic import op

revision: str = "d4e5f6a7b8c9"
down_revision: str | Sequence[str] | None = "d4b1f7a9c2e8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INSERT = (
    "INSERT INTO register_change (vendor_id) SELECT {row}.vendor_id "
    "WHERE {row}.vendor_id IS NOT NULL;"
)


def upgrade() -> None:
    # CREATE INDEX and CREATE TRIGGER only: no SQLite table rebuild, so the register_change
    # triggers of the earlier migration stay.
    op.create_index("ix_vendor_country_name", "vendor", ["country", "name", "id"])
    if op.get_bind().dialect.name == "postgresql":
        old, new = _INSERT.format(row="OLD"), _INSERT.format(row="NEW")
        op.execute(
            f"""
            CREATE FUNCTION register_change_intake_request() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('UPDATE', 'DELETE') THEN {old} END IF;
                IF TG_OP IN ('INSERT', 'UPDATE') THEN {new} END IF;
                RETURN NULL;
            END $$
            """
        )
        op.execute(
            "CREATE TRIGGER register_change_intake_request AFTER INSERT OR UPDATE OR DELETE "
            "ON intake_request FOR EACH ROW EXECUTE FUNCTION register_change_intake_request()"
        )
    else:
        for verb, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
            body = " ".join(_INSERT.format(row=row) for row in rows)
            op.execute(
                f"CREATE TRIGGER register_change_intake_request_{verb.lower()} AFTER {verb} "
                f"ON intake_request FOR EACH ROW BEGIN {body} END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS register_change_intake_request ON intake_request")
        op.execute("DROP FUNCTION IF EXISTS register_change_intake_request()")
    else:
        for verb in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS register_change_intake_request_{verb}")
    op.drop_index("ix_vendor_country_name", table_name="vendor")
