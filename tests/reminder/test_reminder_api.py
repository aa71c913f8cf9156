"""Reminders through the API: listing, state changes, and the iCalendar feed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar

from tests import factories
from tests.conftest import TODAY, Api

pytestmark = pytest.mark.usefixtures("on_today")


async def seed(api: Api) -> dict[str, int]:
    v = await factories.vendor(api, name="Northwind Cloud", owner="it-legal@example.com")
    start = TODAY - timedelta(days=365) + timedelta(days=40)
    a = await factories.agreement(
        api,
        v["id"],
        signed_on=start.isoformat(),
        effective_on=start.isoformat(),
        term="P1Y",
        notice_period="P1M",
        owner="legal@example.com",
    )
    t = await factories.transfer(
        api,
        v["id"],
        mechanism="dpf",
        scc_module=None,
        dpf_certified=True,
        dpf_verified_on=(TODAY - timedelta(days=350)).isoformat(),
    )
    return {"vendor": v["id"], "agreement": a["id"], "transfer": t["id"]}


async def test_list_filters_and_states(api: Api) -> None:
    ids = await seed(api)
    listed = (
        await api.get("/api/v1/reminders", params={"within": "60d"}, role="procurement")
    ).json()
    kinds = {r["kind"] for r in listed["items"]}
    assert {"agreement_end", "notice_deadline", "dpf_reverification"} <= kinds
    assert listed["within_days"] == 60
    notice = next(r for r in listed["items"] if r["kind"] == "notice_deadline")
    assert notice["owner"] == "legal@example.com" and notice["entity_id"] == ids["agreement"]
    assert notice["report_on"] <= notice["due_on"]

    only_dpf = (
        await api.get("/api/v1/reminders", params={"within": "60d", "kind": "dpf_reverification"})
    ).json()
    assert [r["kind"] for r in only_dpf["items"]] == ["dpf_reverification"]
    by_owner = (
        await api.get("/api/v1/reminders", params={"within": "8w", "owner": "IT-legal@example.com"})
    ).json()
    assert {r["owner"] for r in by_owner["items"]} == {"it-legal@example.com"}

    key = notice["key"]
    snooze = await api.put(
        f"/api/v1/reminders/{key}/state",
        json={"state": "snoozed", "snoozed_until": (TODAY + timedelta(days=3)).isoformat()},
    )
    assert snooze.status_code == 200, snooze.text
    hidden = (await api.get("/api/v1/reminders", params={"within": "60d"})).json()
    assert key not in {r["key"] for r in hidden["items"]}
    shown = (
        await api.get("/api/v1/reminders", params={"within": "60d", "include_done": True})
    ).json()
    assert next(r for r in shown["items"] if r["key"] == key)["state"] == "snoozed"

    ack = await api.put(f"/api/v1/reminders/{key}/state", json={"state": "acknowledged"})
    assert ack.status_code == 200
    assert (
        next(
            r
            for r in (await api.get("/api/v1/reminders", params={"within": "60d"})).json()["items"]
            if r["key"] == key
        )["state"]
        == "acknowledged"
    )
    trail = (await api.get("/api/v1/audit", params={"entity_type": "reminder"})).json()
    assert trail["total"] == 2


async def test_the_list_comes_a_page_at_a_time_with_the_total(api: Api) -> None:
    await seed(api)
    everything = (await api.get("/api/v1/reminders", params={"within": "400d"})).json()
    total = everything["total"]
    assert total == len(everything["items"]) >= 3 and everything["limit"] == 500
    pages = [
        (
            await api.get(
                "/api/v1/reminders", params={"within": "400d", "limit": 2, "offset": offset}
            )
        ).json()
        for offset in range(0, total, 2)
    ]
    assert all(p["total"] == total and len(p["items"]) <= 2 for p in pages)
    assert [r["key"] for p in pages for r in p["items"]] == [
        r["key"] for r in everything["items"]
    ]  # every reminder on exactly one page, in the same order
    for bad in ({"limit": 0}, {"limit": 5001}, {"offset": -1}):
        response = await api.get("/api/v1/reminders", params=bad)
        assert response.status_code == 400, response.text
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_bad_reminder_requests(api: Api) -> None:
    await seed(api)
    assert (await api.get("/api/v1/reminders", params={"within": "soon"})).status_code == 422
    assert (await api.get("/api/v1/reminders", params={"kind": "birthday"})).status_code == 422
    assert (
        await api.put("/api/v1/reminders/nope:1/state", json={"state": "done"})
    ).status_code == 404
    listed = (await api.get("/api/v1/reminders", params={"within": "60d"})).json()
    key = listed["items"][0]["key"]
    assert (
        await api.put(f"/api/v1/reminders/{key}/state", json={"state": "snoozed"})
    ).status_code == 422
    assert (
        await api.put(
            f"/api/v1/reminders/{key}/state",
            json={"state": "snoozed", "snoozed_until": "2000-01-01"},
        )
    ).status_code == 422
    assert (
        await api.put(f"/api/v1/reminders/{key}/state", json={"state": "later"})
    ).status_code == 400
    assert (
        await api.put(f"/api/v1/reminders/{key}/state", json={"state": "done"}, role="procurement")
    ).status_code == 403


async def test_calendar_feed_subscribes_without_credentials_and_can_be_revoked(api: Api) -> None:
    await seed(api)
    created = await api.post("/api/v1/calendar-feeds", json={"owner": "legal@example.com"})
    assert created.status_code == 201, created.text
    url = created.json()["url"]
    path = url[url.index("/api/v1/") :]
    first = await api.get(path, role=None)
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(first.content)
    events = [c for c in cal.walk("VEVENT")]
    assert events, "the owner's deadlines appear"
    assert all("legal@example.com" not in str(e.get("summary")) for e in events)
    uids = sorted(str(e["uid"]) for e in events)
    second = Calendar.from_ical((await api.get(path, role=None)).content)
    assert sorted(str(e["uid"]) for e in second.walk("VEVENT")) == uids
    feeds = (await api.get("/api/v1/calendar-feeds")).json()
    assert path.split("/")[4] not in str(feeds), "the token is never listed"

    everything = await api.post("/api/v1/calendar-feeds", json={})
    all_events = Calendar.from_ical(
        (
            await api.get(
                everything.json()["url"][everything.json()["url"].index("/api/v1/") :], role=None
            )
        ).content
    )
    assert len(list(all_events.walk("VEVENT"))) > len(events)

    assert (await api.delete(f"/api/v1/calendar-feeds/{created.json()['id']}")).status_code == 204
    assert (await api.get(path, role=None)).status_code == 404
    assert (
        await api.get("/api/v1/calendar-feeds/cal_wrong/feed.ics", role=None)
    ).status_code == 404


async def test_reminders_follow_every_write_and_only_the_engines_deciding_tia(api: Api) -> None:
    """Reminders are kept between requests; an edit, a new vendor, a deletion and a newer TIA
    each show at the next request (no stale reminder after a write)."""
    ids = await seed(api)

    async def listed() -> list[dict[str, object]]:
        body = (await api.get("/api/v1/reminders", params={"within": "400d"})).json()
        return list(body["items"])

    before = await listed()
    notice = next(r for r in before if r["kind"] == "notice_deadline")
    agreement = (await api.get(f"/api/v1/agreements/{ids['agreement']}")).json()
    changed = await api.patch(
        f"/api/v1/agreements/{ids['agreement']}",
        json={"owner": "dpo@example.com", "notice_period": "P20D", "version": agreement["version"]},
    )
    assert changed.status_code == 200, changed.text
    after = await listed()
    moved = next(r for r in after if r["kind"] == "notice_deadline")
    assert moved["owner"] == "dpo@example.com"
    # 20 days' notice instead of a month: a later last day before the same renewal.
    assert moved["due_on"] > notice["due_on"]
    assert str(moved["title"]).split("renews on ")[1] == str(notice["title"]).split("renews on ")[1]

    other = await factories.vendor(api, name="Contoso Mail", owner="mail@example.com")
    start = TODAY - timedelta(days=300)
    await factories.agreement(
        api, other["id"], signed_on=start.isoformat(), effective_on=start.isoformat(), term="P1Y"
    )
    assert any(r["vendor_name"] == "Contoso Mail" for r in await listed())

    t = await factories.transfer(api, ids["vendor"], mechanism="scc_2021", scc_module=2)
    for completed, review in ((300, 30), (10, 200)):
        made = await api.post(
            "/api/v1/assessments",
            json={
                "transfer_id": t["id"],
                "completed_on": (TODAY - timedelta(days=completed)).isoformat(),
                "conclusion": "adequate_with_measures",
                "next_review_on": (TODAY + timedelta(days=review)).isoformat(),
            },
        )
        assert made.status_code == 201, made.text
    reviews = [r for r in await listed() if r["kind"] == "assessment_review"]
    # The newest completed TIA decides (as in the verdict), so only its review date is due.
    assert [r["due_on"] for r in reviews] == [(TODAY + timedelta(days=200)).isoformat()]

    dpf = next(r for r in await listed() if r["kind"] == "dpf_reverification")
    transfer = (await api.get(f"/api/v1/transfers/{ids['transfer']}")).json()
    gone = await api.delete(
        f"/api/v1/transfers/{ids['transfer']}", headers={"If-Match": f'"{transfer["version"]}"'}
    )
    assert gone.status_code == 204, gone.text
    assert dpf["key"] not in {r["key"] for r in await listed()}
