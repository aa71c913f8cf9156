"""Sub-processor notice payloads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

from transfers.common.fields import CountryCode, Id, LongText, MechanismInput, Name, SccModule
from transfers.compliance.schemas import ReasonRead

Change = Literal["added", "replaced", "removed"]
NoticeState = Literal["pending", "accepted", "objected"]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=20_000)]


class NoticeCreate(msgspec.Struct, forbid_unknown_fields=True):
    vendor_id: Id
    change: Change
    received_on: date
    effective_on: date
    subprocessor_id: Id | None = None
    subprocessor_name: Name | None = None
    subprocessor_country: CountryCode | None = None
    replaces_id: Id | None = None
    purpose: LongText | None = None
    mechanism: MechanismInput = "none"
    scc_module: SccModule | None = None


class ObjectionCreate(msgspec.Struct, forbid_unknown_fields=True):
    reason: Reason
    sent_on: date
    version: int | UnsetType = UNSET


class VersionOnly(msgspec.Struct, forbid_unknown_fields=True):
    version: int | UnsetType = UNSET


class VendorEffect(msgspec.Struct):
    vendor_id: int | None
    vendor_name: str
    before: str | None
    after: str


class TransferEffect(msgspec.Struct):
    vendor_id: int | None
    vendor_name: str
    transfer_id: int | None
    destination_country: str
    mechanism: str
    before: str | None
    after: str
    reasons: list[ReasonRead]


class NoticeImpact(msgspec.Struct):
    """The engine's answer to "what if we accept": statuses and verdicts before and after."""

    as_of: date
    vendor_status_before: str
    vendor_status_after: str
    vendor_reasons_after: list[ReasonRead]
    vendors: list[VendorEffect]
    transfers: list[TransferEffect]


class NoticeRead(msgspec.Struct):
    id: int
    vendor_id: int
    change: str
    subprocessor_id: int | None
    subprocessor_name: str
    subprocessor_country: str
    replaces_id: int | None
    mechanism: str
    scc_module: int | None
    purpose: str | None
    received_on: date
    effective_on: date
    authorisation: str
    needs_consent: bool
    objection_deadline: date | None
    decide_by: date
    overdue: bool
    state: NoticeState
    decided_by: str | None
    decided_on: date | None
    objection_reason: str | None
    objection_sent_on: date | None
    applied_on: date | None
    version: int
    created_at: datetime
    updated_at: datetime
    impact: NoticeImpact | None = None
