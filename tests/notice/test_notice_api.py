"""Sub-processor change notices (GDPR Art. 28(2)) through the API."""

from __future__ import annotations

from typing import Any

from tests import factories
from tests.conftest import Api

URL = "/api/v1/subprocessor-notices"


async def processor(api: Api, authorisation: str = "general", days: int | None = 30) -> int:
    """An Irish processor with a signed DPA and a lawful transfer of our data to Ireland."""
    v = await factories.vendor(api, name="Liffey Mail Ltd", country="IE", status="approved")
    await factories.agreement(
        api, v["id"], subprocessor_authorisation=authorisation, objection_period_days=days
    )
    await factories.transfer(
        api, v["id"], destination_country="IE", mechanism="none", scc_module=None
    )
    return int(v["id"])


def notice_body(vendor_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "vendor_id": vendor_id,
        "change": "added",
        "subprocessor_name": "Bulk Send Inc.",
        "subprocessor_country": "US",
        "purpose": "E-mail delivery",
        "received_on": "2030-05-01",
        "effective_on": "2030-06-01",
    }
    body.update(overrides)
    return body


async def test_general_authorisation_gives_a_deadline_and_the_engine_judges_the_new_link(
    api: Api,
) -> None:
    vid = await processor(api)
    notice = await api.create(URL, notice_body(vid))
    assert notice["authorisation"] == "general"
    assert notice["needs_consent"] is False
    assert notice["objection_deadline"] == "2030-05-31"
    assert notice["state"] == "pending"
    effect = notice["impact"]
    assert effect["as_of"] == "2030-06-01"
    assert (effect["vendor_status_before"], effect["vendor_status_after"]) == (
        "approved",
        "blocked",
    )
    blocked = next(r for r in effect["vendor_reasons_after"] if r["code"] == "subprocessor_blocked")
    assert blocked["message"].startswith("The new sub-processor Bulk Send Inc. is blocked")
    assert "id -1" not in blocked["message"], "an unregistered sub-processor has no id to show"
    new = next(t for t in effect["transfers"] if t["transfer_id"] is None)
    assert (new["vendor_name"], new["destination_country"], new["before"], new["after"]) == (
        "Bulk Send Inc.",
        "US",
        None,
        "unlawful",
    )
    ours = next(t for t in effect["transfers"] if t["transfer_id"] is not None)
    assert (ours["before"], ours["after"]) == ("lawful", "lawful")
    vendors = (await api.get("/api/v1/vendors")).json()["total"]
    assert vendors == 1, "evaluating a notice writes nothing to the register"

    reminders = (
        await api.get(
            "/api/v1/reminders",
            params={"as_of": "2030-05-20", "within": "30d", "kind": "objection_window"},
        )
    ).json()["items"]
    assert [(r["due_on"], r["entity_type"], r["entity_id"]) for r in reminders] == [
        ("2030-05-31", "subprocessor_notice", notice["id"])
    ]


async def test_the_new_link_is_judged_on_the_mechanism_the_notice_names(
    api: Api,
) -> None:
    vid = await processor(api)
    notice = await api.create(URL, notice_body(vid, mechanism="scc_2021", scc_module=3))
    new = next(t for t in notice["impact"]["transfers"] if t["transfer_id"] is None)
    assert new["mechanism"] == "scc_2021"
    assert "contract_not_signed" in {r["code"] for r in new["reasons"]}


async def test_specific_authorisation_needs_consent_by_the_effective_date(api: Api) -> None:
    vid = await processor(api, authorisation="specific", days=None)
    notice = await api.create(URL, notice_body(vid))
    assert notice["needs_consent"] is True
    assert notice["objection_deadline"] is None
    assert notice["decide_by"] == "2030-06-01"


async def test_an_undecided_notice_past_its_deadline_is_overdue(api: Api) -> None:
    vid = await processor(api)
    old = await api.create(
        URL, notice_body(vid, received_on="2025-01-02", effective_on="2025-02-01")
    )
    await api.create(
        URL, notice_body(vid, subprocessor_name="Later Ltd", subprocessor_country="DE")
    )
    assert old["overdue"] is True
    overdue = (await api.get(URL, params={"overdue": "true"}, role="procurement")).json()
    assert [n["id"] for n in overdue["items"]] == [old["id"]]


async def test_accepting_applies_the_change_to_the_chain_audited(api: Api) -> None:
    vid = await processor(api)
    notice = await api.create(
        URL, notice_body(vid, received_on="2025-01-02", effective_on="2025-02-01")
    )
    assert (await api.post(f"{URL}/{notice['id']}/accept", json={})).status_code == 428
    accepted = await api.post(f"{URL}/{notice['id']}/accept", json={"version": 1})
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert body["state"] == "accepted"
    assert body["applied_on"] == "2025-02-01"
    assert body["overdue"] is False
    sub_id = body["subprocessor_id"]
    chain = (await api.get(f"/api/v1/vendors/{vid}/chain")).json()
    assert [(s["id"], s["name"], s["country"]) for s in chain["subprocessors"]] == [
        (sub_id, "Bulk Send Inc.", "US")
    ]
    transfers = (await api.get("/api/v1/transfers", params={"vendor_id": sub_id})).json()
    assert [(t["destination_country"], t["exporter_role"]) for t in transfers["items"]] == [
        ("US", "processor")
    ]
    trail = (await api.get("/api/v1/audit", params={"entity_type": "vendor_chain"})).json()
    assert trail["items"][0]["after"] == {"subprocessor_ids": [sub_id]}
    again = await api.post(
        f"{URL}/{notice['id']}/object",
        json={"reason": "x", "sent_on": "2025-01-03", "version": body["version"]},
    )
    assert again.status_code == 409


