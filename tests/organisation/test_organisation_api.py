"""Organisation entities and processing descriptions."""

from __future__ import annotations

from tests import factories
from tests.conftest import Api


async def test_organisation_crud(api: Api) -> None:
    org = await factories.organisation(api)
    assert org["roles"] == ["controller", "processor"]
    second = await factories.organisation(
        api, name="Palvelu Logistics Oy", business_id="7654321-0", roles=["processor"]
    )
    listed = (await api.get("/api/v1/organisations", role="procurement")).json()
    assert listed["total"] == 2
    patched = await api.patch(
        f"/api/v1/organisations/{second['id']}",
        json={"supervisory_authority": "Tietosuojavaltuutettu"},
        headers={"If-Match": '"1"'},
    )
    assert patched.status_code == 200
    dup = await api.post(
        "/api/v1/organisations", json={"name": "X", "country": "FI", "business_id": "1234567-8"}
    )
    assert dup.status_code == 409
    no_roles = await api.post(
        "/api/v1/organisations", json={"name": "X", "country": "FI", "roles": []}
    )
    assert no_roles.status_code == 422
    assert (await api.get("/api/v1/organisations")).json()["total"] == 2


async def test_processing_crud(api: Api) -> None:
    v = await factories.vendor(api)
    org = await factories.organisation(api)
    created = await api.create(
        "/api/v1/processings",
        {
            "vendor_id": v["id"],
            "organisation_id": org["id"],
            "service": "Helpdesk ticketing",
            "our_role": "processor",
            "purposes": ["Support"],
            "data_categories": ["Identity", "contact", "communications"],
            "data_subject_categories": ["customer staff"],
        },
    )
    assert created["data_categories"] == ["identity", "contact", "communications"]
    bad = await api.post("/api/v1/processings", json={"vendor_id": 999, "service": "x"})
    assert bad.status_code == 422
    listed = (await api.get("/api/v1/processings", params={"vendor_id": v["id"]})).json()
    assert listed["total"] == 1


async def test_get_and_delete_every_simple_resource(api: Api) -> None:
    v = await factories.vendor(api)
    org = await factories.organisation(api)
    t = await factories.transfer(api, v["id"])
    processing = await api.create("/api/v1/processings", {"vendor_id": v["id"], "service": "x"})
    assessment = await api.create("/api/v1/assessments", {"transfer_id": t["id"]})
    for path, item in (
        ("/api/v1/organisations", org),
        ("/api/v1/processings", processing),
        ("/api/v1/assessments", assessment),
        ("/api/v1/transfers", t),
    ):
        got = await api.get(f"{path}/{item['id']}", role="procurement")
        assert got.status_code == 200 and got.headers["etag"] == '"1"'
        assert (await api.delete(f"{path}/{item['id']}", role="procurement")).status_code == 403
        assert (await api.delete(f"{path}/{item['id']}")).status_code == 428
        stale = await api.delete(f"{path}/{item['id']}", headers={"If-Match": '"7"'})
        assert stale.status_code == 412
        deleted = await api.delete(f"{path}/{item['id']}", headers={"If-Match": '"1"'})
        assert deleted.status_code == 204, deleted.text
        assert (await api.get(f"{path}/{item['id']}")).status_code == 404
    trail = (await api.get("/api/v1/audit", params={"since": "2000-01-01"})).json()
    assert {e["entity_type"] for e in trail["items"] if e["action"] == "delete"} == {
        "organisation",
        "processing",
        "assessment",
        "transfer",
    }


async def test_measures_are_filed_under_known_annex_ii_categories(api: Api) -> None:
    v = await api.create("/api/v1/vendors", {"name": "Host", "country": "US", "role": "processor"})
    bad = await api.post(
        "/api/v1/processings",
        json={"vendor_id": v["id"], "service": "Hosting", "measures_catalogue": {"magic": "x"}},
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "measures_catalogue"
    ok = await api.post(
        "/api/v1/processings",
        json={
            "vendor_id": v["id"],
            "service": "Hosting",
            "purposes": ["IT support"],
            "measures_catalogue": {"logging": "Audit log"},
            "translations": {
                "fi": {"service": "Ylläpito", "measures_catalogue": {"logging": "Loki"}}
            },
        },
    )
    assert ok.status_code == 201, ok.text
    body = ok.json()
    assert body["measures_catalogue"] == {"logging": "Audit log"}
    assert body["translations"]["fi"]["service"] == "Ylläpito"
    assert body["purposes"] == ["IT support"]  # free text kept as typed
