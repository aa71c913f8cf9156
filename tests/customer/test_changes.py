"""Planned sub-processor changes sent to our customers (GDPR Art. 28(2)): who is affected and
from when, the engine's refusal, e-mails delivered once through a real SMTP server, answers,
and the engagement check."""

from __future__ import annotations

import socket
from dataclasses import replace
from datetime import date
from email.header import decode_header, make_header

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from tests.conftest import Api
from tests.customer.helpers import CHANGES, us_subprocessor, world
from tests.reminder.test_send import Inbox, smtp  # noqa: F401  (the SMTP server fixture)
from transfers.customer.service import deliver
from transfers.db import session_factory
from transfers.models import AuditEvent, CustomerNotice, NoticeDelivery, VendorSubprocessor
from transfers.settings import Settings


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _plan_and_send(api: Api) -> tuple[dict, dict]:  # type: ignore[type-arg]
    w = await world(api)
    planned = await api.create(CHANGES, us_subprocessor(w))
    sent = await api.post(f"{CHANGES}/{planned['id']}/send", json={"version": 1})
    assert sent.status_code == 200, sent.text
    return planned, sent.json()


async def test_affected_customers_and_their_earliest_dates(api: Api, on_today: date) -> None:
    w = await world(api)
    planned = await api.create(CHANGES, us_subprocessor(w))
    assert planned["blocking"] == []
    by_name = {a["customer_name"]: a for a in planned["affected"]}
    assert set(by_name) == {"Asiakas Oy", "Client Ltd"}
    # Notice today (2026-12-01) + 30 days; the specific one only from its consent.
    assert by_name["Asiakas Oy"]["earliest_on"] == "2026-12-31"
    assert by_name["Asiakas Oy"]["effective_on_allowed"] is True
    assert by_name["Client Ltd"]["earliest_on"] is None
    assert by_name["Client Ltd"]["effective_on_allowed"] is False
    impact = planned["impact"]
    new = [t for t in impact["transfers"] if t["vendor_name"] == "Ticket Analytics Inc."]
    assert new and new[0]["destination_country"] == "US" and new[0]["after"] != "unlawful"
    helpdesk = next(v for v in impact["vendors"] if v["vendor_name"] == "Tukipalvelu Oy")
    assert helpdesk["before"] and helpdesk["after"]


async def test_an_unlawful_change_is_refused_with_reasons_and_nothing_is_sent(
    api: Api, session: AsyncSession, on_today: date
) -> None:
    w = await world(api)
    planned = await api.create(
        CHANGES,
        us_subprocessor(
            w, subprocessor_id=None, name="Bulk Mail LLC", country="US", mechanism="none"
        ),
    )
    assert planned["blocking"], planned
    refused = await api.post(f"{CHANGES}/{planned['id']}/send", json={"version": 1})
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "United States" in " ".join(refused.json()["reasons"])
    again = (await api.get(f"{CHANGES}/{planned['id']}")).json()
    assert again["state"] == "planned" and again["notices"] == []
    assert await session.scalar(select(func.count()).select_from(NoticeDelivery)) == 0


async def test_bad_change_input_is_refused_and_changes_nothing(
    api: Api, session: AsyncSession, on_today: date
) -> None:
    w = await world(api)
    cases = [
        (us_subprocessor(w, effective_on="2026-11-01"), 422),  # in the past
        (us_subprocessor(w, vendor_id=999), 422),
        (us_subprocessor(w, change="removed"), 422),  # not a sub-processor of it yet
        (us_subprocessor(w, change="replaced"), 422),  # no replaces_id
        (us_subprocessor(w, subprocessor_id=w.vendor["id"]), 422),  # its own sub-processor
        (us_subprocessor(w, new_country="DE"), 422),  # new_country with 'added'
        (us_subprocessor(w, subprocessor_id=None, name="X", country="USA!"), 422),
        (us_subprocessor(w, vendor_id=None), 422),  # ours, but which services?
        (us_subprocessor(w, change="moved"), 400),
    ]
    for body, status in cases:
        r = await api.post(CHANGES, json=body)
        assert r.status_code == status, (body, r.text)
    assert (await api.post(CHANGES, json=us_subprocessor(w), role="procurement")).status_code == 403
    assert (await api.get(CHANGES, role="procurement")).json()["total"] == 0


