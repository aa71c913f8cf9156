"""From rows to an import plan: what gets imported, and every problem a person must fix."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from transfers.importer import (
    AgreementRow,
    ImportPlan,
    Problem,
    TransferRow,
    VendorRef,
    VendorRow,
    plan_import,
)

from .sheets import FLAT_HEADER, csv_bytes, xlsx_bytes
from .test_parse import _big_csv

FINNISH_HEADER = [
    "Nimi",
    "Y-tunnus",
    "Maa",
    "Rooli",
    "Luokka",
    "Kohdemaa",
    "Siirtoperuste",
    "Moduuli",
    "DPA allekirjoitettu",
    "DPA päättyy",
]


def _flat(rows: list[list[object]], header: list[str] = FLAT_HEADER) -> ImportPlan:
    return plan_import(xlsx_bytes({"Rekisteri": [header, *rows]}), filename="r.xlsx")


def _where(plan: ImportPlan) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.value) for p in plan.problems]


ACME = VendorRef("1234567-8", "Acme Oy")


def test_good_flat_sheet_with_finnish_headers_and_values() -> None:
    plan = _flat(
        [
            [
                "Acme Oy",
                "1234567-8",
                "Suomi",
                "käsittelijä",
                "pilvipalvelu",
                "Yhdysvallat",
                "EU SCC 2021",
                2,
                date(2024, 2, 1),
                "31.12.2026",
            ],
            [None] * 10,
            [
                "Acme Oy",
                "1234567-8",
                "Suomi",
                "käsittelijä",
                "pilvipalvelu",
                "Intia",
                "vakiosopimuslausekkeet 2021",
                "moduuli 3",
                None,
                None,
            ],
            [
                "Beta Inc",
                None,
                "USA",
                "alikäsittelijä",
                None,
                "US",
                "Data Privacy Framework",
                None,
                None,
                None,
            ],
            ["Gamma AB", None, "Ruotsi", "processor", "muu", None, None, None, None, None],
        ],
        header=FINNISH_HEADER,
    )
    assert plan.problems == []
    assert plan.complete
    assert plan.vendors == [
        VendorRow("Acme Oy", "FI", "processor", "cloud_hosting", business_id="1234567-8"),
        VendorRow("Beta Inc", "US", "subprocessor"),
        VendorRow("Gamma AB", "SE", "processor", "other"),
    ]
    assert [v.row for v in plan.vendors] == [2, 5, 6]
    assert plan.agreements == [
        AgreementRow(
            ACME, "dpa", status="signed", signed_on=date(2024, 2, 1), ends_on=date(2026, 12, 31)
        )
    ]
    assert plan.transfers == [
        TransferRow(ACME, "US", "scc_2021", scc_module=2),
        TransferRow(ACME, "IN", "scc_2021", scc_module=3),
        TransferRow(VendorRef(None, "Beta Inc"), "US", "dpf"),
    ]
    assert [t.row for t in plan.transfers] == [2, 4, 5]


def test_bad_values_are_reported_by_row_column_and_value() -> None:
    plan = _flat(
        [
            ["Acme", "1", "Narnia", "processor", "other", "US", "DPF", None, None, None],
            ["Beta", "2", "FI", "boss", "other", "US", "Pinky promise", None, None, None],
            ["Gamma", "3", "FI", "processor", "other", "US", "SCC", None, None, None],
            ["Delta", "4", "FI", "processor", "other", "Atlantis", "DPF", 2, None, None],
            ["Eps", "5", "FI", "processor", "other", "US", "SCC 2021", 7, "2026-13-01", None],
            [
                "Zeta",
                "6",
                "FI",
                "processor",
                "other",
                "US",
                "SCC 2021",
                1,
                "2026-05-01",
                "1.4.2026",
            ],
            [None, "7", "FI", "processor", "other", "US", "DPF", None, None, None],
            ["Eta", "8", "FI", "processor", "other", "US", None, None, None, None],
        ]
    )
    assert not plan.complete
    assert _where(plan) == [
        (2, "country", "Narnia"),
        (3, "role", "boss"),
        (3, "mechanism", "Pinky promise"),
        (4, "mechanism", "SCC"),
        (5, "destination_country", "Atlantis"),
        (6, "dpa_signed_on", "2026-13-01"),
        (6, "scc_module", "7"),
        (8, "name", ""),
        (9, "mechanism", ""),
    ]
    messages = {(p.row, p.column): p for p in plan.problems}
    assert messages[2, "country"].message == "unknown country 'Narnia'"
    assert "ISO 3166-1" in messages[2, "country"].fix
    assert messages[3, "mechanism"].message == "unknown mechanism 'Pinky promise'"
    assert messages[4, "mechanism"].message.startswith(
        "ambiguous mechanism 'SCC': could be scc_2021"
    )
    # Cross-field rules (a module on a non-SCC mechanism, a DPA ending before it was signed)
    # are the domain services' and are reported when the plan is applied (test_import_db).
    assert messages[8, "name"].message == "the vendor name is missing"
    assert messages[9, "mechanism"].message == "the transfer mechanism is missing"


def test_missing_required_column_is_one_problem_naming_it_and_the_headers_found() -> None:
    header = [h for h in FLAT_HEADER if h != "mechanism"]
    plan = _flat([["Acme", "1", "FI", "processor", "other", "US", None, None, None]] * 50, header)
    assert plan.problems == [
        Problem(
            1,
            "Rekisteri",
            "mechanism",
            "",
            "required column mechanism is missing (headers found: name, business_id, country, "
            "role, category, destination_country, scc_module, dpa_signed_on, dpa_ends_on)",
            "Add a column headed mechanism (also accepted: siirtoperuste, siirtomekanismi, "
            "transfer mechanism).",
        )
    ]
    assert plan.vendors == []
    assert plan.transfers == []


def test_duplicate_transfer_names_the_first_row() -> None:
    plan = _flat(
        [
            ["Acme", "1", "FI", "processor", "other", "US", "DPF", None, None, None],
            ["Acme", "1", "FI", "processor", "other", "JP", "adequacy", None, None, None],
            [
                "Acme",
                "1",
                "FI",
                "processor",
                "other",
                "Yhdysvallat",
                "Data Privacy Framework",
                None,
                None,
                None,
            ],
        ]
    )
    [problem] = plan.problems
    assert (problem.row, problem.column) == (4, "mechanism")
    assert (
        problem.message == "duplicate of row 2: the same vendor, destination US and mechanism dpf"
    )


def test_vendor_without_business_id_is_matched_by_exact_name() -> None:
    plan = _flat(
        [
            ["Acme", None, "FI", "processor", "other", "US", "DPF", None, None, None],
            ["Acme", None, "FI", "processor", "other", "US", "DPF", None, None, None],
            ["acme", None, "FI", "processor", "other", "US", "DPF", None, None, None],
        ]
    )
    assert _where(plan) == [(3, "mechanism", "dpf")]
    assert [v.name for v in plan.vendors] == ["Acme", "acme"]


def test_conflicting_vendor_attributes_across_flat_rows() -> None:
    plan = _flat(
        [
            ["Acme", "FI1234567-8", "FI", "processor", "other", "US", "DPF", None, None, None],
            [
                "Acme",
                "fi 1234567-8",
                "SE",
                "processor",
                "other",
                "JP",
                "adequacy",
                None,
                None,
                None,
            ],
            [
                "Acme Corp",
                "FI1234567-8",
                "FI",
                "processor",
                "other",
                "IN",
                "SCC 2021",
                2,
                None,
                None,
            ],
        ]
    )
    assert _where(plan) == [(3, "country", "SE"), (4, "name", "Acme Corp")]
    assert plan.problems[0].message == (
        "conflicts with row 2: vendor Acme (FI1234567-8) has country 'FI' there, 'SE' here"
    )


def test_formulas_are_reported_per_cell() -> None:
    plan = _flat([["Acme", "1", "FI", "processor", "other", "US", "DPF", "=1+1", None, "=TODAY()"]])
    assert [(p.row, p.column, p.value, p.message) for p in plan.problems] == [
        (2, "dpa_ends_on", "=TODAY()", "formulas are not imported; paste values (=TODAY())"),
        (2, "scc_module", "=1+1", "formulas are not imported; paste values (=1+1)"),
    ]
    assert "Paste Special" in plan.problems[0].fix


def test_finnish_semicolon_csv_in_cp1252_imports_with_a_warning() -> None:
    rows = [
        FINNISH_HEADER,
        [
            "Pääkonttori Öy",
            "1234567-8",
            "Suomi",
            "käsittelijä",
            "pilvipalvelu",
            "Yhdysvallat",
            "DPF",
            "",
            "24.11.2025",
            "",
        ],
    ]
    plan = plan_import(csv_bytes(rows, delimiter=";", encoding="cp1252"), filename="rekisteri.csv")
    assert plan.complete
    assert plan.vendors[0].name == "Pääkonttori Öy"
    assert plan.agreements[0].signed_on == date(2025, 11, 24)
    assert "Windows-1252" in plan.warnings[0].message


def test_subprocessor_links_in_the_flat_sheet() -> None:
    header = [*FLAT_HEADER, "parent_business_id", "parent_name"]
    plan = _flat(
        [
            ["Acme", "1", "FI", "processor", "other", None, None, None, None, None, None, None],
            [
                "Cloud",
                "2",
                "US",
                "subprocessor",
                "cloud_hosting",
                "US",
                "DPF",
                None,
                None,
                None,
                "1",
                None,
            ],
            [
                "Cloud",
                "2",
                "US",
                "subprocessor",
                "cloud_hosting",
                None,
                None,
                None,
                None,
                None,
                None,
                "Outside Ltd",
            ],
            ["Self", "3", "FI", "processor", "other", None, None, None, None, None, "3", None],
        ],
        header,
    )
    assert _where(plan) == [(5, "parent_name", "3")]
    cloud = plan.vendors[1]
    assert cloud.parents == (VendorRef("1", "Acme"), VendorRef(None, "Outside Ltd"))
    assert [w.message for w in plan.warnings] == [
        "vendor Outside Ltd is not in this file; it must already be in the register"
    ]


def _workbook() -> dict[str, list[list[object]]]:
    return {
        "Ohje": [["This sheet explains the register"]],
        "toimittajat": [
            ["nimi", "y-tunnus", "maa", "rooli", "luokka", "tila"],
            ["Acme Oy", "1234567-8", "FI", "processor", "cloud", "hyväksytty"],
            ["Cloud Inc", None, "US", "subprocessor", "cloud", "approved"],
        ],
        "sopimukset": [
            ["toimittaja", "y-tunnus", "sopimustyyppi", "moduuli", "allekirjoitettu", "päättyy"],
            ["Acme Oy", "1234567-8", "käsittelysopimus", None, "1.1.2024", None],
            [None, "1234567-8", "SCC 2021", 2, "1.1.2024", "31.12.2023"],
            ["Cloud Inc", None, "dpa", 2, None, None],
        ],
        "siirrot": [
            ["toimittaja", "kohdemaa", "siirtoperuste", "moduuli", "tietoryhmät", "toistuvuus"],
            ["Cloud Inc", "Yhdysvallat", "DPF", None, "nimi; sähköposti", "jatkuva"],
            ["Cloud Inc", "US", "dpf", None, None, None],
            ["Unknown GmbH", "DE", "none", None, None, None],
        ],
        "alikäsittelijät": [
            ["nimi", "parent_business_id"],
            ["Cloud Inc", "1234567-8"],
        ],
    }


def test_multi_sheet_workbook_with_finnish_sheet_names() -> None:
    plan = plan_import(xlsx_bytes(_workbook()), filename="rekisteri.xlsx")
    assert [(p.sheet, p.row, p.column) for p in plan.problems] == [
        ("siirrot", 3, "mechanism"),
    ]
    assert plan.problems[0].message == (
        "duplicate of row 2: the same vendor, destination US and mechanism dpf"
    )
    assert plan.vendors == [
        VendorRow("Acme Oy", "FI", "processor", "cloud_hosting", "approved", "1234567-8"),
        VendorRow("Cloud Inc", "US", "subprocessor", "cloud_hosting", "approved", parents=(ACME,)),
    ]
    assert plan.agreements[0] == AgreementRow(
        ACME, "dpa", status="signed", signed_on=date(2024, 1, 1)
    )
    # An SCC ending before it was signed, a module on a DPA: the agreement service refuses them
    # when the plan is applied (the same rules as the API), not the spreadsheet reader.
    assert [(a.row, a.kind, a.scc_module) for a in plan.agreements[1:]] == [
        (3, "scc_2021", 2),
        (4, "dpa", 2),
    ]
    assert plan.transfers == [
        TransferRow(
            VendorRef(None, "Cloud Inc"),
            "US",
            "dpf",
            data_categories=("nimi", "sähköposti"),
            frequency="systematic",
        ),
        TransferRow(VendorRef(None, "Unknown GmbH"), "DE", "none"),
    ]
    warnings = [(w.sheet, w.message) for w in plan.warnings]
    assert ("Ohje", "sheet 'Ohje' was ignored") in warnings
    assert (
        "siirrot",
        "vendor Unknown GmbH is not in this file; it must already be in the register",
    ) in warnings


def test_vendors_sheet_rejects_a_second_row_for_the_same_vendor() -> None:
    plan = plan_import(
        xlsx_bytes(
            {
                "vendors": [
                    ["name", "business_id", "country", "role"],
                    ["Acme", "1", "FI", "processor"],
                    ["Acme again", "1", "FI", "processor"],
                ]
            }
        )
    )
    assert [(p.row, p.column, p.message) for p in plan.problems] == [
        (3, "business_id", "vendor Acme again (1) is already on row 2")
    ]


def test_file_level_failures_become_problems() -> None:
    data = csv_bytes(
        [FLAT_HEADER, *[["A", str(i), "FI", "processor", "other", "US", "DPF"] for i in range(20)]]
    )
    too_big = plan_import(data, filename="x.csv", max_bytes=100)
    assert too_big.problems[0].row == 0
    assert "limit is" in too_big.problems[0].message
    too_long = plan_import(data, filename="x.csv", max_rows=10)
    assert [(p.row, p.message) for p in too_long.problems] == [
        (11, "the file has more than 10 rows (blank rows count too)")
    ]


def test_problem_list_is_capped() -> None:
    rows = [["A", str(i), "Narnia", "processor", "other", "US", "DPF"] for i in range(30)]
    plan = plan_import(csv_bytes([FLAT_HEADER[:7], *rows]), filename="x.csv", max_problems=10)
    assert len(plan.problems) == 11
    assert plan.problems[-1].message == "20 more problems not shown"


def test_ten_megabyte_csv_validates_whole(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    _big_csv(path, vendors=10_000, transfers_per_vendor=3)
    plan = plan_import(path)
    assert plan.problems == []
    assert (len(plan.vendors), len(plan.transfers), len(plan.agreements)) == (
        10_000,
        30_000,
        10_000,
    )