async def test_objecting_records_reason_and_date_and_leaves_the_chain(api: Api) -> None:
    vid = await processor(api)
    notice = await api.create(URL, notice_body(vid))
    path = f"{URL}/{notice['id']}/object"
    early = await api.post(path, json={"reason": "US", "sent_on": "2030-04-01", "version": 1})
    assert early.status_code == 422
    objected = await api.post(
        path,
        json={"reason": "No transfer mechanism for the US.", "sent_on": "2030-05-10", "version": 1},
    )
    assert objected.status_code == 200, objected.text
    assert objected.json()["state"] == "objected"
    assert objected.json()["objection_sent_on"] == "2030-05-10"
    chain = (await api.get(f"/api/v1/vendors/{vid}/chain")).json()
    assert chain["subprocessors"] == []


async def test_replacing_and_removing_name_a_current_subprocessor(api: Api) -> None:
    vid = await processor(api)
    old = await factories.vendor(api, name="Old Relay GmbH", country="DE", role="subprocessor")
    await api.patch(f"/api/v1/vendors/{vid}", json={"subprocessor_ids": [old["id"]], "version": 1})
    bad = [
        notice_body(vid, change="removed"),
        notice_body(vid, change="replaced"),
        notice_body(vid, change="replaced", replaces_id=999),
        notice_body(vid, change="added", subprocessor_id=old["id"]),
        notice_body(vid, mechanism="none", scc_module=3),
        notice_body(vid, subprocessor_country="Narnia"),
        notice_body(999),
    ]
    for body in bad:
        response = await api.post(URL, json=body)
        assert response.status_code == 422, (body, response.text)
    assert (await api.post(URL, json=notice_body(vid), role="procurement")).status_code == 403
    assert (await api.get(URL)).json()["total"] == 0
    replaced = await api.create(URL, notice_body(vid, change="replaced", replaces_id=old["id"]))
    names = {v["vendor_name"]: (v["before"], v["after"]) for v in replaced["impact"]["vendors"]}
    assert names["Bulk Send Inc."] == (None, "blocked")
    removed = await api.create(URL, notice_body(vid, change="removed", subprocessor_id=old["id"]))
    assert removed["objection_deadline"] is None
    accepted = await api.post(f"{URL}/{removed['id']}/accept", json={"version": 1})
    assert accepted.status_code == 200
    assert accepted.json()["applied_on"] is None  # effective in 2030: applied on that day
    chain = (await api.get(f"/api/v1/vendors/{vid}/chain")).json()
    assert [s["id"] for s in chain["subprocessors"]] == [old["id"]]


async def test_an_accepted_change_is_applied_on_its_effective_date(
    api: Api, transfers_cli: Any
) -> None:
    vid = await processor(api)
    notice = await api.create(URL, notice_body(vid))
    accepted = (await api.post(f"{URL}/{notice['id']}/accept", json={"version": 1})).json()
    assert accepted["applied_on"] is None
    early = await transfers_cli("notices", "apply", "--as-of", "2030-05-31")
    assert early.returncode == 0, early.stderr
    assert "applied 0" in early.stdout
    assert (await api.get(f"/api/v1/vendors/{vid}/chain")).json()["subprocessors"] == []
    due = await transfers_cli("notices", "apply", "--as-of", "2030-06-01")
    assert due.returncode == 0, due.stderr
    assert f"applied 1 accepted notice(s): {notice['id']}" in due.stdout
    chain = (await api.get(f"/api/v1/vendors/{vid}/chain")).json()
    assert [s["name"] for s in chain["subprocessors"]] == ["Bulk Send Inc."]
    after = (await api.get(f"{URL}/{notice['id']}")).json()
    assert after["applied_on"] == "2030-06-01"
    again = await transfers_cli("notices", "apply", "--as-of", "2030-07-01")
    assert "applied 0" in again.stdout


async def test_accepting_an_existing_vendor_authorises_it_as_subprocessor(api: Api) -> None:
    vid = await processor(api)
    sub = await factories.vendor(
        api, name="Relay GmbH", country="DE", role="subprocessor", status="approved"
    )
    notice = await api.create(
        URL,
        notice_body(
            vid, subprocessor_id=sub["id"], received_on="2025-01-02", effective_on="2025-02-01"
        ),
    )
    assert notice["subprocessor_name"] == "Relay GmbH"
    accepted = await api.post(f"{URL}/{notice['id']}/accept", json={"version": 1})
    assert accepted.status_code == 200, accepted.text
    after = (await api.get(f"/api/v1/vendors/{sub['id']}")).json()
    assert after["authorised_by_processor"] is True
    assert after["parent_vendor_ids"] == [vid]
    status = (await api.get(f"/api/v1/vendors/{vid}/status")).json()
    assert status["status"] == "approved", status["reasons"]


async def test_cli_lists_notices_and_exits_1_when_one_is_overdue(
    api: Api, transfers_cli: Any
) -> None:
    vid = await processor(api)
    await api.create(URL, notice_body(vid))
    calm = await transfers_cli("notices", "list", "--as-of", "2030-05-20")
    assert calm.returncode == 0, calm.stderr
    assert "1 notices, 0 overdue" in calm.stdout
    late = await transfers_cli("notices", "list", "--as-of", "2030-06-01")
    assert late.returncode == 1
    assert "1 notices, 1 overdue" in late.stdout
