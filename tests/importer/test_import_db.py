"""Import into and export out of a real register (SQLite and PostgreSQL), through the API."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Api, Database

CSV = (
    "Nimi;Y-tunnus;Maa;Rooli;Kategoria;Kohdemaa;Siirtoperuste;Moduuli;DPA allekirjoitettu;DPA päättyy\n"
    "Acme Oy;1234567-8;Suomi;käsittelijä;pilvipalvelu;Yhdysvallat;EU SCC 2021;2;1.2.2024;31.12.2026\n"
    "Beta Inc;US-77;USA;processor;other;US;DPF;;;\n"
)


async def counts(api: Api) -> dict[str, int]:
    out = {}
    for name in ("vendors", "agreements", "transfers", "audit"):
        out[name] = (await api.get(f"/api/v1/{name}")).json()["total"]
    return out


async def upload(
    api: Api,
    content: bytes,
    name: str = "rekisteri.csv",
    dry_run: bool | None = None,
    role: str = "legal",
) -> Any:
    params = {} if dry_run is None else {"dry_run": str(dry_run).lower()}
    return await api.post(
        "/api/v1/imports", params=params, files={"file": (name, content, "text/csv")}, role=role
    )


async def test_dry_run_by_default_then_import_then_idempotent(api: Api) -> None:
    before = await counts(api)
    dry = await upload(api, CSV.encode())
    assert dry.status_code == 200, dry.text
    assert dry.json()["dry_run"] is True and dry.json()["complete"] is True
    assert await counts(api) == before

    real = await upload(api, CSV.encode(), dry_run=False)
    assert real.status_code == 200, real.text
    assert real.json()["counts"]["created"] == {"vendors": 2, "agreements": 1, "transfers": 2}
    after = await counts(api)
    assert after["vendors"] == 2 and after["transfers"] == 2 and after["agreements"] == 1
    vendors = {v["name"]: v for v in (await api.get("/api/v1/vendors")).json()["items"]}
    assert vendors["Acme Oy"]["country"] == "FI" and vendors["Acme Oy"]["role"] == "processor"

    again = await upload(api, CSV.encode(), dry_run=False)
    assert again.json()["counts"]["created"] == {} and again.json()["counts"]["updated"] == {}
    assert await counts(api) == after  # no new rows, no new audit events

    changed = CSV.replace(
        "Beta Inc;US-77;USA;processor;other", "Beta Inc;US-77;USA;processor;payment"
    )
    updated = await upload(api, changed.encode(), dry_run=False)
    assert updated.json()["counts"]["updated"] == {"vendors": 1}
    trail = (
        await api.get(
            "/api/v1/audit",
            params={"entity_type": "vendor", "entity_id": vendors["Beta Inc"]["id"]},
        )
    ).json()
    assert trail["items"][0]["after"] == {"category": "payment", "version": 2}


async def test_bad_sheets_are_reported_and_nothing_is_written(api: Api) -> None:
    before = await counts(api)
    bad = (
        CSV
        + "Gamma;;Atlantis;processor;other;US;SCC;;;\nDelta;;US;processor;other;US;teleport;;;\n=SUM(1,2);;US;processor;other;US;DPF;;;\n"
    )
    response = await upload(api, bad.encode(), dry_run=False)
    assert response.status_code == 422
    problems = response.json()["problems"]
    columns = {(p["row"], p["column"]) for p in problems}
    assert (4, "country") in columns and (4, "mechanism") in columns  # Atlantis; ambiguous "SCC"
    assert (5, "mechanism") in columns  # unknown mechanism
    assert any(p["row"] == 6 and "formula" in p["message"] for p in problems)
    assert all(p["fix"] for p in problems)
    missing_column = await upload(api, b"name;country\nAcme;FI\n", dry_run=False)
    assert missing_column.status_code == 422 and "role" in json.dumps(
        missing_column.json()["problems"]
    )
    # Excel on Windows saves CSV as Windows-1252: read it as such, the same plan as UTF-8.
    cp1252 = await upload(api, CSV.encode("cp1252"), dry_run=True)
    utf8 = await upload(api, CSV.encode(), dry_run=True)
    assert cp1252.status_code == 200, cp1252.text
    assert cp1252.json()["counts"] == utf8.json()["counts"]
    assert cp1252.json()["counts"]["created"]["vendors"] == 2
    assert await counts(api) == before


async def test_import_rules(api: Api) -> None:
    assert (await upload(api, CSV.encode(), role="procurement")).status_code == 403
    assert (await upload(api, CSV.encode(), name="register.pdf")).status_code == 415
    assert (await upload(api, b"", name="empty.csv")).status_code == 422
    huge = ("name,country,role\n" + "Vendor,FI,processor\n" * 600_000).encode()
    assert len(huge) > 10_000_000
    response = await upload(api, huge, name="huge.csv", dry_run=False)
    assert response.status_code == 422  # over the row limit: refused as a whole
    assert (await api.get("/api/v1/vendors")).json()["total"] == 0


async def test_export_round_trips_into_an_empty_register(api: Api, db: Database) -> None:
    await upload(api, CSV.encode(), dry_run=False)
    parent = (await api.get("/api/v1/vendors", params={"q": "Acme"})).json()["items"][0]
    await api.create(
        "/api/v1/vendors",
        {
            "name": "Sub Pvt",
            "country": "IN",
            "role": "subprocessor",
            "business_id": "IN-1",
            "address": "Bandra Kurla Complex, Mumbai 400051",
            "parent_vendor_ids": [parent["id"]],
        },
    )
    for fmt, ctype in (
        ("xlsx", "spreadsheetml"),
        ("csv", "text/csv"),
        ("json", "application/json"),
    ):
        response = await api.get(
            "/api/v1/exports", params={"format": fmt, "as_of": "2026-11-24"}, role="procurement"
        )
        assert response.status_code == 200
        assert ctype in response.headers["content-type"]
        assert f"transfers-register-2026-11-24.{fmt}" in response.headers["content-disposition"]
    exported = (await api.get("/api/v1/exports", params={"format": "xlsx"})).content
    before_vendors = sorted(
        (
            v["name"],
            v["country"],
            v["role"],
            v["address"] or "",
            tuple(v["parent_vendor_ids"] and ["x"]),
        )
        for v in (await api.get("/api/v1/vendors")).json()["items"]
    )
    before_transfers = sorted(
        (t["destination_country"], t["mechanism"])
        for t in (await api.get("/api/v1/transfers")).json()["items"]
    )

    await db.reset()
    from tests.conftest import SYSTEM
    from transfers.auth.service import create_key
    from transfers.db import create_engine, session_factory

    engine = create_engine(url=db.url)
    async with session_factory(engine)() as s:
        _, secret = await create_key(s, name="legal-key", role="legal", actor=SYSTEM)
        await s.commit()
    await engine.dispose()
    api.keys.legal = secret

    reimport = await api.post(
        "/api/v1/imports",
        params={"dry_run": "false"},
        files={"file": ("register.xlsx", exported, "application/octet-stream")},
    )
    assert reimport.status_code == 200, reimport.text
    after_vendors = sorted(
        (
            v["name"],
            v["country"],
            v["role"],
            v["address"] or "",
            tuple(v["parent_vendor_ids"] and ["x"]),
        )
        for v in (await api.get("/api/v1/vendors")).json()["items"]
    )
    after_transfers = sorted(
        (t["destination_country"], t["mechanism"])
        for t in (await api.get("/api/v1/transfers")).json()["items"]
    )
    assert after_vendors == before_vendors
    assert after_transfers == before_transfers


async def test_a_control_character_in_a_cell_is_a_problem_naming_the_cell(api: Api) -> None:
    before = await counts(api)
    bad = CSV.replace("Beta Inc", "Beta\x00Inc").replace("Acme Oy", "Acme\x01Oy")
    response = await upload(api, bad.encode(), dry_run=False)
    assert response.status_code == 422, response.text
    cells = {(p["row"], p["column"]) for p in response.json()["problems"]}
    assert {(2, "name"), (3, "name")} <= cells
    assert any("control character" in p["message"] for p in response.json()["problems"])
    assert await counts(api) == before


async def test_vendor_address_is_imported_from_a_finnish_column(api: Api) -> None:
    sheet = (
        "Nimi;Y-tunnus;Maa;Rooli;Osoite;Kohdemaa;Siirtoperuste\n"
        "Acme Oy;1234567-8;Suomi;käsittelijä;Esimerkkikatu 2, 00100 Helsinki;;\n"
    )
    response = await upload(api, sheet.encode(), dry_run=False)
    assert response.status_code == 200, response.text
    vendor = (await api.get("/api/v1/vendors")).json()["items"][0]
    assert vendor["address"] == "Esimerkkikatu 2, 00100 Helsinki"
