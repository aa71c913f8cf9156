"""Every template rendered from a realistic register built from the context dataclasses: no
HTTP, no SQL. What a reader of the documents would notice: parties, clauses, annex rows,
verdicts, safeguards, escaping, and refusals when the register has holes."""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import sys
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document as Docx
from docx.oxml.ns import qn
from lxml import etree

from transfers.assessment.risk import Scenario
from transfers.document.context import (
    AgreementData,
    AssessmentData,
    ChangeRow,
    DocumentOptions,
    MissingDataError,
    OrganisationData,
    ProcessingData,
    SccElections,
    SubprocessorRow,
    TransferData,
    VendorData,
    build_context,
    fmt_date,
    fmt_period,
)
from transfers.document.kinds import (
    KINDS,
    LANGUAGES,
    VARIABLES,
    context_reference_markdown,
    documented_paths,
)
from transfers.document.render import (
    TEMPLATE_DIR,
    RenderError,
    builtin_template,
    check_output,
    document_text,
    render_docx,
    validate_template,
)
from transfers.settings import Settings

AS_OF = date(2026, 11, 24)
HOSTILE = 'AT&T <Cloud> "EU"'

ORG = OrganisationData(
    "Esimerkki IT-Palvelut Oy",
    "1234567-8",
    "Esimerkkikatu 1, 00100 Helsinki",
    "FI",
    dpo_name="Tietosuojavastaava",
    dpo_email="dpo@esimerkki.example",
)

# A cloud vendor in the USA on SCCs Module 2, with a DPF transfer as well.
CLOUD = VendorData(1, HOSTILE, None, None, "US", "processor")
CLOUD_PROCESSING = ProcessingData(
    "Customer register hosting",
    "Hosting and storage of the customer register",
    ("CRM", "customer service"),
    ("identity", "contact"),
    ("customer contacts",),
    retention="24 months after the end of the customer relationship",
    measures="Encryption at rest with EU-held keys; SSO with MFA; audit logging",
)
CLOUD_AGREEMENT = AgreementData(
    "scc_2021", date(2024, 1, 10), date(2027, 1, 9), "P1Y", True, None, "P3M", "general", 30
)
CLOUD_SCC = TransferData(
    11,
    HOSTILE,
    "US",
    "controller",
    "processor",
    "scc_2021",
    2,
    ("identity", "contact"),
    "systematic",
    "storage",
    "Customer register hosted in the provider's US region",
    "Encryption with EU-held keys",
    "lawful",
    (
        {
            "code": "scc_in_place",
            "message": "SCCs 2021/914 Module 2 signed on 10 January 2024",
            "citation": "Commission Implementing Decision (EU) 2021/914",
        },
        {
            "code": "tia_completed",
            "message": "Transfer impact assessment documented",
            "citation": "EDPB Recommendations 01/2020",
        },
    ),
)
CLOUD_DPF = TransferData(
    12,
    HOSTILE,
    "US",
    "controller",
    "processor",
    "dpf",
    None,
    ("contact",),
    "systematic",
    "storage",
    None,
    None,
    "at_risk",
    ({"code": "dpf_litigation", "message": "Appeal C-703/25 P pending", "citation": "C-703/25 P"},),
)
CLOUD_TIA = AssessmentData(
    date(2026, 2, 1),
    "adequate_with_measures",
    "Encryption with keys held only by the exporter in the EU",
    "No authorisation needed: the SCCs are used unchanged",
    None,
    date(2027, 2, 1),
    risk_period_years=3,
    risk_scenarios=(
        Scenario("FISA 702 directive to the importer", 0.2, 0.5, 0.1),
        Scenario("CLOUD Act warrant", 0.05, 0.8, 0.1),
    ),
    conclusion_reasoning="The keys stay in the EU, so a compelled importer can hand over only ciphertext.",
    importer_finding="The importer hosts the data as a cloud provider, so Section 702 reaches it; it sees only ciphertext.",
)

# A warranty vendor in Japan on adequacy.
KAITO = VendorData(
    2, "Kaito Devices K.K.", "Kaito Devices Kabushiki Kaisha", None, "JP", "processor"
)
KAITO_TRANSFER = TransferData(
    21,
    "Kaito Devices K.K.",
    "JP",
    "processor",
    "processor",
    "adequacy",
    None,
    ("device serial numbers",),
    "systematic",
    "onward_transfer",
    "Warranty registrations",
    None,
    "lawful",
    ({"code": "adequacy", "message": "Japan: (EU) 2019/419", "citation": "(EU) 2019/419"},),
)

