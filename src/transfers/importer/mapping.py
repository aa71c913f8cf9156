"""Mapping what people type in spreadsheets onto the register's codes.

Privacy and procurement teams keep their vendor lists in Excel, in English or Finnish, with
headers and values spelled however the author liked. This module turns those spellings into the
API's codes (the same ones as :mod:`transfers.common.fields`) and, when it cannot, says exactly
why and how to fix the cell. It never guesses: a value that could mean two legally different
things (``SCC`` without a year, ``contract``) is reported as ambiguous with the candidate codes,
because the transfer mechanism decides whether a transfer is lawful (GDPR Arts. 44-49).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final, Literal, get_args

import pycountry

from transfers.common import fields, record_fields
from transfers.common.text import has_control
from transfers.importer.parse import CellValue, Formula

Entity = Literal["vendors", "agreements", "transfers", "subprocessors", "flat"]

# The codes are the API's: one definition in common/fields.py, reused here.
VENDOR_ROLES: Final[tuple[str, ...]] = get_args(fields.VendorRole)
VENDOR_CATEGORIES: Final[tuple[str, ...]] = get_args(fields.VendorCategory)
VENDOR_STATUSES: Final[tuple[str, ...]] = get_args(fields.VendorStatus)
PARTY_ROLES: Final[tuple[str, ...]] = get_args(fields.PartyRole)
FREQUENCIES: Final[tuple[str, ...]] = get_args(fields.Frequency)
AGREEMENT_KINDS: Final[tuple[str, ...]] = get_args(fields.AgreementKind)
AGREEMENT_STATUSES: Final[tuple[str, ...]] = get_args(fields.AgreementStatus)
MECHANISMS: Final[tuple[str, ...]] = get_args(fields.Mechanism)
SCC_CODES: Final = ("scc_2021", "scc_2010", "scc_2004", "scc_2001")


class ValueProblem(ValueError):
    """A cell value that cannot be mapped; ``message`` says what is wrong, ``fix`` how to fix it."""

    def __init__(self, message: str, fix: str, candidates: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.candidates = tuple(candidates)


def normalise_header(text: str) -> str:
    """Fold a header to a key: case-insensitive, trimmed, punctuation and spaces as ``_``.

    So "Y-tunnus", "y tunnus" and " Y_TUNNUS " all meet at ``y_tunnus``; Finnish letters stay.
    """
    folded = text.casefold().strip()
    return re.sub(r"[^\w]+", "_", folded).strip("_")


@functools.lru_cache(maxsize=65536)
def _fold(text: str) -> str:
    """Fold a value for lookup: case, surrounding space, inner runs of space and punctuation.

    Cached: a sheet repeats the same few codes (countries, roles, mechanisms) on every row."""
    folded = unicodedata.normalize("NFC", text).casefold().strip()
    return re.sub(r"[\s\-_.,/():;'\"]+", " ", folded).strip()


# --------------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------------

#: Canonical column -> synonyms (English and Finnish). The canonical names are the documented
#: import format and the export header row, so an export re-imports unchanged.
COLUMN_SYNONYMS: Final[Mapping[str, tuple[str, ...]]] = {
    "name": ("nimi", "toimittaja", "toimittajan nimi", "vendor", "vendor name", "supplier"),
    "business_id": (
        "y-tunnus",
        "ytunnus",
        "y tunnus",
        "business id",
        "vat",
        "vat id",
        "vat number",
        "company id",
        "registration number",
        "vendor business id",
        "toimittajan y-tunnus",
    ),
    "legal_name": ("virallinen nimi", "toiminimi", "legal name", "company name"),
    "address": ("osoite", "postiosoite", "käyntiosoite", "address", "postal address"),
    "signatory_name": ("allekirjoittaja", "allekirjoittajan nimi", "signatory", "signed by"),
    "signatory_title": ("allekirjoittajan asema", "allekirjoittajan titteli", "signatory title"),
    "country": ("maa", "kotimaa", "sijaintimaa", "vendor country", "toimittajan maa"),
    "role": ("rooli", "vendor role", "toimittajan rooli"),
    "category": ("kategoria", "luokka", "vendor category"),
    "status": ("tila", "vendor status"),
    "website": ("verkkosivu", "verkkosivut", "kotisivu", "url", "web"),
    "parent_business_id": (
        "parent y-tunnus",
        "päätoimittajan y-tunnus",
        "subprocessor of business id",
        "alikäsittelijä y-tunnukselle",
    ),
    "parent_name": (
        "parent",
        "parent vendor",
        "subprocessor of",
        "alikäsittelijänä toimittajalle",
        "päätoimittaja",
    ),
    "destination_country": (
        "kohdemaa",
        "siirtomaa",
        "destination",
        "destination country",
        "recipient country",
        "vastaanottajamaa",
    ),
    "mechanism": (
        "siirtoperuste",
        "siirtomekanismi",
        "transfer mechanism",
        "transfer tool",
        "safeguard",
        "legal basis for transfer",
    ),
    "scc_module": ("moduuli", "scc moduuli", "scc module", "module"),
    "exporter_role": ("viejän rooli", "tietojen viejän rooli", "exporter role", "our role"),
    "data_categories": (
        "tietoryhmät",
        "henkilötietoryhmät",
        "data categories",
        "categories of data",
    ),
    "frequency": ("toistuvuus", "siirtojen toistuvuus", "transfer frequency"),
    "dpf_certified": ("dpf sertifioitu", "dpf-sertifioitu", "dpf certified", "dpf"),
    "dpf_verified_on": ("dpf tarkistettu", "dpf verified on", "dpf verified"),
    "started_on": ("alkaen", "alkanut", "alkupäivä", "start date", "started", "starts on"),
    "ended_on": ("päättynyt", "loppupäivä", "end date", "ended", "ends on transfer"),
    "dpa_signed_on": (
        "dpa allekirjoitettu",
        "dpa signed",
        "dpa signed on",
        "käsittelysopimus allekirjoitettu",
    ),
    "dpa_ends_on": ("dpa päättyy", "dpa ends", "dpa ends on", "käsittelysopimus päättyy"),
    "kind": ("sopimustyyppi", "tyyppi", "agreement kind", "agreement type", "type"),
    "title": ("otsikko", "sopimus", "agreement title"),
    "signed_on": ("allekirjoitettu", "signed", "signed on", "allekirjoituspäivä"),
    "ends_on": ("päättyy", "ends", "ends on", "voimassa asti"),
    "agreement_status": ("sopimuksen tila", "agreement status"),
    "terminated_on": ("irtisanottu", "päättyi", "terminated", "terminated on", "last day in force"),
    "authorised_by_processor": (
        "käsittelijän valtuuttama",
        "authorised by processor",
        "authorized by processor",
        "processor authorised",
    ),
    **{d.name: d.synonyms for d in record_fields.TRANSFER_FACT_COLUMNS},
    "verdict": ("arvio", "verdict"),
    "verdict_as_of": ("arvio päivältä",),
}

#: Columns whose header is recognised but whose value is never imported (export-only columns).
EXPORT_ONLY_COLUMNS: Final = frozenset({"verdict", "verdict_as_of"})

_HEADER_INDEX: Final[dict[str, str]] = {}
for _canonical, _synonyms in COLUMN_SYNONYMS.items():
    for _spelling in (_canonical, *_synonyms):
        _HEADER_INDEX.setdefault(normalise_header(_spelling), _canonical)


def canonical_column(header: str) -> str | None:
    """The canonical column for a header text, or ``None`` if it is not one we import."""
    return _HEADER_INDEX.get(normalise_header(header))


def synonyms_of(column: str) -> tuple[str, ...]:
    """Spellings accepted for ``column``, for error messages that tell people what to type."""
    return COLUMN_SYNONYMS.get(column, ())


@dataclass(frozen=True, slots=True)
class HeaderMap:
    """Where each canonical column sits in a sheet, and which headers were not understood."""

    columns: dict[str, int]
    headers: tuple[str, ...]
    unknown: tuple[str, ...] = ()
    duplicates: tuple[tuple[str, str], ...] = ()

    def get(self, values: Sequence[CellValue], column: str) -> CellValue:
        """The raw value of ``column`` in a data row (``None`` if absent or past the row end)."""
        index = self.columns.get(column)
        if index is None or index >= len(values):
            return None
        return values[index]


def match_headers(headers: Sequence[CellValue]) -> HeaderMap:
    """Map a header row onto canonical columns; the first of two same-meaning columns wins."""
    columns: dict[str, int] = {}
    texts: list[str] = []
    unknown: list[str] = []
    duplicates: list[tuple[str, str]] = []
    for index, raw in enumerate(headers):
        text = "" if raw is None else str(raw).strip()
        texts.append(text)
        if not text:
            continue
        canonical = canonical_column(text)
        if canonical is None:
            unknown.append(text)
        elif canonical in columns:
            duplicates.append((canonical, text))
        else:
            columns[canonical] = index
    return HeaderMap(
        columns=columns,
        headers=tuple(t for t in texts if t),
        unknown=tuple(unknown),
        duplicates=tuple(duplicates),
    )


_SHEET_NAMES: Final[Mapping[str, Entity]] = {
    "vendors": "vendors",
    "vendor": "vendors",
    "suppliers": "vendors",
    "toimittajat": "vendors",
    "agreements": "agreements",
    "agreement": "agreements",
    "contracts": "agreements",
    "sopimukset": "agreements",
    "transfers": "transfers",
    "transfer": "transfers",
    "siirrot": "transfers",
    "subprocessors": "subprocessors",
    "sub_processors": "subprocessors",
    "alikäsittelijät": "subprocessors",
}


def sheet_entity(name: str) -> Entity | None:
    """Which entity a sheet holds, from its name (English or Finnish), if it is one of ours."""
    return _SHEET_NAMES.get(normalise_header(name))


# --------------------------------------------------------------------------------------------
# Cell values
# --------------------------------------------------------------------------------------------


def cell_text(value: CellValue) -> str | None:
    """A cell as trimmed text (``None`` when blank). Whole floats lose their ``.0``.

    Excel stores a typed ``12345678`` as the float 12345678.0; a business id must not become
    "12345678.0".
    """
    if value is None:
        return None
    if isinstance(value, Formula):
        raise ValueProblem(
            f"formulas are not imported; paste values ({value.text})",
            "Copy the column and use Paste Special > Values, then save and import again.",
        )
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    text = " ".join(str(value).split())
    if has_control(text):
        raise ValueProblem(
            "the cell contains a control character (such as NUL) or another character XML "
            "cannot hold (such as U+FFFF), which the register refuses",
            "Retype the value, or clean the column with Excel's CLEAN() and paste values.",
        )
    return text or None


def _choice(
    value: str, table: Mapping[str, str], allowed: Sequence[str], what: str, column: str
) -> str:
    code = table.get(_fold(value))
    if code is None:
        raise ValueProblem(
            f"unknown {what} {value!r}",
            f"Use one of: {', '.join(allowed)} (column {column}).",
        )
    return code


def _table(allowed: Iterable[str], extra: Mapping[str, str]) -> dict[str, str]:
    """Lookup table: each code (also with spaces for ``_``) plus the extra spellings."""
    table = {_fold(code): code for code in allowed}
    table.update({_fold(spelling): code for spelling, code in extra.items()})
    return table


_ROLE_TABLE: Final = _table(
    VENDOR_ROLES,
    {
        "sub-processor": "subprocessor",
        "sub processor": "subprocessor",
        "data processor": "processor",
        "data controller": "controller",
        "independent controller": "controller",
        "joint controller": "joint_controller",
        "käsittelijä": "processor",
        "henkilötietojen käsittelijä": "processor",
        "alikäsittelijä": "subprocessor",
        "rekisterinpitäjä": "controller",
        "itsenäinen rekisterinpitäjä": "controller",
        "yhteisrekisterinpitäjä": "joint_controller",
        "yhteinen rekisterinpitäjä": "joint_controller",
        "yhteiset rekisterinpitäjät": "joint_controller",
    },
)

_CATEGORY_TABLE: Final = _table(
    VENDOR_CATEGORIES,
    {
        "cloud": "cloud_hosting",
        "hosting": "cloud_hosting",
        "cloud hosting": "cloud_hosting",
        "pilvipalvelu": "cloud_hosting",
        "pilvipalvelut": "cloud_hosting",
        "pilvi": "cloud_hosting",
        "palvelinpalvelut": "cloud_hosting",
        "warranty": "device_warranty",
        "device warranty": "device_warranty",
        "laitetakuu": "device_warranty",
        "takuu": "device_warranty",
        "takuuhuolto": "device_warranty",
        "software licence": "software_licence",
        "software license": "software_licence",
        "software_license": "software_licence",
        "licence": "software_licence",
        "license": "software_licence",
        "ohjelmistolisenssi": "software_licence",
        "ohjelmistolisenssit": "software_licence",
        "lisenssi": "software_licence",
        "logistiikka": "logistics",
        "kuljetus": "logistics",
        "insurance": "insurance",
        "vakuutus": "insurance",
        "vakuutukset": "insurance",
        "marketing": "marketing_events",
        "events": "marketing_events",
        "marketing and events": "marketing_events",
        "markkinointi": "marketing_events",
        "tapahtumat": "marketing_events",
        "markkinointi ja tapahtumat": "marketing_events",
        "payments": "payment",
        "maksu": "payment",
        "maksut": "payment",
        "maksunvälitys": "payment",
        "support": "support_tooling",
        "support tooling": "support_tooling",
        "tukityökalut": "support_tooling",
        "asiakastuki": "support_tooling",
        "muu": "other",
        "muut": "other",
    },
)

_STATUS_TABLE: Final = _table(
    VENDOR_STATUSES,
    {
        "in review": "in_review",
        "review": "in_review",
        "ehdotettu": "proposed",
        "ehdolla": "proposed",
        "arvioitavana": "in_review",
        "tarkastettavana": "in_review",
        "arvioinnissa": "in_review",
        "hyväksytty": "approved",
        "keskeytetty": "suspended",
        "jäädytetty": "suspended",
        "poistettu": "offboarded",
        "poistettu käytöstä": "offboarded",
        "lopetettu": "offboarded",
        "off-boarded": "offboarded",
    },
)

_PARTY_ROLE_TABLE: Final = _table(
    PARTY_ROLES,
    {
        "data controller": "controller",
        "data processor": "processor",
        "rekisterinpitäjä": "controller",
        "käsittelijä": "processor",
        "henkilötietojen käsittelijä": "processor",
    },
)

_FREQUENCY_TABLE: Final = _table(
    FREQUENCIES,
    {
        "occasionally": "occasional",
        "one-off": "occasional",
        "ad hoc": "occasional",
        "satunnainen": "occasional",
        "satunnaisesti": "occasional",
        "kertaluonteinen": "occasional",
        "continuous": "systematic",
        "regular": "systematic",
        "ongoing": "systematic",
        "jatkuva": "systematic",
        "säännöllinen": "systematic",
        "toistuva": "systematic",
        "systemaattinen": "systematic",
    },
)

_AGREEMENT_STATUS_TABLE: Final = _table(
    AGREEMENT_STATUSES,
    {
        "luonnos": "draft",
        "allekirjoitettu": "signed",
        "voimassa": "signed",
        "active": "signed",
        "irtisanottu": "terminated",
        "päättynyt": "terminated",
        "ended": "terminated",
    },
)


def parse_role(value: str) -> str:
    """Vendor role: the code or its English/Finnish name (käsittelijä = processor...)."""
    return _choice(value, _ROLE_TABLE, VENDOR_ROLES, "role", "role")


def parse_category(value: str) -> str:
    """Vendor category: the code or a common English/Finnish word for it."""
    return _choice(value, _CATEGORY_TABLE, VENDOR_CATEGORIES, "category", "category")


def parse_status(value: str) -> str:
    """Vendor status in the approval workflow."""
    return _choice(value, _STATUS_TABLE, VENDOR_STATUSES, "status", "status")


def parse_exporter_role(value: str) -> str:
    """Our role when exporting: it selects the SCC module (Decision 2021/914, Clause 1)."""
    return _choice(value, _PARTY_ROLE_TABLE, PARTY_ROLES, "exporter role", "exporter_role")


def parse_frequency(value: str) -> str:
    """Occasional or systematic: Art. 49 derogations only cover occasional transfers (EDPB 2/2018)."""
    return _choice(value, _FREQUENCY_TABLE, FREQUENCIES, "frequency", "frequency")


BCR_TYPES: Final[tuple[str, ...]] = get_args(fields.BcrType)
_BCR_TYPE_TABLE: Final = _table(
    BCR_TYPES,
    {
        "bcr-c": "controller",
        "bcr c": "controller",
        "rekisterinpitäjä": "controller",
        "bcr-p": "processor",
        "bcr p": "processor",
        "käsittelijä": "processor",
    },
)


def parse_bcr_type(value: str) -> str:
    """Controller or processor BCRs (GDPR Art. 47; EDPB Recommendations 1/2022 and 1/2025)."""
    return _choice(value, _BCR_TYPE_TABLE, BCR_TYPES, "BCR type", "bcr_type")


def parse_agreement_status(value: str) -> str:
    return _choice(value, _AGREEMENT_STATUS_TABLE, AGREEMENT_STATUSES, "agreement status", "status")


# --------------------------------------------------------------------------------------------
# Countries
# --------------------------------------------------------------------------------------------

#: Finnish country names (nominative, as people write them in a "Maa" column).
FINNISH_COUNTRY_NAMES: Final[Mapping[str, str]] = {
    # EU
    "Itävalta": "AT",
    "Belgia": "BE",
    "Bulgaria": "BG",
    "Kroatia": "HR",
    "Kypros": "CY",
    "Tšekki": "CZ",
    "Tsekki": "CZ",
    "Tšekin tasavalta": "CZ",
    "Tanska": "DK",
    "Viro": "EE",
    "Suomi": "FI",
    "Ranska": "FR",
    "Saksa": "DE",
    "Kreikka": "GR",
    "Unkari": "HU",
    "Irlanti": "IE",
    "Italia": "IT",
    "Latvia": "LV",
    "Liettua": "LT",
    "Luxemburg": "LU",
    "Malta": "MT",
    "Alankomaat": "NL",
    "Hollanti": "NL",
    "Puola": "PL",
    "Portugali": "PT",
    "Romania": "RO",
    "Slovakia": "SK",
    "Slovenia": "SI",
    "Espanja": "ES",
    "Ruotsi": "SE",
    # EEA
    "Islanti": "IS",
    "Liechtenstein": "LI",
    "Norja": "NO",
    # Third countries
    "Yhdysvallat": "US",
    "Amerikan yhdysvallat": "US",
    "USA": "US",
    "Iso-Britannia": "GB",
    "Yhdistynyt kuningaskunta": "GB",
    "Englanti": "GB",
    "Britannia": "GB",
    "Sveitsi": "CH",
    "Japani": "JP",
    "Etelä-Korea": "KR",
    "Korean tasavalta": "KR",
    "Intia": "IN",
    "Kiina": "CN",
    "Kanada": "CA",
    "Brasilia": "BR",
    "Australia": "AU",
    "Singapore": "SG",
    "Israel": "IL",
    "Uusi-Seelanti": "NZ",
    "Argentiina": "AR",
    "Uruguay": "UY",
    "Andorra": "AD",
    "Färsaaret": "FO",
    "Guernsey": "GG",
    "Jersey": "JE",
    "Mansaari": "IM",
    "Etelä-Afrikka": "ZA",
    "Filippiinit": "PH",
    "Vietnam": "VN",
    "Venäjä": "RU",
    "Turkki": "TR",
    "Ukraina": "UA",
    "Meksiko": "MX",
    "Taiwan": "TW",
    "Hongkong": "HK",
    "Indonesia": "ID",
    "Malesia": "MY",
    "Thaimaa": "TH",
    "Egypti": "EG",
    "Serbia": "RS",
    "Valko-Venäjä": "BY",
    "Arabiemiirikunnat": "AE",
    "Yhdistyneet arabiemiirikunnat": "AE",
    "Saudi-Arabia": "SA",
    "Pakistan": "PK",
    "Bangladesh": "BD",
    "Chile": "CL",
    "Kolumbia": "CO",
    "Peru": "PE",
    "Nigeria": "NG",
    "Kenia": "KE",
    "Marokko": "MA",
    "Georgia": "GE",
    "Armenia": "AM",
    "Moldova": "MD",
    "Albania": "AL",
    "Montenegro": "ME",
    "Pohjois-Makedonia": "MK",
    "Bosnia ja Hertsegovina": "BA",
    "Monaco": "MC",
    "San Marino": "SM",
    "Grönlanti": "GL",
    "Ahvenanmaa": "AX",
}

#: English spellings pycountry does not know (it knows "United States", "USA", "South Korea").
ENGLISH_COUNTRY_ALIASES: Final[Mapping[str, str]] = {
    "UK": "GB",
    "U.K.": "GB",
    "United Kingdom": "GB",
    "Great Britain": "GB",
    "Britain": "GB",
    "England": "GB",
    "Scotland": "GB",
    "Wales": "GB",
    "Northern Ireland": "GB",
    "US": "US",
    "U.S.": "US",
    "U.S.A.": "US",
    "America": "US",
    "United States of America": "US",
    "Russia": "RU",
    "Turkey": "TR",
    "Holland": "NL",
    "The Netherlands": "NL",
    "Czech Republic": "CZ",
    "Korea": "KR",
    "Republic of Korea": "KR",
    "Macedonia": "MK",
    "Swaziland": "SZ",
    "Ivory Coast": "CI",
    "Vatican": "VA",
    "Hong Kong": "HK",
    "UAE": "AE",
    "EL": "GR",
}

#: Not countries, but people write them: say so instead of "unknown country".
_REGIONS: Final = {
    "eu",
    "eea",
    "eta",
    "eu eta",
    "eu eea",
    "eu/eea",
    "eu/eta",
    "europe",
    "eurooppa",
    "global",
    "worldwide",
    "maailmanlaajuinen",
    "multiple",
    "useita",
}


def _build_country_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attribute in ("alpha_2", "alpha_3", "name", "official_name", "common_name"):
            spelled = getattr(country, attribute, None)
            if spelled:
                index.setdefault(_fold(spelled), country.alpha_2)
    for table in (ENGLISH_COUNTRY_ALIASES, FINNISH_COUNTRY_NAMES):
        for spelled, code in table.items():
            index[_fold(spelled)] = code
    return index


_COUNTRY_INDEX: Final = _build_country_index()


def parse_country(value: str) -> str:
    """ISO 3166-1 alpha-2 code from a code, an English name or a Finnish name.

    Only exact spellings match (no fuzzy search): a wrong destination country changes whether
    an adequacy decision (Art. 45) covers the transfer.
    """
    code = _COUNTRY_INDEX.get(_fold(value))
    if code is not None:
        return code
    if _fold(value) in _REGIONS:
        raise ValueProblem(
            f"{value!r} is a region, not a country",
            "Give one country per row (ISO code such as FI, US, or a name such as Saksa, "
            "Germany); split a multi-country transfer into one row per country.",
        )
    raise ValueProblem(
        f"unknown country {value!r}",
        "Use an ISO 3166-1 code (FI, SE, US, GB...) or a country name in English or Finnish "
        "(Germany / Saksa).",
    )


# --------------------------------------------------------------------------------------------
# Mechanisms and agreement kinds
# --------------------------------------------------------------------------------------------

_MECHANISM_SPELLINGS: Final[Mapping[str, str]] = {
    "no mechanism": "none",
    "not needed": "none",
    "not required": "none",
    "n/a": "none",
    "ei": "none",
    "ei tarvita": "none",
    "ei siirtoperustetta": "none",
    "adequacy decision": "adequacy",
    "commission adequacy decision": "adequacy",
    "art 45": "adequacy",
    "article 45": "adequacy",
    "riittävyyspäätös": "adequacy",
    "tietosuojan riittävyyttä koskeva päätös": "adequacy",
    "komission riittävyyspäätös": "adequacy",
    "data privacy framework": "dpf",
    "eu-us data privacy framework": "dpf",
    "eu us dpf": "dpf",
    "eu-us dpf": "dpf",
    "tietosuojakehys": "dpf",
    "eu-us tietosuojakehys": "dpf",
    "privacy shield": "privacy_shield",
    "eu-us privacy shield": "privacy_shield",
    "safe harbor": "safe_harbor",
    "safe harbour": "safe_harbor",
    "eu-us safe harbor": "safe_harbor",
    "bcr": "bcr",
    "bcrs": "bcr",
    "binding corporate rules": "bcr",
    "sitovat yrityssäännöt": "bcr",
    "art 47": "bcr",
    "idta": "uk_idta",
    "uk idta": "uk_idta",
    "international data transfer agreement": "uk_idta",
    "uk addendum": "uk_addendum",
    "idta addendum": "uk_addendum",
    "international data transfer addendum": "uk_addendum",
    "uk addendum to the eu sccs": "uk_addendum",
    "code of conduct": "code_of_conduct",
    "käytännesäännöt": "code_of_conduct",
    "art 40": "code_of_conduct",
    "certification": "certification",
    "sertifiointi": "certification",
    "art 42": "certification",
    "ad hoc clauses": "ad_hoc_clauses",
    "ad hoc contractual clauses": "ad_hoc_clauses",
    "ad-hoc clauses": "ad_hoc_clauses",
    "consent": "derogation_49_1_a",
    "explicit consent": "derogation_49_1_a",
    "suostumus": "derogation_49_1_a",
    "nimenomainen suostumus": "derogation_49_1_a",
    "performance of a contract": "derogation_49_1_b",
    "contract with the data subject": "derogation_49_1_b",
    "contract in the interest of the data subject": "derogation_49_1_c",
    "public interest": "derogation_49_1_d",
    "important reasons of public interest": "derogation_49_1_d",
    "yleinen etu": "derogation_49_1_d",
    "legal claims": "derogation_49_1_e",
    "oikeudelliset vaateet": "derogation_49_1_e",
    "vital interests": "derogation_49_1_f",
    "elintärkeät edut": "derogation_49_1_f",
    "public register": "derogation_49_1_g",
    "julkinen rekisteri": "derogation_49_1_g",
}

#: Spellings that could mean legally different mechanisms: never guessed, always reported.
AMBIGUOUS_MECHANISMS: Final[Mapping[str, tuple[str, ...]]] = {
    "contract": ("derogation_49_1_b", "derogation_49_1_c", "scc_2021", "ad_hoc_clauses"),
    "contracts": ("derogation_49_1_b", "derogation_49_1_c", "scc_2021", "ad_hoc_clauses"),
    "sopimus": ("derogation_49_1_b", "derogation_49_1_c", "scc_2021", "ad_hoc_clauses"),
    "clauses": ("scc_2021", "scc_2010", "scc_2004", "scc_2001", "ad_hoc_clauses"),
    "contractual clauses": ("scc_2021", "scc_2010", "scc_2004", "scc_2001", "ad_hoc_clauses"),
    "eu-us": ("dpf", "privacy_shield", "safe_harbor"),
    "eu us": ("dpf", "privacy_shield", "safe_harbor"),
    "derogation": tuple(c for c in MECHANISMS if c.startswith("derogation_")),
    "art 49": tuple(c for c in MECHANISMS if c.startswith("derogation_")),
    "poikkeus": tuple(c for c in MECHANISMS if c.startswith("derogation_")),
    "uk": ("uk_idta", "uk_addendum"),
}

_MECHANISM_TABLE: Final = _table(MECHANISMS, _MECHANISM_SPELLINGS)
_AMBIGUOUS_TABLE: Final = {_fold(k): v for k, v in AMBIGUOUS_MECHANISMS.items()}

_SCC_WORDS = re.compile(
    r"\b(sccs?|standard contractual clauses|standard data protection clauses|model clauses|"
    r"vakiosopimuslausekkeet|vakiolausekkeet|mallisopimuslausekkeet|"
    r"tietosuojaa koskevat vakiolausekkeet)\b"
)
_SCC_DECISIONS: Final = (
    (re.compile(r"\b2021 ?914\b|\b2021\b"), "scc_2021"),
    (re.compile(r"\b2010 ?87\b|\b2010\b"), "scc_2010"),
    (re.compile(r"\b2004 ?915\b|\b2004\b"), "scc_2004"),
    (re.compile(r"\b2001 ?497\b|\b2001\b"), "scc_2001"),
)
_DECISION_NUMBERS: Final = (
    (re.compile(r"\b2021 ?914\b"), "scc_2021"),
    (re.compile(r"\b2010 ?87\b"), "scc_2010"),
    (re.compile(r"\b2004 ?915\b"), "scc_2004"),
    (re.compile(r"\b2001 ?497\b"), "scc_2001"),
)
_ARTICLE_49 = re.compile(r"\b49 ?1 ?([a-g])\b")
_SCC_CANDIDATES: Final = SCC_CODES


def parse_mechanism(value: str) -> str:
    """The transfer mechanism code for what people write in a "mechanism" column.

    Raises :class:`ValueProblem` with ``candidates`` when the text is ambiguous, e.g. "SCC"
    without a year: the 2021 clauses (Decision 2021/914) and the repealed 2001/2004/2010 sets
    lead to different verdicts, so the sheet must say which.
    """
    folded = _fold(value)
    code = _MECHANISM_TABLE.get(folded)
    if code is not None:
        return code
    candidates = _AMBIGUOUS_TABLE.get(folded)
    if candidates is None:
        article = _ARTICLE_49.search(folded)
        if article is not None:
            return f"derogation_49_1_{article.group(1)}"
        for pattern, scc in _DECISION_NUMBERS:
            if pattern.search(folded):
                return scc
        if _SCC_WORDS.search(folded):
            found = {scc for pattern, scc in _SCC_DECISIONS if pattern.search(folded)}
            if len(found) == 1:
                return found.pop()
            candidates = _SCC_CANDIDATES
    if candidates is not None:
        raise ValueProblem(
            f"ambiguous mechanism {value!r}: could be {', '.join(candidates)}",
            f"Write the exact mechanism, one of: {', '.join(candidates)} "
            "(for SCCs give the year, e.g. 'SCC 2021' or '2021/914').",
            candidates,
        )
    raise ValueProblem(
        f"unknown mechanism {value!r}",
        f"Use one of: {', '.join(MECHANISMS)}; or a common name such as 'SCC 2021', 'DPF', "
        "'adequacy decision', 'BCR', 'IDTA', 'consent'.",
    )


_KIND_TABLE: Final = _table(
    AGREEMENT_KINDS,
    {
        "data processing agreement": "dpa",
        "data processing addendum": "dpa",
        "art 28": "dpa",
        "käsittelysopimus": "dpa",
        "tietojenkäsittelysopimus": "dpa",
        "henkilötietojen käsittelysopimus": "dpa",
        "joint controller agreement": "joint_controller",
        "joint controllership": "joint_controller",
        "jca": "joint_controller",
        "art 26": "joint_controller",
        "yhteisrekisterinpitäjäsopimus": "joint_controller",
        "muu": "other",
    },
)


def parse_agreement_kind(value: str) -> str:
    """Agreement kind; SCC and UK instruments accept the same spellings as mechanisms."""
    code = _KIND_TABLE.get(_fold(value))
    if code is not None:
        return code
    try:
        mechanism = parse_mechanism(value)
    except ValueProblem as problem:
        if problem.candidates:
            raise
        mechanism = ""
    if mechanism in AGREEMENT_KINDS:
        return mechanism
    raise ValueProblem(
        f"unknown agreement kind {value!r}",
        f"Use one of: {', '.join(AGREEMENT_KINDS)} (column kind).",
    )


# --------------------------------------------------------------------------------------------
# Scalars
# --------------------------------------------------------------------------------------------

_FINNISH_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})\.?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]00:00(?::00(?:\.0+)?)?)?$")


def parse_date(value: CellValue) -> date:
    """A date from an Excel date cell, ISO ``2026-11-24`` or Finnish ``24.11.2026``.

    US-style ``11/24/2026`` is refused rather than guessed: a swapped day and month moves a
    contract's end date by months.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueProblem(
            f"number {value!r} is not a date",
            "Format the cell as a date, or write it as 2026-11-24 or 24.11.2026.",
        )
    text = cell_text(value) or ""
    match = _ISO_DATE.match(text)
    parts: tuple[int, int, int] | None = None
    if match:
        parts = (int(match.group(1)), int(match.group(2)), int(match.group(3)))
    else:
        match = _FINNISH_DATE.match(text)
        if match:
            parts = (int(match.group(3)), int(match.group(2)), int(match.group(1)))
    if parts is not None:
        try:
            return date(*parts)
        except ValueError as exc:
            raise ValueProblem(
                f"{text!r} is not a real date ({exc})",
                "Check the day and month; write it as 2026-11-24 or 24.11.2026.",
            ) from None
    raise ValueProblem(
        f"{text!r} is not a date",
        "Write dates as 2026-11-24 or 24.11.2026, or format the cell as a date.",
    )


