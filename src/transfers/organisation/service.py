"""Organisation and processing writes: validated, audited, never committed here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
from transfers.audit.service import create_many
from transfers.auth.schemas import Actor
from transfers.common.batch import (
    BatchInvalid,
    ItemProblem,
    check_each,
    convert_all,
    existing_ids,
)
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


def _organisation_values(data: OrganisationCreate) -> dict[str, Any]:
    """The columns of a new organisation, cleaned (single and batched creates)."""
    return _clean_org({k: to_plain(getattr(data, k)) for k in data.__struct_fields__})


async def create_organisation(
    session: AsyncSession, data: OrganisationCreate, actor: Actor
) -> Organisation:
    values = _organisation_values(data)
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
    _clean_processing(values)


def _clean_processing(values: dict[str, Any]) -> dict[str, Any]:
    """The rules on a processing's own fields (measures catalogue, labels)."""
    _check_catalogue(values.get("measures_catalogue"), "measures_catalogue")
    for lang, texts in (values.get("translations") or {}).items():
        _check_catalogue(
            (texts or {}).get("measures_catalogue"), f"translations.{lang}.measures_catalogue"
        )
    for key in ("purposes", "data_categories", "data_subject_categories"):
        if key in values and values[key] is not None:
            values[key] = _labels(values[key], codes=key == "data_categories")
    return values


async def get_processing(session: AsyncSession, processing_id: int) -> Processing:
    return await get_or_404(session, Processing, processing_id, "Processing")


async def list_processings(
    session: AsyncSession, vendor_id: int | None, limit: int, offset: int
) -> tuple[list[Processing], int]:
    stmt = select(Processing)
    if vendor_id is not None:
        stmt = stmt.where(Processing.vendor_id == vendor_id)
    return await paginate(session, stmt.order_by(Processing.id), limit, offset)


def _processing_values(data: ProcessingCreate) -> dict[str, Any]:
    values = {k: to_plain(getattr(data, k)) for k in data.__struct_fields__}
    values["service"] = clean_name(values["service"], "service")
    return values


async def create_processing(
    session: AsyncSession, data: ProcessingCreate, actor: Actor
) -> Processing:
    values = _processing_values(data)
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


# -- batched entry points: the same schema and rules, set-based writes -----------------------


async def create_organisations(
    session: AsyncSession, items: Sequence[OrganisationCreate | Mapping[str, Any]], actor: Actor
) -> list[int]:
    """Create many organisations under :func:`create_organisation`'s schema and rules (business
    IDs unique in the register and the batch); one insert, one audit event each. Raises
    :class:`BatchInvalid` naming every refused item, writing nothing."""
    problems: list[ItemProblem] = []
    rows = check_each(
        convert_all(items, OrganisationCreate, problems), _organisation_values, problems
    )
    bids = [r["business_id"] for _, r in rows if r.get("business_id")]
    taken = await existing_ids(session, Organisation.business_id, bids)
    seen: set[str] = set()
    for index, row in rows:
        bid = row.get("business_id")
        if bid and (bid in taken or bid in seen):
            problems.append(
                ItemProblem(index, "business_id", f"Business ID {bid!r} is already in use.")
            )
        elif bid:
            seen.add(bid)
    if problems:
        raise BatchInvalid(sorted(problems, key=lambda p: p.index))
    return await create_many(session, Organisation, [r for _, r in rows], actor, "organisation")


async def create_processings(
    session: AsyncSession, items: Sequence[ProcessingCreate | Mapping[str, Any]], actor: Actor
) -> list[int]:
    """Create many processings under :func:`create_processing`'s schema and rules, checking
    vendors and organisations in a few set queries; one insert, one audit event each. Raises
    :class:`BatchInvalid` naming every refused item, writing nothing."""
    problems: list[ItemProblem] = []
    structs = convert_all(items, ProcessingCreate, problems)
    rows = check_each(structs, lambda d: _clean_processing(_processing_values(d)), problems)
    vendors = await existing_ids(session, Vendor.id, (r["vendor_id"] for _, r in rows))
    orgs = await existing_ids(session, Organisation.id, (r["organisation_id"] for _, r in rows))
    for index, row in rows:
        if row["vendor_id"] not in vendors:
            problems.append(
                ItemProblem(index, "vendor_id", f"Vendor {row['vendor_id']} does not exist.")
            )
        if row.get("organisation_id") is not None and row["organisation_id"] not in orgs:
            problems.append(
                ItemProblem(
                    index,
                    "organisation_id",
                    f"Organisation {row['organisation_id']} does not exist.",
                )
            )
    if problems:
        raise BatchInvalid(sorted(problems, key=lambda p: p.index))
    return await create_many(session, Processing, [r for _, r in rows], actor, "processing")
