"""The packaged reference data: content checks against legal-facts.md and loud load failures."""

from __future__ import annotations

import ast
import re
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from transfers.reference import (
    DATA_DIR,
    ReferenceDataError,
    load_reference,
    load_reference_from,
)
from transfers.reference.loader import cited_fields

REF = load_reference()

EU27 = [
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
]
EU_TERRITORIES = ("AX", "GP", "GF", "MQ", "RE", "YT", "MF")
EEA_EFTA = ("IS", "LI", "NO")
NOT_EEA = ("FO", "GG", "JE", "IM", "GL", "GI", "CH", "US", "GB", "AW", "EP")


def test_version_and_status_date() -> None:
    assert REF.version == "2026-12-08"
    assert REF.status_date == date(2026, 11, 24)


def test_load_reference_is_cached() -> None:
    assert load_reference() is REF


@pytest.mark.parametrize("country", [*EU27, *EU_TERRITORIES])
def test_eu_states_and_territories_are_eea(country: str) -> None:
    assert REF.is_eea(country, date(2026, 11, 24))
    assert REF.is_eea(country, date(2014, 1, 1))


def test_eu_has_27_member_states() -> None:
    today = date(2026, 11, 24)
    members = {
        c for m in REF.memberships if m.regime == "eu" and m.covers(today) for c in m.countries
    } - set(EU_TERRITORIES)
    assert members == set(EU27)


@pytest.mark.parametrize(
    ("country", "accession"),
    [
        ("HR", date(2013, 7, 1)),
        ("BG", date(2007, 1, 1)),
        ("RO", date(2007, 1, 1)),
        ("PL", date(2004, 5, 1)),
        ("FI", date(1995, 1, 1)),
        ("YT", date(2014, 1, 1)),
        ("LI", date(1995, 5, 1)),
        ("NO", date(1994, 1, 1)),
    ],
)
def test_accession_dates(country: str, accession: date) -> None:
    """Before its accession a state is a third country, so historical verdicts are right."""
    assert REF.is_third_country(country, accession - timedelta(days=1))
    assert REF.is_eea(country, accession)


@pytest.mark.parametrize(
    ("on", "reason_code"),
    [
        (date(2020, 1, 31), "uk_member_state_period"),
        (date(2020, 2, 1), "uk_transition_period"),
        (date(2020, 12, 31), "uk_transition_period"),
        (date(2021, 1, 1), None),
    ],
)
def test_gibraltar_periods(on: date, reason_code: str | None) -> None:
    period = REF.membership("GI", on)
    assert (period.reason_code if period else None) == reason_code
    assert REF.adequacy_for("GI") is None


@pytest.mark.parametrize("country", EEA_EFTA)
def test_eea_efta_gdpr_incorporation_date(country: str) -> None:
    before = REF.membership(country, date(2018, 7, 19))
    on = REF.membership(country, date(2018, 7, 20))
    assert before is not None and on is not None
    assert REF.is_eea(country, date(2018, 7, 19)) and REF.is_eea(country, date(2018, 7, 20))
    assert "Directive 95/46/EC" in before.citation
    assert "154/2018" in on.citation


@pytest.mark.parametrize("country", NOT_EEA)
def test_third_countries_are_not_eea(country: str) -> None:
    assert not REF.is_eea(country, date(2026, 11, 24))


@pytest.mark.parametrize(
    ("on", "reason_code"),
    [
        (date(2019, 6, 1), "uk_member_state_period"),
        (date(2020, 1, 31), "uk_member_state_period"),
        (date(2020, 2, 1), "uk_transition_period"),
        (date(2020, 12, 31), "uk_transition_period"),
        (date(2021, 1, 1), "uk_bridge_period"),
        (date(2021, 6, 27), "uk_bridge_period"),
        (date(2021, 6, 28), None),
    ],
)
def test_uk_periods(on: date, reason_code: str | None) -> None:
    period = REF.membership("GB", on)
    assert (period.reason_code if period else None) == reason_code
    # A Member State until 31 January 2020 (legal-facts §2.3), then treated as one.
    assert REF.is_eea("GB", on) is (on <= date(2020, 1, 31))
    assert REF.is_third_country("GB", on) is (reason_code is None)


