"""Transfer writes: reject what cannot be true, store what may be unlawful (the engine says so)."""

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
    update_audited,
)
from transfers.audit.service import create_many
from transfers.auth.schemas import Actor
from transfers.common.batch import (
    BatchInvalid,
    Checked,
    ItemProblem,
    among,
    check_all,
    convert,
    existing_ids,
    load_many,
    plain_fields,
    problems_of,
)
from transfers.common.fields import COUNTRY_ALIASES, check_period, country, mechanism_code
from transfers.common.problems import ProblemError, invalid
from transfers.models import Agreement, Assessment, Organisation, Processing, Transfer, Vendor
from transfers.reference import load_reference
from transfers.transfer.schemas import TransferCreate, TransferUpdate

REQUIRED = ("exporter_role", "destination_country", "mechanism", "transfer_type", "data_categories")


def validate_transfer(values: dict[str, Any]) -> dict[str, Any]:
    """Cross-field rules on the merged state of a transfer."""
    if "destination_country" in values and values["destination_country"] is not None:
        values["destination_country"] = country(
            values["destination_country"], "destination_country"
        )
    for name in ("mechanism", "fallback_mechanism"):
        if values.get(name) is not None:
            values[name] = mechanism_code(values[name], name)
    if values.get("data_categories") is not None:
        values["data_categories"] = list(
            dict.fromkeys(c.strip().lower() for c in values["data_categories"] if c.strip())
        )
    if values.get("scc_module") is not None and "scc_2021" not in (
        values.get("mechanism"),
        values.get("fallback_mechanism"),
    ):
        raise invalid(
            "scc_module applies only with mechanism or fallback_mechanism scc_2021 "
            "(Decision 2021/914).",
            field="scc_module",
        )
    if values.get("fallback_mechanism") is not None and values.get(
        "fallback_mechanism"
    ) == values.get("mechanism"):
        raise invalid("fallback_mechanism must differ from mechanism.", field="fallback_mechanism")
    check_period(values.get("started_on"), values.get("ended_on"), "started_on", "ended_on")
    return values


def link_problem(agreement: Agreement, values: dict[str, Any]) -> str | None:
    """Why a transfer with ``values`` cannot be linked to ``agreement``, or None.

    A contract-based mechanism (SCCs, legacy SCCs, ad hoc clauses, UK instruments: an IDTA
    transfer links to its IDTA as the evidence, though the verdict still says it is no EU tool),
    as primary or fallback, links only to an agreement of that kind and, for the 2021 SCCs, that module. A
    transfer on a mechanism that needs no contract (adequacy, DPF, derogations) may also link to
    its Art. 28 agreement. Anything else cannot be right and is a data error.
    """
    ref = load_reference()
    mechanism, fallback = values.get("mechanism"), values.get("fallback_mechanism")
    contract_kinds = [
        code
        for code in (mechanism, fallback)
        if code
        and (m := ref.mechanism(code)) is not None
        and (m.contract_required or m.rule == "not_eu_tool")
    ]
    if agreement.kind in contract_kinds:
        module = values.get("scc_module")
        if agreement.kind == "scc_2021" and agreement.scc_module != module:
            return (
                f"Agreement {agreement.id} is for SCC module {agreement.scc_module or '(none)'}, "
                f"but the transfer uses module {module or '(none)'}."
            )
        return None
    primary = ref.mechanism(mechanism) if mechanism else None
    needs_contract = primary is not None and primary.contract_required
    if not needs_contract and ref.covers_art28(agreement.kind, agreement.scc_module):
        return None
    allowed = contract_kinds or ([] if needs_contract else ["an Art. 28 agreement (dpa)"])
    return (
        f"Agreement {agreement.id} is of kind {agreement.kind}; a transfer on {mechanism}"
        f"{f' with fallback {fallback}' if fallback else ''} can link only to "
        f"{' or '.join(allowed) if allowed else 'no agreement'}."
    )


async def _check_link(session: AsyncSession, values: dict[str, Any]) -> None:
    if values.get("agreement_id") is None:
        return
    agreement = await session.get(Agreement, values["agreement_id"])
    if agreement is None:
        return  # reported by _check_refs
    problem = link_problem(agreement, values)
    if problem is not None:
        raise invalid(problem, field="agreement_id")


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
        code = destination_country.strip().upper()
        stmt = stmt.where(Transfer.destination_country == COUNTRY_ALIASES.get(code, code))
    if mechanism:
        stmt = stmt.where(Transfer.mechanism == mechanism)
    if exporter_role:
        stmt = stmt.where(Transfer.exporter_role == exporter_role)
    return await paginate(session, stmt.order_by(Transfer.id), limit, offset)


def _create_values(data: TransferCreate) -> dict[str, Any]:
    """The columns of a new transfer under the transfer rules (single and batched creates)."""
    return validate_transfer(plain_fields(data))


