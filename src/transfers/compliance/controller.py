"""Evaluation, vendor status, register-wide view and the legal reference."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from litestar import Controller, Response, get
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
from transfers.rules.messages import negotiate

AS_OF = Parameter(default=None, description="Evaluate on this day (default: today)")


USE_CATEGORY = Parameter(default=None, max_length=200, description="Is this data category cleared?")
USE_COUNTRY = Parameter(default=None, max_length=60, description="...for this destination country?")
USE_PURPOSE = Parameter(default=None, max_length=200, description="...for this purpose?")


LANG = Parameter(
    query="lang",
    default=None,
    description="Language of reasons and explanations (wins over Accept-Language; default en)",
)
ACCEPT_LANGUAGE = Parameter(header="Accept-Language", default=None, max_length=200)

Language = Literal["en", "fi"]


def _day(as_of: date | None) -> date:
    return as_of or date.today()


def _answer(content: Any, language: str) -> Response[Any]:
    """The answer, saying its language (and that it depends on Accept-Language, for caches)."""
    return Response(content, headers={"Content-Language": language, "Vary": "Accept-Language"})


async def _status(
    db_session: AsyncSession,
    vendor_id: int,
    day: date,
    data_category: str | None,
    country: str | None,
    purpose: str | None,
    language: str = "en",
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
        language=language,
    )
    services = await service.transfer_services(db_session, vendor_id)
    return status_read(
        vendor_id, status, day, load_reference().version, cleared, language, services
    )


class EvaluationController(Controller):
    tags = ["compliance"]

    @get("/api/v1/transfers/{transfer_id:int}/evaluation", operation_id="EvaluateTransfer")
    async def evaluate(
        self,
        db_session: AsyncSession,
        transfer_id: int,
        as_of: date | None = AS_OF,
        lang: Language | None = LANG,
        accept_language: str | None = ACCEPT_LANGUAGE,
    ) -> Response[EvaluationRead]:
        language = negotiate(lang, accept_language)
        transfer, evaluation = await service.evaluate_one(db_session, transfer_id, _day(as_of))
        return _answer(
            evaluation_read(transfer, evaluation, load_reference().version, language), language
        )

    @get("/api/v1/vendors/{vendor_id:int}/status", operation_id="GetVendorStatus")
    async def vendor_status(
        self,
        db_session: AsyncSession,
        vendor_id: int,
        as_of: date | None = AS_OF,
        data_category: str | None = USE_CATEGORY,
        country: str | None = USE_COUNTRY,
        purpose: str | None = USE_PURPOSE,
        lang: Language | None = LANG,
        accept_language: str | None = ACCEPT_LANGUAGE,
    ) -> Response[VendorStatusRead]:
        language = negotiate(lang, accept_language)
        found = await _status(
            db_session, vendor_id, _day(as_of), data_category, country, purpose, language
        )
        return _answer(found, language)

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
        lang: Language | None = LANG,
        accept_language: str | None = ACCEPT_LANGUAGE,
    ) -> Response[VendorStatusRead]:
        language = negotiate(lang, accept_language)
        vendor_id = await service.find_vendor_id(db_session, name=name, business_id=business_id)
        found = await _status(
            db_session, vendor_id, _day(as_of), data_category, country, purpose, language
        )
        return _answer(found, language)

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
        lang: Language | None = LANG,
        accept_language: str | None = ACCEPT_LANGUAGE,
    ) -> Response[ComplianceRead]:
        language = negotiate(lang, accept_language)
        result = await service.register_view(db_session, _day(as_of), assume_invalid, from_)
        return _answer(compliance_read(result, limit, offset, language), language)


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
