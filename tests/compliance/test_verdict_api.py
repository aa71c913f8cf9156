"""Issue 14 through the API, on SQLite and PostgreSQL: the register feeds the engine the right
contract, links that cannot be right are refused, writes answer with today's verdict, users type
country and mechanism codes as they know them, and the what-if tells ready from blocked."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests import factories
from tests.conftest import Api

TRANSFERS = "/api/v1/transfers"


async def evaluation(api: Api, transfer_id: int, as_of: str) -> dict[str, Any]:
    response = await api.get(
        f"{TRANSFERS}/{transfer_id}/evaluation", params={"as_of": as_of}, role="procurement"
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def codes(body: dict[str, Any]) -> list[str]:
    return [r["code"] for r in body["reasons"]]


async def test_only_a_signed_agreement_of_that_module_in_force_covers(api: Api) -> None:
    v = await factories.vendor(api, country="IN", name="Bharat Support Pvt Ltd")
    draft = await factories.agreement(
        api, v["id"], kind="scc_2021", scc_module=2, status="draft", signed_on=None
    )
    t = await factories.transfer(
        api,
        v["id"],
        destination_country="IN",
        agreement_id=draft["id"],
        started_on="2024-01-01",
    )
    body = await evaluation(api, t["id"], "2024-06-01")
    assert body["verdict"] == "unlawful"
    assert {"contract_not_signed", "agreement_draft"} <= set(codes(body))
    # A signed module 2 agreement (not linked) covers it; the reason names it.
    signed = await factories.agreement(
        api,
        v["id"],
        kind="scc_2021",
        scc_module=2,
        signed_on="2024-01-01",
        effective_on="2024-01-01",
        term=None,
        auto_renew=False,
    )
    body = await evaluation(api, t["id"], "2024-06-01")
    assert body["verdict"] == "at_risk"  # no TIA yet
    [used] = [r for r in body["reasons"] if r["code"] == "scc_in_place"]
    assert f"#{signed['id']}" in used["message"]
    assert all(r["confidence"] in {"V", "S", "K", "U"} for r in body["reasons"])


async def test_terminated_agreement_counts_only_until_its_last_day(api: Api) -> None:
    v = await factories.vendor(api, country="IN")
    a = await factories.agreement(
        api,
        v["id"],
        kind="scc_2021",
        scc_module=2,
        signed_on="2023-01-01",
        effective_on="2023-01-01",
        term=None,
        auto_renew=False,
        status="terminated",
        terminated_on="2024-03-31",
    )
    t = await factories.transfer(
        api, v["id"], destination_country="IN", agreement_id=a["id"], started_on="2023-01-01"
    )
    assert (await evaluation(api, t["id"], "2024-03-31"))["verdict"] == "at_risk"
    after = await evaluation(api, t["id"], "2024-04-01")
    assert after["verdict"] == "unlawful" and "agreement_terminated" in codes(after)


@pytest.mark.parametrize(
    ("agreement", "transfer", "field"),
    [
        ({"kind": "dpa"}, {"mechanism": "scc_2021", "scc_module": 2}, "agreement_id"),
        ({"kind": "scc_2021", "scc_module": 3}, {"scc_module": 2}, "agreement_id"),
        ({"kind": "scc_2010"}, {"mechanism": "scc_2021", "scc_module": 2}, "agreement_id"),
        (
            {"kind": "uk_idta"},
            {"mechanism": "dpf", "scc_module": None, "fallback_mechanism": "scc_2021"},
            "agreement_id",
        ),
    ],
)
async def test_a_link_that_cannot_be_right_is_refused(
    api: Api, agreement: dict[str, Any], transfer: dict[str, Any], field: str
) -> None:
    v = await factories.vendor(api)
    a = await factories.agreement(
        api, v["id"], term=None, auto_renew=False, notice_period=None, **agreement
    )
    body = {
        "vendor_id": v["id"],
        "exporter_role": "controller",
        "destination_country": "US",
        "mechanism": "scc_2021",
        "agreement_id": a["id"],
        **transfer,
    }
    response = await api.post(TRANSFERS, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field
    assert (await api.get(TRANSFERS)).json()["total"] == 0


async def test_links_that_can_be_right_are_accepted(api: Api) -> None:
    v = await factories.vendor(api)
    dpa = await factories.agreement(api, v["id"])
    scc = await factories.agreement(
        api, v["id"], kind="scc_2021", scc_module=2, term=None, auto_renew=False
    )
    # DPF transfer: its DPA, or its SCC fallback of the same module.
    for agreement_id in (dpa["id"], scc["id"]):
        await factories.transfer(
            api,
            v["id"],
            mechanism="dpf",
            scc_module=2,
            fallback_mechanism="scc_2021",
            dpf_certified=True,
            agreement_id=agreement_id,
        )


async def test_changing_a_linked_agreement_module_is_refused(api: Api) -> None:
    v = await factories.vendor(api)
    scc = await factories.agreement(
        api, v["id"], kind="scc_2021", scc_module=2, term=None, auto_renew=False
    )
    await factories.transfer(api, v["id"], agreement_id=scc["id"])
    response = await api.patch(
        f"/api/v1/agreements/{scc['id']}", json={"scc_module": 3, "version": scc["version"]}
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "scc_module"


async def test_writes_answer_with_todays_verdict(api: Api) -> None:
    v = await factories.vendor(api, country="IN")
    created = await factories.transfer(
        api, v["id"], destination_country="IN", mechanism="none", scc_module=None
    )
    assert created["evaluation"]["verdict"] == "unlawful"
    assert created["evaluation"]["as_of"] == date.today().isoformat()
    assert codes(created["evaluation"]) == ["no_mechanism"]
    response = await api.patch(
        f"{TRANSFERS}/{created['id']}",
        json={"destination_country": "ch", "version": created["version"]},
    )
    assert response.status_code == 200, response.text
    assert response.json()["evaluation"]["verdict"] == "lawful"
    assert "adequacy_by_operation_of_law" in codes(response.json()["evaluation"])


@pytest.mark.parametrize(
    ("typed", "stored"), [("UK", "GB"), ("el", "GR"), ("xk", "XK"), (" us ", "US"), ("ep", "EP")]
)
async def test_countries_as_users_type_them(api: Api, typed: str, stored: str) -> None:
    v = await factories.vendor(api, country=typed)
    assert v["country"] == stored
    t = await factories.transfer(
        api, v["id"], destination_country=typed, mechanism="NONE", scc_module=None
    )
    assert (t["destination_country"], t["mechanism"]) == (stored, "none")


@pytest.mark.parametrize(("typed", "suggestion"), [("USA", "US"), ("Germany", "DE"), ("FIN", "FI")])
async def test_wrong_country_suggests_the_code(api: Api, typed: str, suggestion: str) -> None:
    response = await api.post(
        "/api/v1/vendors",
        json={"name": "X", "country": typed, "role": "processor", "category": "other"},
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], error["suggestion"]) == ("country", suggestion)
    assert suggestion in response.json()["detail"]


async def test_wrong_mechanism_lists_the_allowed_values(api: Api) -> None:
    v = await factories.vendor(api)
    response = await api.post(
        TRANSFERS,
        json={
            "vendor_id": v["id"],
            "exporter_role": "controller",
            "destination_country": "US",
            "mechanism": "SCC",
        },
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "mechanism" and "scc_2021" in error["allowed"]


async def test_ended_transfer_says_whether_it_was_covered(api: Api) -> None:
    v = await factories.vendor(api, name="Summit Events Inc.", role="controller")
    t = await factories.transfer(
        api,
        v["id"],
        mechanism="privacy_shield",
        scc_module=None,
        dpf_certified=True,
        started_on="2018-01-01",
        ended_on="2021-03-31",
    )
    body = await evaluation(api, t["id"], "2026-11-24")
    assert (body["verdict"], body["active"]) == ("inactive", False)
    assert (body["period_verdict"], body["period_day"]) == ("unlawful", "2020-07-16")
    assert codes(body)[0] == "transfer_ended"


async def test_status_messages_have_no_codes_and_ignore_inactive(api: Api) -> None:
    v = await factories.vendor(api, country="IN")
    await factories.agreement(api, v["id"])
    await factories.transfer(
        api, v["id"], destination_country="IN", mechanism="none", scc_module=None
    )
    await factories.transfer(
        api,
        v["id"],
        destination_country="IN",
        mechanism="none",
        scc_module=None,
        started_on="2019-01-01",
        ended_on="2019-12-31",
    )
    response = await api.get(f"/api/v1/vendors/{v['id']}/status", role="procurement")
    body = response.json()
    [unlawful] = [r for r in body["reasons"] if r["code"] == "transfer_unlawful"]
    assert "no_mechanism" not in unlawful["message"]
    assert "without a transfer mechanism" in unlawful["message"]
    assert [t["verdict"] for t in body["transfers"]] == ["unlawful", "inactive"]


async def test_what_if_tells_ready_from_blocked(api: Api) -> None:
    ready = await factories.vendor(api, name="Ready Cloud")
    await factories.agreement(api, ready["id"])
    scc = await factories.agreement(
        api,
        ready["id"],
        kind="scc_2021",
        scc_module=2,
        term=None,
        auto_renew=False,
        signed_on="2024-01-01",
        effective_on="2024-01-01",
    )
    dpf = {
        "mechanism": "dpf",
        "dpf_certified": True,
        "dpf_verified_on": (date.today() - timedelta(days=30)).isoformat(),
        "scc_module": None,
    }
    covered = await factories.transfer(
        api,
        ready["id"],
        **{**dpf, "scc_module": 2, "fallback_mechanism": "scc_2021", "agreement_id": scc["id"]},
    )
    await api.create(
        "/api/v1/assessments",
        {
            "transfer_id": covered["id"],
            "completed_on": "2024-02-01",
            "conclusion": "adequate_with_measures",
        },
    )
    blocked = await factories.vendor(api, name="Blocked Analytics")
    await factories.agreement(api, blocked["id"])
    await factories.transfer(api, blocked["id"], **dpf)
    response = await api.get(
        "/api/v1/compliance", params={"assume_invalid": "dpf"}, role="procurement"
    )
    assert response.status_code == 200, response.text
    what_if = response.json()["what_if"]
    assert [r["vendor_name"] for r in what_if["ready"]] == ["Ready Cloud"]
    assert what_if["ready"][0]["fallbacks"] == ["scc_2021"]
    assert [r["vendor_name"] for r in what_if["blocked"]] == ["Blocked Analytics"]
    assert [r["vendor_name"] for r in what_if["newly_blocked"]] == ["Blocked Analytics"]


async def test_from_without_assume_invalid_is_a_400(api: Api) -> None:
    response = await api.get("/api/v1/compliance", params={"from": "2027-01-01"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "from"


async def test_historical_date_lists_only_mechanisms_invalid_then(api: Api) -> None:
    v = await factories.vendor(api, name="Summit Events Inc.", role="controller")
    await factories.transfer(
        api,
        v["id"],
        mechanism="privacy_shield",
        scc_module=None,
        dpf_certified=True,
        started_on="2018-01-01",
    )
    before = (await api.get("/api/v1/compliance", params={"as_of": "2019-06-01"})).json()
    after = (await api.get("/api/v1/compliance", params={"as_of": "2021-06-01"})).json()
    assert before["invalidated_mechanism_transfers"] == []
    assert [r["mechanism"] for r in after["invalidated_mechanism_transfers"]] == ["privacy_shield"]


async def test_compliance_is_a_summary_with_paginated_problems(api: Api) -> None:
    v = await factories.vendor(api, country="IN")
    for _ in range(3):
        await factories.transfer(
            api, v["id"], destination_country="IN", mechanism="none", scc_module=None
        )
    first = (await api.get("/api/v1/compliance", params={"limit": 2})).json()
    rest = (await api.get("/api/v1/compliance", params={"limit": 2, "offset": 2})).json()
    assert first["counts"]["unlawful"] == 3 and first["problems_total"] == 3
    assert len(first["problems"]) == 2 and len(rest["problems"]) == 1
    ids = {p["transfer_id"] for p in first["problems"] + rest["problems"]}
    assert len(ids) == 3