_TRUE: Final = frozenset({"yes", "y", "true", "1", "kyllä", "k", "x", "on"})
_FALSE: Final = frozenset({"no", "n", "false", "0", "ei", "e", "off"})


def parse_bool(value: CellValue) -> bool:
    """yes/no, kyllä/ei, true/false, 1/0 (and Excel TRUE/FALSE cells)."""
    if isinstance(value, bool):
        return value
    text = _fold(cell_text(value) or "")
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueProblem(f"{text!r} is not yes or no", "Write yes or no (kyllä / ei).")


_MODULE = re.compile(r"^(?:module|moduuli|mod|m)? ?([0-9]+)$")


def parse_scc_module(value: CellValue) -> int:
    """SCC module 1-4 (Decision 2021/914: C2C, C2P, P2P, P2C): "2", "Module 2", "moduuli 2"."""
    text = _fold(cell_text(value) or "")
    match = _MODULE.match(text)
    if match is None or not 1 <= int(match.group(1)) <= 4:
        raise ValueProblem(
            f"scc_module {text!r} is not 1, 2, 3 or 4",
            "Write the module number 1-4 (1 controller-controller, 2 controller-processor, "
            "3 processor-processor, 4 processor-controller).",
        )
    return int(match.group(1))


def parse_list(value: str) -> tuple[str, ...]:
    """Comma- or semicolon-separated items, trimmed, blanks and repeats dropped, order kept."""
    items = (" ".join(part.split()) for part in re.split(r"[;,\n]", value))
    return tuple(dict.fromkeys(item for item in items if item))


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """A documented import column: its canonical name, meaning and whether it is required."""

    name: str
    description: str
    required: bool = False
    synonyms: tuple[str, ...] = field(default=())


