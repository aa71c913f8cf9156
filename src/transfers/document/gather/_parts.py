"""Pieces more than one gatherer needs: register rows turned into the plain data of
:mod:`transfers.document.context`, read through the register read model (which vendors,
transfers, chains and processings) and :mod:`._reads` (the rows' printed fields)."""

from __future__ import annotations

import importlib
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from transfers.document import context as ctx
from transfers.document.gather import _reads as reads
from transfers.document.stale import Used
from transfers.models import Processing, Transfer, Vendor
from transfers.reference import lexicon, load_reference
from transfers.rules.calendar import current_term_end
from transfers.rules.evaluate import evaluate_transfer


async def organisation(session: AsyncSession, org_id: int | None, used: Used) -> ctx.OrgData | None:
    org = await reads.organisation(session, org_id)
    if org is None:
        return None
    used.add("organisation", org)
    return ctx.OrgData(
        org.name,
        org.business_id,
        org.address,
        org.country,
        org.dpo_name,
        org.dpo_email,
        org.supervisory_authority,
        org.signatory_name,
        org.signatory_title,
    )


def vendor_data(v: Vendor) -> ctx.VendorData:
    contact = next(iter(v.contacts or ()), None)
    contact_text = (
        ", ".join(x for x in (contact.get("name"), contact.get("role"), contact.get("email")) if x)
        if contact
        else None
    )
    return ctx.VendorData(
        v.id,
        v.name,
        v.legal_name,
        v.business_id,
        v.country,
        v.role,
        address=v.address,
        contact=contact_text,
        category=v.category,
        signatory_name=v.signatory_name,
        signatory_title=v.signatory_title,
    )


def processing_data(
    p: Processing | None, used: Used
) -> tuple[ctx.ProcessingData | None, int | None]:
    """The processing as a document describes it, and the organisation it belongs to."""
    if p is None:
        return None, None
    used.add("processing", p)
    data = ctx.ProcessingData(
        p.service,
        p.nature,
        tuple(p.purposes or ()),
        tuple(p.data_categories or ()),
        tuple(p.data_subject_categories or ()),
        p.special_categories,
        p.criminal_data,
        p.retention,
        p.technical_measures,
        our_role=p.our_role,
        controller=p.controller,
        translations=p.translations,
        measures_catalogue=p.measures_catalogue,
    )
    return data, p.organisation_id


async def own_processing(session: AsyncSession, vendor_id: int, used: Used) -> Processing | None:
    """The processing record the vendor's documents describe: its own first one, else the one
    it works for up its chain (a sub-processor without a record of its own processes for its
    processor's purposes, GDPR Art. 28(4); :func:`transfers.rules.chain.processing_owner`),
    by the register read model, as the engine and the transfer rows see it."""
    first = used.snapshot.described_processing(vendor_id)
    return (await reads.processings(session, [first])).get(first or 0)


async def art28_agreement(
    session: AsyncSession, vendor_id: int, as_of: date, used: Used
) -> ctx.AgreementData | None:
    """The agreement that meets GDPR Art. 28(3) for the vendor: a signed one first, then a DPA
    proper over SCCs, then the newest."""
    ref = load_reference()
    candidates = [
        a
        for a in await reads.agreements(session, vendor_id)
        if ref.covers_art28(a.kind, a.scc_module)
    ]
    candidates.sort(key=lambda a: (a.status == "signed", a.kind == "dpa", a.id), reverse=True)
    chosen = candidates[0] if candidates else None
    if chosen is None:
        return None
    used.add("agreement", chosen)
    start = chosen.effective_on or chosen.signed_on
    end = current_term_end(
        start, chosen.term, chosen.ends_on, chosen.auto_renew, chosen.renewal_term, as_of
    )
    return ctx.AgreementData(
        chosen.kind,
        start,
        end,
        chosen.term,
        chosen.auto_renew,
        chosen.renewal_term,
        chosen.notice_period,
        chosen.subprocessor_authorisation,
        chosen.objection_period_days,
    )


def reason_message(reason: Any, language: str | None) -> str:
    """A reason's sentence in the document's language as a document prints it, naming no
    internal id (``transfers.rules.messages.document_reason_text``), else its message."""
    if language is None:
        return str(reason.message)
    try:
        messages = importlib.import_module("transfers.rules.messages")
    except ImportError:
        return str(reason.message)
    return str(messages.document_reason_text(reason, language))


