"""The annexes of the SCCs (Decision (EU) 2021/914) for one transfer: the parties, the
description of the transfer, the measures and the sub-processors."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from transfers.common.problems import invalid, not_found
from transfers.document import context as ctx
from transfers.document.gather import _parts as parts
from transfers.document.gather import _reads as reads
from transfers.document.gather._base import Gathered, Request
from transfers.document.stale import Used
from transfers.models import Transfer, Vendor


async def gather_scc_annexes(session: AsyncSession, request: Request, used: Used) -> Gathered:
    if request.transfer_id is None:
        raise invalid(
            "SCC annexes are generated for a transfer: give transfer_id.", field="transfer_id"
        )
    transfer = await reads.row(session, Transfer, request.transfer_id)
    if transfer is None:
        raise not_found("Transfer", request.transfer_id)
    vendor = await reads.row(session, Vendor, transfer.vendor_id)
    assert vendor is not None
    as_of, language = request.as_of, request.language
    used.add("vendor", vendor)
    used.derive({vendor.id}, "subprocessor_ids")
    processing, org_id = parts.processing_data(
        await parts.own_processing(session, vendor.id, used), used
    )
    org = await parts.organisation(session, transfer.organisation_id or org_id, used)
    # Only this transfer reaches the annexes, not the vendor's others.
    data = next(
        t
        for t in await parts.transfer_data(session, {vendor.id}, as_of, Used(used.snapshot))
        if t.id == transfer.id
    )
    used.add("transfer", transfer)
    subs = await parts.chain_rows(session, {vendor.id}, as_of, language, used)
    exporter = await parts.onward_exporter(session, transfer, vendor, used)
    clauses = await scc_elections(session, transfer, used)
    kept = {
        "transfer_id": transfer.id,
        "transfer_version": transfer.version,
        "vendor_id": vendor.id,
    }
    return ctx.scc_context(
        request.base(org),
        parts.vendor_data(vendor),
        processing,
        data,
        org.supervisory_authority if org else None,
        subs,
        language,
        exporter=exporter,
        clauses=clauses,
    ), kept


async def scc_elections(session: AsyncSession, transfer: Transfer, used: Used) -> ctx.SccElections:
    """The clause elections of the SCC agreement the transfer relies on (its linked
    agreement, else the vendor's newest 2021 SCCs); defaults when none is recorded."""
    agreement = await reads.scc_agreement(session, transfer)
    if agreement is None:
        return ctx.SccElections()
    used.add("agreement", agreement)
    given: dict[str, Any] = dict(agreement.scc_clauses or {})
    return ctx.SccElections(
        docking_clause=bool(given.get("docking_clause", True)),
        redress_body=given.get("redress_body"),
        supervisory_authority=given.get("supervisory_authority"),
        governing_law=str(given.get("governing_law", "FI")),
        forum=str(given.get("forum", "FI")),
        subprocessor_option=agreement.subprocessor_authorisation,
        subprocessor_days=agreement.objection_period_days,
        governing_law_option=int(given.get("governing_law_option", 1)),
        contract_title=(agreement.title or "").strip() or None,
        contract_signed_on=agreement.signed_on,
        contract_module=agreement.scc_module,
    )