# A licence vendor in Ireland with a sub-processor in India on SCCs Module 3.
LICENTIA = VendorData(
    3, "Licentia Distribution Ltd", "Licentia Distribution Limited", "IE1234567T", "IE", "processor"
)
LICENTIA_PROCESSING = ProcessingData(
    "Licence orders",
    "Order processing and licence key delivery",
    ("licence fulfilment",),
    ("identity", "employer"),
    ("customers' staff",),
    measures="TLS 1.2+; role-based access; logging",
)
LICENTIA_DPA = AgreementData(
    "dpa", date(2024, 6, 1), date(2028, 5, 31), "P2Y", True, None, "P3M", "specific", None
)
BHARAT = VendorData(4, "Bharat Licence Services Pvt Ltd", None, None, "IN", "subprocessor")
BHARAT_ROW = SubprocessorRow(
    "Bharat Licence Services Pvt Ltd", "IN", "Licence key generation", "scc_2021"
)
BHARAT_TRANSFER = TransferData(
    31,
    "Bharat Licence Services Pvt Ltd",
    "IN",
    "processor",
    "processor",
    "scc_2021",
    3,
    ("identity",),
    "systematic",
    "onward_transfer",
    None,
    None,
    "at_risk",
    ({"code": "tia_missing", "message": "No documented TIA", "citation": "SCC Clause 14"},),
)
IRELAND = TransferData(
    32,
    "Licentia Distribution Ltd",
    "IE",
    "processor",
    "processor",
    "none",
    None,
    ("identity",),
    "systematic",
    "storage",
    None,
    None,
    "lawful",
    is_third_country=False,
)
# An events vendor still recorded on the Privacy Shield (invalid since 16 July 2020).
SUMMIT_SHIELD = TransferData(
    31,
    "Summit Events Inc.",
    "US",
    "controller",
    "controller",
    "privacy_shield",
    None,
    ("contact",),
    "systematic",
    "storage",
    None,
    None,
    "unlawful",
    processing_service="Customer events",
)
TRANSFERS = (CLOUD_SCC, CLOUD_DPF, KAITO_TRANSFER, BHARAT_TRANSFER, IRELAND)
CHANGES = (
    ChangeRow(
        "added", "Bharat Licence Services Pvt Ltd", "Licentia Distribution Ltd", date(2026, 3, 2)
    ),
    ChangeRow("removed", "Old Mailer GmbH", "Licentia Distribution Ltd", date(2026, 4, 1)),
    ChangeRow(
        "changed",
        "Bharat Licence Services Pvt Ltd",
        "Licentia Distribution Ltd",
        date(2026, 5, 5),
        "moved from Mumbai to Pune",
    ),
)


def context(kind: str, language: str, **overrides: Any) -> dict[str, Any]:
    """The context each kind is generated with in these tests (the DPA for Licentia, the SCC
    annexes and TIA for the cloud vendor, register-wide lists for the rest)."""
    per_kind: dict[str, dict[str, Any]] = {
        "dpa": {
            "vendor": LICENTIA,
            "processing": LICENTIA_PROCESSING,
            "agreement": LICENTIA_DPA,
            "subprocessors": (BHARAT_ROW,),
            "transfers": (
                dataclasses.replace(
                    BHARAT_TRANSFER,
                    vendor_name=LICENTIA.name,
                    vendor_id=LICENTIA.id,
                    fallback_mechanism="dpf",
                ),
            ),
        },
        "scc_annexes": {
            "vendor": CLOUD,
            "processing": CLOUD_PROCESSING,
            "transfer": CLOUD_SCC,
            "subprocessors": (
                SubprocessorRow("Edge CDN Ltd", "GB", "content delivery", "adequacy"),
            ),
        },
        "tia": {
            "vendor": CLOUD,
            "transfer": CLOUD_SCC,
            "assessment": CLOUD_TIA,
            "processing": CLOUD_PROCESSING,
        },
        "subprocessor_list": {
            "subprocessors": (BHARAT_ROW,),
            "changes": CHANGES,
            "since": date(2026, 1, 1),
            "scope": "Licentia Distribution Ltd",
        },
        "privacy_notice_section": {"transfers": TRANSFERS},
        "record_extract": {"transfers": (*TRANSFERS, SUMMIT_SHIELD)},
    }
    inputs = per_kind[kind]
    arguments: dict[str, Any] = {
        "organisation": ORG,
        "as_of": AS_OF,
        "generated_on": AS_OF,
        **inputs,
        **overrides,
    }
    return build_context(kind, language, **arguments)


def render(kind: str, language: str, **overrides: Any) -> tuple[str, bytes]:
    content = render_docx(builtin_template(language, kind), context(kind, language, **overrides))
    return document_text(content), content


