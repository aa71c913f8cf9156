"""Customer, planned sub-processor change and customer notice payloads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

from transfers.common.fields import (
    BusinessId,
    CountryCode,
    Email,
    Id,
    LegalName,
    LongText,
    MechanismInput,
    Name,
    SccModule,
)
from transfers.notice.schemas import NoticeImpact

Language = Literal["fi", "en"]
Authorisation = Literal["general", "specific"]
NoticeChannel = Literal["email", "letter", "portal"]
ChangeKind = Literal["added", "replaced", "removed", "new_country"]
ChangeState = Literal["planned", "sent", "applied", "withdrawn"]
Response = Literal["objected", "consented"]
Resolution = Literal["withdrawn", "dropped", "terminated"]
Days = Annotated[int, msgspec.Meta(ge=0, le=365)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=20_000)]
Who = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
RequiredLegalName = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]


class CustomerCreate(msgspec.Struct, forbid_unknown_fields=True):
    legal_name: RequiredLegalName
    country: CountryCode
    language: Language = "fi"
    business_id: BusinessId | None = None
    privacy_email: Email | None = None
    dpo_email: Email | None = None
    authorisation: Authorisation = "general"
    objection_period_days: Days | None = None
    notice_channel: NoticeChannel = "email"
    dpa_signed_on: date | None = None
    notes: LongText | None = None
    processing_ids: list[Id] = []


class CustomerUpdate(msgspec.Struct, forbid_unknown_fields=True):
    legal_name: LegalName | UnsetType = UNSET
    country: CountryCode | UnsetType = UNSET
    language: Language | UnsetType = UNSET
    business_id: BusinessId | UnsetType | None = UNSET
    privacy_email: Email | UnsetType | None = UNSET
    dpo_email: Email | UnsetType | None = UNSET
    authorisation: Authorisation | UnsetType = UNSET
    objection_period_days: Days | UnsetType | None = UNSET
    notice_channel: NoticeChannel | UnsetType = UNSET
    dpa_signed_on: date | UnsetType | None = UNSET
    notes: LongText | UnsetType | None = UNSET
    processing_ids: list[Id] | UnsetType = UNSET
    version: int | UnsetType = UNSET


class CustomerRead(msgspec.Struct):
    id: int
    legal_name: str
    business_id: str | None
    country: str
    language: str
    privacy_email: str | None
    dpo_email: str | None
    authorisation: str
    objection_period_days: int | None
    notice_channel: str
    dpa_signed_on: date | None
    notes: str | None
    processing_ids: list[int]
    version: int
    created_at: datetime
    updated_at: datetime


class UnlinkedController(msgspec.Struct):
    """A processing whose free-text controller matched no customer: for a person to link."""

    processing_id: int
    service: str
    controller: str


class LinkReport(msgspec.Struct):
    linked: list[int]
    unlinked: list[UnlinkedController]


class ChangeCreate(msgspec.Struct, forbid_unknown_fields=True):
    change: ChangeKind
    effective_on: date
    vendor_id: Id | None = None
    subprocessor_id: Id | None = None
    name: Name | None = None
    country: CountryCode | None = None
    replaces_id: Id | None = None
    new_country: CountryCode | None = None
    mechanism: MechanismInput = "none"
    scc_module: SccModule | None = None
    purpose: LongText | None = None
    safeguard: LongText | None = None
    processing_ids: list[Id] = []
    owner: Email | None = None
    notes: LongText | None = None


class VersionOnly(msgspec.Struct, forbid_unknown_fields=True):
    version: int | UnsetType = UNSET


class DeliveryRead(msgspec.Struct):
    recipient: str
    status: str
    attempts: int
    reason: str | None
    sent_at: datetime | None


class CustomerNoticeRead(msgspec.Struct):
    id: int
    customer_id: int
    customer_name: str
    language: str
    authorisation: str
    objection_period_days: int | None
    sent_on: date | None
    earliest_on: date | None
    """The earliest day the change may take effect for this customer: the notice date plus the
    objection period (general), or the day of consent (specific; None until consent)."""
    response: str | None
    response_by: str | None
    response_on: date | None
    response_reason: str | None
    resolution: str | None
    resolved_on: date | None
    resolved_by: str | None
    subject: str
    body: str
    deliveries: list[DeliveryRead]
    version: int


class AffectedCustomer(msgspec.Struct):
    customer_id: int
    customer_name: str
    authorisation: str
    objection_period_days: int | None
    earliest_on: date | None
    effective_on_allowed: bool


class ChangeRead(msgspec.Struct):
    id: int
    change: str
    vendor_id: int | None
    subprocessor_id: int | None
    replaces_id: int | None
    name: str
    country: str
    new_country: str | None
    mechanism: str
    scc_module: int | None
    purpose: str | None
    safeguard: str | None
    processing_ids: list[int]
    effective_on: date
    owner: str | None
    notes: str | None
    state: str
    sent_on: date | None
    engaged_on: date | None
    override_reason: str | None
    version: int
    created_at: datetime
    updated_at: datetime
    affected: list[AffectedCustomer] = []
    blocking: list[str] = []
    """Why the change may not be sent: each transfer it would make unlawful, with the reason."""
    impact: NoticeImpact | None = None
    notices: list[CustomerNoticeRead] = []


class ResponseCreate(msgspec.Struct, forbid_unknown_fields=True):
    response: Response
    by: Who
    on: date
    reason: LongText | None = None
    version: int | UnsetType = UNSET


class ResolutionCreate(msgspec.Struct, forbid_unknown_fields=True):
    resolution: Resolution
    version: int | UnsetType = UNSET


class EngagementCreate(msgspec.Struct, forbid_unknown_fields=True):
    engaged_on: date
    override_reason: LongText | None = None
    version: int | UnsetType = UNSET


class BounceCreate(msgspec.Struct, forbid_unknown_fields=True):
    """A mail server's report that an e-mail sent to ``recipient`` did not arrive."""

    recipient: Email
    reason: Reason
