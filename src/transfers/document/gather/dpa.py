"""The Art. 28(3) DPA with one vendor (GDPR Art. 28(3), 28(4) for a sub-processor)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from transfers.common.problems import invalid, not_found
from transfers.document import context as ctx
from transfers.document.gather import _parts as parts
from transfers.document.gather import _reads as reads
from transfers.document.gather._base import Gathered, Request
from transfers.document.stale import Used
from transfers.models import Vendor


async def gather_dpa(session: AsyncSession, request: Request, used: Used) -> Gathered:
    if request.vendor_id is None:
        raise invalid("A DPA is generated for a vendor: give vendor_id.", field="vendor_id")
    vendor = await reads.row(session, Vendor, request.vendor_id)
    if vendor is None:
        raise not_found("Vendor", request.vendor_id)
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
        subs = await parts.chain_rows(session, {vendor.id}, request.as_of, request.language, used)
    except ctx.MissingDataError as exc:
        missing += exc.missing
        subs = []
    kept = {
        "vendor_id": vendor.id,
        "vendor_version": vendor.version,
        "subprocessors": [s.name for s in subs],
    }
    own = await parts.transfer_data(session, {vendor.id}, request.as_of, used)
    try:
        context = ctx.dpa_context(
            base,
            parts.vendor_data(vendor),
            processing,
            agreement,
            subs,
            request.language,
            options=request.options,
            transfers=own,
        )
    except ctx.MissingDataError as exc:
        raise ctx.MissingDataError(missing + [m for m in exc.missing if m not in missing]) from exc
    if missing:
        raise ctx.MissingDataError(missing)
    return context, kept