async def transfer_data(
    session: AsyncSession,
    vendor_ids: set[int] | None,
    as_of: date,
    used: Used,
    language: str | None = None,
) -> list[ctx.TransferData]:
    """The transfers of ``vendor_ids`` (all when None) with the engine's verdict on ``as_of``,
    from the register read model; rows are joined on ids, never on names. A transfer is
    described by its own processing, else the one its vendor works for (its own or inherited
    up the chain: :meth:`transfers.register.snapshot.Snapshot.described_processing`)."""
    model = used.snapshot
    facts = model.facts(as_of, vendor_ids)
    ref = load_reference()
    rows = await reads.transfers(session, facts)
    described = {vid: model.described_processing(vid) for vid in facts}
    by_id = await reads.processings(
        session, [*described.values(), *(r.processing_id for r in rows.values())]
    )
    out = []
    for vendor_id, vendor in facts.items():
        vendor_processing = by_id.get(described[vendor_id] or 0)
        assessments = model.vendors[vendor_id].assessments if vendor_id in model.vendors else {}
        for t in vendor.transfers:
            evaluation = evaluate_transfer(t, as_of, ref)
            row = rows.get(t.id) if t.id is not None else None
            processing = (
                by_id.get(row.processing_id) if row and row.processing_id else None
            ) or vendor_processing
            used.add("transfer", row)
            used.add("processing", processing)
            made_by = None
            if row is not None and row.transfer_type == "onward_transfer":
                parent = model.vendors.get(model.first_parent(vendor_id) or 0)
                made_by = parent.vendor.name if parent else None
            data = _transfer(
                t, row, processing, vendor, evaluation, vendor_id, as_of, language, made_by
            )
            assessed = [
                a.completed_on
                for a in assessments.get(t.id or 0, ())
                if a.completed_on is not None and a.completed_on <= as_of
            ]
            out.append(replace(data, assessed_on=max(assessed)) if assessed else data)
    return sorted(out, key=lambda t: t.id)


def _transfer(
    t: Any,
    row: Transfer | None,
    processing: Processing | None,
    vendor: Any,
    evaluation: Any,
    vendor_id: int,
    as_of: date,
    language: str | None,
    made_by: str | None = None,
) -> ctx.TransferData:
    ref = load_reference()
    return ctx.TransferData(
        id=t.id or 0,
        vendor_name=vendor.name,
        destination_country=t.destination_country,
        exporter_role=t.exporter_role,
        importer_role=t.importer_role,
        mechanism=t.mechanism,
        scc_module=t.scc_module,
        data_categories=t.data_categories,
        frequency=t.frequency,
        transfer_type=row.transfer_type if row else "storage",
        description=row.description if row else None,
        supplementary_measures=row.supplementary_measures if row else None,
        verdict=evaluation.verdict,
        reasons=tuple(
            {
                "code": r.code,
                "severity": r.severity,
                "message": reason_message(r, language),
                "citation": lexicon.cell(lexicon.citation(r.citation, language or "en")),
            }
            for r in evaluation.reasons
        ),
        is_third_country=ref.is_third_country(t.destination_country, as_of),
        active=evaluation.active,
        vendor_id=vendor_id,
        our_role=processing.our_role if processing else t.exporter_role,
        processing_service=processing.service if processing else None,
        purposes=tuple(processing.purposes or ()) if processing else (),
        controller=processing.controller if processing else None,
        fallback_mechanism=row.fallback_mechanism if row else None,
        translations=processing.translations if processing else None,
        started_on=row.started_on if row else None,
        transfer_translations=row.translations if row else None,
        made_by=made_by,
    )


async def onward_exporter(
    session: AsyncSession, transfer: Transfer, vendor: Vendor, used: Used
) -> ctx.VendorData | None:
    """For an onward transfer (SCC Clause 8.7), the vendor that passes the data on exports it:
    the one that engages the importer through its first link (the register read model)."""
    if transfer.transfer_type != "onward_transfer":
        return None
    parent = await reads.row(session, Vendor, used.snapshot.first_parent(vendor.id))
    used.add("vendor", parent)
    return vendor_data(parent) if parent else None


def names(used: Used) -> dict[int, str]:
    """Vendor names by id from the register read model (names are shown, never joined on)."""
    return {vid: rows.vendor.name for vid, rows in used.snapshot.vendors.items()}


async def chain_rows(
    session: AsyncSession,
    top_ids: set[int],
    as_of: date,
    language: str,
    used: Used,
    *,
    include_tops: bool = False,
) -> list[ctx.SubprocessorRow]:
    """Every vendor engaged on ``as_of`` down the chains under ``top_ids`` (and the tops
    themselves with ``include_tops``), each with the parent it receives the data from and its
    depth below the tops (1: a top's own sub-processor, 2 and more: further sub-processors):
    the register read model's chain of engaged links
    (:meth:`transfers.register.snapshot.Snapshot.engaged_chain`)."""
    parent_of = used.snapshot.engaged_chain(top_ids, as_of)
    reached = set(top_ids) | set(parent_of)
    wanted = reached if include_tops else reached - top_ids
    return await vendor_rows(session, wanted, parent_of, as_of, language, used, tops=top_ids)


