"""Issue 26 through the API, on SQLite and PostgreSQL: reasons in Finnish on request, a vendor
in a third country with no transfer recorded is flagged at once (also after its country is
changed), a remote-access transfer records it, an IDTA transfer links to its IDTA, authorised
ad hoc clauses are a safeguard, a DPF fallback without a module is credited."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.conftest import Api

DAY = "2026-11-24"


async def status(api: Api, vendor_id: int, **kw: Any) -> Any:
    params = {"as_of": DAY, **kw.pop("params", {})}
    return await api.get(
        f"/api/v1/vendors/{vendor_id}/status", params=params, role="procurement", **kw
    )


def codes(body: dict[str, Any]) -> list[str]:
    return [r["code"] for r in body["reasons"]]


async def test_vendor_in_a_third_country_without_a_transfer_is_flagged(api: Api) -> None:
    v = await factories.vendor(api, country="IN", name="Bharat Support Pvt Ltd")
    await factories.agreement(api, v["id"])
    body = (await status(api, v["id"])).json()
    assert body["status"] == "conditional"
    [flag] = [r for r in body["reasons"] if r["code"] == "transfer_not_recorded"]
    assert "a transfer to India is not recorded" in flag["message"]
    # Support staff in India reach the data held in the EU: remote access is the transfer.
    scc = await factories.agreement(
        api,
        v["id"],
        kind="scc_2021",
        scc_module=2,
        signed_on="2024-01-01",
        effective_on="2024-01-01",
        term=None,
        auto_renew=False,
    )
    await factories.transfer(
        api,
        v["id"],
        destination_country="IN",
        transfer_type="remote_access",
        agreement_id=scc["id"],
    )
    body = (await status(api, v["id"])).json()
    assert "transfer_not_recorded" not in codes(body)


async def test_changing_the_country_to_a_third_country_flags_at_once(api: Api) -> None:
    v = await factories.vendor(api, country="FI", name="Pilvi Oy", status="approved")
    await factories.agreement(api, v["id"])
    assert (await status(api, v["id"])).json()["status"] == "approved"
    patched = await api.patch(
        f"/api/v1/vendors/{v['id']}", json={"country": "US", "version": v["version"]}
    )
    assert patched.status_code == 200, patched.text
    body = (await status(api, v["id"], params={"lang": "fi"})).json()
    assert body["status"] == "conditional"
    [flag] = [r for r in body["reasons"] if r["code"] == "transfer_not_recorded"]
    assert "siirtoa kohteeseen Yhdysvallat ei ole kirjattu" in flag["message"]


async def test_parent_of_a_silent_subprocessor_is_conditional(api: Api) -> None:
    sub = await factories.vendor(
        api,
        country="IN",
        name="Support Pvt",
        role="subprocessor",
        authorised_by_processor=True,
        status="approved",
    )
    parent = await factories.vendor(
        api, country="FI", name="Palvelu Oy", subprocessor_ids=[sub["id"]], status="approved"
    )
    await factories.agreement(api, parent["id"])
    body = (await status(api, parent["id"])).json()
    assert body["status"] == "conditional"
    [held] = [r for r in body["reasons"] if r["code"] == "subprocessor_conditional"]
    assert "a transfer to India is not recorded" in held["message"]


@pytest.mark.parametrize(
    ("params", "headers", "language"),
    [
        ({}, {}, "en"),
        ({"lang": "fi"}, {}, "fi"),
        ({}, {"Accept-Language": "fi-FI,fi;q=0.9,en;q=0.8"}, "fi"),
        ({}, {"Accept-Language": "en;q=0.9,fi;q=0.5"}, "en"),
        ({}, {"Accept-Language": "sv"}, "en"),
        ({"lang": "en"}, {"Accept-Language": "fi"}, "en"),  # the query wins
    ],
)
async def test_answers_in_the_language_asked(
    api: Api, params: dict[str, str], headers: dict[str, str], language: str
) -> None:
    v = await factories.vendor(api, country="IN", name="Bharat Support Pvt Ltd")
    t = await factories.transfer(
        api, v["id"], destination_country="IN", mechanism="none", scc_module=None
    )
    finnish = language == "fi"
    response = await status(api, v["id"], params=params, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-language"] == language
    messages = " ".join(r["message"] for r in response.json()["reasons"])
    assert ("ilman siirtoperustetta" in messages) is finnish, messages
    assert ("without a transfer mechanism" in messages) is not finnish, messages
    evaluation = await api.get(
        f"/api/v1/transfers/{t['id']}/evaluation",
        params={"as_of": DAY, **params},
        headers=headers,
        role="procurement",
    )
    assert evaluation.headers["content-language"] == language
    [reason] = evaluation.json()["reasons"]
    assert ("Siirto kolmanteen maahan (Intia)" in reason["message"]) is finnish
    # the legal source by its Finnish name (reference data citation_fi), never the English one
    assert ("tietosuoja-asetuksen 44 artikla" in reason["citation"]) is finnish, reason
    assert ("GDPR Art. 44" in reason["citation"]) is not finnish, reason
    compliance = await api.get(
        "/api/v1/compliance",
        params={"as_of": DAY, **params},
        headers=headers,
        role="procurement",
    )
    assert compliance.headers["content-language"] == language
    problem = compliance.json()["problems"][0]["reasons"][0]["message"]
    assert ("ilman siirtoperustetta" in problem) is finnish
    cleared = await status(api, v["id"], params={**params, "country": "US"}, headers=headers)
    why = cleared.json()["cleared"]["requested"]["why"]
    assert ("hyväksytty" in " ".join(why)) is finnish, why


async def test_unknown_language_is_a_problem(api: Api) -> None:
    v = await factories.vendor(api, country="FI", name="Pilvi Oy")
    response = await status(api, v["id"], params={"lang": "sv"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_idta_transfer_links_to_its_idta_and_stays_unlawful(api: Api) -> None:
    v = await factories.vendor(api, country="GB", name="London Ltd")
    idta = await factories.agreement(
        api,
        v["id"],
        kind="uk_idta",
        signed_on="2023-01-01",
        effective_on="2023-01-01",
        term=None,
        auto_renew=False,
    )
    t = await factories.transfer(
        api,
        v["id"],
        destination_country="GB",
        mechanism="uk_idta",
        scc_module=None,
        agreement_id=idta["id"],
    )
    body = (
        await api.get(
            f"/api/v1/transfers/{t['id']}/evaluation",
            params={"as_of": DAY},
            role="procurement",
        )
    ).json()
    assert body["verdict"] == "unlawful"
    [reason] = body["reasons"]
    assert reason["code"] == "not_eu_tool" and f"#{idta['id']}" in reason["message"]


async def test_authorised_ad_hoc_clauses_are_a_safeguard(api: Api) -> None:
    v = await factories.vendor(api, country="IN", name="Bharat Support Pvt Ltd")
    clauses = await factories.agreement(
        api,
        v["id"],
        kind="ad_hoc_clauses",
        signed_on="2024-01-01",
        effective_on="2024-01-01",
        term=None,
        auto_renew=False,
    )
    t = await factories.transfer(
        api,
        v["id"],
        destination_country="IN",
        mechanism="ad_hoc_clauses",
        scc_module=None,
        agreement_id=clauses["id"],
    )
    url = f"/api/v1/transfers/{t['id']}/evaluation"
    before = (await api.get(url, params={"as_of": DAY}, role="procurement")).json()
    assert "ad_hoc_authorisation_required" in codes(before)
    patched = await api.patch(
        f"/api/v1/transfers/{t['id']}",
        json={"approval_ref": "Tietosuojavaltuutettu 1234/2025", "version": t["version"]},
    )
    assert patched.status_code == 200, patched.text
    after = (await api.get(url, params={"as_of": DAY}, role="procurement")).json()
    [authorised] = [r for r in after["reasons"] if r["code"] == "ad_hoc_authorisation_required"]
    assert authorised["severity"] == "info" and "1234/2025" in authorised["message"]


async def test_dpf_fallback_without_module_is_credited_by_the_signed_module_2(api: Api) -> None:
    v = await factories.vendor(api, country="US", name="Acme Cloud Inc.")
    scc = await factories.agreement(
        api,
        v["id"],
        kind="scc_2021",
        scc_module=2,
        signed_on="2024-01-01",
        effective_on="2024-01-01",
        term=None,
        auto_renew=False,
    )
    t = await factories.transfer(
        api,
        v["id"],
        mechanism="dpf",
        scc_module=None,
        fallback_mechanism="scc_2021",
        dpf_certified=True,
        dpf_verified_on="2026-06-01",
    )
    body = (
        await api.get(
            f"/api/v1/transfers/{t['id']}/evaluation",
            params={"as_of": DAY},
            role="procurement",
        )
    ).json()
    [ready] = [r for r in body["reasons"] if r["code"] == "fallback_ready"]
    assert f"#{scc['id']}" in ready["message"]


@pytest.mark.parametrize(
    ("language", "item"),
    [("en", "agreement #{id} term ends"), ("fi", "sopimuksen #{id} sopimuskausi päättyy")],
)
async def test_the_next_deadline_is_told_in_the_language_asked(
    api: Api, language: str, item: str
) -> None:
    v = await factories.vendor(api, country="FI", name="Kotimainen Palvelu Oy")
    a = await factories.agreement(
        api, v["id"], auto_renew=False, signed_on="2025-01-15", effective_on="2025-02-01"
    )
    body = (await status(api, v["id"], params={"lang": language})).json()
    assert body["next_deadline"] == "2027-02-01"
    assert body["next_deadline_item"] == item.format(id=a["id"])