def _spec(name: str, description: str, required: bool = False) -> ColumnSpec:
    return ColumnSpec(name, description, required, COLUMN_SYNONYMS.get(name, ()))


_FORMATS: Final = {"tristate": "yes/no: ", "date": "Date: ", "select": "Code: "}


def fact_help(decl: record_fields.Decl) -> str:
    """A transfer fact column's help: how to write it, then what it means (the declaration's
    label and help)."""
    text = decl.label + (f" ({decl.help.rstrip('.')})" if decl.help else "")
    return _FORMATS.get(decl.kind, "") + text + "."


#: The flat sheet (one row per transfer, vendor columns repeated); also the CSV export header.
FLAT_COLUMNS: Final = (
    _spec("name", "Vendor name; vendors are matched by business_id, else by exact name.", True),
    _spec("business_id", "Vendor business id (Y-tunnus, VAT or registration number)."),
    _spec("country", "Vendor's country: ISO code or English/Finnish name.", True),
    _spec("role", "processor | subprocessor | controller | joint_controller", True),
    _spec("category", "cloud_hosting | device_warranty | software_licence | ... | other"),
    _spec(
        "destination_country", "Country the data goes to (blank: vendor without transfer).", True
    ),
    _spec("mechanism", "Transfer mechanism code or common name (SCC 2021, DPF, BCR...).", True),
    _spec("scc_module", "1-4, only with scc_2021."),
    _spec("dpa_signed_on", "Date the Art. 28 DPA was signed."),
    _spec("dpa_ends_on", "Date the DPA ends."),
    _spec("legal_name", "Vendor's registered legal name."),
    _spec("status", "proposed | in_review | approved | suspended | offboarded"),
    _spec("website", "Vendor website."),
    _spec("address", "Vendor's registered address (printed in DPAs and SCC annexes)."),
    _spec("signatory_name", "Who signs agreements for the vendor (printed in signature blocks)."),
    _spec("signatory_title", "The vendor signatory's position."),
    _spec("exporter_role", "controller | processor (our role; default controller)."),
    _spec("data_categories", "Categories of personal data, comma or semicolon separated."),
    _spec("frequency", "occasional | systematic"),
    _spec("dpf_certified", "yes/no: the importer is certified under the EU-US DPF."),
    _spec("dpf_verified_on", "Date the DPF list entry was checked."),
    _spec("started_on", "Date the transfer started."),
    _spec("ended_on", "Date the transfer ended."),
    *(_spec(d.name, fact_help(d)) for d in record_fields.TRANSFER_FACT_COLUMNS),
    _spec("authorised_by_processor", "yes/no: the sub-processor was engaged by our processor."),
    _spec("parent_business_id", "This vendor is a subprocessor of the vendor with this id."),
    _spec("parent_name", "This vendor is a subprocessor of the vendor with this name."),
)