def test_uk_adequacy_expiry_history() -> None:
    uk = REF.adequacy_for("GB")
    assert uk is not None and uk.id == "uk_gdpr"
    assert uk.valid_from == date(2021, 6, 28)
    assert [s.valid_until for s in uk.expiry_history] == [
        date(2025, 6, 27),
        date(2025, 12, 27),
        date(2031, 12, 27),
    ]
    assert uk.valid_until == date(2031, 12, 27)
    assert "2025/2574" in uk.expiry_citation


ADOPTION = {
    "CH": date(2000, 7, 26),
    "CA": date(2001, 12, 20),
    "AR": date(2003, 6, 30),
    "GG": date(2003, 11, 21),
    "IM": date(2004, 4, 28),
    "JE": date(2008, 5, 8),
    "FO": date(2010, 3, 5),
    "AD": date(2010, 10, 19),
    "IL": date(2011, 1, 31),
    "UY": date(2012, 8, 21),
    "NZ": date(2012, 12, 19),
    "JP": date(2019, 1, 23),
    "KR": date(2021, 12, 17),
    "GB": date(2021, 6, 28),
    "US": date(2023, 7, 10),
    "EP": date(2025, 7, 15),
    "BR": date(2026, 1, 26),
}


@pytest.mark.parametrize(("country", "adopted"), ADOPTION.items())
def test_adequacy_adoption_dates(country: str, adopted: date) -> None:
    decision = REF.adequacy_for(country)
    assert decision is not None
    assert decision.valid_from == adopted


def test_adequacy_decisions_list() -> None:
    decisions = REF.adequacy_decisions()
    assert len(decisions) == 18  # the Commission's 17 entries, with the UK's GDPR and LED decisions
    assert {d.id for d in decisions if d.applies_to == "law_enforcement"} == {"uk_led"}
    limited = {
        c for d in decisions if d.scope_limited and d.applies_to == "general" for c in d.countries
    }
    assert limited == {"CA", "JP", "KR", "BR", "US", "IL", "GB"}
    uk = REF.adequacy_for("GB")
    assert uk is not None
    assert uk.limited_on(date(2025, 12, 18)) and not uk.limited_on(date(2025, 12, 19))
    assert REF.adequacy_for("US").mechanism == "dpf"  # type: ignore[union-attr]
    for country in ("IN", "CN", "GL", "GI", "AU"):
        assert REF.adequacy_for(country) is None


MECHANISMS = {
    "none": "none",
    "adequacy": "adequacy",
    "dpf": "adequacy",
    "scc_2021": "art46",
    "scc_2010": "art46",
    "scc_2004": "art46",
    "scc_2001": "art46",
    "scc_2002": "art46",
    "privacy_shield": "invalidated",
    "safe_harbor": "invalidated",
    "bcr": "art46",
    "uk_idta": "not_eu_tool",
    "uk_addendum": "not_eu_tool",
    "code_of_conduct": "art46",
    "certification": "art46",
    "ad_hoc_clauses": "art46",
    **{f"derogation_49_1_{p}": "art49" for p in "abcdefg"},
    "derogation_49_1_second": "art49",
    "art48_international_agreement": "art48",
}


def test_mechanism_codes_and_kinds() -> None:
    assert {m.code: m.kind for m in REF.mechanisms()} == MECHANISMS


@pytest.mark.parametrize(
    ("code", "valid_from", "invalid_from", "judgment"),
    [
        ("safe_harbor", date(2000, 7, 26), date(2015, 10, 6), "C-362/14"),
        ("privacy_shield", date(2016, 7, 12), date(2020, 7, 16), "C-311/18"),
    ],
)
def test_invalidated_frameworks(
    code: str, valid_from: date, invalid_from: date, judgment: str
) -> None:
    m = REF.mechanism(code)
    assert m is not None
    assert (m.valid_from, m.invalid_from, m.countries) == (valid_from, invalid_from, ("US",))
    assert judgment in m.invalidation_citation