async def test_notices_are_drafted_in_each_language_and_delivered_once(
    api: Api,
    engine: AsyncEngine,
    settings: Settings,
    smtp: tuple[Inbox, int],  # noqa: F811
    on_today: date,
) -> None:
    inbox, port = smtp
    planned, sent = await _plan_and_send(api)
    assert sent["state"] == "sent" and sent["sent_on"] == "2026-12-01"
    notices = {n["customer_name"]: n for n in sent["notices"]}
    fi, en = notices["Asiakas Oy"], notices["Client Ltd"]
    assert fi["language"] == "fi" and "alikäsittelijä" in fi["body"]
    assert "Yhdysvallat" in fi["body"] and "31.12.2026" in fi["body"]
    assert en["language"] == "en" and "prior written consent" in en["body"]
    assert all(d["status"] == "queued" for n in notices.values() for d in n["deliveries"])

    cfg = replace(settings, smtp_host="127.0.0.1", smtp_port=port, smtp_from="privacy@we.example")
    maker = session_factory(engine)
    assert await deliver(maker, planned["id"], cfg) == (3, 0)
    rcpts = sorted(r for rcpt, _ in inbox.messages for r in rcpt)
    assert rcpts == ["dpo@client.example", "privacy@client.example", "tietosuoja@asiakas.example"]
    fi_mail = next(m for rcpt, m in inbox.messages if rcpt == ["tietosuoja@asiakas.example"])
    assert (
        " ".join(str(make_header(decode_header(fi_mail["Subject"]))).split())
        == "Ilmoitus alikäsittelijämuutoksesta: Ticket Analytics Inc."
    )
    text = fi_mail.get_payload(decode=True).decode()
    assert "Voitte vastustaa muutosta 31.12.2026 mennessä" in text

    # A retry of the job (or a second worker) sends nothing again.
    assert await deliver(maker, planned["id"], cfg) == (0, 0)
    assert len(inbox.messages) == 3
    shown = (await api.get(f"{CHANGES}/{planned['id']}", role="procurement")).json()
    statuses = [d["status"] for n in shown["notices"] for d in n["deliveries"]]
    assert statuses == ["sent", "sent", "sent"]
    # Sending twice is refused.
    assert (
        await api.post(f"{CHANGES}/{planned['id']}/send", json={"version": 2})
    ).status_code == 409


async def test_an_smtp_outage_leaves_notices_queued_and_visible_as_not_sent(
    api: Api,
    engine: AsyncEngine,
    settings: Settings,
    smtp: tuple[Inbox, int],  # noqa: F811
    on_today: date,
) -> None:
    inbox, port = smtp
    planned, _ = await _plan_and_send(api)
    maker = session_factory(engine)
    down = replace(settings, smtp_host="127.0.0.1", smtp_port=_closed_port())
    assert await deliver(maker, planned["id"], down) == (0, 3)
    shown = (await api.get(f"{CHANGES}/{planned['id']}")).json()
    deliveries = [d for n in shown["notices"] for d in n["deliveries"]]
    assert [d["status"] for d in deliveries] == ["failed"] * 3
    assert all("Connection" in d["reason"] or "refused" in d["reason"] for d in deliveries)
    assert all(d["sent_at"] is None for d in deliveries)

    # The server is back: the retry sends each failed one once.
    up = replace(settings, smtp_host="127.0.0.1", smtp_port=port)
    assert await deliver(maker, planned["id"], up) == (3, 0)
    assert len(inbox.messages) == 3
    shown = (await api.get(f"{CHANGES}/{planned['id']}")).json()
    assert [d["attempts"] for n in shown["notices"] for d in n["deliveries"]] == [2, 2, 2]


