"""Vendor endpoints: CRUD, filters, search, chains, concurrency, bad input."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api

VENDORS = "/api/v1/vendors"


def vendor_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Acme Cloud",
        "country": "US",
        "role": "processor",
        "category": "cloud_hosting",
        "business_id": "US-123",
    }
    body.update(overrides)
    return body


async def count_vendors(api: Api) -> int:
    response = await api.get(VENDORS)
    assert response.status_code == 200
    total: int = response.json()["total"]
    return total


async def test_create_read_update_delete(api: Api) -> None:
    created = await api.create(
        VENDORS, vendor_body(contacts=[{"name": "Jane", "email": "jane@acme.example"}])
    )
    assert created["name"] == "Acme Cloud"
    assert created["status"] == "proposed"
    assert created["version"] == 1

    got = await api.get(f"{VENDORS}/{created['id']}", role="procurement")
    assert got.status_code == 200
    assert got.headers["etag"] == '"1"'
    assert got.json()["contacts"] == [
        {"name": "Jane", "email": "jane@acme.example", "phone": None, "role": None}
    ]

    patched = await api.patch(
        f"{VENDORS}/{created['id']}", json={"status": "approved"}, headers={"If-Match": '"1"'}
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["status"] == "approved"
    assert patched.json()["version"] == 2
    assert patched.headers["etag"] == '"2"'

    assert (await api.delete(f"{VENDORS}/{created['id']}")).status_code == 428
    assert (await api.get(f"{VENDORS}/{created['id']}")).status_code == 200
    stale = await api.delete(f"{VENDORS}/{created['id']}", headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    deleted = await api.delete(f"{VENDORS}/{created['id']}", headers={"If-Match": '"2"'})
    assert deleted.status_code == 204
    assert (await api.get(f"{VENDORS}/{created['id']}")).status_code == 404


async def test_list_filters_search_and_pagination(api: Api) -> None:
    await api.create(VENDORS, vendor_body(name="Acme Cloud", business_id="A1"))
    await api.create(
        VENDORS,
        vendor_body(
            name="Nippon Devices", country="JP", category="device_warranty", business_id="J1"
        ),
    )
    await api.create(
        VENDORS,
        vendor_body(
            name="Licence Shop",
            country="IE",
            category="software_licence",
            role="subprocessor",
            business_id="I1",
            status="approved",
        ),
    )

    page = (await api.get(VENDORS, params={"limit": 2})).json()
    assert page["total"] == 3 and page["limit"] == 2 and page["offset"] == 0
    assert [v["name"] for v in page["items"]] == ["Acme Cloud", "Licence Shop"]
    second = (await api.get(VENDORS, params={"limit": 2, "offset": 2})).json()
    assert [v["name"] for v in second["items"]] == ["Nippon Devices"]

    assert [
        v["name"] for v in (await api.get(VENDORS, params={"country": "jp"})).json()["items"]
    ] == ["Nippon Devices"]
    assert [
        v["name"] for v in (await api.get(VENDORS, params={"status": "approved"})).json()["items"]
    ] == ["Licence Shop"]
    assert [
        v["name"] for v in (await api.get(VENDORS, params={"role": "subprocessor"})).json()["items"]
    ] == ["Licence Shop"]
    assert [
        v["name"]
        for v in (await api.get(VENDORS, params={"category": "device_warranty"})).json()["items"]
    ] == ["Nippon Devices"]
    assert [
        v["name"] for v in (await api.get(VENDORS, params={"q": "nippon"})).json()["items"]
    ] == ["Nippon Devices"]


async def test_stale_if_match_gets_412_and_changes_nothing(api: Api) -> None:
    created = await api.create(VENDORS, vendor_body())
    url = f"{VENDORS}/{created['id']}"
    first = await api.patch(url, json={"notes": "first"}, headers={"If-Match": '"1"'})
    assert first.status_code == 200
    stale = await api.patch(url, json={"notes": "second"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert stale.json()["current_version"] == 2
    assert (await api.get(url)).json()["notes"] == "first"


async def test_patch_without_version_is_refused(api: Api) -> None:
    created = await api.create(VENDORS, vendor_body())
    response = await api.patch(f"{VENDORS}/{created['id']}", json={"notes": "x"})
    assert response.status_code == 428
    assert (await api.get(f"{VENDORS}/{created['id']}")).json()["notes"] is None
    with_body_version = await api.patch(
        f"{VENDORS}/{created['id']}", json={"notes": "x", "version": 1}
    )
    assert with_body_version.status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (vendor_body(country="XX"), 422, "country"),
        (vendor_body(country="USA"), 422, "country"),
        (vendor_body(role="vendor"), 400, None),
        (vendor_body(category="cloud"), 400, None),
        (vendor_body(status="active"), 400, None),
        (vendor_body(name=""), 400, None),
        (vendor_body(name="   "), 422, "name"),
        (vendor_body(unknown_field=1), 400, None),
        ({"name": "No country", "role": "processor"}, 400, None),
        (vendor_body(parent_vendor_ids=[999]), 422, "parent_vendor_ids"),
    ],
)
async def test_bad_input_is_4xx_problem_and_writes_nothing(
    api: Api, body: dict[str, Any], status: int, field: str | None
) -> None:
    response = await api.post(VENDORS, json=body)
    assert response.status_code == status, response.text
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem["status"] == status and problem["type"].startswith("urn:transfers:problem:")
    assert problem["detail"]
    if field:
        assert problem["errors"][0]["field"] == field
    assert await count_vendors(api) == 0


async def test_malformed_json_and_oversized_body(api: Api) -> None:
    malformed = await api.post(
        VENDORS, content=b'{"name": "x",', headers={"Content-Type": "application/json"}
    )
    assert malformed.status_code == 400
    assert malformed.json()["type"].endswith("malformed-body") or malformed.json()["status"] == 400
    huge = await api.post(VENDORS, json=vendor_body(notes="x" * 2_000_000))
    assert huge.status_code == 413
    assert huge.json()["status"] == 413
    assert await count_vendors(api) == 0


async def test_duplicate_business_id_is_409(api: Api) -> None:
    await api.create(VENDORS, vendor_body())
    dup = await api.post(VENDORS, json=vendor_body(name="Other"))
    assert dup.status_code == 409
    assert await count_vendors(api) == 1


async def test_subprocessor_chain_and_cycles(api: Api) -> None:
    top = await api.create(VENDORS, vendor_body(name="Helpdesk SaaS", business_id="T"))
    mid = await api.create(
        VENDORS,
        vendor_body(
            name="Hosting", role="subprocessor", business_id="M", parent_vendor_ids=[top["id"]]
        ),
    )
    leaf = await api.create(
        VENDORS,
        vendor_body(
            name="Support India",
            country="IN",
            role="subprocessor",
            business_id="L",
            parent_vendor_ids=[mid["id"]],
        ),
    )

    top_read = (await api.get(f"{VENDORS}/{top['id']}")).json()
    assert top_read["subprocessor_ids"] == [mid["id"]]
    chain = (await api.get(f"{VENDORS}/{top['id']}/chain")).json()
    assert chain["subprocessors"][0]["name"] == "Hosting"
    assert chain["subprocessors"][0]["subprocessors"][0]["name"] == "Support India"

    cycle = await api.patch(
        f"{VENDORS}/{top['id']}",
        json={"parent_vendor_ids": [leaf["id"]], "version": top_read["version"]},
    )
    assert cycle.status_code == 422
    assert "cycle" in cycle.json()["detail"]
    assert (await api.get(f"{VENDORS}/{top['id']}")).json()["parent_vendor_ids"] == []

    self_link = await api.patch(
        f"{VENDORS}/{mid['id']}", json={"subprocessor_ids": [mid["id"]], "version": mid["version"]}
    )
    assert self_link.status_code == 422


async def test_unknown_vendor_is_404_problem(api: Api) -> None:
    response = await api.get(f"{VENDORS}/424242")
    assert response.status_code == 404
    assert response.json()["type"] == "urn:transfers:problem:not-found"


async def test_vendor_with_records_cannot_be_deleted(api: Api) -> None:
    from tests import factories

    v = await api.create(VENDORS, vendor_body())
    await factories.transfer(api, v["id"])
    response = await api.delete(f"{VENDORS}/{v['id']}", headers={"If-Match": '"1"'})
    assert response.status_code == 409
    assert response.json()["dependents"]["transfers"] == 1
    assert (await api.get(f"{VENDORS}/{v['id']}")).status_code == 200


async def test_engagement_dates_on_a_chain_link(api: Api) -> None:
    top = await api.create(VENDORS, vendor_body(name="Helpdesk", business_id="H"))
    sub = await api.create(
        VENDORS,
        vendor_body(
            name="Call Centre",
            country="PH",
            role="subprocessor",
            business_id="C",
            parent_vendor_ids=[top["id"]],
        ),
    )
    url = f"{VENDORS}/{top['id']}/subprocessors/{sub['id']}/engagement"
    ok = await api.put(url, json={"engaged_on": "2026-03-01", "ended_on": "2026-12-31"})
    assert ok.status_code == 200, ok.text
    assert ok.json()["engaged_on"] == "2026-03-01"
    assert ok.json()["ended_on"] == "2026-12-31"

    backwards = await api.put(url, json={"engaged_on": "2026-03-01", "ended_on": "2026-01-01"})
    assert backwards.status_code == 422
    assert backwards.headers["content-type"].startswith("application/problem+json")
    unknown = await api.put(
        f"{VENDORS}/{sub['id']}/subprocessors/{top['id']}/engagement", json={"engaged_on": None}
    )
    assert unknown.status_code == 404
    bad = await api.put(url, json={"engaged_on": "March"})
    assert bad.status_code == 400

    trail = (await api.get("/api/v1/audit", params={"entity_type": "vendor_engagement"})).json()
    assert len(trail["items"]) == 1
    assert trail["items"][0]["after"]["ended_on"] == "2026-12-31"
