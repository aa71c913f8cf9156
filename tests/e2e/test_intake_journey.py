"""Journey: procurement asks for a vendor -> legal approves with a condition -> the status
shows conditional -> the condition is met -> approved (issue 12)."""

from __future__ import annotations

from tests import factories
from tests.conftest import Api


async def test_conditional_approval_until_the_condition_is_met(api: Api) -> None:
    # Legal already has the vendor on file with a signed DPA, from an earlier negotiation.
    vendor = await factories.vendor(
        api,
        name="Liffey Mail Ltd",
        country="IE",
        business_id="IE-6388047V",
        category="support_tooling",
    )
    await factories.agreement(api, vendor["id"])

    # Procurement asks; the engine answers at once, and nothing is written to the register.
    asked = await api.create(
        "/api/v1/intake-requests",
        {
            "vendor_business_id": "IE-6388047V",
            "service": "Newsletter sending",
            "purposes": ["Marketing e-mail"],
            "data_categories": ["contact"],
            "data_subjects": ["customers"],
            "destinations": [{"country": "IE"}],
            "expected_start": "2026-01-01",
            "requester_email": "buyer@palvelu.example",
        },
        role="procurement",
    )
    assert asked["vendor_id"] == vendor["id"]
    assert asked["precheck"]["needs"] == ["IE: destination needs no mechanism (EEA)"]
    assert asked["precheck"]["lawful_as_requested"] is True
    before = (await api.get(f"/api/v1/vendors/{vendor['id']}/status", role="procurement")).json()
    assert before["status"] == "conditional"  # proposed, not yet approved
    assert before["cleared"]["purposes"] == []

    # Legal approves with one condition, which becomes a tracked reminder.
    decided = await api.post(
        f"/api/v1/intake-requests/{asked['id']}/decision",
        json={
            "decision": "approve_with_conditions",
            "reason": "Fine once we hold their ISO 27001 certificate.",
            "conditions": [{"text": "Obtain the ISO 27001 certificate", "due_on": "2027-03-31"}],
            "version": asked["version"],
        },
    )
    assert decided.status_code == 200, decided.text
    intake = decided.json()
    assert intake["state"] == "approved_with_conditions"
    key = intake["conditions"][0]["reminder_key"]
    reminders = (
        await api.get(
            "/api/v1/reminders",
            params={"as_of": "2027-03-01", "within": "60d", "kind": "intake_condition"},
            role="procurement",
        )
    ).json()
    assert [(r["key"], r["due_on"], r["owner"]) for r in reminders["items"]] == [
        (key, "2027-03-31", "buyer@palvelu.example")
    ]

    # Procurement sees the vendor as conditional, and what it is cleared for.
    status = (
        await api.get(
            "/api/v1/vendors/status",
            params={"name": "liffey mail ltd", "data_category": "contact", "country": "IE"},
            role="procurement",
        )
    ).json()
    assert status["status"] == "conditional"
    assert "intake_conditions_open" in {r["code"] for r in status["reasons"]}
    cleared = status["cleared"]
    assert cleared["purposes"] == ["marketing e-mail"]
    assert cleared["countries"] == ["IE"]
    assert cleared["open_conditions"][0]["text"] == "Obtain the ISO 27001 certificate"
    assert cleared["requested"]["inside"] is True
    # Every view agrees: the register-wide summary counts it conditional too.
    summary = (await api.get("/api/v1/compliance", role="procurement")).json()
    assert summary["vendor_counts"] == {"approved": 0, "conditional": 1, "blocked": 0}
    outside = (
        await api.get(
            f"/api/v1/vendors/{vendor['id']}/status",
            params={"data_category": "hr", "country": "US"},
            role="procurement",
        )
    ).json()["cleared"]["requested"]
    assert outside["inside"] is False
    assert "US is not among the approved countries." in outside["why"]

    # The condition is met: the approval is complete and the vendor approved.
    met = await api.post(
        f"/api/v1/intake-requests/{asked['id']}/conditions/1/met",
        json={"version": intake["version"]},
    )
    assert met.status_code == 200, met.text
    assert met.json()["state"] == "approved"
    assert met.json()["conditions"][0]["met_by"] == "legal-key"
    after = (await api.get(f"/api/v1/vendors/{vendor['id']}/status", role="procurement")).json()
    assert after["status"] == "approved"
    assert after["cleared"]["open_conditions"] == []
    summary = (await api.get("/api/v1/compliance", role="procurement")).json()
    assert summary["vendor_counts"] == {"approved": 1, "conditional": 0, "blocked": 0}
    gone = (
        await api.get(
            "/api/v1/reminders",
            params={"as_of": "2027-03-01", "within": "60d", "kind": "intake_condition"},
        )
    ).json()
    assert gone["items"] == []
    followed = (await api.get(f"/api/v1/intake-requests/{asked['id']}", role="procurement")).json()
    assert followed["state"] == "approved"
    trail = (
        await api.get(
            "/api/v1/audit", params={"entity_type": "intake_request", "entity_id": asked["id"]}
        )
    ).json()
    states = [e["after"].get("state") for e in reversed(trail["items"])]
    assert states == ["submitted", "approved_with_conditions", "approved"]
