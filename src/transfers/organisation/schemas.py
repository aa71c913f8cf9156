"""Organisation and processing payloads."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec
from msgspec import UNSET, UnsetType

from transfers.common.fields import (
    BusinessId,
    CountryCode,
    Email,
    Id,
    JobTitle,
    LongText,
    Name,
    PartyRole,
    PersonName,
    Phone,
    ServiceName,
    ShortText,
)

Label = ShortText
DocumentLanguage = Literal["en", "fi"]


class OrganisationCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name
    country: CountryCode
    roles: list[PartyRole] = msgspec.field(default_factory=lambda: ["controller"])
    business_id: BusinessId | None = None
    address: LongText | None = None
    dpo_name: PersonName | None = None
    dpo_email: Email | None = None
    dpo_phone: Phone | None = None
    supervisory_authority: LongText | None = None
    notes: LongText | None = None
    signatory_name: PersonName | None = None
    signatory_title: JobTitle | None = None


class OrganisationUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: Name | UnsetType = UNSET
    country: CountryCode | UnsetType = UNSET
    roles: list[PartyRole] | UnsetType = UNSET
    business_id: BusinessId | UnsetType | None = UNSET
    address: LongText | UnsetType | None = UNSET
    dpo_name: PersonName | UnsetType | None = UNSET
    dpo_email: Email | UnsetType | None = UNSET
    dpo_phone: Phone | UnsetType | None = UNSET
    supervisory_authority: LongText | UnsetType | None = UNSET
    notes: LongText | UnsetType | None = UNSET
    signatory_name: PersonName | UnsetType | None = UNSET
    signatory_title: JobTitle | UnsetType | None = UNSET
    version: int | UnsetType = UNSET


class OrganisationRead(msgspec.Struct):
    id: int
    name: str
    country: str
    roles: list[str]
    business_id: str | None
    address: str | None
    dpo_name: str | None
    dpo_email: str | None
    dpo_phone: str | None
    supervisory_authority: str | None
    notes: str | None
    version: int
    created_at: datetime
    updated_at: datetime
    signatory_name: str | None = None
    signatory_title: str | None = None


class ProcessingTexts(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """A processing's free texts in one more language (documents print their own language's)."""

    service: Name | None = None
    nature: LongText | None = None
    purposes: list[Label] | None = None
    data_subject_categories: list[Label] | None = None
    retention: LongText | None = None
    technical_measures: LongText | None = None
    measures_catalogue: dict[ShortText, LongText] | None = None
    controller: LongText | None = None


class ProcessingCreate(msgspec.Struct, forbid_unknown_fields=True):
    vendor_id: Id
    service: ServiceName
    our_role: PartyRole = "controller"
    controller: LongText | None = None
    organisation_id: Id | None = None
    purposes: list[Label] = msgspec.field(default_factory=list)
    data_categories: list[Label] = msgspec.field(default_factory=list)
    data_subject_categories: list[Label] = msgspec.field(default_factory=list)
    special_categories: bool = False
    criminal_data: bool = False
    nature: LongText | None = None
    retention: LongText | None = None
    technical_measures: LongText | None = None
    measures_catalogue: dict[ShortText, LongText] | None = None
    translations: dict[DocumentLanguage, ProcessingTexts] | None = None


class ProcessingUpdate(msgspec.Struct, forbid_unknown_fields=True):
    service: ServiceName | UnsetType = UNSET
    our_role: PartyRole | UnsetType = UNSET
    controller: LongText | UnsetType | None = UNSET
    organisation_id: Id | UnsetType | None = UNSET
    purposes: list[Label] | UnsetType = UNSET
    data_categories: list[Label] | UnsetType = UNSET
    data_subject_categories: list[Label] | UnsetType = UNSET
    special_categories: bool | UnsetType = UNSET
    criminal_data: bool | UnsetType = UNSET
    nature: LongText | UnsetType | None = UNSET
    retention: LongText | UnsetType | None = UNSET
    technical_measures: LongText | UnsetType | None = UNSET
    measures_catalogue: dict[ShortText, LongText] | UnsetType | None = UNSET
    translations: dict[DocumentLanguage, ProcessingTexts] | UnsetType | None = UNSET
    version: int | UnsetType = UNSET


class ProcessingRead(msgspec.Struct):
    id: int
    vendor_id: Id
    organisation_id: Id | None
    service: str
    our_role: str
    controller: str | None
    purposes: list[str]
    data_categories: list[str]
    data_subject_categories: list[str]
    special_categories: bool
    criminal_data: bool
    nature: str | None
    retention: str | None
    technical_measures: str | None
    measures_catalogue: dict[str, str] | None
    translations: dict[str, ProcessingTexts] | None
    version: int
    created_at: datetime
    updated_at: datetime