async def test_objection_consent_and_the_engagement_check(
    api: Api, session: AsyncSession, on_today: date
) -> None:
    planned, sent = await _plan_and_send(api)
    cid = planned["id"]
    notices = {n["customer_name"]: n for n in sent["notices"]}
    general, specific = notices["Asiakas Oy"], notices["Client Ltd"]

    bad = await api.post(
        f"{CHANGES}/{cid}/notices/{general['id']}/response",
        json={"response": "objected", "by": "DPO", "on": "2026-12-03", "version": 1},
    )
    assert bad.status_code == 422  # an objection says why
    objected = await api.post(
        f"{CHANGES}/{cid}/notices/{general['id']}/response",
        json={
            "response": "objected",
            "by": "Maija Asiakas, DPO",
            "on": "2026-12-03",
            "reason": "No US transfers for HR data",
            "version": 1,
        },
    )
    assert objected.status_code == 200, objected.text

    engage = f"{CHANGES}/{cid}/engagement"
    blocked = await api.post(engage, json={"engaged_on": "2027-01-15", "version": 2})
    assert blocked.status_code == 409
    reasons = " ".join(blocked.json()["reasons"])
    assert "Asiakas Oy objected" in reasons and "Client Ltd" in reasons

    resolved = await api.post(
        f"{CHANGES}/{cid}/notices/{general['id']}/resolution",
        json={"resolution": "withdrawn", "version": 2},
    )
    assert resolved.status_code == 200
    consent = await api.post(
        f"{CHANGES}/{cid}/notices/{specific['id']}/response",
        json={"response": "consented", "by": "Client DPO", "on": "2026-12-05", "version": 1},
    )
    assert consent.status_code == 200

    early = await api.post(engage, json={"engaged_on": "2026-12-20", "version": 2})
    assert early.status_code == 409 and early.json()["type"].endswith("engagement-early")
    assert "2026-12-31" in " ".join(early.json()["reasons"])
    ok = await api.post(
        engage,
        json={
            "engaged_on": "2026-12-20",
            "override_reason": "Customer agreed by phone",
            "version": 2,
        },
    )
    assert ok.status_code == 200, ok.text
    assert ok.json()["state"] == "applied" and ok.json()["override_reason"]
    link = (await session.execute(select(VendorSubprocessor))).scalars().one()
    assert link.engaged_on == date(2026, 12, 20)
    audited = await session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.entity_type == "customer_notice")
    )
    assert audited == 5  # two notices created, objection, resolution, consent
    assert await session.scalar(select(func.count()).select_from(CustomerNotice)) == 2


async def test_each_open_notice_has_a_reminder_before_its_deadline(
    api: Api, on_today: date
) -> None:
    planned, sent = await _plan_and_send(api)
    notices = {n["customer_name"]: n for n in sent["notices"]}
    found = (await api.get("/api/v1/reminders?within=90d&kind=objection_window")).json()
    keys = {r["key"]: r for r in found["items"]}
    general = f"customer_notice:{notices['Asiakas Oy']['id']}:objection_closes:2026-12-31"
    specific = f"customer_notice:{notices['Client Ltd']['id']}:consent_needed:2027-01-15"
    assert general in keys and specific in keys
    assert "Asiakas Oy" in keys[general]["title"]

    await api.post(
        f"{CHANGES}/{planned['id']}/notices/{notices['Client Ltd']['id']}/response",
        json={"response": "consented", "by": "Client DPO", "on": "2026-12-02", "version": 1},
    )
    found = (await api.get("/api/v1/reminders?within=90d&kind=objection_window")).json()
    assert specific not in {r["key"] for r in found["items"]}


async def test_each_notice_has_a_docx_letter_in_the_customers_language(
    api: Api, on_today: date
) -> None:
    from transfers.document.render import document_text

    planned, sent = await _plan_and_send(api)
    notices = {n["customer_name"]: n for n in sent["notices"]}
    fi = await api.get(
        f"{CHANGES}/{planned['id']}/notices/{notices['Asiakas Oy']['id']}/letter",
        role="procurement",
    )
    assert fi.status_code == 200 and fi.content.startswith(b"PK")
    text = document_text(fi.content)
    assert "Ilmoitus alikäsittelijämuutoksesta: Ticket Analytics Inc." in text
    assert "Asiakas Oy" in text and "7654321-0" in text and "1.12.2026" in text
    assert "Voitte vastustaa muutosta 31.12.2026 mennessä" in text
    assert "{{" not in text and "{%" not in text
    en = await api.get(f"{CHANGES}/{planned['id']}/notices/{notices['Client Ltd']['id']}/letter")
    assert "prior written consent" in document_text(en.content)
    other = await api.get(
        f"{CHANGES}/{planned['id'] + 1}/notices/{notices['Client Ltd']['id']}/letter"
    )
    assert other.status_code == 404


