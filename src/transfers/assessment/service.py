"""Assessment writes. A completed TIA must state its conclusion (SCC Clause 14(d): documented)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.assessment.schemas import AssessmentCreate, AssessmentUpdate
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
from transfers.common.fields import check_period
from transfers.common.problems import invalid
from transfers.models import Assessment, Transfer


def validate_assessment(values: dict[str, Any]) -> dict[str, Any]:
    if values.get("completed_on") is not None and values.get("conclusion") is None:
        raise invalid("A completed assessment needs a conclusion.", field="conclusion")
    if values.get("conclusion") is not None and values.get("completed_on") is None:
        raise invalid(
            "A conclusion needs completed_on (the date the assessment was documented).",
            field="completed_on",
        )
    check_period(
        values.get("completed_on"), values.get("next_review_on"), "completed_on", "next_review_on"
    )
    if values.get("risk_scenarios") and not values.get("risk_period_years"):
        raise invalid(
            "Risk estimates are made over a period: give risk_period_years.",
            field="risk_period_years",
        )
    if values.get("approved_on") is not None and not values.get("approver"):
        raise invalid("A sign-off date needs the approver's name.", field="approver")
    if values.get("approved_on") is not None and values.get("completed_on") is None:
        raise invalid("Only a completed assessment can be signed off.", field="approved_on")
    check_period(
        values.get("completed_on"), values.get("approved_on"), "completed_on", "approved_on"
    )
    return values


async def get_assessment(session: AsyncSession, assessment_id: int) -> Assessment:
    return await get_or_404(session, Assessment, assessment_id, "Assessment")


async def list_assessments(
    session: AsyncSession, *, transfer_id: int | None, limit: int, offset: int
) -> tuple[list[Assessment], int]:
    stmt = select(Assessment)
    if transfer_id is not None:
        stmt = stmt.where(Assessment.transfer_id == transfer_id)
    return await paginate(session, stmt.order_by(Assessment.id), limit, offset)


def _create_values(data: AssessmentCreate) -> dict[str, Any]:
    """The columns of a new assessment under the assessment rules (single and batched)."""
    return validate_assessment({k: to_plain(getattr(data, k)) for k in data.__struct_fields__})


async def create_assessment(
    session: AsyncSession, data: AssessmentCreate, actor: Actor
) -> Assessment:
    values = _create_values(data)
    if await session.get(Transfer, data.transfer_id) is None:
        raise invalid(f"Transfer {data.transfer_id} does not exist.", field="transfer_id")
    return await create_audited(session, Assessment(**values), actor, "assessment")


async def update_assessment(
    session: AsyncSession, assessment: Assessment, data: AssessmentUpdate, actor: Actor
) -> Assessment:
    changes = changes_of(data, exclude=frozenset({"version"}))
    validate_assessment(
        {c.key: getattr(assessment, c.key) for c in Assessment.__table__.columns} | changes
    )
    return await update_audited(session, assessment, changes, actor, "assessment")


async def delete_assessment(session: AsyncSession, assessment: Assessment, actor: Actor) -> None:
    """Delete a TIA (audited with its last state, so the evidence stays in the trail)."""
    await delete_audited(session, assessment, actor, "assessment")


async def create_assessments(
    session: AsyncSession, items: Sequence[AssessmentCreate | Mapping[str, Any]], actor: Actor
) -> list[int]:
    """Create many assessments under :func:`create_assessment`'s schema and rules, checking the
    transfers in a few set queries; one insert, one audit event per assessment. Returns the ids
    in input order; raises :class:`BatchInvalid` naming every refused item, writing nothing."""
    problems: list[ItemProblem] = []
    structs = convert_all(items, AssessmentCreate, problems)
    rows = check_each(structs, _create_values, problems)
    transfers = await existing_ids(session, Transfer.id, (r["transfer_id"] for _, r in rows))
    problems += [
        ItemProblem(index, "transfer_id", f"Transfer {row['transfer_id']} does not exist.")
        for index, row in rows
        if row["transfer_id"] not in transfers
    ]
    if problems:
        raise BatchInvalid(sorted(problems, key=lambda p: p.index))
    return await create_many(session, Assessment, [r for _, r in rows], actor, "assessment")