@pytest.mark.parametrize(
    ("code", "applicable", "roles"),
    [
        ("scc_2001", date(2001, 9, 3), ("controller", "controller")),
        ("scc_2004", date(2005, 4, 1), ("controller", "controller")),
        ("scc_2010", date(2010, 5, 15), ("controller", "processor")),
    ],
)
def test_legacy_scc_sets(code: str, applicable: date, roles: tuple[str, str]) -> None:
    m = REF.mechanism(code)
    assert m is not None
    assert m.valid_from == applicable
    assert m.signed_before == date(2021, 9, 27)
    assert m.valid_until == date(2022, 12, 27)
    assert "Clause 14" not in m.tia_citation
    assert [(r.exporter_role, r.importer_role) for r in m.roles] == [roles]
    assert m.tia_required


def test_scc_2021_modules_and_art28() -> None:
    m = REF.mechanism("scc_2021")
    assert m is not None and m.valid_from == date(2021, 6, 27)
    assert {(e.module, e.exporter_role, e.importer_role) for e in m.modules} == {
        (1, "controller", "controller"),
        (2, "controller", "processor"),
        (3, "processor", "processor"),
        (4, "processor", "controller"),
    }
    assert REF.covers_art28("scc_2021", 2) and REF.covers_art28("scc_2021", 3)
    assert not REF.covers_art28("scc_2021", 1) and not REF.covers_art28("scc_2021", 4)
    assert REF.covers_art28("dpa", None)
    assert not REF.covers_art28("scc_2010", None) and not REF.covers_art28("uk_idta", None)


def test_dpf_parameters() -> None:
    m = REF.mechanism("dpf")
    assert m is not None
    assert (m.valid_from, m.countries, m.reverification_months) == (date(2023, 7, 10), ("US",), 12)
    assert "C-703/25 P" in m.fallback_citation and "Slaughter" in m.fallback_citation
    assert m.hr_coverage_required
    assert {"payroll", "absence", "employee_records"} <= set(REF.hr_data.categories)
    assert "employees" in REF.hr_data.data_subjects


def test_every_row_is_cited() -> None:
    rows: list[Any] = [*REF.mechanisms(), *REF.adequacy_decisions(), *REF.memberships]
    rows += [*REF.territories.values(), *REF.reasons.values(), *REF.tia_notes.values()]
    for row in rows:
        assert row.citation.strip() and row.confidence in {"V", "S", "K", "U"}, row
    for country in REF.countries():
        assert country.citation.strip(), country


def test_countries_listing() -> None:
    rows = {row.code: row for row in REF.countries()}
    assert rows["FI"].status == "eu"
    assert rows["NO"].status == "eea_efta"
    assert rows["GB"].status == "third" and rows["GB"].adequacy is not None
    assert rows["GL"].status == "third" and rows["GL"].adequacy is None
    assert rows["IN"].adequacy is None and rows["IN"].citation


def test_tia_notes() -> None:
    for country in ("US", "IN", "JP", "CN"):
        assert REF.tia_note(country).country == country
    assert REF.tia_note("SG").country == "default"


def test_with_invalidation_builds_a_new_reference() -> None:
    what_if = REF.with_invalidation("dpf", date(2027, 1, 1))
    assert what_if.mechanism("dpf").invalid_from == date(2027, 1, 1)  # type: ignore[union-attr]
    assert what_if.adequacy_for("US").invalid_from == date(2027, 1, 1)  # type: ignore[union-attr]
    assert REF.mechanism("dpf").invalid_from is None  # type: ignore[union-attr]
    assert what_if.version != REF.version
    # An earlier real invalidation is kept.
    ps = REF.with_invalidation("privacy_shield", date(2030, 1, 1)).mechanism("privacy_shield")
    assert ps is not None and ps.invalid_from == date(2020, 7, 16)
    with pytest.raises(KeyError):
        REF.with_invalidation("nope", date(2027, 1, 1))


