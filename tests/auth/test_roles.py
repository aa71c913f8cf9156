"""Authentication and roles: no key 401, procurement cannot write, revoked keys stop working."""

from __future__ import annotations

from tests.conftest import Api

VENDORS = "/api/v1/vendors"
BODY = {"name": "Acme", "country": "US", "role": "processor"}


async def test_no_key_is_401_problem(api: Api) -> None:
    response = await api.get(VENDORS, role=None)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_wrong_key_is_401(api: Api) -> None:
    response = await api.get(VENDORS, role=None, headers={"Authorization": "Bearer trk_nope"})
    assert response.status_code == 401


async def test_procurement_reads_but_cannot_write(api: Api) -> None:
    assert (await api.get(VENDORS, role="procurement")).status_code == 200
    response = await api.post(VENDORS, json=BODY, role="procurement")
    assert response.status_code == 403
    assert response.json()["type"] == "urn:transfers:problem:forbidden"
    assert (await api.get(VENDORS)).json()["total"] == 0


async def test_legal_writes_admin_manages_keys(api: Api) -> None:
    assert (await api.post(VENDORS, json=BODY, role="legal")).status_code == 201
    assert (await api.get("/api/v1/keys", role="legal")).status_code == 403
    created = await api.post(
        "/api/v1/keys", json={"name": "erp", "role": "procurement"}, role="admin"
    )
    assert created.status_code == 201
    secret = created.json()["key"]
    listed = (await api.get("/api/v1/keys", role="admin")).json()
    assert secret not in str(listed)
    ok = await api.get(VENDORS, role=None, headers={"Authorization": f"Bearer {secret}"})
    assert ok.status_code == 200
    revoked = await api.post(f"/api/v1/keys/{created.json()['id']}/revoke", role="admin")
    assert revoked.status_code == 200
    after = await api.get(VENDORS, role=None, headers={"Authorization": f"Bearer {secret}"})
    assert after.status_code == 401


async def test_keys_are_stored_hashed(api: Api, session) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from transfers.models import ApiKey

    stored = (await session.scalars(select(ApiKey))).all()
    assert stored
    for key in stored:
        assert len(key.key_hash) == 64
        assert api.keys.legal not in key.key_hash
        assert not api.keys.legal.startswith(key.key_hash)


async def test_schema_and_health_are_public(api: Api) -> None:
    assert (await api.get("/health", role=None)).status_code == 200
    schema = await api.get("/schema/openapi.json", role=None)
    assert schema.status_code == 200
    assert "/api/v1/vendors" in schema.json()["paths"]
