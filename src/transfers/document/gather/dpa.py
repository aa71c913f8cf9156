"""The Art. 28(3) DPA with one vendor (GDPR Art. 28(3), 28(4) for a sub-processor)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from transfers.common.problems import ProblemError, invalid, not_found
from transfers.document import context as ctx
from transfers.document.gather import _parts as parts
from transfers.document.gather import _reads as reads
from transfers.document.gather._base import Gathered, Request
from transfers.document.stale import Used
from transfers.models import Vendor
from transfers.reference import load_reference


async def gather_dpa(session: AsyncSession, request: Request, used: Used) -> Gathered:
    if request.vendor_id is None:
        raise invalid("A DPA is generated for a vendor: give vendor_id.", field="vendor_id")
    vendor = await reads.row(session, Vendor, request.vendor_id)
    if vendor is None:
        raise not_found("Vendor", request.vendor_id)
    await refuse_if_not_ours(session, vendor, request, used)
    used.add("vendor", vendor)
    used.derive({vendor.id}, "subprocessor_ids", "transfer_ids")
    first = await parts.own_processing(session, vendor.id, used)
    processing, org_id = parts.processing_data(first, used)
    # Everything missing is listed at once (the workspace's checklist), not one part at a time.
    missing: list[str] = []
    try:
        base = request.base(await parts.organisation(session, org_id, used))
    except ctx.MissingDataError as exc:
        missing += exc.missing
        base = {}
    agreement = await parts.art28_agreement(session, vendor.id, request.as_of, used)
    try:
        subs = await parts.chain_rows(
            session, {vendor.id}, request.as_of, request.language, used, include_tops=False
        )
    except ctx.MissingDataError as exc:
        missing += exc.missing
        subs = []
    chain = {vendor.id} | {s.vendor_id for s in subs if s.vendor_id is not None}
    used.derive(chain, "transfer_ids")
    kept = {
        "vendor_id": vendor.id,
        "vendor_version": vendor.version,
        "subprocessors": [s.name for s in subs],
    }
    transfers = await parts.transfer_data(session, chain, request.as_of, used)
    try:
        context = ctx.dpa_context(
            base,
            parts.vendor_data(vendor),
            processing,
            agreement,
            subs,
            request.language,
            options=request.options,
            transfers=transfers,
        )
    except ctx.MissingDataError as exc:
        raise ctx.MissingDataError(missing + [m for m in exc.missing if m not in missing]) from exc
    if missing:
        raise ctx.MissingDataError(missing)
    return context, kept


async def refuse_if_not_ours(
    session: AsyncSession, vendor: Vendor, request: Request, used: Used
) -> None:
    """A processor engaged by one of our vendors, not by us, is that vendor's sub-processor:
    the Art. 28(4) contract with it is the engaging vendor's to make, not ours (the chain
    links of the register read model say who engaged whom). Refused (422) with the reason and
    the vendor that engaged it, unless we hold an Art. 28 agreement of our own with it (one
    recorded with our organisation as party)."""
    engagers = used.snapshot.engaged_by(vendor.id, request.as_of)
    if not engagers:
        return
    ref = load_reference()
    ours = [
        a
        for a in await reads.agreements(session, vendor.id)
        if a.organisation_id is not None and ref.covers_art28(a.kind, a.scc_module)
    ]
    if ours:
        return
    by = await reads.vendors(session, engagers)
    names = [parts.legal(by.get(v)) or str(v) for v in engagers]
    raise ProblemError(
        422,
        "not-our-sub-processor",
        f"{parts.legal(vendor)} is a sub-processor engaged by {', '.join(names)} (the register's "
        "sub-processor chain), not by us: its data processing agreement is for "
        f"{names[0]} to conclude (GDPR Art. 28(4)). Generate the DPA with {names[0]}, whose "
        "Annex III lists it, or record an agreement of our own with it first.",
        title="Not our sub-processor",
        engaged_by=[{"vendor_id": v, "name": n} for v, n in zip(engagers, names, strict=True)],
    )