def _literals(tree: ast.AST) -> list[tuple[int, str]]:
    """String constants outside docstrings, and ``date(...)`` calls with literal arguments."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                found.append((node.lineno, node.value))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "date"
            and any(isinstance(arg, ast.Constant) for arg in node.args)
        ):
            found.append((node.lineno, ast.unparse(node)))
    return found


def test_no_legal_dates_or_decision_numbers_in_python_code() -> None:
    """A reference update must not need a code change: dates, acts and codes live in the data."""
    root = Path(__file__).parents[2] / "src" / "transfers"
    pattern = re.compile(
        r"\b(19|20)\d\d-\d\d-\d\d\b|^date\(|\b(19|20)\d\d/\d{2,4}\b|C-\d+/\d\d"
        r"|\b(privacy_shield|safe_harbor|scc_20\d\d|uk_idta|uk_addendum)\b|^[A-Z]{2}$"
    )
    for package in ("rules", "reference"):
        for path in (root / package).rglob("*.py"):
            for line, literal in _literals(ast.parse(path.read_text())):
                assert not pattern.search(literal), f"{path}:{line}: {literal!r}"


# --- malformed files fail loudly ------------------------------------------------------------


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_copy_loads(data_copy: Path) -> None:
    assert load_reference_from(data_copy).version == REF.version


BREAKAGES = [
    pytest.param(
        "mechanisms.toml",
        'citation = "Commission Implementing Decision (EU) 2021/914 of 4 June 2021"\n',
        "",
        "citation",
        id="missing-citation",
    ),
    pytest.param(
        "adequacy.toml",
        'citation = "Commission Decision 2000/518/EC of 26 July 2000"',
        'citation = "  "',
        "citation",
        id="blank-citation",
    ),
    pytest.param("mechanisms.toml", 'kind = "art49"', 'kind = "art50"', "kind", id="unknown-kind"),
    pytest.param("mechanisms.toml", 'rule = "bcr"', 'rule = "magic"', "rule", id="unknown-rule"),
    pytest.param(
        "adequacy.toml",
        "valid_from = 2019-01-23",
        'valid_from = "soon"',
        "valid_from",
        id="bad-date",
    ),
    pytest.param(
        "adequacy.toml",
        "valid_from = 2019-01-23",
        "valid_from = 2019-02-30",
        "adequacy.toml",
        id="impossible-date",
    ),
    pytest.param(
        "adequacy.toml", 'confidence = "V"', 'confidence = "X"', "confidence", id="bad-confidence"
    ),
    pytest.param(
        "rules.toml",
        'version = "2026-12-08"',
        'version = "2027-01-01"',
        "version",
        id="version-mismatch",
    ),
    pytest.param(
        "countries.toml",
        'countries = ["GB"]\nvalid_from = 2021-01-01',
        'countries = ["GB"]\nvalid_from = 2020-12-31',
        "overlap",
        id="overlapping-periods",
    ),
    pytest.param(
        "adequacy.toml",
        "valid_until = 2031-12-27\nscope_limited = true",
        "valid_until = 2030-12-27\nscope_limited = true",
        "expiry_history",
        id="history-mismatch",
    ),
    pytest.param(
        "adequacy.toml", 'countries = ["BR"]', 'countries = ["XX"]', "XX", id="unknown-country"
    ),
    pytest.param(
        "adequacy.toml",
        'mechanism = "dpf"',
        'mechanism = "dfp"',
        "dfp",
        id="unknown-mechanism-link",
    ),
    pytest.param(
        "mechanisms.toml",
        'invalidation_citation = "CJEU C-311/18 (Schrems II), 16 July 2020"\n',
        "",
        "invalidation_citation",
        id="invalidation-without-judgment",
    ),
    pytest.param(
        "mechanisms.toml",
        "signed_before = 2021-09-27\n",
        "",
        "legacy_scc",
        id="legacy-without-repeal",
    ),
    pytest.param(
        "mechanisms.toml", 'code = "bcr"', 'code = "none"', "duplicate", id="duplicate-code"
    ),
    pytest.param("rules.toml", "[tia]", "[tia_policy]", "tia_policy", id="unknown-table"),
    pytest.param(
        "adequacy.toml",
        'citation_fi = "komission päätös 2000/518/EY, annettu 26 päivänä heinäkuuta 2000"\n',
        "",
        "adequacy.toml ch: citation has no Finnish variant (citation_fi)",
        id="citation-without-finnish",
    ),
    pytest.param(
        "mechanisms.toml",
        'legal_basis_fi = "tietosuoja-asetuksen 46 artiklan 2 kohdan c alakohta"\n',
        'legal_basis_fi = "  "\n',
        "mechanisms.toml scc_2021: legal_basis has no Finnish variant",
        id="legal-basis-blank-finnish",
    ),
    pytest.param(
        "rules.toml",
        'citation_fi = "tietosuoja-asetuksen 28 artiklan 1 kohta (riittävät takeet on todettava '
        'ennen käyttöä)"',
        'citation_fi = "tietosuoja-asetuksen 28 artiklan 1 kohta"',
        "has two Finnish variants",
        id="one-english-two-finnish",
    ),
    pytest.param(
        "mechanisms.toml",
        'legal_basis = "GDPR Art. 49(1)(a)"\n',
        'legal_basis = "GDPR Art. 49(1)(a)"\ntia_citation_fi = "x"\n',
        "field 'tia_citation_fi' is not read by rule 'derogation'",
        id="finnish-field-the-rule-does-not-read",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "message"), BREAKAGES)
def test_malformed_reference_fails_at_load(
    data_copy: Path, file: str, old: str, new: str, message: str
) -> None:
    path = data_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text, "the breakage must apply to the current data"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=re.escape(message)) as raised:
        load_reference_from(data_copy)
    assert file in str(raised.value) or "invalid reference data" in str(raised.value)


def test_missing_file_fails(data_copy: Path) -> None:
    (data_copy / "rules.toml").unlink()
    with pytest.raises(ReferenceDataError, match="missing reference file"):
        load_reference_from(data_copy)


def test_every_fact_carries_its_source_and_checked_date() -> None:
    """Issue 26: every reference fact says where it was checked and when."""
    facts: list[Any] = [
        *REF.mechanisms(),
        *REF.decisions,
        *[h for d in REF.decisions for h in d.expiry_history],
        *REF.memberships,
        *REF.territories.values(),
        *REF.reasons.values(),
        *REF.tia_notes.values(),
        REF.tia_policy,
        REF.art28_policy,
        REF.hr_data,
    ]
    for fact in facts:
        assert fact.source.strip() and date(2000, 1, 1) <= fact.checked, fact
    for row in REF.countries():
        assert row.source and row.checked is not None, row


def test_unconfirmed_facts_are_never_printed_as_settled_law() -> None:
    from transfers.rules.evaluate import Reason
    from transfers.rules.messages import reason_text

    settled = Reason("x", "info", "A fact.", "cited", "K", "no_mechanism", {"country": "IN"})
    unsure = Reason("x", "info", "A fact.", "cited", "U", "no_mechanism", {"country": "IN"})
    assert reason_text(settled, "en") == "A fact."
    assert "Unconfirmed" in reason_text(unsure, "en")
    assert "Vahvistamaton" in reason_text(unsure, "fi")


@pytest.mark.parametrize(
    ("signed", "as_of", "covered"),
    [
        ("2009-06-01", "2021-09-26", True),  # 2010/87 still stands: grandfathered
        (
            "2009-06-01",
            "2021-09-27",
            False,
        ),  # 2010/87 repealed; Art. 4(4) names only 2001/497, 2010/87
        ("2010-05-15", "2012-01-01", False),  # concluded after 2002/16 was repealed
    ],
)
def test_2002_16_contracts_end_with_the_repeal_of_2010_87(
    signed: str, as_of: str, covered: bool
) -> None:
    from transfers.rules import AgreementFacts, AssessmentFacts, TransferFacts, evaluate_transfer

    day = date.fromisoformat
    facts = TransferFacts(
        1,
        "IN",
        "controller",
        "processor",
        "scc_2002",
        None,
        ("identity",),
        "systematic",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        (AssessmentFacts(1, day("2020-08-01"), "adequate", None),),
        (AgreementFacts(3, "scc_2002", None, "signed", day(signed), None, None),),
    )
    evaluation = evaluate_transfer(facts, day(as_of), REF)
    assert (evaluation.verdict != "unlawful") is covered, evaluation.reasons
    if not covered and as_of >= "2021-09-27":
        assert "2021/914" in evaluation.reasons[0].citation


def test_old_scc_repeal_cites_decision_2021_914_article_4() -> None:
    for code in ("scc_2001", "scc_2004", "scc_2010"):
        mechanism = REF.mechanism(code)
        assert mechanism is not None and "2021/914" in mechanism.repeal_citation
        assert "Art. 4" in mechanism.repeal_citation


def test_japan_scope_names_the_appi_exemptions() -> None:
    japan = REF.adequacy_for("JP")
    assert japan is not None
    for words in ("Supplementary Rules", "public sector", "political bodies", "religious"):
        assert words in japan.scope


def test_one_lexicon_names_each_country_alike_in_reasons_pages_and_documents() -> None:
    """The reference's country names (used in reasons) are the canonical ones of
    country_names.toml (pages, documents, exports): a country never has two names."""
    from transfers.reference.names import country_names
    from transfers.rules.messages import country_name as reason_country
    from transfers.web.i18n import country_names as page_countries

    ref = load_reference()
    canonical = country_names()
    for code, name in ref.names.items():
        if code in canonical:
            assert name == canonical[code]["en"], code
    for code, name in ref.names_fi.items():
        if code in canonical:
            assert name == canonical[code]["fi"], code
    for language in ("en", "fi"):
        pages = page_countries(language)
        for code, pair in canonical.items():
            assert reason_country(code, language) == pair[language] == pages[code]


#: English words of a citation that a Finnish citation never contains.
_ENGLISH_IN_CITATIONS = re.compile(
    r"\b(GDPR|Art\.|Commission|Decision|CJEU|EDPB|Recommendations|Guidelines|Court|Annex|"
    r"recital|Regulation|Directive|Agreement|Treaty|of|and|the|in force)\b"
)


def test_every_citation_has_a_finnish_variant_in_finnish() -> None:
    """Issue 27: a Finnish document prints the Finnish name of each source, e.g. the SCC
    decision and Schrems II by their official Finnish titles."""
    cited = [
        (name, en, fi)
        for fact in [
            *REF.mechanisms(),
            *REF.decisions,
            *REF.memberships,
            *REF.territories.values(),
            *REF.reasons.values(),
            *REF.tia_notes.values(),
            REF.tia_policy,
            REF.art28_policy,
            REF.hr_data,
        ]
        for name, en, fi in cited_fields(fact)
        if en
    ]
    assert len(cited) > 100
    for name, en, fi in cited:
        assert fi.strip() and REF.citation_fi(en) == fi, (name, en)
        assert not _ENGLISH_IN_CITATIONS.search(fi), (name, fi)
    scc = REF.mechanism("scc_2021")
    assert scc is not None
    assert (
        scc.citation_fi
        == "komission täytäntöönpanopäätös (EU) 2021/914, annettu 4 päivänä kesäkuuta 2021"
    )
    assert scc.legal_basis_fi == "tietosuoja-asetuksen 46 artiklan 2 kohdan c alakohta"
    shield = REF.mechanism("privacy_shield")
    assert shield is not None and "C-311/18 (Schrems II)" in shield.invalidation_citation_fi
    assert "Facebook Ireland ja Maximillian Schrems" in shield.invalidation_citation_fi


def test_a_joined_citation_is_translated_part_by_part() -> None:
    """The engine joins a mechanism's citation and a reason's ("A; B"); an unknown text (a
    what-if note a user typed) has no Finnish variant and is not guessed."""
    scc = REF.mechanism("scc_2021")
    assert scc is not None
    joined = f"{scc.citation}; {REF.reason_source('contract_not_signed').citation}"
    assert REF.citation_fi(joined) == (
        f"{scc.citation_fi}; {REF.reason_source('contract_not_signed').citation_fi}"
    )
    assert REF.citation_fi(f"{scc.citation}; a note of my own") is None
    # a citation that itself contains "; " is found whole
    adequacy = REF.mechanism("adequacy")
    assert adequacy is not None and "; " in adequacy.legal_basis
    assert REF.citation_fi(adequacy.legal_basis) == adequacy.legal_basis_fi


def test_what_if_invalidation_has_a_finnish_citation() -> None:
    what_if = REF.with_invalidation("dpf", date(2027, 1, 1))
    dpf = what_if.mechanism("dpf")
    assert dpf is not None
    assert what_if.citation_fi(dpf.invalidation_citation) == dpf.invalidation_citation_fi
    assert (
        "1.1.2027" in dpf.invalidation_citation_fi
        and "tietosuojakehys" in dpf.invalidation_citation_fi
    )
