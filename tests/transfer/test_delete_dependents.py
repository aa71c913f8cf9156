"""Deleting what others rely on is refused (409 naming them) unless asked, then all audited."""

from __future__ import annotations

from tests import factories
from tests.conftest import Api

TRANSFERS = "/api/v1/transfers"
AGREEMENTS = "/api/v1/agreements"


async def audit_of(api: Api, entity_type: str, entity_id: int) -> list[str]:
    trail = await api.get(
        "/api/v1/audit", params={"entity_type": entity_type, "entity_id": entity_id}
    )
    return [e["action"] for e in trail.json()["items"]]


async def test_a_transfer_with_assessments_needs_cascade(api: Api) -> None:
    v = await factories.vendor(api)
    t = await factories.transfer(api, v["id"])
    a1 = await api.create("/api/v1/assessments", {"transfer_id": t["id"]})
    a2 = await api.create("/api/v1/assessments", {"transfer_id": t["id"]})
    refused = await api.delete(f"{TRANSFERS}/{t['id']}", headers={"If-Match": '"1"'})
    assert refused.status_code == 409, refused.text
    assert refused.json()["dependents"] == [
        {"type": "assessment", "id": a1["id"]},
        {"type": "assessment", "id": a2["id"]},
    ]
    assert f"assessment {a1['id']}" in refused.json()["detail"]
    assert (await api.get(f"/api/v1/assessments/{a1['id']}")).status_code == 200
    deleted = await api.delete(
        f"{TRANSFERS}/{t['id']}", params={"cascade": "true"}, headers={"If-Match": '"1"'}
    )
    assert deleted.status_code == 204, deleted.text
    for a in (a1, a2):
        assert (await api.get(f"/api/v1/assessments/{a['id']}")).status_code == 404
        assert "delete" in await audit_of(api, "assessment", a["id"])
    assert "delete" in await audit_of(api, "transfer", t["id"])


async def test_an_agreement_transfers_rely_on_needs_cascade_and_detaching_is_audited(
    api: Api,
) -> None:
    v = await factories.vendor(api)
    agreement = await factories.agreement(
        api, v["id"], kind="scc_2021", scc_module=2, term=None, auto_renew=False
    )
    t = await factories.transfer(api, v["id"], agreement_id=agreement["id"])
    assert t["agreement_id"] == agreement["id"]
    url = f"{AGREEMENTS}/{agreement['id']}"
    version = (await api.get(url)).headers["etag"]
    assert (await api.delete(url)).status_code == 428
    refused = await api.delete(url, headers={"If-Match": version})
    assert refused.status_code == 409, refused.text
    assert refused.json()["dependents"] == [{"type": "transfer", "id": t["id"]}]
    assert (await api.get(f"{TRANSFERS}/{t['id']}")).json()["agreement_id"] == agreement["id"]
    deleted = await api.delete(url, params={"cascade": "true"}, headers={"If-Match": version})
    assert deleted.status_code == 204, deleted.text
    assert (await api.get(f"{TRANSFERS}/{t['id']}")).json()["agreement_id"] is None
    assert "update" in await audit_of(api, "transfer", t["id"])
    assert "delete" in await audit_of(api, "agreement", agreement["id"])


async def test_a_deleted_transfer_s_id_is_never_handed_out_again(api: Api) -> None:
    v = await factories.vendor(api)
    first = await factories.transfer(api, v["id"])
    deleted = await api.delete(f"{TRANSFERS}/{first['id']}", headers={"If-Match": '"1"'})
    assert deleted.status_code == 204
    second = await factories.transfer(api, v["id"])
    assert second["id"] > first["id"]
    trail = await api.get(
        "/api/v1/audit", params={"entity_type": "transfer", "entity_id": second["id"]}
    )
    assert [e["action"] for e in trail.json()["items"]] == ["create"]
