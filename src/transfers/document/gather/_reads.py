"""The reads documents make beside the register read model: whole rows of the entities a
document prints (names, addresses, texts, translations, clause elections), which the read
model does not hold. Every query of the gatherers is here; which vendors, transfers and
processings to read, and how they are linked, comes from the read model."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.models import (
    Agreement,
    Organisation,
    Processing,
    Transfer,
    Vendor,
)

M = TypeVar("M")


async def row(session: AsyncSession, model: type[M], row_id: int | None) -> M | None:
    """One row by primary key (None for no id or no row)."""
    return await session.get(model, row_id) if row_id else None


async def organisation(session: AsyncSession, org_id: int | None) -> Organisation | None:
    """The organisation a document speaks for: the given one, else the first."""
    org = await row(session, Organisation, org_id)
    if org is None:
        org = await session.scalar(select(Organisation).order_by(Organisation.id).limit(1))
    return org


async def vendors(session: AsyncSession, ids: Iterable[int]) -> dict[int, Vendor]:
    wanted = list(ids)
    if not wanted:
        return {}
    found = await session.scalars(select(Vendor).where(Vendor.id.in_(wanted)))
    return {v.id: v for v in found.all()}


async def processings(session: AsyncSession, ids: Iterable[int | None]) -> dict[int, Processing]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    found = await session.scalars(select(Processing).where(Processing.id.in_(wanted)))
    return {p.id: p for p in found.all()}


async def transfers(session: AsyncSession, vendor_ids: Iterable[int]) -> dict[int, Transfer]:
    wanted = list(vendor_ids)
    if not wanted:
        return {}
    found = await session.scalars(select(Transfer).where(Transfer.vendor_id.in_(wanted)))
    return {t.id: t for t in found.all()}


async def agreements(session: AsyncSession, vendor_id: int) -> list[Agreement]:
    """The vendor's agreements, newest first."""
    found = await session.scalars(
        select(Agreement).where(Agreement.vendor_id == vendor_id).order_by(Agreement.id.desc())
    )
    return list(found.all())


async def scc_agreement(session: AsyncSession, transfer: Transfer) -> Agreement | None:
    """The 2021 SCC agreement a transfer relies on: its linked agreement, else the vendor's
    newest 2021 SCCs."""
    agreement = await row(session, Agreement, transfer.agreement_id)
    if agreement is None or agreement.kind != "scc_2021":
        agreement = await session.scalar(
            select(Agreement)
            .where(Agreement.vendor_id == transfer.vendor_id, Agreement.kind == "scc_2021")
            .order_by(Agreement.id.desc())
            .limit(1)
        )
    return agreement


async def processor_vendors(session: AsyncSession) -> dict[int, str]:
    """Vendors (not offboarded) with a processing we do as our customers' processor, by id."""
    stmt = (
        select(Vendor.id, Vendor.name)
        .join(Processing, Processing.vendor_id == Vendor.id)
        .where(Processing.our_role == "processor", Vendor.status != "offboarded")
    )
    return {vid: name for vid, name in (await session.execute(stmt)).all()}
