""" "Cleared for what": the uses a vendor is approved for, and whether a requested use fits.

Read from the register, which intake approvals fill through the domain services: purposes and
data categories from the vendor's processings, countries from its transfers that are current or
planned and not unlawful (per :func:`evaluate_transfer`, via the vendor status). Open
conditions of a conditional approval keep an otherwise approved vendor ``conditional``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from transfers import register
from transfers.common.fields import country as country_code
from transfers.common.problems import not_found
from transfers.compliance.schemas import Clearance, OpenCondition, RequestedUse
from transfers.reference import load_reference
from transfers.register.rows import VendorRows
from transfers.rules.messages import country_name
from transfers.rules.status import VendorStatus


async def cleared_for(
    session: AsyncSession,
    vendor_id: int,
    status: VendorStatus,
    as_of: date,
    *,
    data_category: str | None = None,
    country: str | None = None,
    purpose: str | None = None,
    language: str = "en",
) -> tuple[VendorStatus, Clearance]:
    """The clearance of a vendor, read from the register snapshot (no query of its own when the
    snapshot is current: ``status_of`` has just brought it up to date)."""
    snapshot = await register.current(session)
    rows = snapshot.vendors.get(vendor_id)
    if rows is None:
        raise not_found("Vendor", vendor_id)
    return clearance(
        rows,
        status,
        as_of,
        data_category=data_category,
        country=country,
        purpose=purpose,
        language=language,
    )


def clearance(
    rows: VendorRows,
    status: VendorStatus,
    as_of: date,
    *,
    data_category: str | None = None,
    country: str | None = None,
    purpose: str | None = None,
    language: str = "en",
) -> tuple[VendorStatus, Clearance]:
    """What the vendor of ``rows`` is approved for, given its engine status on ``as_of``."""
    ref = load_reference()
    vendor = rows.vendor
    purposes = sorted({p for r in rows.processings for p in (r.purposes or ())})
    categories = {c for r in rows.processings for c in (r.data_categories or ())}
    by_country: dict[str, set[str]] = defaultdict(set)
    for facts, evaluation in status.transfers:
        planned = evaluation.verdict == "inactive" and evaluation.period_day is not None
        planned = planned and (facts.started_on is not None and facts.started_on > as_of)
        current = evaluation.verdict in ("lawful", "at_risk")
        if current or (planned and evaluation.period_verdict != "unlawful"):
            by_country[facts.destination_country].update(facts.data_categories)
            categories.update(facts.data_categories)
    if ref.membership(vendor.country, as_of) is not None:
        by_country[vendor.country].update(categories)
    approved = vendor.status == "approved"
    if not approved:
        purposes, categories, by_country = [], set(), defaultdict(set)

    conditions = [
        OpenCondition(
            intake_id=intake.id,
            number=number,
            text=c["text"],
            due_on=date.fromisoformat(c["due_on"]),
            overdue=date.fromisoformat(c["due_on"]) < as_of,
        )
        for intake in sorted(rows.conditions, key=lambda r: r.id)
        for number, c in enumerate(intake.conditions or (), start=1)
        if not c.get("met_on")
    ]
    requested = None
    if data_category is not None or country is not None or purpose is not None:
        requested = _requested(
            status,
            approved,
            vendor.status,
            purposes,
            categories,
            by_country,
            data_category=data_category.strip().lower() if data_category else None,
            country=country_code(country, "country") if country else None,
            purpose=purpose.strip().lower() if purpose else None,
            language=language,
        )
    return status, Clearance(
        purposes=purposes,
        data_categories=sorted(categories),
        countries=sorted(by_country),
        open_conditions=conditions,
        requested=requested,
    )


_STATUS_FI: Final = {
    "proposed": "ehdotettu",
    "in_review": "arvioitavana",
    "suspended": "keskeytetty",
    "offboarded": "päättynyt",
}
_WHY: Final[dict[str, tuple[str, str]]] = {
    "not_approved": (
        "The vendor is {status}, not approved.",
        "Toimittaja ei ole hyväksytty (tila: {status}).",
    ),
    "blocked": ("The vendor is blocked; see the reasons.", "Toimittaja on estetty; katso syyt."),
    "purpose": (
        "The purpose {purpose!r} is not among the approved purposes.",
        "Käyttötarkoitus {purpose!r} ei ole hyväksyttyjen käyttötarkoitusten joukossa.",
    ),
    "country": (
        "{country} is not among the approved countries.",
        "{country_fi} ei ole hyväksyttyjen maiden joukossa.",
    ),
    "category": (
        "The data category {category!r} is not approved{where}.",
        "Tietoluokkaa {category!r} ei ole hyväksytty{where_fi}.",
    ),
    "inside": ("Inside the approved use.", "Hyväksytyn käytön rajoissa."),
    "inside_conditions": (
        "Inside the approved use (approved with conditions still open).",
        "Hyväksytyn käytön rajoissa (hyväksytty ehdoin, ehtoja vielä avoinna).",
    ),
}


def _requested(
    status: VendorStatus,
    approved: bool,
    vendor_status: str,
    purposes: list[str],
    categories: set[str],
    by_country: dict[str, set[str]],
    *,
    data_category: str | None,
    country: str | None,
    purpose: str | None,
    language: str = "en",
) -> RequestedUse:
    fi = language == "fi"

    def say(key: str, **params: object) -> str:
        return _WHY[key][1 if fi else 0].format(**params)

    why: list[str] = []
    if not approved:
        shown = _STATUS_FI.get(vendor_status, vendor_status) if fi else vendor_status
        why.append(say("not_approved", status=shown.replace("_", " ")))
    elif status.status == "blocked":
        why.append(say("blocked"))
    if purpose is not None and purpose not in purposes:
        why.append(say("purpose", purpose=purpose))
    if country is not None and country not in by_country:
        why.append(say("country", country=country, country_fi=country_name(country, "fi")))
    if data_category is not None:
        allowed = by_country.get(country, set()) if country is not None else categories
        if data_category not in allowed:
            where = f" for {country}" if country is not None else ""
            where_fi = f" kohteeseen {country_name(country, 'fi')}" if country is not None else ""
            why.append(say("category", category=data_category, where=where, where_fi=where_fi))
    inside = not why
    if inside:
        why.append(say("inside_conditions" if status.status == "conditional" else "inside"))
    return RequestedUse(
        data_category=data_category, country=country, purpose=purpose, inside=inside, why=why
    )
