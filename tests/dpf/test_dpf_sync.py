"""DPF participant list sync: exact matches are applied, near matches only reported."""

from __future__ import annotations

import asyncio
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from tests import factories
from tests.conftest import Api

HERE = Path(__file__).parent
CSV = HERE / "dpf-participants-sample.csv"
JSON = HERE / "dpf-participants-sample.json"
URL = "/api/v1/dpf/sync"


async def dpf_vendor(api: Api, name: str, **transfer: Any) -> tuple[int, int]:
    v = await factories.vendor(api, name=name)
    t = await factories.transfer(
        api,
        v["id"],
        mechanism="dpf",
        scc_module=None,
        data_categories=["identity", "payroll"],
        **transfer,
    )
    return int(v["id"]), int(t["id"])


async def register(api: Api) -> dict[str, tuple[int, int]]:
    return {
        "acme": await dpf_vendor(api, "Acme Cloud Inc."),
        "summit": await dpf_vendor(api, "Summit Events Inc", dpf_certified=True),
        "northwind": await dpf_vendor(api, "Northwind Analytcs Inc"),
        "ghost": await dpf_vendor(api, "Ghost Data LLC", dpf_certified=True),
    }


async def upload(api: Api, path: Path, **params: Any) -> Any:
    content = await asyncio.to_thread(path.read_bytes)
    return await api.post(
        URL,
        files={"file": (path.name, content, "text/plain")},
        params={"list_date": "2026-11-20", **params},
    )


async def test_dry_run_reports_and_writes_nothing(api: Api) -> None:
    ids = await register(api)
    await factories.transfer(api, ids["acme"][0])  # SCCs: not relying on the DPF
    response = await upload(api, CSV)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["applied"] is False
    assert report["sha256"] == hashlib.sha256(CSV.read_bytes()).hexdigest()
    assert (report["participants"], report["vendors_on_dpf"]) == (5, 4)
    changed = {c["transfer_id"]: c for c in report["changes"]}
    assert changed[ids["acme"][1]]["after"] == {
        "dpf_certified": True,
        "dpf_verified_on": "2026-11-20",
        "dpf_hr_covered": True,
    }
    assert changed[ids["summit"][1]]["after"]["dpf_certified"] is False
    assert {(f["vendor_id"], f["issue"]) for f in report["flagged"]} == {
        (ids["summit"][0], "inactive"),
        (ids["ghost"][0], "missing"),
    }
    [unsure] = report["uncertain"]
    assert unsure["vendor_id"] == ids["northwind"][0]
    assert unsure["candidates"][0]["name"] == "Northwind Analytics, Inc."
    assert 0.85 <= unsure["candidates"][0]["similarity"] < 1
    assert ids["northwind"][1] not in changed, "a near match is reported, never applied"
    transfer = (await api.get(f"/api/v1/transfers/{ids['acme'][1]}")).json()
    assert transfer["dpf_certified"] is None
    assert (await api.get("/api/v1/audit", params={"entity_type": "dpf_list"})).json()["total"] == 0


@pytest.mark.parametrize("path", [CSV, JSON], ids=["csv", "json"])
async def test_apply_sets_certification_and_audits_with_the_checksum(api: Api, path: Path) -> None:
    ids = await register(api)
    before = (
        await api.get(
            f"/api/v1/transfers/{ids['acme'][1]}/evaluation", params={"as_of": "2026-11-25"}
        )
    ).json()
    assert before["verdict"] == "unlawful"
    report = (await upload(api, path, dry_run="false")).json()
    assert report["applied"] is True
    acme = (await api.get(f"/api/v1/transfers/{ids['acme'][1]}")).json()
    assert (acme["dpf_certified"], acme["dpf_hr_covered"], acme["dpf_verified_on"]) == (
        True,
        True,
        "2026-11-20",
    )
    summit = (await api.get(f"/api/v1/transfers/{ids['summit'][1]}")).json()
    assert summit["dpf_certified"] is False
    ghost = (await api.get(f"/api/v1/transfers/{ids['ghost'][1]}")).json()
    assert (ghost["dpf_certified"], ghost["dpf_verified_on"]) == (True, None), "missing: flag only"
    after = (
        await api.get(
            f"/api/v1/transfers/{ids['acme'][1]}/evaluation", params={"as_of": "2026-11-25"}
        )
    ).json()
    assert after["verdict"] != "unlawful"
    digest = hashlib.sha256(await asyncio.to_thread(path.read_bytes)).hexdigest()
    trail = (
        await api.get(
            "/api/v1/audit", params={"entity_type": "transfer", "entity_id": ids["acme"][1]}
        )
    ).json()["items"]
    sync_event = next(e for e in trail if e["action"] == "dpf_sync")
    assert sync_event["after"]["sha256"] == digest
    assert sync_event["after"]["list_date"] == "2026-11-20"
    assert any(e["action"] == "update" and e["after"].get("dpf_certified") for e in trail)
    again = (await upload(api, path, dry_run="false")).json()
    assert again["changes"] == []
    assert again["unchanged"] == 2