async def create_transfer(session: AsyncSession, data: TransferCreate, actor: Actor) -> Transfer:
    values = _create_values(data)
    await _check_refs(session, values, data.vendor_id)
    await _check_link(session, values)
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
    if changes.keys() & {"agreement_id", "mechanism", "fallback_mechanism", "scc_module"}:
        await _check_link(session, merged)
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


# -- batched entry points (imports): the same schema and rules, set-based writes ------------


def check_transfers(items: Sequence[TransferCreate | Mapping[str, Any]]) -> Checked:
    """What :func:`create_transfers` checks without the database (:func:`check_all`)."""
    return check_all(items, TransferCreate, _create_values)


async def create_transfers(
    session: AsyncSession,
    items: Sequence[TransferCreate | Mapping[str, Any]],
    actor: Actor,
    *,
    checked: Checked | None = None,
) -> list[int]:
    """Create many transfers under :func:`create_transfer`'s schema and rules (including the
    agreement link rule, :func:`link_problem`), checking references in a few set queries; one
    insert, one audit event per transfer. Returns the ids in input order; raises
    :class:`BatchInvalid` naming every refused item, having written nothing.

    ``checked`` is :func:`check_transfers` of these same ``items``, if the caller ran it."""
    rows, found = checked if checked is not None else check_transfers(items)
    problems = list(found)
    vendors = await existing_ids(session, Vendor.id, (r["vendor_id"] for _, r in rows))
    organisations = await existing_ids(
        session, Organisation.id, (r["organisation_id"] for _, r in rows)
    )
    agreements = await _probes(session, Agreement, {r["agreement_id"] for _, r in rows})
    processings = await _probes(session, Processing, {r["processing_id"] for _, r in rows})
    for index, row in rows:
        problem = _ref_problem(row, vendors, organisations, agreements, processings)
        if problem is not None:
            problems.append(ItemProblem(index, *problem))
    if problems:
        raise BatchInvalid(sorted(problems, key=lambda p: p.index))
    return await create_many(session, Transfer, [r for _, r in rows], actor, "transfer")


async def _probes(session: AsyncSession, model: Any, ids: set[int | None]) -> dict[int, Any]:
    """(id, vendor_id[, kind, scc_module]) of the referenced rows, as transient objects that
    :func:`link_problem` reads like stored ones."""
    columns = [model.id, model.vendor_id]
    if model is Agreement:
        columns += [Agreement.kind, Agreement.scc_module]
    out: dict[int, Any] = {}
    for condition in among(session, model.id, sorted(i for i in ids if i is not None)):
        for row in await session.execute(select(*columns).where(condition)):
            out[row.id] = model(**row._mapping)
    return out


def _ref_problem(
    row: dict[str, Any],
    vendors: set[int],
    organisations: set[int],
    agreements: dict[int, Agreement],
    processings: dict[int, Processing],
) -> tuple[str, str] | None:
    """The first reference :func:`_check_refs` and :func:`_check_link` would refuse, if any."""
    vendor_id = row["vendor_id"]
    if vendor_id not in vendors:
        return "vendor_id", f"Vendor {vendor_id} does not exist."
    agreement_id = row.get("agreement_id")
    if agreement_id is not None:
        agreement = agreements.get(agreement_id)
        if agreement is None:
            return "agreement_id", f"Agreement {agreement_id} does not exist."
        if agreement.vendor_id != vendor_id:
            return (
                "agreement_id",
                f"Agreement {agreement.id} belongs to another vendor ({agreement.vendor_id}).",
            )
    organisation_id = row.get("organisation_id")
    if organisation_id is not None and organisation_id not in organisations:
        return "organisation_id", f"Organisation {organisation_id} does not exist."
    processing_id = row.get("processing_id")
    if processing_id is not None:
        processing = processings.get(processing_id)
        if processing is None or processing.vendor_id != vendor_id:
            return (
                "processing_id",
                f"Processing {processing_id} does not exist for vendor {vendor_id}.",
            )
    if agreement_id is not None:
        link = link_problem(agreements[agreement_id], row)
        if link is not None:
            return "agreement_id", link
    return None


async def update_transfers(
    session: AsyncSession, changes: Mapping[int, TransferUpdate | Mapping[str, Any]], actor: Actor
) -> None:
    """Apply many partial updates through :func:`update_transfer` (the same rules and audit),
    loading the transfers in one query; raises :class:`BatchInvalid` keyed by transfer id."""
    problems: list[ItemProblem] = []
    transfers = await load_many(session, Transfer, changes.keys())
    for transfer_id, item in changes.items():
        data = convert(transfer_id, item, TransferUpdate)
        if isinstance(data, ItemProblem):
            problems.append(data)
            continue
        try:
            await update_transfer(session, transfers[transfer_id], data, actor)
        except ProblemError as exc:
            problems.extend(problems_of(transfer_id, exc))
    if problems:
        raise BatchInvalid(problems)
