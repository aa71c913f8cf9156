""" "Cleared for what": the approved uses of a vendor in its status answer."""

from __future__ import annotations

from typing import Any

from tests import factories
from tests.conftest import Api


async def cleared(api: Api, vendor_id: int, **params: Any) -> dict[str, Any]:
    response = await api.get(
        f"/api/v1/vendors/{vendor_id}/status",
        params={"as_of": "2026-11-25", **params},
        role="procurement",
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


async def us_vendor(api: Api) -> int:
    """Approved, DPA signed; HR data to the US on DPF (certified, HR covered); contact data
    went to India until 2025 (ended: not cleared any more)."""
    v = await factories.vendor(api, name="Payroll Cloud Inc.", status="approved")
    await factories.agreement(api, v["id"])
    await api.create(
        "/api/v1/processings",
        {
            "vendor_id": v["id"],
            "service": "Payroll",
            "purposes": ["Payroll"],
            "data_categories": ["payroll", "hr"],
        },
    )
    await factories.transfer(
        api,
        v["id"],
        mechanism="dpf",
        scc_module=None,
        data_categories=["hr", "payroll"],
        dpf_certified=True,
        dpf_hr_covered=True,
        dpf_verified_on="2026-10-01",
    )
    await factories.transfer(
        api,
        v["id"],
        destination_country="IN",
        mechanism="none",
        scc_module=None,
        data_categories=["contact"],
        ended_on="2025-01-01",
    )
    return int(v["id"])


async def test_cleared_uses_come_from_processings_and_not_unlawful_transfers(api: Api) -> None:
    vid = await us_vendor(api)
    body = await cleared(api, vid)
    assert body["cleared"]["purposes"] == ["Payroll"]  # kept as typed
    assert body["cleared"]["countries"] == ["US"], "an ended transfer clears nothing"
    assert body["cleared"]["requested"] is None


async def test_an_unlawful_transfer_clears_nothing_and_blocks(api: Api) -> None:
    vid = await us_vendor(api)
    await factories.transfer(api, vid, destination_country="CN", mechanism="none", scc_module=None)
    body = await cleared(api, vid, data_category="hr", country="US")
    assert body["status"] == "blocked"
    assert body["cleared"]["countries"] == ["US"]
    assert body["cleared"]["requested"]["inside"] is False
    assert body["cleared"]["requested"]["why"] == ["The vendor is blocked; see the reasons."]


async def test_requested_use_inside_or_outside(api: Api) -> None:
    vid = await us_vendor(api)
    inside = (await cleared(api, vid, data_category="HR", country="us"))["cleared"]["requested"]
    assert (inside["data_category"], inside["country"], inside["inside"]) == ("hr", "US", True)
    other = (await cleared(api, vid, data_category="health", country="US"))["cleared"]
    assert other["requested"]["inside"] is False
    assert other["requested"]["why"] == ["The data category 'health' is not approved for US."]
    india = (await cleared(api, vid, data_category="contact", country="IN"))["cleared"]
    assert india["requested"]["inside"] is False
    purpose = (await cleared(api, vid, purpose="marketing"))["cleared"]["requested"]
    assert purpose["inside"] is False


async def test_a_vendor_not_approved_is_cleared_for_nothing(api: Api) -> None:
    v = await factories.vendor(api, name="Pending Ltd", country="FI")
    body = await cleared(api, v["id"], country="FI")
    assert body["cleared"]["countries"] == []
    assert body["cleared"]["requested"]["inside"] is False
    assert body["cleared"]["requested"]["why"][0] == "The vendor is proposed, not approved."


async def test_a_bad_country_is_a_problem_not_a_crash(api: Api) -> None:
    vid = await us_vendor(api)
    response = await api.get(
        f"/api/v1/vendors/{vid}/status", params={"country": "Atlantis"}, role="procurement"
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
