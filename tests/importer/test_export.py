"""Exports re-import to the same register (export -> parse -> validate -> same rows)."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from transfers.importer import (
    AgreementRow,
    ExportAgreement,
    ExportData,
    ExportLink,
    ExportTransfer,
    ExportVendor,
    ImportPlan,
    TransferRow,
    VendorRef,
    VendorRow,
    plan_import,
    render,
    write_csv,
)
from transfers.importer.mapping import FLAT_COLUMNS

AS_OF = date(2026, 3, 1)

VENDORS = [
    ExportVendor(
        1,
        "Acme Oy",
        "FI",
        "processor",
        "cloud_hosting",
        "approved",
        "1234567-8",
        "Acme Oyj",
        "https://acme.example",
    ),
    ExportVendor(2, "Cloud Inc", "US", "subprocessor", "cloud_hosting", "in_review"),
    ExportVendor(
        3, '=HYPERLINK("http://x")', "IN", "subprocessor", "support_tooling", business_id="+358 1"
    ),
    ExportVendor(4, "Quiet AB", "SE", "controller", "other", "proposed"),
]
TRANSFERS = [
    ExportTransfer(
        10,
        2,
        "US",
        "dpf",
        dpf_certified=True,
        dpf_verified_on=date(2026, 1, 5),
        data_categories=("name", "email"),
        frequency="systematic",
    ),
    ExportTransfer(
        11,
        2,
        "IN",
        "scc_2021",
        scc_module=3,
        exporter_role="processor",
        started_on=date(2024, 1, 1),
        ended_on=date(2025, 6, 30),
    ),
    ExportTransfer(12, 3, "IN", "scc_2021", scc_module=2, dpf_certified=False),
]
LINKS = [ExportLink(1, 2), ExportLink(1, 3), ExportLink(2, 3)]
VERDICTS = {10: "lawful", 11: "ended", 12: "lawful_with_measures"}


def _data(agreements: list[ExportAgreement]) -> ExportData:
    return ExportData(VENDORS, agreements, TRANSFERS, LINKS, VERDICTS, AS_OF)


def _ref(vendor_id: int) -> VendorRef:
    vendor = next(v for v in VENDORS if v.id == vendor_id)
    return VendorRef(vendor.business_id, vendor.name)


def _expected_vendors() -> list[VendorRow]:
    return [
        VendorRow(
            v.name,
            v.country,
            v.role,
            v.category,
            v.status,
            v.business_id,
            v.legal_name,
            v.website,
            tuple(_ref(link.vendor_id) for link in LINKS if link.subprocessor_id == v.id),
        )
        for v in VENDORS
    ]


def _expected_transfers() -> list[TransferRow]:
    return [
        TransferRow(
            _ref(t.vendor_id),
            t.destination_country,
            t.mechanism,
            t.scc_module,
            t.exporter_role,
            t.data_categories,
            t.frequency,
            t.dpf_certified,
            t.dpf_verified_on,
            t.started_on,
            t.ended_on,
        )
        for t in TRANSFERS
    ]


def _agreement_row(a: ExportAgreement) -> AgreementRow:
    return AgreementRow(
        _ref(a.vendor_id), a.kind, a.scc_module, a.title, a.status, a.signed_on, a.ends_on
    )


def _assert_same_register(plan: ImportPlan, agreements: list[AgreementRow]) -> None:
    assert plan.problems == []
    assert plan.vendors == _expected_vendors()
    assert plan.transfers == _expected_transfers()
    assert plan.agreements == agreements


def test_xlsx_round_trip_keeps_every_vendor_agreement_transfer_and_link() -> None:
    agreements = [
        ExportAgreement(
            20,
            1,
            "dpa",
            title="DPA 2024",
            status="signed",
            signed_on=date(2024, 2, 1),
            ends_on=date(2026, 12, 31),
        ),
        ExportAgreement(
            21, 2, "scc_2021", scc_module=3, status="signed", signed_on=date(2024, 3, 1)
        ),
        ExportAgreement(22, 2, "uk_idta", status="draft"),
        ExportAgreement(
            23,
            4,
            "joint_controller",
            status="terminated",
            signed_on=date(2020, 1, 1),
            ends_on=date(2023, 1, 1),
        ),
    ]
    plan = plan_import(render(_data(agreements), "xlsx"), filename="register.xlsx")
    _assert_same_register(plan, [_agreement_row(a) for a in agreements])
    assert plan.warnings == []


def test_xlsx_sheets_headers_verdicts_and_no_formulas() -> None:
    workbook = load_workbook(io.BytesIO(render(_data([]), "xlsx")))
    assert workbook.sheetnames == ["vendors", "agreements", "transfers", "subprocessors"]
    transfers = [list(r) for r in workbook["transfers"].iter_rows(values_only=True)]
    assert transfers[0][:4] == ["name", "business_id", "destination_country", "mechanism"]
    assert transfers[0][-2:] == ["verdict", "verdict_as_of"]
    assert [row[-2] for row in transfers[1:]] == ["lawful", "ended", "lawful_with_measures"]
    assert transfers[1][-1].date() == AS_OF
    name_cell = workbook["vendors"]["A4"]
    assert name_cell.value == '=HYPERLINK("http://x")'
    assert name_cell.data_type == "s"
    assert workbook.properties.title == "Transfer register as of 2026-03-01"


def test_csv_round_trip_in_the_flat_layout() -> None:
    agreements = [
        ExportAgreement(20, 1, "dpa", status="draft", signed_on=date(2023, 2, 1)),
        ExportAgreement(
            21, 1, "dpa", status="signed", signed_on=date(2024, 2, 1), ends_on=date(2026, 12, 31)
        ),
        ExportAgreement(22, 3, "dpa", status="signed", signed_on=date(2025, 5, 5)),
    ]
    plan = plan_import(render(_data(agreements), "csv"), filename="transfers.csv")
    _assert_same_register(plan, [_agreement_row(agreements[1]), _agreement_row(agreements[2])])


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_header_is_the_documented_flat_column_set(delimiter: str) -> None:
    buffer = io.StringIO(newline="")
    write_csv(_data([]), buffer, delimiter=delimiter)
    rows = list(csv.reader(io.StringIO(buffer.getvalue()), delimiter=delimiter))
    assert rows[0] == [*(c.name for c in FLAT_COLUMNS), "verdict", "verdict_as_of"]
    assert rows[0][:10] == [
        "name",
        "business_id",
        "country",
        "role",
        "category",
        "destination_country",
        "mechanism",
        "scc_module",
        "dpa_signed_on",
        "dpa_ends_on",
    ]
    evil = [r for r in rows if r[2] == "IN" and r[3] == "subprocessor"]
    assert evil[0][0] == '\'=HYPERLINK("http://x")'
    assert evil[0][1] == "'+358 1"
    cloud = [r for r in rows if r[0] == "Cloud Inc"]
    assert len(cloud) == 2
    plan = plan_import(buffer.getvalue().encode(), filename="x.csv")
    assert plan.problems == []


def test_csv_is_utf8_with_bom_for_excel() -> None:
    data = render(ExportData([ExportVendor(1, "Pääkäyttäjä Oy", "FI", "processor")], [], []), "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Pääkäyttäjä Oy" in data.decode("utf-8-sig")


def test_json_export() -> None:
    document = json.loads(render(_data([]), "json"))
    assert document["as_of"] == "2026-03-01"
    assert document["vendors"][0]["business_id"] == "1234567-8"
    assert (
        document["transfers"][0].items()
        >= {
            "id": 10,
            "vendor_id": 2,
            "destination_country": "US",
            "mechanism": "dpf",
            "scc_module": None,
            "exporter_role": "controller",
            "data_categories": ["name", "email"],
            "frequency": "systematic",
            "dpf_certified": True,
            "dpf_verified_on": "2026-01-05",
            "started_on": None,
            "ended_on": None,
            "verdict": "lawful",
        }.items()
    )
    assert document["subprocessors"][0] == {"vendor_id": 1, "subprocessor_id": 2}


def test_export_records_from_dicts_and_objects() -> None:
    class Model:
        id = 7
        vendor_id = 1
        destination_country = "US"
        mechanism = "dpf"
        data_categories = ["email"]
        extra = "ignored"

    transfer = ExportTransfer.of(Model())
    assert transfer == ExportTransfer(7, 1, "US", "dpf", data_categories=("email",))
    assert ExportVendor.of({"id": 1, "name": "A", "country": "FI", "role": "processor"}).name == "A"


@pytest.mark.slow
def test_large_register_exports_and_reimports_whole() -> None:
    vendors = [
        ExportVendor(i, f"Vendor {i}", "FI", "processor", "cloud_hosting", business_id=f"{i}-1")
        for i in range(10_000)
    ]
    transfers = [
        ExportTransfer(
            j,
            j // 3,
            ("US", "IN", "JP")[j % 3],
            ("dpf", "scc_2021", "adequacy")[j % 3],
            scc_module=2 if j % 3 == 1 else None,
            data_categories=("email",),
        )
        for j in range(30_000)
    ]
    agreements = [ExportAgreement(i, i, "dpa", signed_on=date(2024, 1, 1)) for i in range(10_000)]
    data = ExportData(vendors, agreements, transfers, [], {}, AS_OF)
    content = render(data, "xlsx")
    plan = plan_import(content, filename="big.xlsx")
    assert plan.problems == []
    assert (len(plan.vendors), len(plan.agreements), len(plan.transfers)) == (
        10_000,
        10_000,
        30_000,
    )


INJECTIONS = [
    '=HYPERLINK("http://x")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    '  =HYPERLINK("http://x")',
    " @SUM(1)",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_formula_injection_is_neutralised_in_csv_and_xlsx(text: str) -> None:
    vendors = [ExportVendor(1, text, "FI", "processor", "other", legal_name=text)]
    data = ExportData(vendors, [], [], [], {}, AS_OF)
    buffer = io.StringIO(newline="")
    write_csv(data, buffer)
    csv_rows = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert csv_rows[1][0] == "'" + text
    workbook = load_workbook(io.BytesIO(render(data, "xlsx")))
    cell = workbook["vendors"]["A2"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    header = [c.value for c in workbook["vendors"][1]]
    country = workbook["vendors"].cell(row=2, column=header.index("country") + 1)
    assert (country.value, country.quotePrefix) == ("FI", False)  # plain text, no prefix
