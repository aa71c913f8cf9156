"""The transfer page and the assessment page: the record, its verdict, its assessments, and the
documents generated from it (SCC annexes for a transfer, the TIA for an assessment)."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.assessment import service as assessment_service
from transfers.compliance.service import status_of
from transfers.transfer import service as transfer_service
from transfers.vendor import service as vendor_service
from transfers.web import reads
from transfers.web.forms import shown_values
from transfers.web.register_forms import assessment_fields, transfer_fields
from transfers.web.security import identity


class RecordPages(Controller):
    path = "/"
    include_in_schema = False

    @get("/transfers/{transfer_id:int}")
    async def transfer(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, transfer_id: int
    ) -> Template:
        transfer = await transfer_service.get_transfer(db_session, transfer_id)
        vendor = await vendor_service.get_vendor(db_session, transfer.vendor_id)
        status = await status_of(db_session, vendor.id, date.today())
        evaluation = next((e for t, e in status.transfers if t.id == transfer_id), None)
        assessments, _total = await assessment_service.list_assessments(
            db_session, transfer_id=transfer_id, limit=200, offset=0
        )
        fields = transfer_fields(vendor.role)
        return Template(
            template_name="transfer.html",
            context={
                "me": identity(request),
                "transfer": transfer,
                "vendor": vendor,
                "evaluation": evaluation,
                "assessments": assessments,
                "fields": fields,
                "values": shown_values(transfer, fields),
                "documents": await reads.documents_of(db_session, transfer_ids=[transfer_id]),
            },
        )

    @get("/assessments/{assessment_id:int}")
    async def assessment(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, assessment_id: int
    ) -> Template:
        assessment = await assessment_service.get_assessment(db_session, assessment_id)
        transfer = await transfer_service.get_transfer(db_session, assessment.transfer_id)
        vendor = await vendor_service.get_vendor(db_session, transfer.vendor_id)
        fields = assessment_fields()
        return Template(
            template_name="assessment.html",
            context={
                "me": identity(request),
                "assessment": assessment,
                "transfer": transfer,
                "vendor": vendor,
                "fields": fields,
                "values": shown_values(assessment, fields),
                "documents": await reads.documents_of(db_session, assessment_ids=[assessment_id]),
            },
        )
