"""Vendor payloads: the API's allow-list of fields (unknown fields are rejected)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from msgspec import UNSET, UnsetType

from transfers.common.fields import (
    SINGLE_LINE,
    BusinessId,
    CountryCode,
    Email,
    Id,
    JobTitle,
    LegalName,
    LongText,
    Name,
    PersonName,
    ShortText,
    VendorCategory,
    VendorRole,
    VendorStatus,
)

DpfParticipantId = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=40,
        pattern=SINGLE_LINE,
        description="The vendor's ID on the DPF participant list",
    ),
]


class Contact(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    email: Email | None = None
    phone: ShortText | None = None
    role: ShortText | None = None


class VendorCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    country: CountryCode
    role: VendorRole
    category: VendorCategory = "other"
    status: VendorStatus = "proposed"
    legal_name: LegalName | None = None
    business_id: BusinessId | None = None
    address: LongText | None = None
    contacts: list[Contact] = msgspec.field(default_factory=list)
    website: ShortText | None = None
    owner: Email | None = None
    notes: LongText | None = None
    authorised_by_processor: bool | None = msgspec.field(default=None)
    dpf_participant_id: DpfParticipantId | None = None
    signatory_name: PersonName | None = None
    signatory_title: JobTitle | None = None
    parent_vendor_ids: list[Id] = msgspec.field(default_factory=list)
    subprocessor_ids: list[Id] = msgspec.field(default_factory=list)


class VendorUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name | UnsetType = UNSET
    country: CountryCode | UnsetType = UNSET
    role: VendorRole | UnsetType = UNSET
    category: VendorCategory | UnsetType = UNSET
    status: VendorStatus | UnsetType = UNSET
    legal_name: LegalName | UnsetType | None = UNSET
    business_id: BusinessId | UnsetType | None = UNSET
    address: LongText | UnsetType | None = UNSET
    contacts: list[Contact] | UnsetType = UNSET
    website: ShortText | UnsetType | None = UNSET
    owner: Email | UnsetType | None = UNSET
    notes: LongText | UnsetType | None = UNSET
    authorised_by_processor: bool | UnsetType | None = UNSET
    dpf_participant_id: DpfParticipantId | UnsetType | None = UNSET
    signatory_name: PersonName | UnsetType | None = UNSET
    signatory_title: JobTitle | UnsetType | None = UNSET
    parent_vendor_ids: list[Id] | UnsetType = UNSET
    subprocessor_ids: list[Id] | UnsetType = UNSET
    version: int | UnsetType = UNSET


class VendorRead(msgspec.Struct):
    id: int
    name: str
    legal_name: str | None
    business_id: str | None
    address: str | None
    country: str
    category: str
    role: str
    status: str
    contacts: list[Contact]
    website: str | None
    owner: str | None
    notes: str | None
    authorised_by_processor: bool | None
    parent_vendor_ids: list[Id]
    subprocessor_ids: list[Id]
    version: int
    created_at: datetime
    updated_at: datetime
    dpf_participant_id: str | None = None
    signatory_name: str | None = None
    signatory_title: str | None = None


class ChainNode(msgspec.Struct):
    id: int
    name: str
    country: str
    role: str
    status: str
    subprocessors: list[ChainNode]


class EngagementUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """When a sub-processor's engagement for a vendor starts and ends (GDPR Art. 28(2))."""

    engaged_on: date | None = None
    ended_on: date | None = None
    override_reason: LongText | None = None
    """Why the date stands although a customer's objection period has not ended (audited)."""


class EngagementRead(msgspec.Struct):
    vendor_id: int
    subprocessor_id: int
    engaged_on: date | None
    ended_on: date | None
    notified_on: date | None
