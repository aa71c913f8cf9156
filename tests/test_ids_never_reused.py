"""No id is ever handed out twice, on any table (issue 22, item 1).

SQLite gives a deleted row's id (the highest) to the next insert unless the table is
AUTOINCREMENT; the audit trail, reminder states and anything else keyed by id would then mix two
records. PostgreSQL's sequences never go back, so every integer key must draw from one.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Integer, text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests import factories
from tests.conftest import Api
from transfers.models import Base

NOTICES = "/api/v1/subprocessor-notices"


def _generated_keys() -> list[str]:
    """Every table whose primary key is one integer column (the database numbers its rows)."""
    names = []
    for table in Base.metadata.sorted_tables:
        key = list(table.primary_key.columns)
        if len(key) == 1 and isinstance(key[0].type, Integer):
            names.append(table.name)
    return names


def test_every_table_numbers_its_rows() -> None:
    assert len(_generated_keys()) == len(Base.metadata.tables), (
        "a table without a single integer key: extend this test to say why its ids are unique"
    )


def test_every_table_asks_sqlite_for_autoincrement_in_the_models() -> None:
    missing = [
        name
        for name in _generated_keys()
        if not Base.metadata.tables[name].dialect_options["sqlite"]["autoincrement"]
    ]
    assert missing == []


async def test_no_table_of_the_migrated_database_can_reuse_an_id(engine: AsyncEngine) -> None:
    """What the migrations built, not what the models say: Alembic's comparison does not see
    AUTOINCREMENT, so a table created without it would pass test_models_match_migrations."""
    reusable = []
    async with engine.connect() as conn:
        for name in _generated_keys():
            column = next(iter(Base.metadata.tables[name].primary_key.columns)).name
            if engine.dialect.name == "sqlite":
                sql = (
                    await conn.execute(
                        text("SELECT sql FROM sqlite_master WHERE type='table' AND name=:n"),
                        {"n": name},
                    )
                ).scalar_one()
                if "AUTOINCREMENT" not in sql.upper():
                    reusable.append(name)
            else:
                sequence = (
                    await conn.execute(
                        text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": name, "c": column}
                    )
                ).scalar()
                if sequence is None:
                    reusable.append(name)
    assert reusable == []


async def test_a_deleted_tables_last_id_is_not_given_again(engine: AsyncEngine) -> None:
    """The behaviour itself, on the smallest table: insert, delete the newest, insert."""
    async with engine.begin() as conn:
        ids = []
        for _ in range(2):
            await conn.execute(
                text("INSERT INTO login_throttle (email, failures) VALUES ('a@example.com', 1)")
            )
            ids.append(
                (
                    await conn.execute(
                        text("SELECT id FROM login_throttle WHERE email = 'a@example.com'")
                    )
                ).scalar_one()
            )
            await conn.execute(text("DELETE FROM login_throttle"))
    assert ids[1] > ids[0]


async def _notice(api: Api, received: date) -> tuple[dict[str, Any], int]:
    vendor = await factories.vendor(api, name="Liffey Mail Ltd", country="IE")
    notice = await api.create(
        NOTICES,
        {
            "vendor_id": vendor["id"],
            "change": "added",
            "subprocessor_name": "Bulk Send Inc.",
            "subprocessor_country": "US",
            "received_on": received.isoformat(),
            "effective_on": (received + timedelta(days=40)).isoformat(),
        },
    )
    return notice, int(vendor["id"])


async def _reminders(api: Api) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (
        await api.get("/api/v1/reminders", params={"within": "120d"})
    ).json()["items"]
    return [r for r in items if r["entity_type"] == "subprocessor_notice"]


async def test_a_new_notice_does_not_inherit_a_deleted_notices_reminder_or_trail(
    api: Api,
) -> None:
    """The probe's finding: a vendor delete cascaded to its notice, the next notice got the
    same id, inherited the old one's 'done' deadline reminder (so its Art. 28(2) objection
    deadline never showed) and shared its audit trail."""
    received = date.today()
    old, vendor_id = await _notice(api, received)
    [reminder] = await _reminders(api)
    done = await api.put(f"/api/v1/reminders/{reminder['key']}/state", json={"state": "done"})
    assert done.status_code == 200, done.text
    assert await _reminders(api) == []
    gone = await api.delete(f"/api/v1/vendors/{vendor_id}", headers={"If-Match": '"1"'})
    assert gone.status_code == 204, gone.text

    new, _ = await _notice(api, received)
    assert new["id"] != old["id"]
    assert [r["entity_id"] for r in await _reminders(api)] == [new["id"]]
    trail = (
        await api.get(
            "/api/v1/audit", params={"entity_type": "subprocessor_notice", "entity_id": new["id"]}
        )
    ).json()
    assert [e["action"] for e in trail["items"]] == ["create"]
