"""Vendor intake through the API: procurement asks, the engine pre-checks, legal decides."""

from __future__ import annotations

from typing import Any

from tests import factories
from tests.conftest import Api

URL = "/api/v1/intake-requests"


def request_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "vendor_name": "Northwind Analytics Inc.",
        "vendor_country": "US",
        "service": "Customer analytics",
        "purposes": ["Customer analytics"],
        "data_categories": ["identity", "contact"],
        "data_subjects": ["customers"],
        "destinations": [{"country": "US", "mechanism": "scc_2021", "scc_module": 2}],
        "expected_start": "2030-03-01",
    }
    body.update(overrides)
    return body


async def ask(api: Api, **overrides: Any) -> dict[str, Any]:
    return await api.create(URL, request_body(**overrides), role="procurement")


async def totals(api: Api) -> tuple[int, int, int]:
    vendors = (await api.get("/api/v1/vendors")).json()["total"]
    transfers = (await api.get("/api/v1/transfers")).json()["total"]
    processings = (await api.get("/api/v1/processings")).json()["total"]
    return vendors, transfers, processings


async def test_scc_request_says_dpa_and_module_2_with_tia_are_missing(api: Api) -> None:
    intake = await ask(api)
    assert intake["state"] == "submitted"
    assert intake["requester"] == "procurement-key"
    check = intake["precheck"]
    assert check["lawful_as_requested"] is False
    assert check["vendor_status"] == "blocked"
    assert "needs a DPA (Art. 28 agreement)" in check["needs"]
    assert "US: needs signed Standard contractual clauses (2021) module 2 + TIA" in check["needs"]
    assert check["destinations"][0]["verdict"] == "unlawful"
    assert await totals(api) == (0, 0, 0), "a pre-check writes nothing to the register"


async def test_dpf_with_hr_data_must_cover_hr(api: Api) -> None:
    intake = await ask(
        api,
        data_categories=["payroll", "identity"],
        data_subjects=["employees"],
        destinations=[{"country": "US", "mechanism": "dpf", "dpf_certified": True}],
    )
    needs = intake["precheck"]["destinations"][0]["needs"]
    assert "DPF certification must cover HR data" in needs


async def test_eea_and_adequate_destinations_need_no_mechanism(api: Api) -> None:
    intake = await ask(
        api,
        vendor_name="Pohjola Hosting Oy",
        vendor_country="FI",
        destinations=[{"country": "SE"}, {"country": "CH", "mechanism": "adequacy"}],
    )
    by_country = {d["country"]: d for d in intake["precheck"]["destinations"]}
    assert by_country["SE"]["needs"] == ["destination needs no mechanism (EEA)"]
    assert by_country["CH"]["needs"] == ["destination needs no mechanism (adequacy)"]
    assert by_country["SE"]["verdict"] == "lawful"
    assert intake["precheck"]["needs"] == [
        "needs a DPA (Art. 28 agreement)",
        "SE: destination needs no mechanism (EEA)",
        "CH: destination needs no mechanism (adequacy)",
    ]


async def test_existing_vendor_with_dpa_and_sccs_needs_only_a_tia(api: Api) -> None:
    v = await factories.vendor(api, business_id="US-12345", status="approved")
    await factories.agreement(api, v["id"])
    await factories.agreement(
        api, v["id"], kind="scc_2021", scc_module=2, term=None, auto_renew=False, notice_period=None
    )
    intake = await ask(api, vendor_name=None, vendor_country=None, vendor_business_id="US-12345")
    assert intake["vendor_id"] == v["id"]
    assert intake["vendor_name"] == "Acme Cloud Inc."
    check = intake["precheck"]
    assert check["needs"] == ["US: needs a TIA"]
    assert check["vendor_status"] == "conditional"


async def test_bad_requests_are_refused_and_change_nothing(api: Api) -> None:
    cases = [
        (request_body(destinations=[{"country": "US", "mechanism": "dpf", "scc_module": 2}]), 422),
        (request_body(destinations=[{"country": "USA?"}]), 422),
        (request_body(vendor_name=None), 422),
        (request_body(vendor_id=999), 422),
        (request_body(purposes=[" "]), 422),
        (request_body(surprise=1), 400),
        (request_body(expected_start="tomorrow"), 400),
    ]
    for body, status in cases:
        response = await api.post(URL, json=body, role="procurement")
        assert response.status_code == status, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    assert (await api.get(URL, role="procurement")).json()["total"] == 0


