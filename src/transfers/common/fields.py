"""Shared field types and validators (countries, durations, enums as the API spells them)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

import pycountry
from msgspec import Meta

from transfers.common.problems import invalid

if TYPE_CHECKING:
    from transfers.common.params import Limit as Limit
    from transfers.common.params import Offset as Offset

SINGLE_LINE = r"\A[^\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]*\Z"
"""No control characters and nothing else XML 1.0 cannot hold (lone surrogates, U+FFFE,
U+FFFF): NUL breaks PostgreSQL, \\u0001 or \\uffff breaks every XLSX export and document."""
MULTI_LINE = r"\A[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]*\Z"
"""Long text may hold tabs and line breaks, still nothing else of the above."""
CONTROL_PATTERNS = frozenset({SINGLE_LINE, MULTI_LINE})

# Each text type's max_length is its column's length (tests/test_field_limits.py keeps them equal).
Name = Annotated[str, Meta(min_length=1, max_length=200, pattern=SINGLE_LINE)]
ServiceName = Annotated[str, Meta(min_length=1, max_length=300, pattern=SINGLE_LINE)]
ShortText = Annotated[str, Meta(max_length=500, pattern=SINGLE_LINE)]
LegalName = Annotated[str, Meta(max_length=300, pattern=SINGLE_LINE)]
PersonName = Annotated[str, Meta(max_length=200, pattern=SINGLE_LINE)]
JobTitle = Annotated[str, Meta(max_length=200, pattern=SINGLE_LINE)]
Reference = Annotated[str, Meta(max_length=200, pattern=SINGLE_LINE)]
BusinessId = Annotated[str, Meta(max_length=40, pattern=SINGLE_LINE)]
Phone = Annotated[str, Meta(max_length=60, pattern=SINGLE_LINE)]
Duration = Annotated[
    str,
    Meta(
        max_length=20,
        pattern=SINGLE_LINE,
        description='A period: "3 years", "6 months", "12 kk", "2 vuotta" or ISO 8601 ("P3Y", "P6M")',
        examples=["3 years", "P6M"],
    ),
]
LongText = Annotated[str, Meta(max_length=20_000, pattern=MULTI_LINE)]
CountryCode = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=60,
        pattern=SINGLE_LINE,
        description=(
            "ISO 3166-1 alpha-2 code, any case (FI, us). UK and EL are accepted for GB and GR, "
            "XK for Kosovo, EP for the European Patent Organisation; anything else is refused "
            "with a suggestion (USA -> US). Stored as the two-letter code."
        ),
    ),
]
Email = Annotated[str, Meta(max_length=320, pattern=SINGLE_LINE)]
SccModule = Annotated[int, Meta(ge=1, le=4)]
MAX_ID = 2_147_483_647
"""Ids are 32-bit on PostgreSQL; larger numbers are refused as input, never sent to the database."""
Id = Annotated[int, Meta(ge=1, le=MAX_ID)]

VendorRole = Literal["processor", "subprocessor", "controller", "joint_controller"]
VendorCategory = Literal[
    "cloud_hosting",
    "device_warranty",
    "software_licence",
    "logistics",
    "insurance",
    "marketing_events",
    "payment",
    "support_tooling",
    "other",
]
VendorStatus = Literal["proposed", "in_review", "approved", "suspended", "offboarded"]
PartyRole = Literal["controller", "processor"]
AgreementKind = Literal[
    "dpa",
    "scc_2021",
    "scc_2010",
    "scc_2004",
    "scc_2001",
    "scc_2002",
    "ad_hoc_clauses",
    "uk_idta",
    "uk_addendum",
    "joint_controller",
    "other",
]
AgreementStatus = Literal["draft", "signed", "terminated"]
SubprocessorAuthorisation = Literal["specific", "general"]
Mechanism = Literal[
    "none",
    "adequacy",
    "dpf",
    "scc_2021",
    "scc_2010",
    "scc_2004",
    "scc_2001",
    "scc_2002",
    "privacy_shield",
    "safe_harbor",
    "bcr",
    "uk_idta",
    "uk_addendum",
    "code_of_conduct",
    "certification",
    "ad_hoc_clauses",
    "derogation_49_1_a",
    "derogation_49_1_b",
    "derogation_49_1_c",
    "derogation_49_1_d",
    "derogation_49_1_e",
    "derogation_49_1_f",
    "derogation_49_1_g",
    "derogation_49_1_second",
    "art48_international_agreement",
]
MechanismInput = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=40,
        extra_json_schema={"enum": list(get_args(Mechanism))},
        description="A transfer mechanism code (any case); a wrong one is refused with the list.",
    ),
]
BcrType = Literal["controller", "processor"]
TransferType = Literal["storage", "remote_access", "onward_transfer"]
Frequency = Literal["occasional", "systematic"]
Conclusion = Literal["adequate", "adequate_with_measures", "not_adequate"]
ApiRole = Literal["admin", "legal", "procurement"]


#: Codes people type that are not ISO 3166-1 alpha-2 but mean one exactly: the EU's own codes
#: for the UK and Greece (Interinstitutional Style Guide), and Kosovo's user-assigned code.
COUNTRY_ALIASES: dict[str, str] = {"UK": "GB", "EL": "GR"}


def country(code: str, field: str = "country") -> str:
    """An ISO 3166-1 alpha-2 code from what a user types: any case, UK/EL for GB/GR, XK, or a
    destination the legal reference names (the European Patent Organisation, ``EP``). A wrong
    value is refused with a suggestion (``USA`` -> ``US``, ``Germany`` -> ``DE``), never guessed."""
    from transfers.reference import load_reference

    normalised = code.strip().upper()
    normalised = COUNTRY_ALIASES.get(normalised, normalised)
    if len(normalised) == 2 and (
        pycountry.countries.get(alpha_2=normalised) is not None
        or normalised in load_reference().names
    ):
        return normalised
    suggestion = _suggest_country(code.strip())
    hint = f" Did you mean {suggestion}?" if suggestion else ""
    raise invalid(
        f"Unknown country code {code!r}: use an ISO 3166-1 alpha-2 code such as FI or US.{hint}",
        errors=[
            {
                "field": field,
                "message": "not an ISO 3166-1 alpha-2 code",
                **({"suggestion": suggestion} if suggestion else {}),
            }
        ],
    )


def _suggest_country(text: str) -> str | None:
    if not text:
        return None
    found = pycountry.countries.get(alpha_3=text.upper())
    if found is None:
        try:
            found = pycountry.countries.lookup(text)
        except LookupError:
            return None
    return str(found.alpha_2)


def mechanism_code(value: str, field: str = "mechanism") -> str:
    """A mechanism code in any case; a wrong one is a 422 listing the allowed codes."""
    from transfers.reference import load_reference

    code = value.strip().lower()
    allowed = [m.code for m in load_reference().mechanisms()]
    if code in allowed:
        return code
    raise invalid(
        f"Unknown transfer mechanism {value!r}. Allowed: {', '.join(allowed)}.",
        errors=[{"field": field, "message": "unknown mechanism", "allowed": allowed}],
    )


def clean_name(value: str, field: str = "name") -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise invalid(f"{field} must not be blank.", field=field)
    return cleaned


def check_period(start: date | None, end: date | None, start_field: str, end_field: str) -> None:
    if start is not None and end is not None and end < start:
        raise invalid(
            f"{end_field} ({end.isoformat()}) is before {start_field} ({start.isoformat()}).",
            field=end_field,
        )


def __getattr__(name: str) -> Any:
    """``Limit`` and ``Offset`` are Litestar query parameters (``common.params``): imported on
    first use so that the CLI, the importer and the rules never load the web stack."""
    if name in ("Limit", "Offset"):
        from transfers.common import params

        return getattr(params, name)
    raise AttributeError(name)