def depth_in(vendor_id: int, parent_of: dict[int, int], tops: set[int]) -> int:
    """How many engaged links separate a vendor from the tops of its chain (0 for a top)."""
    depth, node, seen = 0, vendor_id, {vendor_id}
    while node not in tops and node in parent_of:
        node = parent_of[node]
        depth += 1
        if node in seen:
            break
        seen.add(node)
    return depth


def legal(v: Vendor | None) -> str | None:
    """The legal entity's name as contracts print it (the trading name when none is recorded)."""
    if v is None:
        return None
    return (v.legal_name or "").strip() or v.name


async def vendor_rows(
    session: AsyncSession,
    vendor_ids: set[int],
    parent_of: dict[int, int],
    as_of: date,
    language: str,
    used: Used,
    *,
    tops: set[int] | None = None,
) -> list[ctx.SubprocessorRow]:
    """One row per vendor: its legal entity and address, its own country, what it does (its
    processing), its place in the chain, and the safeguard of its own transfers with the SCC
    module, fallback and transfer impact assessment. A third-country entity is never shown as
    "EU/EEA": without a transfer of its own it receives the data from its parent in its
    country (SCC Clause 8.7 onward transfer); an invalid safeguard is refused, never
    published."""
    if not vendor_ids:
        return []
    ref = load_reference()
    lab = ctx.LABELS[language]
    parents = {parent_of[v] for v in vendor_ids if v in parent_of}
    vendors = await reads.vendors(session, vendor_ids | parents)
    own = {vid: used.snapshot.first_processing(vid) for vid in vendor_ids}
    found = await reads.processings(session, own.values())
    processings = {vid: found[pid] for vid, pid in own.items() if pid is not None}
    transfers = await transfer_data(session, vendor_ids, as_of, used)
    used.add_all("vendor", [vendors[v] for v in vendor_ids])
    used.add_all("processing", processings.values())
    used.derive(vendor_ids, "subprocessor_ids")
    rows: list[ctx.SubprocessorRow] = []
    missing: list[str] = []
    for vid in sorted(vendor_ids, key=lambda i: vendors[i].name.lower()):
        v = vendors[vid]
        mine = [t for t in transfers if t.vendor_id == vid and t.active and t.is_third_country]
        invalid = [t for t in mine if ctx.invalid_safeguard(t, as_of)]
        missing += [
            f"transfer {t.id} to {t.destination_country} ({v.name}) has no valid safeguard "
            f"({t.mechanism})"
            for t in invalid
        ]
        safeguards = sorted({_safeguard(t, language) for t in mine if t not in invalid})
        parent = legal(vendors.get(parent_of.get(vid, 0)))
        if safeguards:
            mechanism = "; ".join(safeguards)
        elif ref.is_third_country(v.country, as_of):
            mechanism = (
                lab["received_from"].format(
                    parent=parent, country=ctx.country_name(v.country, language)
                )
                if parent
                else lab["no_transfer_recorded"]
            )
        else:
            mechanism = lab["eea"]
        processing = processings.get(vid)
        purpose = (
            ctx.localised(
                processing.service,
                processing.translations,
                "service",
                language,
                f"processing “{processing.service}”",
            )
            if processing
            else ctx.term("vendor_categories", v.category, language)
        )
        rows.append(
            ctx.SubprocessorRow(
                v.name,
                v.country,
                purpose,
                mechanism,
                vendor_id=vid,
                parent=parent,
                legal_name=legal(v),
                address=v.address,
                depth=depth_in(vid, parent_of, tops or set()) if tops is not None else 1,
            )
        )
    if missing:
        raise ctx.MissingDataError(missing)
    return rows


def _safeguard(t: ctx.TransferData, language: str) -> str:
    """A transfer's safeguard as a list row states it: the mechanism with its SCC module, the
    fallback, and the transfer impact assessment where one is needed."""
    lab = ctx.LABELS[language]
    text = ctx.safeguard_text(t.mechanism, t.scc_module, language)
    if t.fallback_mechanism and t.fallback_mechanism != t.mechanism:
        text += lab["fallback"].format(
            mechanism=ctx.safeguard_text(t.fallback_mechanism, t.scc_module, language)
        )
    if ctx.needs_tia(t):
        text += f"; {lab['tia_label']}: {ctx.tia_text(t, language)}"
    return text
