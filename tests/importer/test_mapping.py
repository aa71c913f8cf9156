"""What people type in spreadsheet cells and headers, mapped to the register's codes."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from transfers.importer import mapping
from transfers.importer.mapping import ValueProblem
from transfers.importer.parse import Formula


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("Name", "name"),
        (" NIMI ", "name"),
        ("Toimittaja", "name"),
        ("Y-tunnus", "business_id"),
        ("ytunnus", "business_id"),
        ("Business ID", "business_id"),
        ("Maa", "country"),
        ("Rooli", "role"),
        ("Luokka", "category"),
        ("Kategoria", "category"),
        ("Kohdemaa", "destination_country"),
        ("Siirtomaa", "destination_country"),
        ("Siirtoperuste", "mechanism"),
        ("Siirtomekanismi", "mechanism"),
        ("Moduuli", "scc_module"),
        ("DPA allekirjoitettu", "dpa_signed_on"),
        ("DPA päättyy", "dpa_ends_on"),
        ("dpa_ends_on", "dpa_ends_on"),
        ("Subprocessor of", "parent_name"),
        ("Colour", None),
    ],
)
def test_headers_match_english_and_finnish_synonyms(header: str, canonical: str | None) -> None:
    assert mapping.canonical_column(header) == canonical


def test_match_headers_reports_unknown_and_duplicate_columns() -> None:
    header = mapping.match_headers(["Nimi", "Maa", "Country", "Colour", None, ""])
    assert header.columns == {"name": 0, "country": 1}
    assert header.duplicates == (("country", "Country"),)
    assert header.unknown == ("Colour",)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("FI", "FI"),
        ("fi", "FI"),
        ("FIN", "FI"),
        ("Finland", "FI"),
        ("Suomi", "FI"),
        ("USA", "US"),
        ("United States", "US"),
        ("United States of America", "US"),
        ("Yhdysvallat", "US"),
        ("UK", "GB"),
        ("Great Britain", "GB"),
        ("Iso-Britannia", "GB"),
        ("South Korea", "KR"),
        ("Etelä-Korea", "KR"),
        ("Ruotsi", "SE"),
        ("Saksa", "DE"),
        ("Japani", "JP"),
        ("Intia", "IN"),
        ("Kiina", "CN"),
        ("Sveitsi", "CH"),
        ("Alankomaat", "NL"),
        ("Norja", "NO"),
        ("Uusi-Seelanti", "NZ"),
        ("Färsaaret", "FO"),
        ("Mansaari", "IM"),
        ("Venäjä", "RU"),
        ("Turkki", "TR"),
        ("Meksiko", "MX"),
        ("Russia", "RU"),
    ],
)
def test_countries_by_code_english_and_finnish_name(text: str, code: str) -> None:
    assert mapping.parse_country(text) == code


def test_finnish_table_covers_eea_and_required_third_countries() -> None:
    required = {
        *[
            "AT",
            "BE",
            "BG",
            "HR",
            "CY",
            "CZ",
            "DK",
            "EE",
            "FI",
            "FR",
            "DE",
            "GR",
            "HU",
            "IE",
            "IT",
            "LV",
            "LT",
            "LU",
            "MT",
            "NL",
            "PL",
            "PT",
            "RO",
            "SK",
            "SI",
            "ES",
            "SE",
        ],
        *[
            "IS",
            "LI",
            "NO",
            "US",
            "GB",
            "CH",
            "JP",
            "KR",
            "IN",
            "CN",
            "CA",
            "BR",
            "AU",
            "SG",
            "IL",
            "NZ",
            "AR",
            "UY",
            "AD",
            "FO",
            "GG",
            "JE",
            "IM",
            "ZA",
            "PH",
            "VN",
        ],
        *["RU", "TR", "UA", "MX"],
    }
    assert required <= set(mapping.FINNISH_COUNTRY_NAMES.values())


@pytest.mark.parametrize("text", ["Narnia", "Amerika", "XX"])
def test_unknown_country_is_refused_not_guessed(text: str) -> None:
    with pytest.raises(ValueProblem, match="unknown country"):
        mapping.parse_country(text)


def test_region_is_not_a_country() -> None:
    with pytest.raises(ValueProblem, match="region") as caught:
        mapping.parse_country("EU/ETA")
    assert "one row per country" in caught.value.fix


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("EU SCC 2021", "scc_2021"),
        ("SCC 2021", "scc_2021"),
        ("2021/914", "scc_2021"),
        ("Standard Contractual Clauses (2021)", "scc_2021"),
        ("vakiosopimuslausekkeet 2021", "scc_2021"),
        ("SCC 2010", "scc_2010"),
        ("2010/87/EU", "scc_2010"),
        ("scc_2004", "scc_2004"),
        ("Privacy Shield", "privacy_shield"),
        ("Safe Harbor", "safe_harbor"),
        ("Safe Harbour", "safe_harbor"),
        ("DPF", "dpf"),
        ("Data Privacy Framework", "dpf"),
        ("EU-US Data Privacy Framework", "dpf"),
        ("adequacy", "adequacy"),
        ("Adequacy decision", "adequacy"),
        ("tietosuojan riittävyyttä koskeva päätös", "adequacy"),
        ("BCR", "bcr"),
        ("Binding Corporate Rules", "bcr"),
        ("IDTA", "uk_idta"),
        ("UK Addendum", "uk_addendum"),
        ("consent", "derogation_49_1_a"),
        ("Art. 49(1)(b)", "derogation_49_1_b"),
        ("derogation_49_1_g", "derogation_49_1_g"),
        ("none", "none"),
    ],
)
def test_mechanisms_as_people_write_them(text: str, code: str) -> None:
    assert mapping.parse_mechanism(text) == code


@pytest.mark.parametrize(
    ("text", "candidates"),
    [
        ("SCC", {"scc_2021", "scc_2010", "scc_2004", "scc_2001"}),
        ("SCCs", {"scc_2021", "scc_2010", "scc_2004", "scc_2001"}),
        ("Standard Contractual Clauses", {"scc_2021", "scc_2010", "scc_2004", "scc_2001"}),
        ("vakiosopimuslausekkeet", {"scc_2021", "scc_2010", "scc_2004", "scc_2001"}),
        ("contract", {"derogation_49_1_b", "derogation_49_1_c", "scc_2021", "ad_hoc_clauses"}),
        ("clauses", {"scc_2021", "scc_2010", "scc_2004", "scc_2001", "ad_hoc_clauses"}),
        ("EU-US", {"dpf", "privacy_shield", "safe_harbor"}),
        ("SCC 2010 or 2021", {"scc_2021", "scc_2010", "scc_2004", "scc_2001"}),
    ],
)
def test_ambiguous_mechanisms_list_candidates_and_are_never_guessed(
    text: str, candidates: set[str]
) -> None:
    with pytest.raises(ValueProblem, match="ambiguous") as caught:
        mapping.parse_mechanism(text)
    assert set(caught.value.candidates) == candidates


def test_unknown_mechanism() -> None:
    with pytest.raises(ValueProblem, match="unknown mechanism 'Pinky promise'"):
        mapping.parse_mechanism("Pinky promise")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("käsittelijä", "processor"),
        ("Alikäsittelijä", "subprocessor"),
        ("rekisterinpitäjä", "controller"),
        ("yhteisrekisterinpitäjä", "joint_controller"),
        ("Sub-processor", "subprocessor"),
        ("joint controller", "joint_controller"),
    ],
)
def test_roles_in_english_and_finnish(text: str, code: str) -> None:
    assert mapping.parse_role(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [("pilvipalvelu", "cloud_hosting"), ("Software license", "software_licence"), ("muu", "other")],
)
def test_categories(text: str, code: str) -> None:
    assert mapping.parse_category(text) == code


def test_unknown_role_lists_the_codes() -> None:
    with pytest.raises(ValueProblem) as caught:
        mapping.parse_role("boss")
    assert "processor, subprocessor, controller, joint_controller" in caught.value.fix


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-24", date(2026, 11, 24)),
        ("24.11.2026", date(2026, 11, 24)),
        ("1.2.2024", date(2024, 2, 1)),
        (datetime(2026, 11, 24, 0, 0), date(2026, 11, 24)),
        (date(2026, 11, 24), date(2026, 11, 24)),
    ],
)
def test_dates(value: object, expected: date) -> None:
    assert mapping.parse_date(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["11/24/2026", "31.2.2026", "soon", 46350])
def test_bad_dates_are_refused(value: object) -> None:
    with pytest.raises(ValueProblem):
        mapping.parse_date(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("yes", True), ("Kyllä", True), ("1", True), (True, True), ("ei", False), ("FALSE", False)],
)
def test_booleans(value: object, expected: bool) -> None:
    assert mapping.parse_bool(value) is expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "module"), [("2", 2), (2.0, 2), ("Module 3", 3), ("moduuli 1", 1)]
)
def test_scc_module(value: object, module: int) -> None:
    assert mapping.parse_scc_module(value) == module  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["5", "0", "two"])
def test_scc_module_out_of_range(value: str) -> None:
    with pytest.raises(ValueProblem, match="not 1, 2, 3 or 4"):
        mapping.parse_scc_module(value)


def test_cell_text_keeps_numeric_ids_whole_and_refuses_formulas() -> None:
    assert mapping.cell_text(12345678.0) == "12345678"
    assert mapping.cell_text("  Acme   Oy ") == "Acme Oy"
    with pytest.raises(ValueProblem, match="formulas are not imported; paste values"):
        mapping.cell_text(Formula("=SUM(A1:A2)"))


def test_list_splits_on_commas_and_semicolons() -> None:
    assert mapping.parse_list("name, email; email;; phone") == ("name", "email", "phone")
