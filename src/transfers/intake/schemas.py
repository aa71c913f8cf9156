"""Intake payloads: the API's allow-list of fields (unknown fields are rejected)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

from transfers.common.fields import (
    CountryCode,
    Email,
    Id,
    LongText,
    MechanismInput,
    Name,
    SccModule,
    ShortText,
    TransferType,
    VendorRole,
)
from transfers.compliance.schemas import ReasonRead
from transfers.intake.needs import Need

IntakeState = Literal["submitted", "in_review", "approved", "approved_with_conditions", "rejected"]
Decision = Literal["approve", "approve_with_conditions", "reject"]
Labels = Annotated[list[ShortText], msgspec.Meta(max_length=100)]
BusinessId = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]


class Destination(msgspec.Struct, forbid_unknown_fields=True):
    """Where the vendor would process the data, and the mechanism it offers for that country."""

    country: CountryCode
    mechanism: MechanismInput = "none"
    scc_module: SccModule | None = None
    fallback_mechanism: MechanismInput | None = None
    dpf_certified: bool | None = None
    dpf_hr_covered: bool | None = None
    dpf_verified_on: date | None = None
    transfer_type: TransferType = "storage"


class IntakeCreate(msgspec.Struct, forbid_unknown_fields=True):
    service: Name
    purposes: Labels
    data_categories: Labels
    vendor_id: Id | None = None
    vendor_name: Name | None = None
    vendor_country: CountryCode | None = None
    vendor_business_id: BusinessId | None = None
    vendor_role: VendorRole = "processor"
    data_subjects: Labels = msgspec.field(default_factory=list)
    destinations: Annotated[list[Destination], msgspec.Meta(max_length=50)] = msgspec.field(
        default_factory=list
    )
    expected_start: date | None = None
    requester_email: Email | None = None


class ConditionCreate(msgspec.Struct, forbid_unknown_fields=True):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    due_on: date


class DecisionCreate(msgspec.Struct, forbid_unknown_fields=True):
    decision: Decision
    reason: LongText | None = None
    conditions: Annotated[list[ConditionCreate], msgspec.Meta(max_length=50)] = msgspec.field(
        default_factory=list
    )
    version: int | UnsetType = UNSET


class VersionOnly(msgspec.Struct, forbid_unknown_fields=True):
    version: int | UnsetType = UNSET


class ConditionRead(msgspec.Struct):
    number: int
    text: str
    due_on: date
    met_on: date | None
    met_by: str | None
    reminder_key: str


class DestinationCheck(msgspec.Struct):
    country: str
    mechanism: str
    verdict: str
    needs: list[str]
    reasons: list[ReasonRead]
    need_items: list[Need] = []
    """The needs as keys and parameters, for a client that words them in its own language."""


class Precheck(msgspec.Struct):
    """What the engine says about the transfers as requested (nothing is written)."""

    as_of: date
    vendor_status: Literal["approved", "conditional", "blocked"]
    lawful_as_requested: bool
    needs: list[str]
    destinations: list[DestinationCheck]
    vendor_reasons: list[ReasonRead]
    reference_version: str
    vendor_need_items: list[Need] = []
    """The vendor's own needs (the first lines of ``needs``) as keys and parameters."""


class IntakeRead(msgspec.Struct):
    id: int
    state: IntakeState
    requester: str
    requester_email: str | None
    vendor_id: int | None
    vendor_name: str
    vendor_country: str
    vendor_business_id: str | None
    vendor_role: str
    service: str
    purposes: list[str]
    data_categories: list[str]
    data_subjects: list[str]
    destinations: list[Destination]
    expected_start: date | None
    processing_id: int | None
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None
    conditions: list[ConditionRead]
    version: int
    created_at: datetime
    updated_at: datetime
    precheck: Precheck | None = None