def assert_sound(content: bytes) -> None:
    """Every XML part parses, Word can open it, and nothing template-ish is left."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(archive.read(name))
    Docx(io.BytesIO(content))
    text = document_text(content)
    # "None." alone is an empty Annex III's own wording, not a value that leaked.
    checked = f"\n{text}\n".replace("\nNone.\n", "\n")
    for leftover in ("{{", "{%", "}}", "%}", "None"):
        assert leftover not in checked, leftover


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_in_both_languages(kind: str, language: str) -> None:
    text, content = render(kind, language)
    assert_sound(content)
    assert ORG.name in text
    # Generator metadata lives in the document properties, not in the contract text.
    comments = Docx(io.BytesIO(content)).core_properties.comments
    assert ("24 November 2026" if language == "en" else "24.11.2026") in comments
    assert "Generated by transfers" not in text and "Luotu transfers" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_dpa_names_the_parties_every_art_28_3_clause_and_the_annexes(language: str) -> None:
    text, _ = render("dpa", language)
    assert "Esimerkki IT-Palvelut Oy" in text and "1234567-8" in text
    assert "Esimerkkikatu 1, 00100 Helsinki" in text
    assert "Licentia Distribution Limited" in text and "IE1234567T" in text
    for number, letter in enumerate("abcdefgh", start=1):
        assert f"3.{number} ({letter}) " in text
    assert "3.9 " in text  # the duty to inform about infringing instructions
    assert ("Infringing instructions" if language == "en" else "Lainvastaiset ohjeet") in text
    # Annex III: one row per sub-processor from the chain, with its country and mechanism.
    assert "Bharat Licence Services Pvt Ltd" in text
    assert ("India" if language == "en" else "Intia") in text
    assert (
        "Standard contractual clauses (2021)"
        if language == "en"
        else "Euroopan komission vakiosopimuslausekkeet (päätös (EU) 2021/914)"
    ) in text
    if language == "en":
        assert "Data Processing Agreement" in text
        assert "prior specific written authorisation" in text
        assert "further periods of two (2) years" in text and "at least three (3) months" in text
        assert "Annex II" in text and "TLS 1.2+; role-based access; logging" in text
    else:
        assert "Henkilötietojen käsittelysopimus" in text
        assert "Rekisterinpitäjä" in text and "Käsittelijä" in text and "alikäsittelij" in text
        assert "erityistä kirjallista lupaa" in text
        assert (
            "jonka pituus on kaksi (2) vuotta" in text and "viimeistään kolme (3) kuukautta" in text
        )
        assert "Hyväksytyt alikäsittelijät" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_dpa_without_transfers_agrees_none_and_has_no_dangling_safeguard_clause(
    language: str,
) -> None:
    none, _ = render("dpa", language, transfers=())
    assert (
        "No transfer of the personal data outside the EU/EEA by the Processor is agreed"
        if language == "en"
        else "Käsittelijän tekemistä henkilötietojen siirroista EU/ETA-alueen ulkopuolelle ei ole sovittu"
    ) in none
    assert "5.3 " not in none and "register" not in none.split("5.2 ")[1].split("\n")[0]
    some, _ = render("dpa", language)
    assert "5.3 " in some
    # The SCC module is named with the safeguard.
    assert ("Module 3" if language == "en" else "moduuli 3") in some


def test_dpa_general_authorisation_states_the_objection_period() -> None:
    text, _ = render("dpa", "en", agreement=CLOUD_AGREEMENT)
    assert "general written authorisation" in text
    assert "at least thirty (30) days in advance" in text  # day periods in words
    text, _ = render("dpa", "fi", agreement=CLOUD_AGREEMENT)
    assert "yleisen kirjallisen luvan" in text and "vähintään kolmekymmentä (30) päivää" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_scc_annexes_module_2(language: str) -> None:
    text, _ = render("scc_annexes", language)
    assert HOSTILE in text
    assert ("Module 2" if language == "en" else "moduuli 2") in text
    # Annex I.C: the Finnish Data Protection Ombudsman (legal-facts §10).
    if language == "en":
        assert "Office of the Data Protection Ombudsman (Tietosuojavaltuutetun toimisto)" in text
        assert "For transfers to (sub-)processors" in text
        assert "The frequency of the transfer: continuous" in text
    else:
        assert "Tietosuojavaltuutetun toimisto" in text
        assert "Siirrot (ali)käsittelijöille" in text
        assert "Siirron tiheys: jatkuva" in text
    assert "PL 800, 00531 Helsinki" in text
    assert "24 months after the end of the customer relationship" in text
    assert "Edge CDN Ltd" in text  # Annex III applies to Module 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_scc_annexes_module_1_has_no_annex_iii(language: str) -> None:
    partner = replace(CLOUD_SCC, importer_role="controller", scc_module=1)
    text, content = render("scc_annexes", language, transfer=partner)
    assert_sound(content)
    assert ("Module 1" if language == "en" else "moduuli 1") in text
    assert "Edge CDN Ltd" not in text
    assert (
        "does not apply to this transfer" if language == "en" else "ei koske tätä siirtoa"
    ) in text
    assert "(sub-)processors" not in text and "(ali)käsittelijöille" not in text


def test_scc_annexes_module_3_for_the_subprocessor_in_india() -> None:
    text, content = render(
        "scc_annexes",
        "en",
        vendor=BHARAT,
        processing=LICENTIA_PROCESSING,
        transfer=BHARAT_TRANSFER,
        subprocessors=(),
    )
    assert_sound(content)
    assert "Module 3 (transfer processor to processor)" in text
    assert "Role (controller/processor): processor" in text
    assert "India" in text
    # An empty Annex III says so, with no empty table.
    annex_iii = text[text.index("Annex III \N{EN DASH} List of sub-processors") :]
    assert annex_iii.splitlines()[1] == "None."
    assert "Sub-processor\nCountry" not in annex_iii
    fi, _ = render(
        "scc_annexes",
        "fi",
        vendor=BHARAT,
        processing=LICENTIA_PROCESSING,
        transfer=BHARAT_TRANSFER,
        subprocessors=(),
    )
    assert fi[fi.index("Liite III") :].splitlines()[1] == "Ei ole."


def test_scc_annexes_refuse_a_module_that_does_not_fit_the_roles() -> None:
    wrong = replace(CLOUD_SCC, scc_module=3)
    with pytest.raises(MissingDataError) as error:
        context("scc_annexes", "en", transfer=wrong)
    assert error.value.missing == [
        "transfer 11.scc_module (module 3 does not fit controller to processor: use module 2)"
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_tia_follows_the_six_steps_and_states_the_verdict(language: str) -> None:
    text, _ = render("tia", language)
    steps = (
        ("Step 1", "Step 2", "Step 3", "Step 4", "Step 5", "Step 6")
        if language == "en"
        else ("Vaihe 1", "Vaihe 2", "Vaihe 3", "Vaihe 4", "Vaihe 5", "Vaihe 6")
    )
    for step in steps:
        assert step in text
    # Step 3: the reference law of the USA, in the document's language, with its reach.
    assert ("FISA Section 702" if language == "en" else "FISA-lain 702 pykälä") in text
    # The assessor's finding for this importer, never the country text's guidance.
    assert "Section 702 reaches it; it sees only ciphertext." in text
    assert "State whether" not in text and "Totea, voidaanko" not in text
    assert "Encryption with keys held only by the exporter in the EU" in text
    assert ("1 February 2027" if language == "en" else "1.2.2027") in text  # step 6
    assert ("1 February 2026" if language == "en" else "1.2.2026") in text  # assessment date
    assert ("lawful" if language == "en" else "lainmukainen") in text
    # Reasons as sentences, never the engine's internal codes.
    assert "scc_in_place" not in text and "tia_completed" not in text
    assert "Transfer impact assessment documented" in text
    assert "EDPB Recommendations 01/2020" in text
    if language == "fi":
        assert "Siirtovaikutusten arviointi" in text
        assert "tietosuoja-asetuksen 46 artiklan 2 kohdan c alakohta" in text  # step 2 basis


def test_tia_uses_country_notes_given_in_the_context() -> None:
    text, _ = render("tia", "en", country_notes="Counsel's memo of 3 March 2026 on US law.")
    assert "Counsel's memo of 3 March 2026 on US law." in text
    assert "FISA Section 702" not in text


def test_tia_without_a_review_date_states_the_default_interval() -> None:
    text, _ = render("tia", "fi", assessment=replace(CLOUD_TIA, next_review_on=None))
    assert "1.2.2027 (vuosi arvioinnista" in text


@pytest.mark.parametrize(
    ("months", "language", "expected"),
    [
        (12, "en", "1 February 2027 (one year after the assessment"),
        (6, "en", "1 August 2026 (six (6) months after the assessment"),
        (24, "fi", "1.2.2028 (kaksi (2) vuotta arvioinnista"),
    ],
)
def test_tia_default_review_follows_the_review_setting(
    months: int, language: str, expected: str
) -> None:
    """The review period is the reminders' (TRANSFERS_ASSESSMENT_REVIEW_MONTHS), not 12 months
    written into the document code."""
    options = DocumentOptions.from_settings(replace(Settings(), assessment_review_months=months))
    assert options.review_months == months
    text, _ = render(
        "tia", language, assessment=replace(CLOUD_TIA, next_review_on=None), options=options
    )
    assert expected in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_subprocessor_list_with_changes(language: str) -> None:
    text, _ = render("subprocessor_list", language)
    assert "Bharat Licence Services Pvt Ltd" in text and "Licence key generation" in text
    assert "Old Mailer GmbH" in text
    words = (
        ("added", "removed", "changed")
        if language == "en"
        else ("lisätty", "poistettu", "muutettu")
    )
    for word in words:
        assert word in text
    assert (
        "Changes since 1 January 2026: three (3)."
        if language == "en"
        else "Muutoksia on 1.1.2026 jälkeen kolme (3)."
    ) in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_privacy_notice_names_only_valid_safeguards_in_plain_language(language: str) -> None:
    text, _ = render("privacy_notice_section", language)
    heading = (
        "Transfers outside the EU/EEA"
        if language == "en"
        else "Tietojen siirto EU/ETA-alueen ulkopuolelle"
    )
    assert heading in text
    assert "Kaito Devices K.K." in text and HOSTILE in text
    assert "Bharat Licence Services Pvt Ltd" in text
    assert "Licentia Distribution Ltd" not in text  # Ireland: no transfer outside the EEA
    assert "Privacy Shield" not in text
    if language == "en":
        assert "adequate level of data protection (adequacy decision, GDPR Art. 45)" in text
        assert "Data Privacy Framework" in text and "Standard contractual clauses" in text
    else:
        assert "riittävä tietosuojan taso" in text and "vakiosopimuslausekkeet" in text
        assert "Japani" in text and "Yhdysvallat" in text and "Intia" in text


@pytest.mark.parametrize(
    ("mechanism", "verdict"),
    [
        ("privacy_shield", "lawful"),  # even if the engine were wrong, it is never named
        ("safe_harbor", "unlawful"),
        ("scc_2010", "unlawful"),  # old SCCs after 27 December 2022
        ("adequacy", "unlawful"),  # an expired adequacy decision
    ],
)
def test_privacy_notice_refuses_a_transfer_without_a_valid_safeguard(
    mechanism: str, verdict: str
) -> None:
    bad = replace(
        CLOUD_DPF, id=99, vendor_name="Summit Events Inc.", mechanism=mechanism, verdict=verdict
    )
    with pytest.raises(MissingDataError) as error:
        context("privacy_notice_section", "fi", transfers=(*TRANSFERS, bad))
    assert error.value.missing == [
        f"transfer 99 to US (Summit Events Inc.) has no valid safeguard ({mechanism})"
    ]


def test_old_sccs_were_a_safeguard_until_27_december_2022() -> None:
    old = replace(CLOUD_SCC, mechanism="scc_2010", scc_module=None, verdict="lawful")
    text, _ = render("privacy_notice_section", "en", transfers=(old,), as_of=date(2022, 12, 27))
    assert "Decision 2010/87/EU" in text
    with pytest.raises(MissingDataError):
        context("privacy_notice_section", "en", transfers=(old,), as_of=date(2022, 12, 28))


def test_privacy_notice_without_third_country_transfers() -> None:
    text, content = render("privacy_notice_section", "en", transfers=(IRELAND,))
    assert_sound(content)
    assert "does not transfer personal data outside the European Union" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_record_extract_lists_every_third_country_transfer(language: str) -> None:
    text, _ = render("record_extract", language)
    for name in (HOSTILE, "Kaito Devices K.K.", "Bharat Licence Services Pvt Ltd"):
        assert name in text
    assert ("Art. 30(1)(e)" if language == "en" else "30 artiklan 1 kohdan e alakohta") in text
    # The authority-facing copy carries no internal verdict of the rules engine.
    assert ("lawful with open conditions" if language == "en" else "avoimia ehtoja") not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_record_extract_never_shows_an_invalid_mechanism_as_a_safeguard(language: str) -> None:
    text, _ = render("record_extract", language)
    heading = (
        "Transfers without a valid safeguard (to be remedied)"
        if language == "en"
        else "Siirrot ilman pätevää suojatoimea (korjattava)"
    )
    # Listed only under the heading that says it is not a valid safeguard, with its date.
    assert text.index("Summit Events Inc.") > text.index(heading)
    since = (
        "not a valid safeguard since 16 July 2020"
        if language == "en"
        else "ei ole ollut pätevä suojatoimi 16.7.2020 alkaen"
    )
    assert since in text
    assert text.count("Privacy Shield") == 1 and text.index("Privacy Shield") > text.index(heading)
    # An onward transfer is marked as made by our sub-processor.
    onward = replace(BHARAT_TRANSFER, made_by="Licentia Distribution Ltd")
    chain, _ = render("record_extract", language, transfers=(onward,))
    assert (
        "onward transfer made by our sub-processor Licentia Distribution Ltd"
        if language == "en"
        else "edelleensiirto, jonka tekee alikäsittelijämme Licentia Distribution Ltd"
    ) in chain
    assert heading not in chain


def test_record_extract_documents_the_compelling_interests_derogation() -> None:
    occasional = replace(
        KAITO_TRANSFER,
        id=41,
        destination_country="BR",
        mechanism="derogation_49_1_second",
        verdict="at_risk",
        frequency="occasional",
    )
    with pytest.raises(MissingDataError) as error:
        context("record_extract", "en", transfers=(occasional,))
    assert error.value.missing == ["transfer 41.derogation_documentation"]
    documented = replace(
        occasional, derogation_documentation="Assessment of 2 May 2026; authority informed"
    )
    text, _ = render("record_extract", "en", transfers=(documented,))
    assert "Assessment of 2 May 2026; authority informed" in text and "Brazil" in text


def test_hostile_values_are_escaped_and_kept_verbatim() -> None:
    for kind in ("scc_annexes", "tia", "privacy_notice_section", "record_extract"):
        text, content = render(kind, "en")
        assert_sound(content)
        assert HOSTILE in text
        body = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml")
        assert b"AT&amp;T &lt;Cloud&gt;" in body and b"<Cloud>" not in body
    text, _ = render("dpa", "en", vendor=CLOUD, subprocessors=(), agreement=CLOUD_AGREEMENT)
    assert f"{HOSTILE}, registration number" in text
    assert "(trading as" not in text  # no legal name of its own: named once


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_party_is_named_once_with_its_country_once(language: str) -> None:
    """A trading name that is the legal name (up to punctuation) is not repeated as "trading
    as", and an address that already ends with the country does not get it twice."""
    zentick = VendorData(
        2,
        "Zentick Support Inc.",
        "Zentick Support, Inc.",
        "US-DE-5512345",
        "US",
        "processor",
        address="500 Market Street, San Francisco, CA 94105, USA",
    )
    text, _ = render("dpa", language, vendor=zentick, subprocessors=(), agreement=CLOUD_AGREEMENT)
    usa = "Yhdysvallat" if language == "fi" else "United States"
    assert "Zentick Support, Inc., " in text and "Zentick Support Inc." not in text
    assert "CA 94105, USA;" in text and f"USA, {usa}" not in text
    branded = replace(zentick, name="Zentick", address="500 Market Street, San Francisco")
    text, _ = render("dpa", language, vendor=branded, subprocessors=(), agreement=CLOUD_AGREEMENT)
    trading = "markkinointinimi" if language == "fi" else "trading as"
    assert f"Zentick Support, Inc. ({trading} Zentick)" in text
    assert f"500 Market Street, San Francisco, {usa};" in text


