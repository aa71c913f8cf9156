"""Stale documents, their new versions, and our own sub-processor list kept current."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests import factories
from tests.conftest import Api
from transfers.document import context as ctx
from transfers.document.render import document_text

DOCS = "/api/v1/documents"
NOTICES = "/api/v1/subprocessor-notices"


async def processor(api: Api, name: str = "Liffey Mail Ltd", **overrides: Any) -> dict[str, Any]:
    """An Irish processor we use for our customers, with a signed DPA and a transfer to Ireland."""
    v = await factories.vendor(
        api,
        name=name,
        country="IE",
        status="approved",
        address="1 Old Street, Dublin",
        **overrides,
    )
    await api.create(
        "/api/v1/processings",
        {
            "vendor_id": v["id"],
            "service": "E-mail delivery",
            "our_role": "processor",
            "controller": "Our customers",
            "nature": "Sending e-mail on our customers' behalf",
            "purposes": ["newsletters"],
            "data_categories": ["contact"],
            "data_subject_categories": ["newsletter subscribers"],
            "technical_measures": "TLS; access control",
        },
    )
    await factories.agreement(
        api, v["id"], subprocessor_authorisation="general", objection_period_days=30
    )
    await factories.transfer(
        api, v["id"], destination_country="IE", mechanism="none", scc_module=None
    )
    return v


async def generate(api: Api, **body: Any) -> dict[str, Any]:
    return await api.create(DOCS, {"language": "en", **body})


async def text_of(api: Api, doc: dict[str, Any]) -> str:
    content = (await api.get(doc["content_url"])).content
    return document_text(content)


async def test_a_changed_address_makes_the_dpa_stale_and_regenerating_links_the_versions(
    api: Api,
) -> None:
    await factories.organisation(api, address="Katu 1, 00100 Helsinki")
    vendor = await processor(api)
    doc = await generate(api, kind="dpa", vendor_id=vendor["id"])
    assert (doc["stale"], doc["changes"], doc["supersedes_id"]) == (False, [], None)
    assert (await api.get(f"{DOCS}/{doc['id']}")).json()["stale"] is False

    moved = await api.patch(
        f"/api/v1/vendors/{vendor['id']}",
        json={"address": "2 New Quay, Dublin"},
        headers={"If-Match": f'"{vendor["version"]}"'},
    )
    assert moved.status_code == 200, moved.text
    read = (await api.get(f"{DOCS}/{doc['id']}", role="procurement")).json()
    assert read["stale"] is True
    assert read["changes"] == [
        {
            "entity": "vendor",
            "id": vendor["id"],
            "field": "address",
            "before": "1 Old Street, Dublin",
            "after": "2 New Quay, Dublin",
        }
    ]
    stale = (await api.get(DOCS, params={"stale": "true"})).json()
    assert [d["id"] for d in stale["items"]] == [doc["id"]]
    assert stale["total"] == 1
    assert stale["items"][0]["changes"][0]["field"] == "address"
    assert "values" not in stale["items"][0]["snapshot"]  # lists stay small
    assert read["snapshot"]["values"]["vendor"][str(vendor["id"])]["address"] == (
        "1 Old Street, Dublin"
    )
    assert (await api.get(DOCS, params={"stale": "false"})).json()["items"] == []

    assert (await api.post(f"{DOCS}/{doc['id']}/regenerate", role="procurement")).status_code == 403
    new = await api.post(f"{DOCS}/{doc['id']}/regenerate")
    assert new.status_code == 201, new.text
    fresh = new.json()
    assert (fresh["kind"], fresh["language"], fresh["vendor_id"]) == ("dpa", "en", vendor["id"])
    assert (fresh["supersedes_id"], fresh["stale"]) == (doc["id"], False)
    assert "2 New Quay, Dublin" in await text_of(api, fresh)
    old = (await api.get(f"{DOCS}/{doc['id']}")).json()
    assert (old["superseded_by"], old["stale"], old["changes"]) == (fresh["id"], False, [])
    assert (await api.get(DOCS, params={"stale": "true"})).json()["items"] == []
    not_stale = (await api.get(DOCS, params={"stale": "false"})).json()
    assert {d["id"] for d in not_stale["items"]} == {doc["id"], fresh["id"]}

    again = await api.post(f"{DOCS}/{doc['id']}/regenerate")
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert again.json()["superseded_by"] == fresh["id"]
    assert (await api.post(f"{DOCS}/999999/regenerate")).status_code == 404

    events = (
        await api.get("/api/v1/audit", params={"entity_type": "document", "entity_id": fresh["id"]})
    ).json()["items"]
    assert [(e["action"], e["after"]["supersedes_id"]) for e in events] == [
        ("regenerate", doc["id"])
    ]


async def test_a_deleted_transfer_and_a_new_sub_processor_count_as_changes(api: Api) -> None:
    await factories.organisation(api, address="Katu 1, 00100 Helsinki")
    vendor = await processor(api)
    extra = await factories.transfer(
        api, vendor["id"], destination_country="DE", mechanism="none", scc_module=None
    )
    doc = await generate(api, kind="dpa", vendor_id=vendor["id"])
    gone = await api.delete(
        f"/api/v1/transfers/{extra['id']}", headers={"If-Match": f'"{extra["version"]}"'}
    )
    assert gone.status_code == 204, gone.text
    sub = await factories.vendor(api, name="Bulk Send GmbH", country="DE", role="subprocessor")
    linked = await api.patch(
        f"/api/v1/vendors/{vendor['id']}",
        json={"subprocessor_ids": [sub["id"]]},
        headers={"If-Match": f'"{vendor["version"]}"'},
    )
    assert linked.status_code == 200, linked.text
    changes = (await api.get(f"{DOCS}/{doc['id']}")).json()["changes"]
    deleted = [c for c in changes if c["entity"] == "transfer"]
    assert deleted == [
        {
            "entity": "transfer",
            "id": extra["id"],
            "field": None,
            "before": deleted[0]["before"],
            "after": None,
        }
    ]
    assert deleted[0]["before"]["destination_country"] == "DE"
    by_field = {c["field"]: c for c in changes if c["entity"] == "vendor"}
    assert by_field["subprocessor_ids"]["before"] == []
    assert by_field["subprocessor_ids"]["after"] == [sub["id"]]
    assert extra["id"] in by_field["transfer_ids"]["before"]
    assert extra["id"] not in by_field["transfer_ids"]["after"]


async def test_two_vendors_with_the_same_name_never_mix_their_rows(api: Api) -> None:
    await factories.organisation(api, address="Katu 1, 00100 Helsinki")
    first = await processor(api, name="Acme Cloud Inc.")
    second = await processor(api, name="Acme Cloud Inc.")
    for vendor, country in ((first, "JP"), (second, "KR")):
        await factories.transfer(
            api,
            vendor["id"],
            destination_country=country,
            mechanism="adequacy",
            scc_module=None,
            adequacy_scope_confirmed=True,
        )
    doc = await generate(api, kind="dpa", vendor_id=first["id"])
    text = await text_of(api, doc)
    assert "Japan" in text
    assert "Korea" not in text
    assert set(doc["snapshot"]["values"]["vendor"]) == {str(first["id"])}


def test_the_dpa_context_takes_the_transfers_of_its_vendor_id_not_of_its_name() -> None:
    def transfer(tid: int, vendor_id: int, country: str) -> ctx.TransferData:
        return ctx.TransferData(
            tid, "Acme", country, "controller", "processor", "scc_2021", 2, ("contact",),
            "systematic", "storage", None, None, "lawful", vendor_id=vendor_id,
        )  # fmt: skip

    result = ctx.build_context(
        "dpa",
        "en",
        organisation=ctx.OrganisationData("Palvelu Oy", "1234567-8", "Katu 1", "FI"),
        as_of=date(2026, 1, 15),
        vendor=ctx.VendorData(1, "Acme", "Acme Inc.", None, "US", "processor"),
        processing=ctx.ProcessingData(
            "Hosting", "Hosting", ("support",), ("contact",), ("customers",), measures="TLS"
        ),
        agreement=ctx.AgreementData(
            "dpa", date(2025, 1, 1), None, None, False, None, None, "general", 30
        ),
        transfers=(transfer(1, 1, "US"), transfer(2, 2, "IN")),
    )
    assert [t["country"] for t in result["transfers"]] == ["United States"]


async def test_our_sub_processor_list_gets_a_new_version_when_the_chain_changes(
    api: Api,
) -> None:
    await factories.organisation(api, address="Katu 1, 00100 Helsinki")
    vendor = await processor(api)
    first = await generate(api, kind="subprocessor_list")
    assert "Bulk Send GmbH" not in await text_of(api, first)

    notice = await api.create(
        NOTICES,
        {
            "vendor_id": vendor["id"],
            "change": "added",
            "subprocessor_name": "Bulk Send GmbH",
            "subprocessor_country": "DE",
            "purpose": "E-mail delivery",
            "received_on": "2026-01-02",
            "effective_on": "2026-02-01",
        },
    )
    accepted = await api.post(f"{NOTICES}/{notice['id']}/accept", json={"version": 1})
    assert accepted.status_code == 200, accepted.text
    sub_id = accepted.json()["subprocessor_id"]

    lists = (await api.get(DOCS, params={"kind": "subprocessor_list"})).json()["items"]
    assert [d["supersedes_id"] for d in lists] == [first["id"], None]
    second = lists[0]
    assert (second["stale"], second["language"]) == (False, "en")
    text = await text_of(api, second)
    # The new version reports exactly what changed since the version before it.
    assert "One (1) change since the previous version of this list (" in text
    assert "Changes since the previous version of this list (" in text
    assert "added\nBulk Send GmbH\nLiffey Mail Ltd\n1 February 2026" in text
    old = (await api.get(f"{DOCS}/{first['id']}")).json()
    assert old["superseded_by"] == second["id"]

    # A link removed through the vendor API: a third version, in the same transaction.
    current = (await api.get(f"/api/v1/vendors/{vendor['id']}")).json()
    removed = await api.patch(
        f"/api/v1/vendors/{vendor['id']}",
        json={"subprocessor_ids": []},
        headers={"If-Match": f'"{current["version"]}"'},
    )
    assert removed.status_code == 200, removed.text
    lists = (await api.get(DOCS, params={"kind": "subprocessor_list"})).json()["items"]
    assert [d["supersedes_id"] for d in lists] == [second["id"], first["id"], None]
    third = await text_of(api, lists[0])
    assert "removed\nBulk Send GmbH\nLiffey Mail Ltd\n" in third
    assert sub_id not in {int(k) for k in lists[0]["snapshot"]["listed"]}

    # Nothing of the chain changed: no new version.
    await api.patch(
        f"/api/v1/vendors/{vendor['id']}",
        json={"notes": "reviewed"},
        headers={"If-Match": f'"{removed.json()["version"]}"'},
    )
    assert (await api.get(DOCS, params={"kind": "subprocessor_list"})).json()["total"] == 3

    # A new processor of ours (we process for our customers through it) is a new direct
    # sub-processor of ours.
    await processor(api, name="Seine Mail SAS")
    lists = (await api.get(DOCS, params={"kind": "subprocessor_list"})).json()["items"]
    assert len(lists) == 4
    assert lists[0]["supersedes_id"] == lists[1]["id"]
    assert "added\nSeine Mail SAS\n" in await text_of(api, lists[0])
