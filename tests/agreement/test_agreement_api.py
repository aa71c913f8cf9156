"""Agreement endpoints: terms stored as ISO durations, computed dates, cross-field rules, attachments."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.conftest import Api

AGREEMENTS = "/api/v1/agreements"


async def test_agreement_with_human_term_is_stored_in_iso_and_dates_computed(api: Api) -> None:
    v = await factories.vendor(api)
    a = await factories.agreement(
        api, v["id"], term="2 years", notice_period="3 months", effective_on="2024-02-01"
    )
    assert a["term"] == "P2Y" and a["notice_period"] == "P3M"
    got = (
        await api.get(f"{AGREEMENTS}/{a['id']}", params={"as_of": "2026-11-24"}, role="procurement")
    ).json()
    assert got["current_term_ends_on"] == "2028-02-01"
    assert got["next_notice_deadline"] == "2027-11-01"
    listed = (
        await api.get(AGREEMENTS, params={"vendor_id": v["id"], "kind": "dpa", "status": "signed"})
    ).json()
    assert listed["total"] == 1


@pytest.mark.parametrize(
    ("overrides", "status", "field"),
    [
        ({"kind": "dpa", "scc_module": 2}, 422, "scc_module"),
        ({"ends_on": "2024-01-01", "term": None}, 422, "ends_on"),
        ({"ends_on": "2030-01-01"}, 422, "term"),
        ({"term": "forever"}, 422, "term"),
        ({"notice_period": "P0D"}, 422, "notice_period"),
        ({"subprocessor_authorisation": "general"}, 422, "objection_period_days"),
        ({"objection_period_days": 30}, 422, "objection_period_days"),
        ({"status": "signed", "signed_on": None}, 422, "signed_on"),
        ({"kind": "scc_2022"}, 400, None),
        ({"scc_module": 0, "kind": "scc_2021"}, 400, None),
        ({"vendor_id": 99999}, 422, "vendor_id"),
        ({"auto_renew": True, "term": None}, 422, "auto_renew"),
    ],
)
async def test_bad_agreements_are_refused_and_nothing_written(
    api: Api, overrides: dict[str, Any], status: int, field: str | None
) -> None:
    v = await factories.vendor(api)
    body: dict[str, Any] = {
        "vendor_id": v["id"],
        "kind": "dpa",
        "status": "signed",
        "signed_on": "2024-01-15",
        "effective_on": "2024-02-01",
        "term": "P2Y",
        "auto_renew": True,
    }
    body.update(overrides)
    response = await api.post(AGREEMENTS, json=body)
    assert response.status_code == status, response.text
    if field:
        assert response.json()["errors"][0]["field"] == field
    assert (await api.get(AGREEMENTS)).json()["total"] == 0


async def test_patch_revalidates_the_whole_agreement(api: Api) -> None:
    v = await factories.vendor(api)
    a = await factories.agreement(api, v["id"])
    bad = await api.patch(
        f"{AGREEMENTS}/{a['id']}", json={"scc_module": 3}, headers={"If-Match": '"1"'}
    )
    assert bad.status_code == 422
    ok = await api.patch(
        f"{AGREEMENTS}/{a['id']}",
        json={"kind": "scc_2021", "scc_module": 3},
        headers={"If-Match": '"1"'},
    )
    assert ok.status_code == 200 and ok.json()["scc_module"] == 3


async def test_attachments_round_trip_and_are_audited(api: Api) -> None:
    v = await factories.vendor(api)
    a = await factories.agreement(api, v["id"])
    pdf = b"%PDF-1.4 signed DPA"
    up = await api.post(
        f"{AGREEMENTS}/{a['id']}/attachments",
        files={"file": ("dpa signed.pdf", pdf, "application/pdf")},
    )
    assert up.status_code == 201, up.text
    meta = up.json()
    assert meta["size"] == len(pdf) and meta["filename"] == "dpa signed.pdf"
    listed = (await api.get(f"{AGREEMENTS}/{a['id']}/attachments", role="procurement")).json()
    assert [x["id"] for x in listed] == [meta["id"]]
    content = await api.get(f"{AGREEMENTS}/{a['id']}/attachments/{meta['id']}/content")
    assert content.content == pdf
    assert content.headers["content-type"].startswith("application/pdf")
    assert "attachment" in content.headers["content-disposition"]
    trail = (
        await api.get("/api/v1/audit", params={"entity_type": "agreement", "entity_id": a["id"]})
    ).json()
    assert "attach" in [e["action"] for e in trail["items"]]
    empty = await api.post(
        f"{AGREEMENTS}/{a['id']}/attachments", files={"file": ("empty.pdf", b"", "application/pdf")}
    )
    assert empty.status_code == 422
    no_file = await api.post(f"{AGREEMENTS}/{a['id']}/attachments", data={"note": "no file"})
    assert no_file.status_code in (400, 422)


async def test_scc_clause_elections_are_recorded_validated_and_audited(api: Api) -> None:
    v = await factories.vendor(api)
    refused = await api.post(
        AGREEMENTS,
        json={"vendor_id": v["id"], "kind": "dpa", "scc_clauses": {"governing_law": "FI"}},
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "scc_clauses"
    us_law = await api.post(
        AGREEMENTS,
        json={
            "vendor_id": v["id"],
            "kind": "scc_2021",
            "scc_module": 2,
            "scc_clauses": {"governing_law": "US"},
        },
    )
    assert us_law.status_code == 422
    assert us_law.json()["errors"][0]["field"] == "scc_clauses.governing_law"
    unknown = await api.post(
        AGREEMENTS,
        json={"vendor_id": v["id"], "kind": "scc_2021", "scc_clauses": {"clause_99": True}},
    )
    assert unknown.status_code == 400
    assert (await api.get(AGREEMENTS)).json()["total"] == 0

    a = await factories.agreement(
        api,
        v["id"],
        kind="scc_2021",
        scc_module=2,
        scc_clauses={"docking_clause": False, "redress_body": "Finnish mediation body"},
    )
    assert a["scc_clauses"] == {
        "docking_clause": False,
        "redress_body": "Finnish mediation body",
        "supervisory_authority": None,
        "governing_law": "FI",
        "governing_law_option": 1,
        "forum": "FI",
    }
    patched = await api.patch(
        f"{AGREEMENTS}/{a['id']}",
        json={"scc_clauses": {"governing_law": "SE", "forum": "SE"}},
        headers={"If-Match": '"1"'},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["scc_clauses"]["governing_law"] == "SE"
    assert patched.json()["scc_clauses"]["docking_clause"] is True
    trail = (
        await api.get("/api/v1/audit", params={"entity_type": "agreement", "entity_id": a["id"]})
    ).json()
    assert any(
        (e.get("after") or {}).get("scc_clauses", {}).get("governing_law") == "SE"
        for e in trail["items"]
    )