async def test_bad_uploads_are_refused(api: Api, tmp_path: Path) -> None:
    junk = tmp_path / "list.csv"
    junk.write_text("foo,bar\n1,2\n")
    assert (await upload(api, junk)).status_code == 422
    broken = tmp_path / "list.json"
    broken.write_text("{not json")
    assert (await upload(api, broken)).status_code == 422
    sheet = tmp_path / "list.xlsx"
    sheet.write_bytes(b"PK\x03\x04")
    assert (await upload(api, sheet)).status_code == 415
    denied = await api.post(
        URL, files={"file": (CSV.name, CSV.read_bytes(), "text/csv")}, role="procurement"
    )
    assert denied.status_code == 403


async def test_cli_dry_run_then_apply(api: Api, transfers_cli: Any) -> None:
    ids = await register(api)
    dry = await transfers_cli("dpf", "sync", str(CSV), "--list-date", "2026-11-20")
    assert dry.returncode == 0, dry.stderr
    assert "would change 2 transfers" in dry.stdout
    assert "dry run: nothing written" in dry.stdout
    assert (await api.get(f"/api/v1/transfers/{ids['acme'][1]}")).json()["dpf_certified"] is None
    done = await transfers_cli(
        "dpf", "sync", str(CSV), "--list-date", "2026-11-20", "--apply", "--json"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["applied"] is True
    assert (await api.get(f"/api/v1/transfers/{ids['acme'][1]}")).json()["dpf_certified"] is True
    bad = await transfers_cli("dpf", "sync", str(HERE / "__init__.py"))
    assert bad.returncode == 2
    assert "No participants found" in bad.stderr


async def test_a_recorded_participant_id_resolves_a_near_match(api: Api) -> None:
    ids = await register(api)
    first = (await upload(api, CSV, dry_run="false")).json()
    assert {(r["vendor_id"], r["participant_id"]) for r in first["recorded_ids"]} == {
        (ids["acme"][0], "0000000A1bCdEfG"),
        (ids["summit"][0], "0000000B2cDeFgH"),
    }
    acme = (await api.get(f"/api/v1/vendors/{ids['acme'][0]}")).json()
    assert acme["dpf_participant_id"] == "0000000A1bCdEfG"
    # Legal checks the DPF List by hand and records the ID of the near match.
    northwind = ids["northwind"][0]
    patched = await api.patch(
        f"/api/v1/vendors/{northwind}",
        json={"dpf_participant_id": "0000000C3dEfGhI", "version": 1},
    )
    assert patched.status_code == 200, patched.text
    ghost = ids["ghost"][0]
    await api.patch(f"/api/v1/vendors/{ghost}", json={"dpf_participant_id": "NOPE", "version": 1})
    second = (await upload(api, CSV, dry_run="false")).json()
    assert second["uncertain"] == []
    assert [c["transfer_id"] for c in second["changes"]] == [ids["northwind"][1]]
    assert second["recorded_ids"] == []
    missing = next(f for f in second["flagged"] if f["vendor_id"] == ghost)
    assert "NOPE" in missing["detail"]
    transfer = (await api.get(f"/api/v1/transfers/{ids['northwind'][1]}")).json()
    assert (transfer["dpf_certified"], transfer["dpf_hr_covered"]) == (True, False)


@pytest.mark.parametrize(
    ("participant_id", "status", "field"),
    [
        ("0000000A" + "x" * 40, "Active", "participant_id"),
        ("0000000A\u0001", "Active", "participant_id"),
        ("0000000A\uffff", "Active", "participant_id"),
        ("0000000A1bCdEfG", "Act\u0000ive", "status"),
    ],
)
async def test_a_list_with_a_value_the_api_would_refuse_writes_nothing(
    api: Api, tmp_path: Path, participant_id: str, status: str, field: str
) -> None:
    """Issue 22: the upload stored a participant ID that PATCH /vendors refuses (too long, or
    with characters an export cannot hold)."""
    ids = await register(api)
    listed = tmp_path / "list.csv"
    listed.write_text(
        f'Organization Name,Participant ID,Status\n"Acme Cloud, Inc.",{participant_id},{status}\n'
    )
    response = await upload(api, listed, dry_run="false")
    assert response.status_code == 422, response.text
    assert f"has a {field} the register refuses" in response.json()["detail"]
    acme = (await api.get(f"/api/v1/vendors/{ids['acme'][0]}")).json()
    assert acme["dpf_participant_id"] is None
    assert (await api.get(f"/api/v1/transfers/{ids['acme'][1]}")).json()["dpf_certified"] is None
