"""Assessment (TIA) endpoints."""

from __future__ import annotations

from tests import factories
from tests.conftest import Api

ASSESSMENTS = "/api/v1/assessments"


async def test_assessment_lifecycle(api: Api) -> None:
    v = await factories.vendor(api)
    t = await factories.transfer(api, v["id"])
    draft = await api.create(
        ASSESSMENTS, {"transfer_id": t["id"], "law_and_practice": "FISA 702 applies."}
    )
    assert draft["completed_on"] is None
    done = await api.patch(
        f"{ASSESSMENTS}/{draft['id']}",
        json={
            "completed_on": "2025-03-01",
            "conclusion": "adequate_with_measures",
            "next_review_on": "2026-03-01",
        },
        headers={"If-Match": '"1"'},
    )
    assert done.status_code == 200, done.text
    listed = (
        await api.get(ASSESSMENTS, params={"transfer_id": t["id"]}, role="procurement")
    ).json()
    assert listed["total"] == 1 and listed["items"][0]["conclusion"] == "adequate_with_measures"


async def test_assessment_validation(api: Api) -> None:
    v = await factories.vendor(api)
    t = await factories.transfer(api, v["id"])
    cases = [
        ({"transfer_id": t["id"], "completed_on": "2025-01-01"}, 422, "conclusion"),
        ({"transfer_id": t["id"], "conclusion": "adequate"}, 422, "completed_on"),
        (
            {
                "transfer_id": t["id"],
                "completed_on": "2025-01-01",
                "conclusion": "adequate",
                "next_review_on": "2024-01-01",
            },
            422,
            "next_review_on",
        ),
        ({"transfer_id": t["id"], "completed_on": "2025-01-01", "conclusion": "fine"}, 400, None),
        ({"transfer_id": 999}, 422, "transfer_id"),
    ]
    for body, status, field in cases:
        response = await api.post(ASSESSMENTS, json=body)
        assert response.status_code == status, (body, response.text)
        if field:
            assert response.json()["errors"][0]["field"] == field
    assert (await api.get(ASSESSMENTS)).json()["total"] == 0


async def test_sign_off_needs_an_approver_and_a_completed_assessment(api: Api) -> None:
    v = await factories.vendor(api)
    t = await factories.transfer(api, v["id"])
    url = "/api/v1/assessments"
    nameless = await api.post(
        url,
        json={
            "transfer_id": t["id"],
            "completed_on": "2026-02-01",
            "conclusion": "adequate",
            "approved_on": "2026-02-03",
        },
    )
    assert nameless.status_code == 422 and nameless.json()["errors"][0]["field"] == "approver"
    early = await api.post(
        url,
        json={
            "transfer_id": t["id"],
            "completed_on": "2026-02-01",
            "conclusion": "adequate",
            "approver": "Pekka",
            "approved_on": "2026-01-03",
        },
    )
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "approved_on"
    assert (await api.get(url)).json()["total"] == 0
    ok = await api.post(
        url,
        json={
            "transfer_id": t["id"],
            "completed_on": "2026-02-01",
            "conclusion": "adequate",
            "assessor": "Laura",
            "approver": "Pekka",
            "approved_on": "2026-02-03",
        },
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["approver"] == "Pekka" and ok.json()["approved_on"] == "2026-02-03"
