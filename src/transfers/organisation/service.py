"""Organisation and processing writes: validated, audited, never committed here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.audit.crud import (
    changes_of,
    create_audited,
    delete_audited,
    get_or_404,
    paginate,
    to_plain,
    update_audited,
)
from transfers.auth.schemas import Actor
from transfers.common.fields import clean_name, country
from transfers.common.problems import ProblemError, invalid
from transfers.models import Organisation, Processing, Vendor
from transfers.organisation.schemas import (
    OrganisationCreate,
    OrganisationUpdate,
    ProcessingCreate,
    ProcessingUpdate,
)
from transfers.reference.names import vocabulary


def _labels(values: list[str], *, codes: bool) -> list[str]:
    """Trimmed labels, de-duplicated regardless of case (``Contact `` == ``contact``). Data
    categories are codes of a vocabulary and are lower-cased; purposes and data subjects are
    free text that documents print as typed ("IT support", not "it support")."""
    seen: dict[str, str] = {}
    for v in values:
        if v.strip():
            seen.setdefault(v.strip().lower(), v.strip().lower() if codes else v.strip())
    return list(seen.values())


def _check_catalogue(catalogue: dict[str, str] | None, field: str) -> None:
    """Measures are filed under the categories SCC Annex II lists (reference vocabulary)."""
    known = vocabulary()["measure_categories"]
    unknown = sorted(set(catalogue or {}) - set(known))
    if unknown:
        raise invalid(f"Unknown measure categories {unknown}; use {', '.join(known)}.", field=field)


def _clean_org(values: dict[str, Any]) -> dict[str, Any]:
    if "name" in values:
        values["name"] = clean_name(values["name"])
    if "country" in values:
        values["country"] = country(values["country"])
    if "roles" in values:
        if not values["roles"]:
            raise invalid(
                "An organisation needs at least one role (controller or processor).", field="roles"
            )
        values["roles"] = list(dict.fromkeys(values["roles"]))
    return values


async def _unique_business_id(
    session: AsyncSession, business_id: str | None, exclude: int | None = None
) -> None:
    if not business_id:
        return
    stmt = select(Organisation.id).where(Organisation.business_id == business_id)
    if exclude is not None:
        stmt = stmt.where(Organisation.id != exclude)
    if (existing := await session.scalar(stmt)) is not None:
        raise ProblemError(
            409, "duplicate", f"Organisation {existing} already has business ID {business_id!r}."
        )


async def get_organisation(session: AsyncSession, org_id: int) -> Organisation:
    return await get_or_404(session, Organisation, org_id, "Organisation")


async def list_organisations(
    session: AsyncSession, limit: int, offset: int
) -> tuple[list[Organisation], int]:
    return await paginate(
        session, select(Organisation).order_by(Organisation.name, Organisation.id), limit, offset
    )


async def create_organisation(
    session: AsyncSession, data: OrganisationCreate, actor: Actor
) -> Organisation:
    values = _clean_org({k: to_plain(getattr(data, k)) for k in data.__struct_fields__})
    await _unique_business_id(session, values.get("business_id"))
    return await create_audited(session, Organisation(**values), actor, "organisation")


async def update_organisation(
    session: AsyncSession, org: Organisation, data: OrganisationUpdate, actor: Actor
) -> Organisation:
    changes = _clean_org(changes_of(data, exclude=frozenset({"version"})))
    for required in ("name", "country", "roles"):
        if required in changes and changes[required] is None:
            raise invalid(f"{required} cannot be null.", field=required)
    if "business_id" in changes:
        await _unique_business_id(session, changes["business_id"], exclude=org.id)
    return await update_audited(session, org, changes, actor, "organisation")


async def _check_processing_refs(session: AsyncSession, values: dict[str, Any]) -> None:
    if "vendor_id" in values and await session.get(Vendor, values["vendor_id"]) is None:
        raise invalid(f"Vendor {values['vendor_id']} does not exist.", field="vendor_id")
    if (
        values.get("organisation_id") is not None
        and await session.get(Organisation, values["organisation_id"]) is None
    ):
        raise invalid(
            f"Organisation {values['organisation_id']} does not exist.", field="organisation_id"
        )
    _check_catalogue(values.get("measures_catalogue"), "measures_catalogue")
    for lang, texts in (values.get("translations") or {}).items():
        _check_catalogue(
            (texts or {}).get("measures_catalogue"), f"translations.{lang}.measures_catalogue"
        )
    for key in ("purposes", "data_categories", "data_subject_categories"):
        if key in values and values[key] is not None:
            values[key] = _labels(values[key], codes=key == "data_categories")


async def get_processing(session: AsyncSession, processing_id: int) -> Processing:
    return await get_or_404(session, Processing, processing_id, "Processing")


async def list_processings(
    session: AsyncSession, vendor_id: int | None, limit: int, offset: int
) -> tuple[list[Processing], int]:
    stmt = select(Processing)
    if vendor_id is not None:
        stmt = stmt.where(Processing.vendor_id == vendor_id)
    return await paginate(session, stmt.order_by(Processing.id), limit, offset)


async def create_processing(
    session: AsyncSession, data: ProcessingCreate, actor: Actor
) -> Processing:
    values = {k: to_plain(getattr(data, k)) for k in data.__struct_fields__}
    values["service"] = clean_name(values["service"], "service")
    await _check_processing_refs(session, values)
    return await create_audited(session, Processing(**values), actor, "processing")


async def update_processing(
    session: AsyncSession, processing: Processing, data: ProcessingUpdate, actor: Actor
) -> Processing:
    changes = changes_of(data, exclude=frozenset({"version"}))
    if "service" in changes:
        changes["service"] = clean_name(changes["service"], "service")
    await _check_processing_refs(session, changes)
    return await update_audited(session, processing, changes, actor, "processing")


async def delete_organisation(
    session: AsyncSession, organisation: Organisation, actor: Actor
) -> None:
    """Delete one of our organisations (audited); one still referenced is refused with 409."""
    await delete_audited(session, organisation, actor, "organisation")


async def delete_processing(session: AsyncSession, processing: Processing, actor: Actor) -> None:
    """Delete a processing activity (audited); one still referenced is refused with 409."""
    await delete_audited(session, processing, actor, "processing")
