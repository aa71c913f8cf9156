"""Shared field types and validators (countries, durations, enums as the API spells them)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import pycountry
from litestar.params import Parameter
from msgspec import Meta

from transfers.common.problems import invalid

SINGLE_LINE = r"\A[^\x00-\x1f\x7f]*\Z"
"""No control characters: NUL breaks PostgreSQL, \\u0001 breaks an XLSX export."""
MULTI_LINE = r"\A[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*\Z"
"""Long text may hold tabs and line breaks, still no other control characters."""
CONTROL_PATTERNS = frozenset({SINGLE_LINE, MULTI_LINE})

# Each text type's max_length is its column's length (tests/test_field_limits.py keeps them equal).
Name = Annotated[str, Meta(min_length=1, max_length=200, pattern=SINGLE_LINE)]
ServiceName = Annotated[str, Meta(min_length=1, max_length=300, pattern=SINGLE_LINE)]
ShortText = Annotated[str, Meta(max_length=500, pattern=SINGLE_LINE)]
LegalName = Annotated[str, Meta(max_length=300, pattern=SINGLE_LINE)]
PersonName = Annotated[str, Meta(max_length=200, pattern=SINGLE_LINE)]
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
CountryCode = Annotated[str, Meta(min_length=2, max_length=2, description="ISO 3166-1 alpha-2")]
Email = Annotated[str, Meta(max_length=320, pattern=SINGLE_LINE)]
SccModule = Annotated[int, Meta(ge=1, le=4)]
Limit = Annotated[int, Parameter(ge=1, le=500, description="Page size, 1-500")]
Offset = Annotated[int, Parameter(ge=0, description="Items to skip")]
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
]
TransferType = Literal["storage", "remote_access", "onward_transfer"]
Frequency = Literal["occasional", "systematic"]
Conclusion = Literal["adequate", "adequate_with_measures", "not_adequate"]
ApiRole = Literal["admin", "legal", "procurement"]


def country(code: str, field: str = "country") -> str:
    """Upper-case and check an ISO 3166-1 alpha-2 code against pycountry, or a destination the
    legal reference names (the European Patent Organisation, ``EP``, has no ISO code)."""
    from transfers.reference import load_reference

    normalised = code.strip().upper()
    if (
        pycountry.countries.get(alpha_2=normalised) is None
        and normalised not in load_reference().names
    ):
        raise invalid(
            f"Unknown country code {code!r}: use ISO 3166-1 alpha-2 (e.g. FI, US).", field=field
        )
    return normalised


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
