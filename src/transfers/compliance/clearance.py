""" "Cleared for what": the uses a vendor is approved for, and whether a requested use fits.

Read from the register, which intake approvals fill through the domain services: purposes and
data categories from the vendor's processings, countries from its transfers that are current or
planned and not unlawful (per :func:`evaluate_transfer`, via the vendor status). Open
conditions of a conditional approval keep an otherwise approved vendor ``conditional``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.common.fields import country as country_code
from transfers.compliance.schemas import Clearance, OpenCondition, RequestedUse
from transfers.intake.service import open_conditions
from transfers.models import Processing, Vendor
from transfers.reference import load_reference
from transfers.rules.evaluate import Reason
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
) -> tuple[VendorStatus, Clearance]:
    ref = load_reference()
    vendor = await session.get(Vendor, vendor_id)
    assert vendor is not None  # status_of has already answered 404
    rows = (
        await session.execute(
            select(Processing.purposes, Processing.data_categories).where(
                Processing.vendor_id == vendor_id
            )
        )
    ).all()
    purposes = sorted({p for r in rows for p in (r.purposes or ())})
    categories = {c for r in rows for c in (r.data_categories or ())}
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
        for intake, number, c in await open_conditions(session, {vendor_id})
    ]
    if conditions and status.status == "approved":
        ids = sorted({c.intake_id for c in conditions})
        status = replace(
            status,
            status="conditional",
            reasons=(
                *status.reasons,
                Reason(
                    "intake_conditions_open",
                    "warning",
                    f"Approved with conditions: {len(conditions)} condition(s) of intake "
                    f"request(s) {', '.join(map(str, ids))} not yet met.",
                    f"Legal review decision (intake request {', '.join(map(str, ids))})",
                    "K",
                    "intake_conditions_open",
                    {"intake_ids": tuple(ids), "open": len(conditions)},
                ),
            ),
        )

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
        )
    return status, Clearance(
        purposes=purposes,
        data_categories=sorted(categories),
        countries=sorted(by_country),
        open_conditions=conditions,
        requested=requested,
    )


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
) -> RequestedUse:
    why: list[str] = []
    if not approved:
        why.append(f"The vendor is {vendor_status.replace('_', ' ')}, not approved.")
    elif status.status == "blocked":
        why.append("The vendor is blocked; see the reasons.")
    if purpose is not None and purpose not in purposes:
        why.append(f"The purpose {purpose!r} is not among the approved purposes.")
    if country is not None and country not in by_country:
        why.append(f"{country} is not among the approved countries.")
    if data_category is not None:
        allowed = by_country.get(country, set()) if country is not None else categories
        if data_category not in allowed:
            where = f" for {country}" if country is not None else ""
            why.append(f"The data category {data_category!r} is not approved{where}.")
    inside = not why
    if inside:
        why.append(
            "Inside the approved use"
            + (" (approved with conditions still open)." if status.status == "conditional" else ".")
        )
    return RequestedUse(
        data_category=data_category, country=country, purpose=purpose, inside=inside, why=why
    )
