"""Transfer writes: reject what cannot be true, store what may be unlawful (the engine says so)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.auth.schemas import Actor
from transfers.common.crud import (
    changes_of,
    create_audited,
    delete_audited,
    get_or_404,
    paginate,
    to_plain,
    update_audited,
)
from transfers.common.fields import check_period, country
from transfers.common.problems import ProblemError, invalid
from transfers.models import Agreement, Assessment, Organisation, Processing, Transfer, Vendor
from transfers.transfer.schemas import TransferCreate, TransferUpdate

REQUIRED = ("exporter_role", "destination_country", "mechanism", "transfer_type", "data_categories")


def validate_transfer(values: dict[str, Any]) -> dict[str, Any]:
    """Cross-field rules on the merged state of a transfer."""
    if "destination_country" in values and values["destination_country"] is not None:
        values["destination_country"] = country(
            values["destination_country"], "destination_country"
        )
    if values.get("data_categories") is not None:
        values["data_categories"] = list(
            dict.fromkeys(c.strip().lower() for c in values["data_categories"] if c.strip())
        )
    if values.get("scc_module") is not None and values.get("mechanism") != "scc_2021":
        raise invalid(
            "scc_module applies only with mechanism scc_2021 (Decision 2021/914).",
            field="scc_module",
        )
    if values.get("fallback_mechanism") is not None and values.get(
        "fallback_mechanism"
    ) == values.get("mechanism"):
        raise invalid("fallback_mechanism must differ from mechanism.", field="fallback_mechanism")
    check_period(values.get("started_on"), values.get("ended_on"), "started_on", "ended_on")
    return values


async def _check_refs(session: AsyncSession, values: dict[str, Any], vendor_id: int) -> None:
    if await session.get(Vendor, vendor_id) is None:
        raise invalid(f"Vendor {vendor_id} does not exist.", field="vendor_id")
    if values.get("agreement_id") is not None:
        agreement = await session.get(Agreement, values["agreement_id"])
        if agreement is None:
            raise invalid(
                f"Agreement {values['agreement_id']} does not exist.", field="agreement_id"
            )
        if agreement.vendor_id != vendor_id:
            raise invalid(
                f"Agreement {agreement.id} belongs to another vendor ({agreement.vendor_id}).",
                field="agreement_id",
            )
    if (
        values.get("organisation_id") is not None
        and await session.get(Organisation, values["organisation_id"]) is None
    ):
        raise invalid(
            f"Organisation {values['organisation_id']} does not exist.", field="organisation_id"
        )
    if values.get("processing_id") is not None:
        processing = await session.get(Processing, values["processing_id"])
        if processing is None or processing.vendor_id != vendor_id:
            raise invalid(
                f"Processing {values['processing_id']} does not exist for vendor {vendor_id}.",
                field="processing_id",
            )


async def get_transfer(session: AsyncSession, transfer_id: int) -> Transfer:
    return await get_or_404(session, Transfer, transfer_id, "Transfer")


async def list_transfers(
    session: AsyncSession,
    *,
    vendor_id: int | None = None,
    destination_country: str | None = None,
    mechanism: str | None = None,
    exporter_role: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Transfer], int]:
    stmt = select(Transfer)
    if vendor_id is not None:
        stmt = stmt.where(Transfer.vendor_id == vendor_id)
    if destination_country:
        stmt = stmt.where(Transfer.destination_country == destination_country.upper())
    if mechanism:
        stmt = stmt.where(Transfer.mechanism == mechanism)
    if exporter_role:
        stmt = stmt.where(Transfer.exporter_role == exporter_role)
    return await paginate(session, stmt.order_by(Transfer.id), limit, offset)


async def create_transfer(session: AsyncSession, data: TransferCreate, actor: Actor) -> Transfer:
    values = validate_transfer({k: to_plain(getattr(data, k)) for k in data.__struct_fields__})
    await _check_refs(session, values, data.vendor_id)
    return await create_audited(session, Transfer(**values), actor, "transfer")


async def update_transfer(
    session: AsyncSession, transfer: Transfer, data: TransferUpdate, actor: Actor
) -> Transfer:
    changes = changes_of(data, exclude=frozenset({"version"}))
    for required in REQUIRED:
        if required in changes and changes[required] is None:
            raise invalid(f"{required} cannot be null.", field=required)
    merged = validate_transfer(
        {c.key: getattr(transfer, c.key) for c in Transfer.__table__.columns} | changes
    )
    await _check_refs(session, changes, transfer.vendor_id)
    return await update_audited(
        session, transfer, {k: merged[k] for k in changes}, actor, "transfer"
    )


async def delete_transfer(
    session: AsyncSession, transfer: Transfer, actor: Actor, *, cascade: bool = False
) -> None:
    """Delete a transfer. Its transfer impact assessments (the evidence behind its verdict) go
    with it only when asked (``cascade``), each with its own audit event; otherwise 409 naming
    them, so that no assessment disappears unnoticed."""
    assessments = list(
        (
            await session.scalars(
                select(Assessment)
                .where(Assessment.transfer_id == transfer.id)
                .order_by(Assessment.id)
            )
        ).all()
    )
    if assessments and not cascade:
        raise ProblemError(
            409,
            "has-dependents",
            f"Transfer {transfer.id} has {len(assessments)} assessment(s) ("
            + ", ".join(f"assessment {a.id}" for a in assessments)
            + "); delete them first, or send ?cascade=true to delete them with it.",
            title="Transfer has assessments",
            dependents=[{"type": "assessment", "id": a.id} for a in assessments],
        )
    for assessment in assessments:
        await delete_audited(session, assessment, actor, "assessment")
    await delete_audited(session, transfer, actor, "transfer")