def test_values_that_look_like_tags_are_kept_verbatim() -> None:
    odd = replace(KAITO_TRANSFER, vendor_name="Weird {{ name }} {% Ltd %} None")
    text, _ = render("record_extract", "en", transfers=(odd,))
    assert "Weird {{ name }} {% Ltd %} None" in text


def test_missing_data_is_listed_exactly() -> None:
    org = replace(ORG, business_id=None, address=" ")
    processing = replace(LICENTIA_PROCESSING, data_categories=(), nature=None)
    with pytest.raises(MissingDataError) as error:
        context("dpa", "en", organisation=org, processing=processing, agreement=None)
    assert error.value.missing == [
        "organisation.business_id",
        "organisation.address",
        "processing.nature",
        "processing.data_categories",
        "agreement",
    ]
    with pytest.raises(MissingDataError) as error:
        context("tia", "fi", organisation=None, vendor=None, assessment=None)
    assert error.value.missing == ["organisation", "vendor", "assessment"]


def test_general_authorisation_needs_an_objection_period() -> None:
    agreement = replace(CLOUD_AGREEMENT, objection_period_days=None)
    with pytest.raises(MissingDataError) as error:
        context("dpa", "en", agreement=agreement)
    assert error.value.missing == ["agreement.objection_period_days"]


