"""Every register change is audited: who, when, what changed; the trail is append-only."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests import factories
from tests.conftest import Api


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
