"""Transfer endpoints: CRUD, validation across fields, filters."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.conftest import Api

TRANSFERS = "/api/v1/transfers"


async def test_transfer_crud_and_filters(api: Api) -> None:
    v = await factories.vendor(api)
    t = await factories.transfer(
        api, v["id"], data_categories=["Identity", " contact ", "identity"]
    )
    assert t["data_categories"] == ["identity", "contact"]
    assert t["destination_country"] == "US"
    await factories.transfer(
        api, v["id"], destination_country="jp", mechanism="adequacy", scc_module=None
    )

    by_mech = (
        await api.get(TRANSFERS, params={"mechanism": "adequacy"}, role="procurement")
    ).json()
    assert by_mech["total"] == 1 and by_mech["items"][0]["destination_country"] == "JP"
    by_vendor = (await api.get(TRANSFERS, params={"vendor_id": v["id"]})).json()
    assert by_vendor["total"] == 2

    patched = await api.patch(
        f"{TRANSFERS}/{t['id']}", json={"ended_on": "2025-01-01"}, headers={"If-Match": '"1"'}
    )
    assert patched.status_code == 200 and patched.json()["ended_on"] == "2025-01-01"
    deleted = await api.delete(f"{TRANSFERS}/{t['id']}", headers={"If-Match": '"2"'})
    assert deleted.status_code == 204, deleted.text


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"destination_country": "ZZ"}, 422, "destination_country"),
        ({"mechanism": "adequacy", "scc_module": 2}, 422, "scc_module"),
        ({"scc_module": 5}, 400, None),
        ({"mechanism": "privacy-shield"}, 422, "mechanism"),
        ({"exporter_role": "joint"}, 400, None),
        ({"started_on": "2025-01-02", "ended_on": "2025-01-01"}, 422, "ended_on"),
        ({"started_on": "2025-02-30"}, 400, None),
        ({"vendor_id": 9999}, 422, "vendor_id"),
        ({"agreement_id": 9999}, 422, "agreement_id"),
        ({"fallback_mechanism": "scc_2021"}, 422, "fallback_mechanism"),
    ],
)
async def test_bad_transfers_are_rejected_and_nothing_written(
    api: Api, overrides: dict[str, Any], status: int, field: str | None
) -> None:
    v = await factories.vendor(api)
    body = {
        "vendor_id": v["id"],
        "exporter_role": "controller",
        "destination_country": "US",
        "mechanism": "scc_2021",
        "scc_module": 2,
    }
    body.update(overrides)
    response = await api.post(TRANSFERS, json=body)
    assert response.status_code == status, response.text
    assert response.json()["status"] == status
    if field:
        assert response.json()["errors"][0]["field"] == field
    assert (await api.get(TRANSFERS)).json()["total"] == 0


async def test_agreement_of_another_vendor_is_refused(api: Api) -> None:
    a = await factories.vendor(api, name="A")
    b = await factories.vendor(api, name="B")
    other = await factories.agreement(
        api, b["id"], kind="scc_2021", scc_module=2, term=None, auto_renew=False, notice_period=None
    )
    response = await api.post(
        TRANSFERS,
        json={
            "vendor_id": a["id"],
            "exporter_role": "controller",
            "destination_country": "US",
            "mechanism": "scc_2021",
            "scc_module": 2,
            "agreement_id": other["id"],
        },
    )
    assert response.status_code == 422
    assert "another vendor" in response.json()["detail"]


async def test_patch_cannot_break_cross_field_rules(api: Api) -> None:
    v = await factories.vendor(api)
    t = await factories.transfer(api, v["id"])
    response = await api.patch(
        f"{TRANSFERS}/{t['id']}", json={"mechanism": "dpf"}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 422
    assert (await api.get(f"{TRANSFERS}/{t['id']}")).json()["mechanism"] == "scc_2021"
    ok = await api.patch(
        f"{TRANSFERS}/{t['id']}",
        json={"mechanism": "dpf", "scc_module": None, "dpf_certified": True},
        headers={"If-Match": '"1"'},
    )
    assert ok.status_code == 200, ok.text
