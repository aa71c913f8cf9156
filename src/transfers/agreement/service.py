"""Agreement rules and writes: the checks a lawyer would make before filing a contract."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.agreement.schemas import AgreementCreate, AgreementRead, AgreementUpdate
from transfers.audit.crud import (
    changes_of,
    create_audited,
    delete_audited,
    get_or_404,
    paginate,
    update_audited,
)
from transfers.audit.service import create_many, record
from transfers.auth.schemas import Actor
from transfers.common.batch import (
    BatchInvalid,
    Checked,
    ItemProblem,
    check_all,
    convert,
    existing_ids,
    load_many,
    plain_fields,
    problems_of,
)
from transfers.common.problems import ProblemError, invalid
from transfers.common.responses import read_as
from transfers.common.text import check_filename
from transfers.models import Agreement, AgreementAttachment, Organisation, Transfer, Vendor
from transfers.reference import load_reference
from transfers.rules.calendar import current_term_end, next_notice_deadline, normalise_duration

DURATION_FIELDS = ("term", "renewal_term", "notice_period")


def validate_agreement(values: dict[str, Any]) -> dict[str, Any]:
    """Cross-field rules on the merged state of an agreement (create or after a PATCH)."""
    for name in DURATION_FIELDS:
        if values.get(name):
            try:
                values[name] = normalise_duration(values[name])
            except ValueError as exc:
                raise invalid(str(exc), field=name) from exc
    if values.get("scc_module") is not None and values.get("kind") != "scc_2021":
        raise invalid(
            "scc_module applies only to agreements of kind scc_2021 (Decision 2021/914).",
            field="scc_module",
        )
    signed, effective, ends = (
        values.get("signed_on"),
        values.get("effective_on"),
        values.get("ends_on"),
    )
    start = effective or signed
    if ends is not None and start is not None and ends < start:
        label = "effective_on" if effective else "signed_on"
        raise invalid(f"ends_on ({ends}) is before {label} ({start}).", field="ends_on")
    if ends is not None and values.get("term"):
        raise invalid("Give either ends_on or term, not both.", field="term")
    if values.get("term") and start is None:
        raise invalid(
            "A term needs effective_on (or signed_on) to count from.", field="effective_on"
        )
    if values.get("auto_renew") and not (values.get("term") or ends):
        raise invalid("An auto-renewing agreement needs a term or an end date.", field="auto_renew")
    if values.get("renewal_term") and not values.get("auto_renew"):
        raise invalid("renewal_term applies only when auto_renew is true.", field="renewal_term")
    auth, days = values.get("subprocessor_authorisation"), values.get("objection_period_days")
    if days is not None and days < 1:
        raise invalid("objection_period_days must be at least 1.", field="objection_period_days")
    if auth == "general" and days is None:
        raise invalid(
            "General subprocessor authorisation needs an objection period in days (GDPR Art. 28(2)).",
            field="objection_period_days",
        )
    if auth != "general" and days is not None:
        raise invalid(
            "objection_period_days applies only to general authorisation.",
            field="objection_period_days",
        )
    if values.get("status") == "signed" and signed is None:
        raise invalid("A signed agreement needs signed_on.", field="signed_on")
    terminated = values.get("terminated_on")
    if terminated is not None and values.get("status") != "terminated":
        raise invalid(
            "terminated_on (the last day in force) applies only to a terminated agreement.",
            field="terminated_on",
        )
    if terminated is not None and start is not None and terminated < start:
        raise invalid(
            f"terminated_on ({terminated}) is before the agreement took effect ({start}).",
            field="terminated_on",
        )
    clauses = values.get("scc_clauses")
    if clauses is not None:
        _check_scc_clauses(clauses, values.get("kind"), values.get("scc_module"))
    return values


async def _check_linked_transfers(
    session: AsyncSession, agreement: Agreement, merged: dict[str, Any]
) -> None:
    """A change of kind or SCC module must not leave a transfer linked to an agreement that
    cannot carry it (the same rule as when the link is made)."""
    from transfers.transfer.service import link_problem

    probe = Agreement(id=agreement.id, kind=merged["kind"], scc_module=merged["scc_module"])
    rows = (
        await session.scalars(select(Transfer).where(Transfer.agreement_id == agreement.id))
    ).all()
    for transfer in rows:
        values = {c.key: getattr(transfer, c.key) for c in Transfer.__table__.columns}
        problem = link_problem(probe, values)
        if problem is not None:
            raise invalid(
                f"Transfer {transfer.id} is linked to this agreement: {problem}",
                field="kind" if merged["kind"] != agreement.kind else "scc_module",
            )


def _check_scc_clauses(clauses: dict[str, Any], kind: str | None, module: int | None) -> None:
    """Clause 17 and 18(b) of Decision (EU) 2021/914 (Modules 1-3): the law and the courts of
    an EU Member State; the elections exist only on SCCs of that decision."""
    if kind != "scc_2021":
        raise invalid(
            "scc_clauses apply only to agreements of kind scc_2021 (Decision 2021/914).",
            field="scc_clauses",
        )
    if module == 4:
        return
    ref = load_reference()
    today = date.today()
    for name, clause in (("governing_law", "Clause 17"), ("forum", "Clause 18(b)")):
        code = clauses.get(name, "FI")
        period = ref.membership(code, today)
        if period is None or period.regime != "eu":
            raise invalid(
                f"{clause} requires an EU Member State for Modules 1-3; {code} is not one.",
                field=f"scc_clauses.{name}",
            )


def term_dates(agreement: Agreement, as_of: date) -> tuple[date | None, date | None]:
    """End of the term running on ``as_of`` and the next notice deadline (None when open-ended)."""
    start = agreement.effective_on or agreement.signed_on
    end = current_term_end(
        start,
        agreement.term,
        agreement.ends_on,
        agreement.auto_renew,
        agreement.renewal_term,
        as_of,
    )
    notice = None
    if agreement.auto_renew and agreement.notice_period and start is not None:
        found = next_notice_deadline(
            start,
            agreement.term,
            agreement.ends_on,
            agreement.renewal_term,
            agreement.notice_period,
            as_of,
        )
        notice = found[0] if found else None
    return end, notice


def to_read(agreement: Agreement, as_of: date | None = None) -> AgreementRead:
    end, notice = term_dates(agreement, as_of or date.today())
    return read_as(AgreementRead, agreement, current_term_ends_on=end, next_notice_deadline=notice)


async def _check_refs(session: AsyncSession, values: dict[str, Any]) -> None:
    if "vendor_id" in values and await session.get(Vendor, values["vendor_id"]) is None:
        raise invalid(f"Vendor {values['vendor_id']} does not exist.", field="vendor_id")
    if (
        values.get("organisation_id") is not None
        and await session.get(Organisation, values["organisation_id"]) is None
    ):
        raise invalid(
            f"Organisation {values['organisation_id']} does not exist.", field="organisation_id"
        )


async def get_agreement(session: AsyncSession, agreement_id: int) -> Agreement:
    return await get_or_404(session, Agreement, agreement_id, "Agreement")


async def list_agreements(
    session: AsyncSession,
    *,
    vendor_id: int | None,
    kind: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> tuple[list[Agreement], int]:
    stmt = select(Agreement)
    if vendor_id is not None:
        stmt = stmt.where(Agreement.vendor_id == vendor_id)
    if kind:
        stmt = stmt.where(Agreement.kind == kind)
    if status:
        stmt = stmt.where(Agreement.status == status)
    return await paginate(session, stmt.order_by(Agreement.id), limit, offset)


def _create_values(data: AgreementCreate) -> dict[str, Any]:
    """The columns of a new agreement under the agreement rules (single and batched creates)."""
    return validate_agreement(plain_fields(data))


async def create_agreement(session: AsyncSession, data: AgreementCreate, actor: Actor) -> Agreement:
    values = _create_values(data)
    await _check_refs(session, values)
    return await create_audited(session, Agreement(**values), actor, "agreement")


async def update_agreement(
    session: AsyncSession, agreement: Agreement, data: AgreementUpdate, actor: Actor
) -> Agreement:
    changes = changes_of(data, exclude=frozenset({"version"}))
    for required in ("kind", "status", "auto_renew"):
        if required in changes and changes[required] is None:
            raise invalid(f"{required} cannot be null.", field=required)
    merged = {c.key: getattr(agreement, c.key) for c in Agreement.__table__.columns} | changes
    merged = validate_agreement(merged)
    await _check_refs(session, changes)
    if changes.keys() & {"kind", "scc_module"}:
        await _check_linked_transfers(session, agreement, merged)
    return await update_audited(
        session, agreement, {k: merged[k] for k in changes}, actor, "agreement"
    )


async def add_attachment(
    session: AsyncSession,
    agreement: Agreement,
    *,
    filename: str,
    content_type: str,
    content: bytes,
    actor: Actor,
) -> AgreementAttachment:
    if not content:
        raise invalid("The uploaded file is empty.", field="file")
    attachment = AgreementAttachment(
        agreement_id=agreement.id,
        filename=check_filename(filename) or "attachment",
        content_type=content_type.split(";")[0].strip()[:120] or "application/octet-stream",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by=actor.label,
    )
    session.add(attachment)
    await session.flush()
    await record(
        session,
        actor,
        "attach",
        "agreement",
        agreement.id,
        None,
        {
            "attachment_id": attachment.id,
            "filename": attachment.filename,
            "sha256": attachment.sha256,
            "size": attachment.size,
        },
    )
    return attachment


async def list_attachments(session: AsyncSession, agreement_id: int) -> list[AgreementAttachment]:
    rows = await session.scalars(
        select(AgreementAttachment)
        .where(AgreementAttachment.agreement_id == agreement_id)
        .order_by(AgreementAttachment.id)
    )
    return list(rows.all())


async def get_attachment(
    session: AsyncSession, agreement_id: int, attachment_id: int
) -> AgreementAttachment:
    attachment = await session.scalar(
        select(AgreementAttachment)
        .where(
            AgreementAttachment.id == attachment_id,
            AgreementAttachment.agreement_id == agreement_id,
        )
        .execution_options(populate_existing=True)
    )
    if attachment is None:
        from transfers.common.problems import not_found

        raise not_found("Attachment", attachment_id)
    return attachment


async def get_attachment_content(
    session: AsyncSession, agreement_id: int, attachment_id: int
) -> AgreementAttachment:
    """An attachment with its bytes loaded (the column is deferred in listings)."""
    attachment = await get_attachment(session, agreement_id, attachment_id)
    await session.refresh(attachment, ["content"])
    return attachment


async def delete_agreement(
    session: AsyncSession, agreement: Agreement, actor: Actor, *, cascade: bool = False
) -> None:
    """Delete an agreement. Transfers that rely on it (their mechanism's contract) would silently
    lose it, which changes their verdict: 409 naming them, unless ``cascade``, which detaches
    each transfer with its own audited update first."""
    transfers = list(
        (
            await session.scalars(
                select(Transfer).where(Transfer.agreement_id == agreement.id).order_by(Transfer.id)
            )
        ).all()
    )
    if transfers and not cascade:
        raise ProblemError(
            409,
            "has-dependents",
            f"Agreement {agreement.id} is relied on by {len(transfers)} transfer(s) ("
            + ", ".join(f"transfer {t.id}" for t in transfers)
            + "); point them at another agreement first, or send ?cascade=true to detach them.",
            title="Transfers rely on this agreement",
            dependents=[{"type": "transfer", "id": t.id} for t in transfers],
        )
    for transfer in transfers:
        await update_audited(session, transfer, {"agreement_id": None}, actor, "transfer")
    await delete_audited(session, agreement, actor, "agreement")


# -- batched entry points (imports): the same schema and rules, set-based writes ------------


def check_agreements(items: Sequence[AgreementCreate | Mapping[str, Any]]) -> Checked:
    """What :func:`create_agreements` checks without the database (:func:`check_all`)."""
    return check_all(items, AgreementCreate, _create_values)


async def create_agreements(
    session: AsyncSession,
    items: Sequence[AgreementCreate | Mapping[str, Any]],
    actor: Actor,
    *,
    checked: Checked | None = None,
) -> list[int]:
    """Create many agreements under :func:`create_agreement`'s schema and rules (e.g. a signed
    agreement needs ``signed_on``), checking vendor and organisation references in a few set
    queries; one insert, one audit event per agreement. Returns the ids in input order; raises
    :class:`BatchInvalid` naming every refused item, having written nothing.

    ``checked`` is :func:`check_agreements` of these same ``items``, if the caller ran it."""
    rows, found = checked if checked is not None else check_agreements(items)
    problems = list(found)
    vendors = await existing_ids(session, Vendor.id, (r["vendor_id"] for _, r in rows))
    organisations = await existing_ids(
        session, Organisation.id, (r["organisation_id"] for _, r in rows)
    )
    for index, row in rows:
        if row["vendor_id"] not in vendors:
            problems.append(
                ItemProblem(index, "vendor_id", f"Vendor {row['vendor_id']} does not exist.")
            )
        if row["organisation_id"] is not None and row["organisation_id"] not in organisations:
            problems.append(
                ItemProblem(
                    index,
                    "organisation_id",
                    f"Organisation {row['organisation_id']} does not exist.",
                )
            )
    if problems:
        raise BatchInvalid(sorted(problems, key=lambda p: p.index))
    return await create_many(session, Agreement, [r for _, r in rows], actor, "agreement")


async def update_agreements(
    session: AsyncSession,
    changes: Mapping[int, AgreementUpdate | Mapping[str, Any]],
    actor: Actor,
) -> None:
    """Apply many partial updates through :func:`update_agreement` (the same rules, linked
    transfer checks and audit), loading the agreements in one query; raises
    :class:`BatchInvalid` keyed by agreement id."""
    problems: list[ItemProblem] = []
    agreements = await load_many(session, Agreement, changes.keys())
    for agreement_id, item in changes.items():
        data = convert(agreement_id, item, AgreementUpdate)
        if isinstance(data, ItemProblem):
            problems.append(data)
            continue
        try:
            await update_agreement(session, agreements[agreement_id], data, actor)
        except ProblemError as exc:
            problems.extend(problems_of(agreement_id, exc))
    if problems:
        raise BatchInvalid(problems)
