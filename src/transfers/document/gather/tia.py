"""The transfer impact assessment of one transfer (EDPB Recommendations 01/2020), with the
engine's verdict on the day the document speaks of beside the assessment date."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from transfers.assessment.risk import Scenario
from transfers.common.problems import invalid, not_found
from transfers.document import context as ctx
from transfers.document.gather import _parts as parts
from transfers.document.gather import _reads as reads
from transfers.document.gather._base import Gathered, Request
from transfers.document.stale import Used
from transfers.models import Assessment, Transfer, Vendor


async def gather_tia(session: AsyncSession, request: Request, used: Used) -> Gathered:
    if request.assessment_id is None:
        raise invalid(
            "A TIA document is generated for an assessment: give assessment_id.",
            field="assessment_id",
        )
    assessment = await reads.row(session, Assessment, request.assessment_id)
    if assessment is None:
        raise not_found("Assessment", request.assessment_id)
    transfer = await reads.row(session, Transfer, assessment.transfer_id)
    assert transfer is not None
    vendor = await reads.row(session, Vendor, transfer.vendor_id)
    assert vendor is not None
    language = request.language
    used.add("vendor", vendor)
    used.add("assessment", assessment)
    on = assessment.completed_on or request.as_of
    data = next(
        t
        for t in await parts.transfer_data(
            session, {vendor.id}, request.as_of, Used(used.snapshot), language
        )
        if t.id == transfer.id
    )
    used.add("transfer", transfer)
    base = request.base(await parts.organisation(session, transfer.organisation_id, used))
    a = assessment_data(assessment)
    if assessment.completed_on is None:
        raise ctx.MissingDataError(["assessment.completed_on (complete the assessment first)"])
    kept = {
        "assessment_id": assessment.id,
        "assessment_version": assessment.version,
        "transfer_id": transfer.id,
        "verdict": data.verdict,
    }
    # The transfer's own processing, else the one its importer works for (its own or
    # inherited up the chain: an onward transfer's importer may have none of its own).
    described = transfer.processing_id or used.snapshot.described_processing(vendor.id)
    found = (await reads.processings(session, [described])).get(described or 0)
    processing, _ = parts.processing_data(found, used)
    onward = await parts.chain_rows(session, {vendor.id}, on, language, used)
    exporter = await parts.onward_exporter(session, transfer, vendor, used)
    return ctx.tia_context(
        base,
        parts.vendor_data(vendor),
        data,
        a,
        request.as_of,
        language,
        processing=processing,
        onward=onward,
        as_of=request.as_of,
        review_months=request.options.review_months,
        exporter=exporter,
    ), kept


def assessment_data(assessment: Assessment) -> ctx.AssessmentData:
    return ctx.AssessmentData(
        assessment.completed_on,
        assessment.conclusion,
        assessment.supplementary_measures,
        assessment.procedural_steps,
        assessment.law_and_practice,
        assessment.next_review_on,
        assessment.assessor,
        assessment.approver,
        assessment.approved_on,
        assessment.risk_period_years,
        tuple(
            Scenario(
                str(r["scenario"]),
                float(r["request"]),
                float(r["compelled"]),
                float(r["measures_fail"]),
            )
            for r in _scenario_rows(assessment.risk_scenarios)
        ),
        assessment.conclusion_reasoning,
        assessment.translations,
        assessment.importer_finding,
    )


def _scenario_rows(value: Any) -> list[dict[str, Any]]:
    return list(value or ())
