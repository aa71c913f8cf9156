"""Assessment writes. A completed TIA must state its conclusion (SCC Clause 14(d): documented)."""

from __future__ import annotations

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
from transfers.auth.schemas import Actor
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


async def create_assessment(
    session: AsyncSession, data: AssessmentCreate, actor: Actor
) -> Assessment:
    values = validate_assessment({k: to_plain(getattr(data, k)) for k in data.__struct_fields__})
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
