"""An imported row obeys the same rules as an API row (one write path), on both databases.

The importer reads the sheet; the domain services' batched entry points decide. What they refuse
comes back at the sheet row and column, the CLI's dry run gives the report the real import
gives, and a refused import leaves the register as it was.
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from tests.conftest import SYSTEM, Api, Database
from tests.importer.sheets import xlsx_bytes
from tests.importer.test_import_db import counts, upload
from transfers.agreement.service import create_agreements
from transfers.assessment.service import create_assessments
from transfers.cli import main
from transfers.common.batch import BatchInvalid
from transfers.db import create_engine, session_factory
from transfers.models import AuditEvent, Processing, Transfer
from transfers.organisation.service import create_organisations, create_processings
from transfers.settings import get_settings
from transfers.transfer.service import create_transfers
from transfers.vendor.service import create_vendors

VENDORS: list[list[object]] = [
    ["name", "business_id", "country", "role", "authorised_by_processor"],
    ["Acme Oy", "1234567-8", "FI", "processor", None],
    ["Cloud Inc", "US-1", "US", "subprocessor", "yes"],
]


def _sheet(agreements: list[list[object]], transfers: list[list[object]]) -> bytes:
    return xlsx_bytes(
        {
            "vendors": VENDORS,
            "agreements": [
                ["business_id", "kind", "scc_module", "agreement_status", "signed_on"],
                *agreements,
            ],
            "transfers": [
                [
                    "business_id",
                    "destination_country",
                    "mechanism",
                    "fallback_mechanism",
                    "scc_module",
                    "data_categories",
                ],
                *transfers,
            ],
        }
    )


#: A signed DPA without its signing date: the API refuses it (agreement rules), so must the import.
UNSIGNED = _sheet(
    [["1234567-8", "dpa", None, "signed", None]],
    [["US-1", "US", "dpf", None, None, "contact"]],
)


@pytest.fixture
def cli(db: Database, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("TRANSFERS_DATABASE_URL", db.url)
    get_settings.cache_clear()

    async def run(*args: str) -> Result:
        return await asyncio.to_thread(CliRunner().invoke, main, list(args))

    yield run
    get_settings.cache_clear()


async def test_a_signed_agreement_without_signed_on_is_refused_at_its_cell(api: Api) -> None:
    before = await counts(api)
    for dry_run in (True, False):
        response = await upload(api, UNSIGNED, name="register.xlsx", dry_run=dry_run)
        assert response.status_code == 422, response.text
        [problem] = response.json()["problems"]
        assert (problem["sheet"], problem["row"], problem["column"]) == (
            "agreements",
            2,
            "signed_on",
        )
        assert problem["message"] == "A signed agreement needs signed_on."
        assert problem["fix"]
    assert await counts(api) == before  # refused: nothing written, no audit event either


async def test_cli_dry_run_reports_what_the_real_import_refuses(
    cli: Any, api: Api, tmp_path: Path
) -> None:
    sheet = tmp_path / "register.xlsx"
    sheet.write_bytes(UNSIGNED)
    before = await counts(api)
    dry = await cli("import", str(sheet), "--dry-run")
    assert dry.exit_code == 1, dry.output
    assert "A signed" in dry.output and "signed_on" in dry.output  # (the table wraps it)
    assert "against the register" in dry.output
    real = await cli("import", str(sheet))
    assert real.exit_code == 1
    assert await counts(api) == before

    good = tmp_path / "good.xlsx"
    good.write_bytes(
        _sheet([["1234567-8", "dpa", None, "signed", date(2024, 1, 1)]], [["US-1", "US", "dpf"]])
    )
    dry = await cli("import", str(good), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "is valid" in dry.output
    assert await counts(api) == before  # a dry run applies and rolls back
    real = await cli("import", str(good))
    assert real.exit_code == 0, real.output
    assert (await counts(api))["vendors"] == 2


async def test_an_scc_module_on_a_fallback_mechanism_is_imported(api: Api) -> None:
    sheet = _sheet(
        [],
        [
            ["US-1", "US", "dpf", "SCC 2021", 3, "contact"],
            ["1234567-8", "US", "adequacy", None, 2, None],  # module with no SCCs: refused
        ],
    )
    response = await upload(api, sheet, name="register.xlsx", dry_run=False)
    assert response.status_code == 422, response.text
    assert [(p["sheet"], p["row"], p["column"]) for p in response.json()["problems"]] == [
        ("transfers", 3, "scc_module")
    ]
    fixed = _sheet([], [["US-1", "US", "dpf", "SCC 2021", 3, "contact"]])
    response = await upload(api, fixed, name="register.xlsx", dry_run=False)
    assert response.status_code == 200, response.text
    [transfer] = (await api.get("/api/v1/transfers")).json()["items"]
    assert (transfer["mechanism"], transfer["fallback_mechanism"], transfer["scc_module"]) == (
        "dpf",
        "scc_2021",
        3,
    )
    vendors = {v["name"]: v for v in (await api.get("/api/v1/vendors")).json()["items"]}
    assert vendors["Cloud Inc"]["authorised_by_processor"] is True
    assert vendors["Acme Oy"]["authorised_by_processor"] is None


async def test_new_transfer_facts_round_trip_through_export_into_an_empty_register(
    api: Api, db: Database
) -> None:
    vendor = await api.create(
        "/api/v1/vendors",
        {
            "name": "Group Ltd",
            "country": "IN",
            "role": "processor",
            "business_id": "IN-9",
            "authorised_by_processor": False,
        },
    )
    agreement = await api.create(
        "/api/v1/agreements",
        {
            "vendor_id": vendor["id"],
            "kind": "dpa",
            "status": "terminated",
            "signed_on": "2022-01-01",
            "terminated_on": "2025-06-30",
            "title": "DPA 2022",
        },
    )
    facts = {
        "fallback_mechanism": "scc_2021",
        "scc_module": 2,
        "bcr_type": "processor",
        "bcr_approval_ref": "BCR-P 2023/7",
        "importer_in_group": True,
        "approval_ref": "DPA-FI 12/2024",
        "combines_eu_data": False,
        "third_country_order": False,
        "international_agreement": "MLAT EU-IN",
        "limited_data_subjects": True,
        "authority_informed_on": "2025-02-03",
        "data_subjects_informed": True,
        "adequacy_scope_confirmed": None,
        "dpf_hr_covered": None,
    }
    await api.create(
        "/api/v1/transfers",
        {
            "vendor_id": vendor["id"],
            "exporter_role": "controller",
            "destination_country": "IN",
            "mechanism": "bcr",
            "data_categories": ["hr"],
        }
        | facts,
    )

    def register(vendors: list[Any], agreements: list[Any], transfers: list[Any]) -> Any:
        return (
            [(v["name"], v["business_id"], v["authorised_by_processor"]) for v in vendors],
            [(a["kind"], a["status"], a["terminated_on"], a["title"]) for a in agreements],
            [{k: t[k] for k in facts} | {"mechanism": t["mechanism"]} for t in transfers],
        )

    async def read() -> Any:
        return register(
            (await api.get("/api/v1/vendors")).json()["items"],
            (await api.get("/api/v1/agreements")).json()["items"],
            (await api.get("/api/v1/transfers")).json()["items"],
        )

    before = await read()
    assert before[1] == [("dpa", "terminated", agreement["terminated_on"], "DPA 2022")]
    exported = (await api.get("/api/v1/exports", params={"format": "xlsx"})).content

    await db.reset()
    from transfers.auth.service import create_key

    engine = create_engine(url=db.url)
    async with session_factory(engine)() as s:
        _, secret = await create_key(s, name="legal-key", role="legal", actor=SYSTEM)
        await s.commit()
    await engine.dispose()
    api.keys.legal = secret
    response = await upload(api, exported, name="register.xlsx", dry_run=False)
    assert response.status_code == 200, response.text
    assert await read() == before


async def test_batched_services_refuse_per_item_and_audit_each_record(db: Database) -> None:
    engine = create_engine(url=db.url)
    try:
        async with session_factory(engine)() as session:
            ids = await create_vendors(
                session,
                [
                    {"name": "A", "country": "FI", "role": "processor", "business_id": "A-1"},
                    {"name": "B", "country": "US", "role": "processor"},
                ],
                SYSTEM,
            )
            with pytest.raises(BatchInvalid) as refused:
                await create_vendors(
                    session,
                    [
                        {"name": "C", "country": "FI", "role": "processor", "business_id": "A-1"},
                        {"name": "D", "country": "Narnia", "role": "processor"},
                        {"name": "E", "country": "FI", "role": "processor"},
                        {"name": "x" * 500, "country": "FI", "role": "processor"},
                    ],
                    SYSTEM,
                )
            assert [(p.index, p.field) for p in refused.value.problems] == [
                (0, "business_id"),
                (1, "country"),
                (3, "name"),
            ]
            with pytest.raises(BatchInvalid) as refused:
                await create_agreements(
                    session,
                    [
                        {"vendor_id": ids[0], "kind": "dpa", "status": "signed"},
                        {"vendor_id": 999_999, "kind": "dpa"},
                    ],
                    SYSTEM,
                )
            assert [(p.index, p.field) for p in refused.value.problems] == [
                (0, "signed_on"),
                (1, "vendor_id"),
            ]
            [dpa] = await create_agreements(
                session,
                [
                    {
                        "vendor_id": ids[0],
                        "kind": "dpa",
                        "status": "signed",
                        "signed_on": "2024-01-01",
                    }
                ],
                SYSTEM,
            )
            with pytest.raises(BatchInvalid) as refused:
                await create_transfers(
                    session,
                    [
                        {
                            "vendor_id": ids[1],
                            "exporter_role": "controller",
                            "destination_country": "US",
                            "mechanism": "dpf",
                            "agreement_id": dpa,
                        },
                        {
                            "vendor_id": ids[0],
                            "exporter_role": "controller",
                            "destination_country": "US",
                            "mechanism": "scc_2021",
                            "scc_module": 2,
                            "agreement_id": dpa,
                        },
                    ],
                    SYSTEM,
                )
            assert [(p.index, p.field) for p in refused.value.problems] == [
                (0, "agreement_id"),  # another vendor's agreement
                (1, "agreement_id"),  # SCCs cannot rest on a DPA (the link rule)
            ]
            assert "belongs to another vendor" in refused.value.problems[0].message
            transfer_ids = await create_transfers(
                session,
                [
                    {
                        "vendor_id": ids[0],
                        "exporter_role": "controller",
                        "destination_country": "us",
                        "mechanism": "DPF",
                        "data_categories": ["Contact", "contact "],
                    }
                ],
                SYSTEM,
            )
            stored = await session.get(Transfer, transfer_ids[0])
            assert stored is not None
            assert (stored.destination_country, stored.mechanism, stored.data_categories) == (
                "US",
                "dpf",
                ["contact"],
            )
            events = (
                await session.scalars(
                    select(AuditEvent).where(AuditEvent.action == "create").order_by(AuditEvent.id)
                )
            ).all()
            assert [(e.entity_type, e.entity_id, e.actor) for e in events] == [
                ("vendor", ids[0], SYSTEM.label),
                ("vendor", ids[1], SYSTEM.label),
                ("agreement", dpa, SYSTEM.label),
                ("transfer", transfer_ids[0], SYSTEM.label),
            ]
            assert events[2].after is not None and events[2].after["signed_on"] == "2024-01-01"
            assert all(e.occurred_at is not None for e in events)
            count = await session.scalar(select(func.count()).select_from(AuditEvent))
            assert count == 4
            await session.rollback()
    finally:
        await engine.dispose()


async def test_batched_organisation_processing_and_assessment_entry_points(db: Database) -> None:
    engine = create_engine(url=db.url)
    try:
        async with session_factory(engine)() as session:
            [org] = await create_organisations(
                session, [{"name": "Meitä Oy", "country": "fi", "business_id": "FI-1"}], SYSTEM
            )
            with pytest.raises(BatchInvalid) as refused:
                await create_organisations(
                    session,
                    [
                        {"name": "Again", "country": "FI", "business_id": "FI-1"},
                        {"name": "No roles", "country": "FI", "roles": []},
                    ],
                    SYSTEM,
                )
            assert [(p.index, p.field) for p in refused.value.problems] == [
                (0, "business_id"),
                (1, "roles"),
            ]
            [vendor] = await create_vendors(
                session, [{"name": "V", "country": "US", "role": "processor"}], SYSTEM
            )
            [processing] = await create_processings(
                session,
                [
                    {
                        "vendor_id": vendor,
                        "service": " Payroll ",
                        "organisation_id": org,
                        "data_categories": ["Contact", "contact"],
                    }
                ],
                SYSTEM,
            )
            with pytest.raises(BatchInvalid) as refused:
                await create_processings(session, [{"vendor_id": 999_999, "service": "X"}], SYSTEM)
            assert refused.value.problems[0].field == "vendor_id"
            [transfer] = await create_transfers(
                session,
                [
                    {
                        "vendor_id": vendor,
                        "processing_id": processing,
                        "exporter_role": "controller",
                        "destination_country": "US",
                        "mechanism": "scc_2021",
                        "scc_module": 2,
                    }
                ],
                SYSTEM,
            )
            with pytest.raises(BatchInvalid) as refused:
                await create_assessments(
                    session,
                    [
                        {"transfer_id": transfer, "completed_on": "2025-01-01"},
                        {"transfer_id": 999_999},
                    ],
                    SYSTEM,
                )
            assert [(p.index, p.field) for p in refused.value.problems] == [
                (0, "conclusion"),  # a completed TIA states its conclusion
                (1, "transfer_id"),
            ]
            [assessment] = await create_assessments(
                session,
                [{"transfer_id": transfer, "completed_on": "2025-01-01", "conclusion": "adequate"}],
                SYSTEM,
            )
            stored = await session.get(Processing, processing)
            assert stored is not None
            assert (stored.service, stored.data_categories) == ("Payroll", ["contact"])
            audited = (
                await session.execute(
                    select(AuditEvent.entity_type, AuditEvent.entity_id).where(
                        AuditEvent.action == "create"
                    )
                )
            ).all()
            assert ("organisation", org) in audited and ("processing", processing) in audited
            assert ("assessment", assessment) in audited
            await session.rollback()
    finally:
        await engine.dispose()


async def test_subprocessor_links_go_through_the_chain_rules(api: Api) -> None:
    def sheet(links: list[list[object]]) -> bytes:
        return xlsx_bytes(
            {
                "vendors": VENDORS,
                "subprocessors": [["name", "business_id", "parent_business_id"], *links],
            }
        )

    linked = sheet([["Cloud Inc", "US-1", "1234567-8"]])
    first = await upload(api, linked, name="register.xlsx", dry_run=False)
    assert first.status_code == 200, first.text
    assert first.json()["counts"]["created"] == {"vendors": 2, "links": 1}
    again = await upload(api, linked, name="register.xlsx", dry_run=False)
    assert again.json()["counts"]["created"] == {}  # the link exists: nothing new
    before = await counts(api)
    cycle = sheet([["Cloud Inc", "US-1", "1234567-8"], ["Acme Oy", "1234567-8", "US-1"]])
    response = await upload(api, cycle, name="register.xlsx", dry_run=False)
    assert response.status_code == 422, response.text
    [problem] = response.json()["problems"]
    assert (problem["sheet"], problem["row"], problem["column"]) == (
        "subprocessors",
        3,
        "parent_name",
    )
    assert "cycle" in problem["message"]
    assert await counts(api) == before