async def test_the_links_engagement_date_follows_the_same_rule(
    api: Api, session: AsyncSession, on_today: date
) -> None:
    """``PUT /vendors/{id}/subprocessors/{sid}/engagement`` asks what the change's engagement
    asks: no date before a specific customer's consent, none before a general customer's
    objection period ends without an audited override."""
    planned, sent = await _plan_and_send(api)
    vendor_id, sub_id = planned["vendor_id"], planned["subprocessor_id"]
    # The processor already lists the sub-processor (it told us): the link exists.
    await api.patch(
        f"/api/v1/vendors/{sub_id}",
        json={"parent_vendor_ids": [vendor_id]},
        headers={"If-Match": '"1"'},
    )
    url = f"/api/v1/vendors/{vendor_id}/subprocessors/{sub_id}/engagement"
    blocked = await api.put(url, json={"engaged_on": "2027-01-15"})
    assert blocked.status_code == 409, blocked.text
    assert blocked.json()["type"].endswith("engagement-blocked")
    assert "Client Ltd" in " ".join(blocked.json()["reasons"])
    assert (
        await api.put(url, json={"engaged_on": "2027-01-15"}, role="procurement")
    ).status_code == 403

    notices = {n["customer_name"]: n for n in sent["notices"]}
    await api.post(
        f"{CHANGES}/{planned['id']}/notices/{notices['Client Ltd']['id']}/response",
        json={"response": "consented", "by": "Client DPO", "on": "2026-12-02", "version": 1},
    )
    early = await api.put(url, json={"engaged_on": "2026-12-10"})
    assert early.status_code == 409 and early.json()["type"].endswith("engagement-early")
    assert early.json()["reasons"] == ["Asiakas Oy's objection period runs until 2026-12-31."]
    link = (await session.execute(select(VendorSubprocessor))).scalars().one()
    assert link.engaged_on is None  # refused: nothing changed

    ok = await api.put(url, json={"engaged_on": "2026-12-10", "override_reason": "Urgent fix"})
    assert ok.status_code == 200, ok.text
    assert ok.json()["engaged_on"] == "2026-12-10"
    change = (await api.get(f"{CHANGES}/{planned['id']}")).json()
    assert change["override_reason"] == "Urgent fix"
    trail = (await api.get("/api/v1/audit", params={"entity_type": "vendor_engagement"})).json()
    assert any((e["after"] or {}).get("override_reason") == "Urgent fix" for e in trail["items"])
    # After the period, no override is needed.
    assert (await api.put(url, json={"engaged_on": "2027-01-02"})).status_code == 200


async def test_a_bounce_is_recorded_on_the_delivery_and_audited(
    api: Api,
    engine: AsyncEngine,
    settings: Settings,
    smtp: tuple[Inbox, int],  # noqa: F811
    on_today: date,
) -> None:
    _inbox, port = smtp
    planned, _ = await _plan_and_send(api)
    bounce = f"{CHANGES}/{planned['id']}/deliveries/bounce"
    body = {"recipient": "dpo@client.example", "reason": "550 5.1.1 mailbox unknown"}
    not_yet = await api.post(bounce, json=body)
    assert not_yet.status_code == 404  # queued, not sent: nothing can bounce yet
    cfg = replace(settings, smtp_host="127.0.0.1", smtp_port=port)
    await deliver(session_factory(engine), planned["id"], cfg)
    assert (await api.post(bounce, json=body, role="procurement")).status_code == 403
    assert (await api.post(bounce, json={**body, "reason": ""})).status_code == 400
    done = await api.post(bounce, json={**body, "recipient": "DPO@client.example"})
    assert done.status_code == 200, done.text
    deliveries = {d["recipient"]: d for n in done.json()["notices"] for d in n["deliveries"]}
    assert deliveries["dpo@client.example"]["status"] == "bounced"
    assert deliveries["dpo@client.example"]["reason"] == "550 5.1.1 mailbox unknown"
    assert deliveries["privacy@client.example"]["status"] == "sent"
    trail = (await api.get("/api/v1/audit", params={"entity_type": "notice_delivery"})).json()
    assert trail["items"][0]["after"]["status"] == "bounced"
    # A bounced e-mail is not sent again by a retry.
    assert await deliver(session_factory(engine), planned["id"], cfg) == (0, 0)