VENDOR_COLUMNS: Final = (
    "name",
    "business_id",
    "legal_name",
    "country",
    "role",
    "category",
    "status",
    "website",
    "address",
    "signatory_name",
    "signatory_title",
    "authorised_by_processor",
    "parent_business_id",
    "parent_name",
)
AGREEMENT_COLUMNS: Final = (
    "name",
    "business_id",
    "kind",
    "scc_module",
    "title",
    "agreement_status",
    "signed_on",
    "ends_on",
    "terminated_on",
)
#: Transfer facts the rules engine reads beyond mechanism and module (fallback, BCR, Art. 46(3),
#: Art. 48 and Art. 49(1) second subparagraph), one column each, in this order.
TRANSFER_FACT_COLUMNS: Final = tuple(d.name for d in record_fields.TRANSFER_FACT_COLUMNS)
TRANSFER_COLUMNS: Final = (
    "name",
    "business_id",
    "destination_country",
    "mechanism",
    "scc_module",
    "exporter_role",
    "data_categories",
    "frequency",
    "dpf_certified",
    "dpf_verified_on",
    "started_on",
    "ended_on",
    *TRANSFER_FACT_COLUMNS,
)
SUBPROCESSOR_COLUMNS: Final = ("name", "business_id", "parent_name", "parent_business_id")
