"""Every register change is audited: who, when, what changed; the trail is append-only."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from tests import factories
from tests.conftest import SYSTEM, Api, Database
from transfers.db import create_engine, session_factory
from transfers.models import AuditEvent
from transfers.transfer.service import create_transfers
from transfers.vendor.service import create_vendors


async def test_changes_are_audited_with_actor_and_diff(api: Api) -> None:
    v = await factories.vendor(api)
    await api.patch(
        f"/api/v1/vendors/{v['id']}", json={"status": "approved"}, headers={"If-Match": '"1"'}
    )
    deleted = await api.delete(
        f"/api/v1/vendors/{v['id']}", role="admin", headers={"If-Match": '"2"'}
    )
    assert deleted.status_code == 204, deleted.text

    trail = (
        await api.get(
            "/api/v1/audit",
            params={"entity_type": "vendor", "entity_id": v["id"]},
            role="procurement",
        )
    ).json()
    actions = [e["action"] for e in trail["items"]]
    assert actions == ["delete", "update", "create"]
    update = trail["items"][1]
    assert update["actor"] == "legal-key"
    assert update["before"] == {"status": "proposed", "version": 1}
    assert update["after"] == {"status": "approved", "version": 2}
    assert trail["items"][0]["actor"] == "admin-key"
    assert trail["items"][0]["before"]["name"] == "Acme Cloud Inc."

    by_actor = (await api.get("/api/v1/audit", params={"actor": "admin-key"})).json()
    assert {e["action"] for e in by_actor["items"]} == {"delete"}
    future = (await api.get("/api/v1/audit", params={"since": "2999-01-01"})).json()
    assert future["total"] == 0


async def test_failed_write_leaves_no_audit_event(api: Api) -> None:
    before = (await api.get("/api/v1/audit")).json()["total"]
    response = await api.post(
        "/api/v1/vendors", json={"name": "X", "country": "XX", "role": "processor"}
    )
    assert response.status_code == 422
    assert (await api.get("/api/v1/audit")).json()["total"] == before


async def test_audit_trail_is_append_only_in_the_database(api: Api, session) -> None:  # type: ignore[no-untyped-def]
    await factories.vendor(api)
    with pytest.raises(DBAPIError):
        await session.execute(text("UPDATE audit_event SET actor = 'someone else'"))
    await session.rollback()
    with pytest.raises(DBAPIError):
        await session.execute(text("DELETE FROM audit_event"))
    await session.rollback()
    if session.bind.dialect.name == "postgresql":  # SQLite has no TRUNCATE
        with pytest.raises(DBAPIError, match="append-only"):
            await session.execute(text("TRUNCATE audit_event"))
        await session.rollback()
    assert (await api.get("/api/v1/audit")).json()["total"] >= 1


async def test_a_batch_create_audits_each_row_with_its_values(db: Database) -> None:
    """One 'create' event per row of a batched entry point, in order, with the row's values,
    its version and its id, as the importer writes them (set-based, on both engines)."""
    engine = create_engine(url=db.url)
    try:
        async with session_factory(engine)() as session:
            vendor_ids = await create_vendors(
                session,
                [
                    {"name": "Acme Oy", "country": "FI", "role": "processor", "business_id": "1-2"},
                    {"name": "Cloud Inc", "country": "us", "role": "subprocessor"},
                ],
                SYSTEM,
            )
            transfer_ids = await create_transfers(
                session,
                [
                    {
                        "vendor_id": vendor_ids[1],
                        "exporter_role": "processor",
                        "destination_country": "US",
                        "mechanism": "scc_2021",
                        "scc_module": 3,
                        "data_categories": ["contact"],
                        "started_on": "2024-02-29",
                    }
                ],
                SYSTEM,
            )
            events = (await session.scalars(select(AuditEvent).order_by(AuditEvent.id))).all()
            assert [(e.action, e.entity_type, e.entity_id, e.before) for e in events] == [
                ("create", "vendor", vendor_ids[0], None),
                ("create", "vendor", vendor_ids[1], None),
                ("create", "transfer", transfer_ids[0], None),
            ]
            assert {e.actor for e in events} == {SYSTEM.label}
            assert all(e.occurred_at.tzinfo is not None for e in events)
            assert events[0].after == {
                "id": vendor_ids[0],
                "version": 1,
                "name": "Acme Oy",
                "country": "FI",
                "role": "processor",
                "category": "other",
                "status": "proposed",
                "legal_name": None,
                "business_id": "1-2",
                "address": None,
                "contacts": [],
                "website": None,
                "owner": None,
                "notes": None,
                "authorised_by_processor": None,
                "dpf_participant_id": None,
                "signatory_name": None,
                "signatory_title": None,
            }
            transfer = events[2].after
            assert transfer is not None
            assert {k: v for k, v in transfer.items() if v is not None} == {
                "id": transfer_ids[0],
                "version": 1,
                "vendor_id": vendor_ids[1],
                "exporter_role": "processor",
                "destination_country": "US",
                "mechanism": "scc_2021",
                "transfer_type": "storage",
                "scc_module": 3,
                "data_categories": ["contact"],
                "started_on": "2024-02-29",
            }
            await session.rollback()
    finally:
        await engine.dispose()