async def test_legal_approves_and_the_register_gets_vendor_processing_transfers(api: Api) -> None:
    intake = await ask(api)
    refused = await api.post(
        f"{URL}/{intake['id']}/decision",
        json={"decision": "approve", "version": 1},
        role="procurement",
    )
    assert refused.status_code == 403
    no_version = await api.post(f"{URL}/{intake['id']}/decision", json={"decision": "approve"})
    assert no_version.status_code == 428
    review = await api.post(f"{URL}/{intake['id']}/review", json={"version": 1})
    assert review.status_code == 200, review.text
    assert review.json()["state"] == "in_review"
    stale = await api.post(
        f"{URL}/{intake['id']}/decision", json={"decision": "approve", "version": 1}
    )
    assert stale.status_code == 412
    approved = await api.post(
        f"{URL}/{intake['id']}/decision", json={"decision": "approve"}, headers={"If-Match": '"2"'}
    )
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["state"] == "approved"
    assert body["decided_by"] == "legal-key"
    vendor = (await api.get(f"/api/v1/vendors/{body['vendor_id']}")).json()
    assert (vendor["name"], vendor["status"], vendor["country"]) == (
        "Northwind Analytics Inc.",
        "approved",
        "US",
    )
    transfers = (await api.get("/api/v1/transfers", params={"vendor_id": vendor["id"]})).json()
    assert [
        (t["destination_country"], t["mechanism"], t["scc_module"], t["started_on"])
        for t in transfers["items"]
    ] == [("US", "scc_2021", 2, "2030-03-01")]
    assert transfers["items"][0]["processing_id"] == body["processing_id"]
    processing = (await api.get(f"/api/v1/processings/{body['processing_id']}")).json()
    assert processing["purposes"] == ["customer analytics"]
    trail = (await api.get("/api/v1/audit", params={"actor": "legal-key"})).json()
    audited = {(e["entity_type"], e["action"]) for e in trail["items"]}
    assert {
        ("vendor", "create"),
        ("processing", "create"),
        ("transfer", "create"),
        ("intake_request", "update"),
    } <= audited
    again = await api.post(
        f"{URL}/{intake['id']}/decision", json={"decision": "reject", "reason": "x", "version": 3}
    )
    assert again.status_code == 409


async def test_reject_needs_a_reason_and_writes_nothing(api: Api) -> None:
    intake = await ask(api)
    path = f"{URL}/{intake['id']}/decision"
    assert (await api.post(path, json={"decision": "reject", "version": 1})).status_code == 422
    bad = await api.post(
        path, json={"decision": "approve_with_conditions", "conditions": [], "version": 1}
    )
    assert bad.status_code == 422
    blank = await api.post(
        path,
        json={
            "decision": "approve_with_conditions",
            "conditions": [{"text": "  ", "due_on": "2030-01-01"}],
            "version": 1,
        },
    )
    assert blank.status_code == 422
    rejected = await api.post(
        path,
        json={"decision": "reject", "reason": "Use our existing analytics tool.", "version": 1},
    )
    assert rejected.status_code == 200
    assert rejected.json()["state"] == "rejected"
    assert rejected.json()["decision_reason"] == "Use our existing analytics tool."
    assert await totals(api) == (0, 0, 0)
    followed = (await api.get(f"{URL}/{intake['id']}", role="procurement")).json()
    assert followed["state"] == "rejected"


async def test_a_failed_approval_rolls_back_everything(api: Api) -> None:
    await factories.vendor(api, name="Other Ltd", business_id="FI-1", country="FI")
    intake = await ask(api, vendor_business_id="FI-1", vendor_name="Other Ltd")
    assert intake["vendor_id"] is not None  # matched exactly on the business ID
    await api.patch(
        f"/api/v1/vendors/{intake['vendor_id']}", json={"status": "suspended", "version": 1}
    )
    response = await api.post(
        f"{URL}/{intake['id']}/decision", json={"decision": "approve", "version": 1}
    )
    assert response.status_code == 409
    assert (await api.get(f"{URL}/{intake['id']}")).json()["state"] == "submitted"
    assert await totals(api) == (1, 0, 0)


async def test_cli_lists_requests_by_state(api: Api, transfers_cli: Any) -> None:
    await ask(api)

    async def run(*args: str) -> Any:
        return await transfers_cli("intake", "list", *args)

    listed = await run("--state", "submitted")
    assert listed.returncode == 0, listed.stderr
    assert "Northwind Analytics Inc." in listed.stdout
    assert "1 intake requests" in listed.stdout
    none = await run("--state", "rejected")
    assert "0 intake requests" in none.stdout
