"""Evaluation, vendor status, register-wide view and the legal reference."""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, get
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.common.fields import Limit, Mechanism, Offset
from transfers.compliance import service
from transfers.compliance.clearance import cleared_for
from transfers.compliance.schemas import (
    ComplianceRead,
    EvaluationRead,
    VendorStatusRead,
    compliance_read,
    evaluation_read,
    plain,
    status_read,
)
from transfers.reference import load_reference

AS_OF = Parameter(default=None, description="Evaluate on this day (default: today)")


USE_CATEGORY = Parameter(default=None, max_length=200, description="Is this data category cleared?")
USE_COUNTRY = Parameter(default=None, max_length=60, description="...for this destination country?")
USE_PURPOSE = Parameter(default=None, max_length=200, description="...for this purpose?")


def _day(as_of: date | None) -> date:
    return as_of or date.today()


async def _status(
    db_session: AsyncSession,
    vendor_id: int,
    day: date,
    data_category: str | None,
    country: str | None,
    purpose: str | None,
) -> VendorStatusRead:
    """The engine's status, with what the vendor is cleared for (and open approval conditions)."""
    status = await service.status_of(db_session, vendor_id, day)
    status, cleared = await cleared_for(
        db_session,
        vendor_id,
        status,
        day,
        data_category=data_category,
        country=country,
        purpose=purpose,
    )
    return status_read(vendor_id, status, day, load_reference().version, cleared)


class EvaluationController(Controller):
    tags = ["compliance"]

    @get("/api/v1/transfers/{transfer_id:int}/evaluation", operation_id="EvaluateTransfer")
    async def evaluate(
        self, db_session: AsyncSession, transfer_id: int, as_of: date | None = AS_OF
    ) -> EvaluationRead:
        transfer, evaluation = await service.evaluate_one(db_session, transfer_id, _day(as_of))
        return evaluation_read(transfer, evaluation, load_reference().version)

    @get("/api/v1/vendors/{vendor_id:int}/status", operation_id="GetVendorStatus")
    async def vendor_status(
        self,
        db_session: AsyncSession,
        vendor_id: int,
        as_of: date | None = AS_OF,
        data_category: str | None = USE_CATEGORY,
        country: str | None = USE_COUNTRY,
        purpose: str | None = USE_PURPOSE,
    ) -> VendorStatusRead:
        return await _status(db_session, vendor_id, _day(as_of), data_category, country, purpose)

    @get("/api/v1/vendors/status", operation_id="LookupVendorStatus")
    async def lookup_status(
        self,
        db_session: AsyncSession,
        name: str | None = Parameter(default=None, max_length=200),
        business_id: str | None = Parameter(default=None, max_length=40),
        as_of: date | None = AS_OF,
        data_category: str | None = USE_CATEGORY,
        country: str | None = USE_COUNTRY,
        purpose: str | None = USE_PURPOSE,
    ) -> VendorStatusRead:
        vendor_id = await service.find_vendor_id(db_session, name=name, business_id=business_id)
        return await _status(db_session, vendor_id, _day(as_of), data_category, country, purpose)

    @get("/api/v1/compliance", operation_id="GetCompliance")
    async def compliance(
        self,
        db_session: AsyncSession,
        as_of: date | None = AS_OF,
        assume_invalid: Mechanism | None = Parameter(
            default=None, description="What-if: treat this mechanism as invalid"
        ),
        from_: date | None = Parameter(
            query="from",
            default=None,
            description="What-if: invalid from this day (default: as_of)",
        ),
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> ComplianceRead:
        result = await service.register_view(db_session, _day(as_of), assume_invalid, from_)
        return compliance_read(result, limit, offset)


class ReferenceController(Controller):
    path = "/api/v1/reference"
    tags = ["reference"]

    @get("/countries", operation_id="ListReferenceCountries")
    async def countries(self) -> dict[str, Any]:
        ref = load_reference()
        return {"version": ref.version, "items": plain(list(ref.countries()))}

    @get("/mechanisms", operation_id="ListReferenceMechanisms")
    async def mechanisms(self) -> dict[str, Any]:
        ref = load_reference()
        return {"version": ref.version, "items": plain(list(ref.mechanisms()))}