def test_unknown_kind_or_language() -> None:
    with pytest.raises(ValueError, match="memo"):
        build_context("memo", "en", organisation=ORG, as_of=AS_OF)
    with pytest.raises(ValueError, match="sv"):
        build_context("dpa", "sv", organisation=ORG, as_of=AS_OF)


def test_dates_and_periods_per_language() -> None:
    assert fmt_date(date(2026, 11, 24), "en") == "24 November 2026"
    assert fmt_date(date(2026, 11, 24), "fi") == "24.11.2026"
    assert fmt_period("P1Y", "en") == "one (1) year"
    assert fmt_period("P1Y6M", "en") == "one (1) year and six (6) months"
    assert fmt_period("P3Y", "fi") == "kolme (3) vuotta"
    assert fmt_period("P1M", "fi") == "yksi (1) kuukausi"
    assert fmt_period("P30D", "fi") == "kolmekymmentä (30) päivää"
    assert fmt_period("P45D", "en") == "forty-five (45) days"
    assert fmt_period("three months", "en") == "three months"


# --- The context contract (kinds.py) ---------------------------------------------------------


def _paths(value: Any, prefix: str = "") -> set[str]:
    if isinstance(value, dict):
        return {p for k, v in value.items() for p in _paths(v, f"{prefix}.{k}" if prefix else k)}
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return _paths(value[0], f"{prefix}[]")
    return {prefix}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_the_documented_context_is_what_the_builder_produces(kind: str, language: str) -> None:
    ctx = context(kind, language)
    assert _paths(ctx) == documented_paths(kind)


