"""User journeys end to end, through the API only, as each role would live them."""

from __future__ import annotations

from tests.conftest import Api


async def test_legal_registers_a_us_cloud_vendor_and_procurement_gets_a_verdict(api: Api) -> None:
    # Legal: the vendor, its DPA with SCCs Module 2, the transfer to the USA.
    vendor = await api.create(
        "/api/v1/vendors",
        {
            "name": "Northwind Cloud LLC",
            "country": "US",
            "role": "processor",
            "category": "cloud_hosting",
            "business_id": "US-77",
            "status": "approved",
        },
    )
    scc = await api.create(
        "/api/v1/agreements",
        {
            "vendor_id": vendor["id"],
            "kind": "scc_2021",
            "scc_module": 2,
            "status": "signed",
            "signed_on": "2024-03-01",
            "effective_on": "2024-03-01",
            "term": "P1Y",
            "auto_renew": True,
            "notice_period": "P2M",
        },
    )
    transfer = await api.create(
        "/api/v1/transfers",
        {
            "vendor_id": vendor["id"],
            "exporter_role": "controller",
            "destination_country": "US",
            "mechanism": "scc_2021",
            "scc_module": 2,
            "agreement_id": scc["id"],
            "data_categories": ["identity", "contact"],
            "frequency": "systematic",
            "started_on": "2024-03-01",
        },
    )

    # Procurement asks before buying: conditional, because no TIA is documented yet.
    ask = await api.get(
        "/api/v1/vendors/status",
        params={"business_id": "US-77", "as_of": "2026-11-24"},
        role="procurement",
    )
    assert ask.status_code == 200
    assert ask.json()["status"] == "conditional"
    assert "tia_missing" in {r["code"] for t in ask.json()["transfers"] for r in t["reasons"]}
    assert ask.json()["next_deadline"] is not None

    # Legal documents the TIA; the vendor becomes approved.
    await api.create(
        "/api/v1/assessments",
        {
            "transfer_id": transfer["id"],
            "completed_on": "2026-10-01",
            "conclusion": "adequate_with_measures",
            "next_review_on": "2027-10-01",
            "supplementary_measures": "EU-held keys",
        },
    )
    again = (
        await api.get(
            f"/api/v1/vendors/{vendor['id']}/status",
            params={"as_of": "2026-11-24"},
            role="procurement",
        )
    ).json()
    assert again["status"] == "approved", again

    # Procurement cannot change anything; the trail shows who did what.
    denied = await api.patch(
        f"/api/v1/vendors/{vendor['id']}",
        json={"status": "suspended", "version": 1},
        role="procurement",
    )
    assert denied.status_code == 403
    trail = (await api.get("/api/v1/audit", params={"actor": "legal-key"})).json()
    assert {e["entity_type"] for e in trail["items"]} >= {
        "vendor",
        "agreement",
        "transfer",
        "assessment",
    }

    # Legal suspends the vendor (with the version it read): blocked at once.
    suspended = await api.patch(
        f"/api/v1/vendors/{vendor['id']}", json={"status": "suspended"}, headers={"If-Match": '"1"'}
    )
    assert suspended.status_code == 200
    final = (await api.get(f"/api/v1/vendors/{vendor['id']}/status", role="procurement")).json()
    assert final["status"] == "blocked" and "vendor_suspended" in {
        r["code"] for r in final["reasons"]
    }


async def test_privacy_shield_blind_spot_stands_out_register_wide(api: Api) -> None:
    events = await api.create(
        "/api/v1/vendors",
        {
            "name": "Summit Events Inc.",
            "country": "US",
            "role": "controller",
            "category": "marketing_events",
            "status": "approved",
        },
    )
    await api.create(
        "/api/v1/transfers",
        {
            "vendor_id": events["id"],
            "exporter_role": "controller",
            "destination_country": "US",
            "mechanism": "privacy_shield",
            "dpf_certified": True,
            "data_categories": ["identity", "contact"],
            "frequency": "systematic",
            "started_on": "2018-04-01",
        },
    )
    view = (await api.get("/api/v1/compliance", role="procurement")).json()
    assert view["counts"]["unlawful"] == 1
    assert view["invalidated_mechanism_transfers"][0]["mechanism"] == "privacy_shield"
    reason = view["problems"][0]["reasons"]
    assert any("C-311/18" in r["message"] + r["citation"] for r in reason)
