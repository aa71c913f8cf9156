"""Evaluation, vendor status and the register-wide view through the API.

The rules themselves are pinned table-driven in tests/rules; these tests check that the API
feeds the engine the register's facts (agreements, TIAs, chains) and agrees with it exactly.
"""

from __future__ import annotations

from typing import Any

from tests import factories
from tests.conftest import Api


async def evaluation(
    api: Api, transfer_id: int, as_of: str, role: str = "procurement"
) -> dict[str, Any]:
    response = await api.get(
        f"/api/v1/transfers/{transfer_id}/evaluation", params={"as_of": as_of}, role=role
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def codes(body: dict[str, Any]) -> set[str]:
    return {r["code"] for r in body["reasons"]}


async def test_privacy_shield_lawful_before_schrems_ii_unlawful_from_it(api: Api) -> None:
    v = await factories.vendor(api, name="Summit Events Inc.", role="controller")
    t = await factories.transfer(
        api,
        v["id"],
        mechanism="privacy_shield",
        scc_module=None,
        dpf_certified=True,
        started_on="2018-01-01",
    )
    before = await evaluation(api, t["id"], "2020-07-15")
    assert before["verdict"] == "lawful"
    after = await evaluation(api, t["id"], "2020-07-16")
    assert after["verdict"] == "unlawful"
    assert "privacy_shield_invalidated" in codes(after)
    reason = next(r for r in after["reasons"] if r["code"] == "privacy_shield_invalidated")
    assert "C-311/18" in reason["message"] + reason["citation"]


async def test_scc_needs_tia_from_the_register(api: Api) -> None:
    v = await factories.vendor(api)
    scc = await factories.agreement(
        api,
        v["id"],
        kind="scc_2021",
        scc_module=2,
        term=None,
        auto_renew=False,
        notice_period=None,
        signed_on="2023-01-10",
        effective_on="2023-01-10",
    )
    t = await factories.transfer(api, v["id"], agreement_id=scc["id"], started_on="2023-01-10")
    without = await evaluation(api, t["id"], "2025-01-01")
    assert without["verdict"] == "at_risk" and "tia_missing" in codes(without)

    await api.create(
        "/api/v1/assessments",
        {
            "transfer_id": t["id"],
            "completed_on": "2024-06-01",
            "conclusion": "adequate_with_measures",
            "next_review_on": "2026-06-01",
        },
    )
    with_tia = await evaluation(api, t["id"], "2025-01-01")
    assert with_tia["verdict"] == "lawful", with_tia

    await api.create(
        "/api/v1/assessments",
        {"transfer_id": t["id"], "completed_on": "2025-02-01", "conclusion": "not_adequate"},
    )
    negative = await evaluation(api, t["id"], "2025-03-01")
    assert negative["verdict"] == "unlawful" and "tia_not_adequate" in codes(negative)


async def test_module_must_fit_the_roles(api: Api) -> None:
    v = await factories.vendor(api, role="controller")
    scc = await factories.agreement(
        api, v["id"], kind="scc_2021", scc_module=2, term=None, auto_renew=False, notice_period=None
    )
    t = await factories.transfer(api, v["id"], agreement_id=scc["id"], scc_module=2)
    body = await evaluation(api, t["id"], "2025-01-01")
    assert body["verdict"] == "unlawful" and "scc_module_mismatch" in codes(body)


async def test_legacy_scc_by_signing_date_from_the_linked_agreement(api: Api) -> None:
    v = await factories.vendor(api, country="SG")
    old = await factories.agreement(
        api,
        v["id"],
        kind="scc_2010",
        term=None,
        auto_renew=False,
        notice_period=None,
        signed_on="2019-02-01",
        effective_on="2019-02-01",
    )
    t = await factories.transfer(
        api,
        v["id"],
        destination_country="SG",
        mechanism="scc_2010",
        scc_module=None,
        agreement_id=old["id"],
        started_on="2019-02-01",
    )
    assert (await evaluation(api, t["id"], "2022-12-27"))["verdict"] != "unlawful"
    expired = await evaluation(api, t["id"], "2022-12-28")
    assert expired["verdict"] == "unlawful" and "legacy_scc_transition_ended" in codes(expired)


async def test_vendor_status_blocked_approved_and_chain(api: Api) -> None:
    top = await factories.vendor(
        api, name="Licentia", country="IE", business_id="IE-1", status="approved"
    )
    await factories.agreement(
        api,
        top["id"],
        signed_on="2024-01-01",
        effective_on="2024-01-01",
        term=None,
        auto_renew=False,
        notice_period=None,
    )
    await factories.transfer(
        api, top["id"], destination_country="IE", mechanism="none", scc_module=None
    )

    status = (
        await api.get(
            f"/api/v1/vendors/{top['id']}/status",
            params={"as_of": "2025-01-01"},
            role="procurement",
        )
    ).json()
    assert status["status"] == "approved", status
    assert status["transfers"][0]["verdict"] == "lawful"

    sub = await factories.vendor(
        api,
        name="Old Shield Sub",
        role="subprocessor",
        business_id="US-9",
        status="approved",
        parent_vendor_ids=[top["id"]],
    )
    await factories.agreement(
        api,
        sub["id"],
        signed_on="2024-01-01",
        effective_on="2024-01-01",
        term=None,
        auto_renew=False,
        notice_period=None,
    )
    await factories.transfer(
        api, sub["id"], mechanism="privacy_shield", scc_module=None, dpf_certified=True
    )

    blocked = (
        await api.get(
            f"/api/v1/vendors/{top['id']}/status",
            params={"as_of": "2025-01-01"},
            role="procurement",
        )
    ).json()
    assert blocked["status"] == "blocked"
    assert "subprocessor_blocked" in codes(blocked)
    sub_status = (
        await api.get(f"/api/v1/vendors/{sub['id']}/status", params={"as_of": "2025-01-01"})
    ).json()
    assert sub_status["status"] == "blocked"
    sub_eval = await evaluation(api, sub_status["transfers"][0]["id"], "2025-01-01")
    assert sub_status["transfers"][0]["verdict"] == sub_eval["verdict"]
    assert sub_status["transfers"][0]["reasons"] == sub_eval["reasons"]


async def test_processor_without_dpa_is_blocked_and_lookup_by_name(api: Api) -> None:
    v = await factories.vendor(
        api, name="No Paper Ltd", country="FI", business_id="FI-1", status="approved"
    )
    by_name = await api.get(
        "/api/v1/vendors/status",
        params={"name": "no paper ltd", "as_of": "2025-01-01"},
        role="procurement",
    )
    assert by_name.status_code == 200, by_name.text
    assert by_name.json()["status"] == "blocked" and "dpa_missing" in codes(by_name.json())
    by_id = await api.get(
        "/api/v1/vendors/status", params={"business_id": "FI-1"}, role="procurement"
    )
    assert by_id.json()["vendor_id"] == v["id"]
    unknown = await api.get("/api/v1/vendors/status", params={"name": "Nobody"}, role="procurement")
    assert unknown.status_code == 404
    missing = await api.get("/api/v1/vendors/status", role="procurement")
    assert missing.status_code == 400


async def test_compliance_view_and_what_if(api: Api) -> None:
    shield = await factories.vendor(api, name="Shield Co", role="controller", business_id="S")
    await factories.transfer(
        api, shield["id"], mechanism="privacy_shield", scc_module=None, dpf_certified=True
    )
    cloud = await factories.vendor(api, name="DPF Cloud", business_id="D", status="approved")
    await factories.agreement(
        api,
        cloud["id"],
        signed_on="2024-01-01",
        effective_on="2024-01-01",
        term=None,
        auto_renew=False,
        notice_period=None,
    )
    await factories.transfer(
        api,
        cloud["id"],
        mechanism="dpf",
        scc_module=None,
        dpf_certified=True,
        dpf_verified_on="2026-06-01",
        fallback_mechanism="scc_2021",
    )

    view = (
        await api.get("/api/v1/compliance", params={"as_of": "2026-11-24"}, role="procurement")
    ).json()
    assert view["counts"]["unlawful"] == 1
    assert [r["vendor_name"] for r in view["invalidated_mechanism_transfers"]] == ["Shield Co"]
    assert any(
        p["vendor_name"] == "Shield Co" and p["verdict"] == "unlawful" for p in view["problems"]
    )

    what_if = (
        await api.get(
            "/api/v1/compliance",
            params={"as_of": "2026-11-24", "assume_invalid": "dpf", "from": "2027-01-01"},
        )
    ).json()
    assert [n["vendor_name"] for n in what_if["what_if"]["newly_blocked"]] == ["DPF Cloud"]
    bad = await api.get("/api/v1/compliance", params={"assume_invalid": "nonsense"})
    assert bad.status_code == 400


async def test_reference_endpoints_show_sources(api: Api) -> None:
    mechanisms = (await api.get("/api/v1/reference/mechanisms", role="procurement")).json()
    by_code = {m["code"]: m for m in mechanisms["items"]}
    assert "C-311/18" in str(by_code["privacy_shield"])
    assert all(m.get("citation") for m in mechanisms["items"])
    countries = (await api.get("/api/v1/reference/countries")).json()
    assert any(c["code"] == "BR" and c.get("citation") for c in countries["items"])