def test_context_reference_markdown_documents_every_variable() -> None:
    markdown = context_reference_markdown()
    for kind, variables in VARIABLES.items():
        assert f"**`{kind}`**" in markdown
        for variable in variables:
            assert f"| `{variable.name}` | {variable.type} |" in markdown


# --- Templates: validation and reproducibility -----------------------------------------------


def _template_with(*paragraphs: str) -> bytes:
    doc = Docx()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_builtin_templates_pass_their_own_validation(kind: str, language: str) -> None:
    assert validate_template(builtin_template(language, kind), kind) == []


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{% if false %}{{ vendor.__class__ }}{% endif %}",  # a branch a test render skips
        "{{ vendor['__class__'] }}",
    ],
)
def test_a_template_reaching_for_python_internals_is_rejected(source: str) -> None:
    problems = validate_template(_template_with(source), "dpa")
    assert len(problems) == 1 and "Python internals" in problems[0]
    assert "__class__" in problems[0]


def test_the_sandbox_refuses_internals_at_render_time_too() -> None:
    evil = _template_with("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(RenderError, match="sandbox forbids"):
        render_docx(evil, context("dpa", "en"))


def test_an_undeclared_variable_is_reported() -> None:
    problems = validate_template(_template_with("{{ vendor.name }} {{ secret_sauce }}"), "dpa")
    assert problems == [
        "undeclared variable 'secret_sauce': the dpa context has agreement, as_of, breach_deadline, "
        "generated_on, measures, org, parties, processing, subprocessor_summary, subprocessors, "
        "template_version, transfers, transfers_fallback, transfers_summary, vendor"
    ]


def test_an_undocumented_field_fails_the_test_render() -> None:
    problems = validate_template(_template_with("{{ vendor.bank_account }}"), "dpa")
    assert len(problems) == 1 and "bank_account" in problems[0]


def test_a_variable_of_another_kind_is_reported() -> None:
    problems = validate_template(_template_with("{{ destinations }}"), "dpa")
    assert problems and "destinations" in problems[0]


def test_not_a_docx_or_not_a_kind() -> None:
    assert validate_template(b"hello", "dpa")[0].startswith("the template is not a valid .docx")
    assert validate_template(_template_with("x"), "memo")[0].startswith("unknown document kind")


def _replace_part(docx: bytes, name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info, data if info.filename == name else src.read(info.filename))
    return out.getvalue()


def test_a_template_with_a_broken_xml_part_is_rejected() -> None:
    broken = _replace_part(_template_with("{{ vendor.name }}"), "word/styles.xml", b"<w:styles")
    problems = validate_template(broken, "dpa")
    assert len(problems) == 1 and "invalid XML in word/styles.xml" in problems[0]


def test_output_with_invalid_xml_is_refused() -> None:
    content = render_docx(builtin_template("en", "dpa"), context("dpa", "en"))
    broken = _replace_part(content, "word/document.xml", b"<w:document><w:body>AT&T</w:body>")
    with pytest.raises(RenderError, match=r"invalid XML in word/document\.xml"):
        check_output(broken)


def test_a_literal_none_in_a_template_is_caught() -> None:
    with pytest.raises(RenderError, match="None"):
        render_docx(_template_with("Processor: None"), context("dpa", "en"))


def test_a_none_in_the_context_is_refused_not_printed() -> None:
    ctx = context("dpa", "en")
    ctx["vendor"]["name"] = None
    with pytest.raises(RenderError, match=r"vendor\.name"):
        render_docx(builtin_template("en", "dpa"), ctx)


def test_a_missing_variable_fails_loudly() -> None:
    ctx = context("dpa", "en")
    del ctx["processing"]
    with pytest.raises(RenderError, match="processing"):
        render_docx(builtin_template("en", "dpa"), ctx)


def test_each_render_starts_from_the_template_bytes() -> None:
    template = builtin_template("en", "dpa")
    first, _ = render("dpa", "en")
    second = document_text(
        render_docx(template, context("dpa", "en", vendor=replace(LICENTIA, legal_name="Other")))
    )
    again, _ = render("dpa", "en")
    assert "Other" in second and "Other" not in again and first == again


def test_committed_templates_are_what_the_builder_generates(tmp_path: Path) -> None:
    script = Path(__file__).resolve().parents[2] / "tools" / "build_templates.py"
    spec = importlib.util.spec_from_file_location("build_templates", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    written = module.build(tmp_path)
    assert len(written) == len(KINDS) * len(LANGUAGES) == 12
    for path in written:
        committed = TEMPLATE_DIR / path.relative_to(tmp_path)
        assert path.read_bytes() == committed.read_bytes(), f"{committed} is stale: rerun the tool"


# --- Issue 10: the register's facts, in the document's language -------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_dpa_where_we_are_processor_is_an_art_28_4_agreement_naming_the_controller(
    language: str,
) -> None:
    ours = replace(
        LICENTIA_PROCESSING,
        our_role="processor",
        controller="Asiakas Oy",
        translations={"fi": {"controller": "Asiakas Oy (asiakkaamme)"}},
    )
    text, _ = render("dpa", language, processing=ours)
    if language == "en":
        assert "(the “Sub-processor”)" in text and "Article 28(4)" in text
        assert "The Controller is: Asiakas Oy." in text
        assert "the Processor remains fully liable to the Controller" in text
        assert "(the “Controller”);" not in text  # we are not the controller here
    else:
        assert "(”Alikäsittelijä”)" in text and "28 artiklan 4 kohdan" in text
        assert "Rekisterinpitäjä on: Asiakas Oy (asiakkaamme)." in text
        assert "Käsittelijä on täysimääräisesti vastuussa Rekisterinpitäjälle" in text
    # Where we are the controller, the plain Art. 28(3) agreement.
    plain, _ = render("dpa", language)
    assert ("(the “Controller”);" if language == "en" else "(”Rekisterinpitäjä”);") in plain
    assert "Sub-processor”" not in plain and "”Alikäsittelijä”" not in plain


def test_a_processor_dpa_without_its_controller_is_refused() -> None:
    ours = replace(LICENTIA_PROCESSING, our_role="processor", controller=None)
    with pytest.raises(MissingDataError) as error:
        context("dpa", "en", processing=ours)
    assert error.value.missing == ["processing.controller"]


def test_controlled_values_and_countries_are_in_the_documents_language() -> None:
    text, _ = render("dpa", "fi")
    assert "Henkilötietotyypit: tunnistetiedot, työnantaja ja tehtävänimike." in text
    assert "identity" not in text and "employer" not in text
    assert "Intia" in text and "India" not in text
    en, _ = render("dpa", "en")
    assert "Types of personal data: identity data, employer and job title." in en


def test_dpa_states_breach_deadline_transfers_law_and_signatures() -> None:
    text, _ = render("dpa", "en")
    assert "without undue delay and in any event within 48 hours" in text
    # The transfers clause lists each destination with its safeguard and fallback.
    assert (
        "Licentia Distribution Limited (the Processor)\nIndia\nStandard contractual clauses (2021)"
        in text
    )
    assert "EU-US Data Privacy Framework" in text  # the fallback
    assert "governed by the laws of Finland" in text
    assert text.count("Signatory") == 0 and text.count("Name and title:") == 2
    fi = build_context(
        "dpa",
        "fi",
        organisation=ORG,
        as_of=AS_OF,
        vendor=LICENTIA,
        processing=LICENTIA_PROCESSING,
        agreement=LICENTIA_DPA,
        options=DocumentOptions(breach_hours=24),
    )
    assert fi["breach_deadline"].endswith(
        "24 tunnin kuluessa siitä, kun se on saanut loukkauksen tietoonsa"
    )


def test_annex_iii_has_no_empty_table_without_sub_processors() -> None:
    _, content = render("dpa", "en", subprocessors=())
    doc = Docx(io.BytesIO(content))
    headers = [t.rows[0].cells[0].text for t in doc.tables]
    assert "Sub-processor" not in headers


def test_scc_annexes_for_an_onward_transfer_name_the_vendor_as_exporter() -> None:
    ctx = build_context(
        "scc_annexes",
        "en",
        organisation=ORG,
        as_of=AS_OF,
        vendor=BHARAT,
        processing=LICENTIA_PROCESSING,
        transfer=BHARAT_TRANSFER,
        exporter=LICENTIA,
    )
    assert ctx["exporter"]["name"] == "Licentia Distribution Limited"
    assert ctx["importer"]["name"] == "Bharat Licence Services Pvt Ltd"
    ours = context("scc_annexes", "fi")
    assert ours["exporter"]["name"] == ORG.name
    assert ours["exporter"]["business_id_label"] == "Y-tunnus"
    assert ours["importer"]["business_id_label"] == "rekisteritunnus"


def test_generated_documents_are_tagged_with_their_language() -> None:
    for language, tag in (("en", "en-GB"), ("fi", "fi-FI")):
        _, content = render("record_extract", language)
        styles = zipfile.ZipFile(io.BytesIO(content)).read("word/styles.xml").decode()
        assert f'w:val="{tag}"' in styles
        assert Docx(io.BytesIO(content)).core_properties.language == tag


@pytest.mark.parametrize("language", LANGUAGES)
def test_tia_for_a_transfer_not_yet_started_says_so_never_lawful(language: str) -> None:
    later = replace(CLOUD_SCC, active=False, started_on=date(2027, 3, 1))
    text, _ = render("tia", language, transfer=later)
    if language == "en":
        assert "not yet active: the transfer is recorded to start on 1 March 2027" in text
        assert "the transfer is: lawful" not in text
    else:
        assert "ei vielä alkanut: siirron on kirjattu alkavan 1.3.2027" in text
        assert "lainmukainen." not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_scc_annexes_print_the_clause_elections(language: str) -> None:
    elections = SccElections(
        docking_clause=False, subprocessor_option="general", subprocessor_days=45
    )
    text, _ = render("scc_annexes", language, clauses=elections)
    if language == "en":
        assert "Clause 7 \N{EN DASH} Docking clause\nnot included" in text
        assert "Option 2, general written authorisation" in text and "forty-five (45) days" in text
        assert "Clause 17 \N{EN DASH} Governing law\nOption 1: the law of Finland" in text
        assert (
            "Clause 18 \N{EN DASH} Choice of forum and jurisdiction\nthe courts of Finland" in text
        )
    else:
        assert "Lauseke 7 \N{EN DASH} Liittymislauseke\nei sisälly" in text
        assert (
            "vaihtoehto 2, yleinen kirjallinen lupa" in text
            and "neljäkymmentäviisi (45) päivää" in text
        )
        assert "jäsenvaltion laki: Suomi" in text


def test_tia_states_who_assessed_and_approved_and_flags_a_passed_review() -> None:
    signed = replace(
        CLOUD_TIA,
        assessor="Laura Lakimies",
        approver="Pekka Päättäjä",
        approved_on=date(2026, 2, 3),
        next_review_on=date(2026, 6, 1),
    )
    text, _ = render("tia", "en", assessment=signed)
    assert "Assessed by: Laura Lakimies. Approved by: Pekka Päättäjä (3 February 2026)." in text
    assert "1 June 2026 \N{EN DASH} OVERDUE" in text  # as of 24 November 2026
    fi, _ = render("tia", "fi", assessment=replace(signed, approver=None, approved_on=None))
    assert "Arvioinnin hyväksyi: ei määritelty (ei hyväksytty)" in fi
    assert "MYÖHÄSSÄ" in fi
    current, _ = render("tia", "en", assessment=replace(signed, next_review_on=date(2027, 1, 1)))
    assert "OVERDUE" not in current


@pytest.mark.parametrize("language", LANGUAGES)
def test_annex_ii_is_structured_by_the_categories_of_the_scc_annex(language: str) -> None:
    catalogue = replace(
        CLOUD_PROCESSING,
        measures_catalogue={
            "logging": "Central audit log kept 12 months",
            "pseudonymisation_encryption": "AES-256 at rest, keys in an EU HSM",
        },
        translations={"fi": {"measures_catalogue": {"logging": "Keskitetty lokitus 12 kk"}}},
    )
    text, _ = render("scc_annexes", language, processing=catalogue)
    if language == "en":
        # In the Annex's order, whatever order they were typed in.
        assert text.index("Pseudonymisation and encryption") < text.index("Events logging")
        assert "Central audit log kept 12 months" in text
        assert "Assistance to the controller" in text and "not documented" in text
    else:
        assert "Henkilötietojen pseudonymisointi ja salaus" in text
        assert "Keskitetty lokitus 12 kk" in text and "Central audit log" not in text
        assert "sovittava ennen allekirjoitusta" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_tia_documents_the_risk_method_inputs_result_and_reasoning(language: str) -> None:
    text, _ = render("tia", language)
    # 0.2 x 0.5 x 0.1 = 1%; 0.05 x 0.8 x 0.1 = 0.4%; 1 - 0.99 x 0.996 = 1.396%
    if language == "en":
        assert "FISA 702 directive to the importer\n20%\n50%\n10%\n1%" in text
        assert "CLOUD Act warrant\n5%\n80%\n10%\n0.4%" in text
        assert "Computed probability of disclosure over three (3) years: 1.4%." in text
        assert "1 \N{MINUS SIGN} \N{N-ARY PRODUCT}(1 \N{MINUS SIGN} p)" in text
        assert "Reasoned conclusion: The keys stay in the EU" in text
    else:
        assert "0,4\N{NO-BREAK SPACE}%" in text
        assert "ajanjaksolla kolme (3) vuotta: 1,4\N{NO-BREAK SPACE}%." in text
        assert "0.4" not in text and "1.4%" not in text
    none, _ = render("tia", language, assessment=replace(CLOUD_TIA, risk_scenarios=()))
    assert ("No scenario estimates" if language == "en" else "Skenaariokohtaisia") in none


def test_tia_prints_the_assessments_own_text_in_the_documents_language() -> None:
    bilingual = replace(
        CLOUD_TIA,
        translations={
            "fi": {
                "supplementary_measures": "Salaus avaimin, joita säilytetään vain EU:ssa",
                "conclusion_reasoning": "Avaimet pysyvät EU:ssa.",
            }
        },
    )
    fi, _ = render("tia", "fi", assessment=bilingual)
    assert "Salaus avaimin, joita säilytetään vain EU:ssa" in fi
    assert "Perusteltu johtopäätös: Avaimet pysyvät EU:ssa." in fi
    assert "Encryption with keys held only by the exporter" not in fi
    en, _ = render("tia", "en", assessment=bilingual)
    assert "Encryption with keys held only by the exporter in the EU" in en


def test_finnish_privacy_notice_speaks_to_the_data_subject_as_voit() -> None:
    text, _ = render("privacy_notice_section", "fi")
    assert "Voit pyytää jäljennöstä suojatoimista" in text
    assert "Voitte" not in text and "suostumukseenne" not in text


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", KINDS)
def test_table_rows_never_split_and_headers_repeat(kind: str, language: str) -> None:
    """Every row of every table is kept on one page (cantSplit) and each table's first row
    repeats as a header on the pages it reaches."""
    _, content = render(kind, language)
    tables = Docx(io.BytesIO(content)).tables
    assert tables
    for table in tables:
        rows = [row._tr for row in table.rows]
        assert all(tr.find(qn("w:trPr")) is not None for tr in rows)
        assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows)
        assert rows[0].trPr.find(qn("w:tblHeader")) is not None
        # the header keeps with the first row, and the sentence before it with the table
        assert all(p.paragraph_format.keep_with_next for p in table.rows[0].cells[0].paragraphs)
        before = table._tbl.getprevious()
        if before is not None and before.tag == qn("w:p"):
            introduced = before.find(qn("w:pPr"))
            keep = introduced.find(qn("w:keepNext")) if introduced is not None else None
            style = introduced.find(qn("w:pStyle")) if introduced is not None else None
            heading = style is not None and "Heading" in str(style.get(qn("w:val")))
            assert keep is not None or heading, "".join(before.itertext())


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_signature_block_is_kept_on_one_page(language: str) -> None:
    """From its opening sentence down to the second party's last line, each paragraph keeps
    with the next, so the block never splits across pages."""
    _, content = render("dpa", language)
    paragraphs = Docx(io.BytesIO(content)).paragraphs
    start = next(
        i for i, p in enumerate(paragraphs) if p.text in ("Signatures", "Allekirjoitukset")
    )
    names = [
        i
        for i, p in enumerate(paragraphs)
        if i > start and p.text.startswith(("Name and title:", "Nimenselvennys ja asema:"))
    ]
    assert len(names) == 2
    assert all(p.paragraph_format.keep_with_next for p in paragraphs[start + 1 : names[1]])
