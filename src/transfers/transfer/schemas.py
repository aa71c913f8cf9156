"""Transfer payloads: what the rules engine needs to decide Chapter V lawfulness."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

from transfers.common.fields import (
    SINGLE_LINE,
    BcrType,
    CountryCode,
    Frequency,
    Id,
    LongText,
    MechanismInput,
    PartyRole,
    Reference,
    SccModule,
    ShortText,
    TransferType,
)
from transfers.compliance.schemas import EvaluationRead

AgreementRef = Annotated[str, msgspec.Meta(max_length=300, pattern=SINGLE_LINE)]


class TransferTexts(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """A transfer's free texts in one more language (documents print their own language's)."""

    description: LongText | None = None
    supplementary_measures: LongText | None = None


class TransferCreate(msgspec.Struct, forbid_unknown_fields=True):
    vendor_id: Id
    exporter_role: PartyRole
    destination_country: CountryCode
    mechanism: MechanismInput
    transfer_type: TransferType = "storage"
    scc_module: SccModule | None = None
    agreement_id: Id | None = None
    organisation_id: Id | None = None
    processing_id: Id | None = None
    description: LongText | None = None
    data_categories: list[ShortText] = msgspec.field(default_factory=list)
    frequency: Frequency | None = None
    fallback_mechanism: MechanismInput | None = None
    adequacy_scope_confirmed: bool | None = None
    dpf_certified: bool | None = None
    dpf_hr_covered: bool | None = None
    dpf_verified_on: date | None = None
    bcr_approval_ref: Reference | None = None
    bcr_type: BcrType | None = None
    importer_in_group: bool | None = None
    approval_ref: Reference | None = None
    combines_eu_data: bool | None = None
    third_country_order: bool | None = None
    international_agreement: AgreementRef | None = None
    limited_data_subjects: bool | None = None
    authority_informed_on: date | None = None
    data_subjects_informed: bool | None = None
    supplementary_measures: LongText | None = None
    translations: dict[Literal["en", "fi"], TransferTexts] | None = None
    started_on: date | None = None
    ended_on: date | None = None


class TransferUpdate(msgspec.Struct, forbid_unknown_fields=True):
    exporter_role: PartyRole | UnsetType = UNSET
    destination_country: CountryCode | UnsetType = UNSET
    mechanism: MechanismInput | UnsetType = UNSET
    transfer_type: TransferType | UnsetType = UNSET
    scc_module: SccModule | UnsetType | None = UNSET
    agreement_id: Id | UnsetType | None = UNSET
    organisation_id: Id | UnsetType | None = UNSET
    processing_id: Id | UnsetType | None = UNSET
    description: LongText | UnsetType | None = UNSET
    data_categories: list[ShortText] | UnsetType = UNSET
    frequency: Frequency | UnsetType | None = UNSET
    fallback_mechanism: MechanismInput | UnsetType | None = UNSET
    adequacy_scope_confirmed: bool | UnsetType | None = UNSET
    dpf_certified: bool | UnsetType | None = UNSET
    dpf_hr_covered: bool | UnsetType | None = UNSET
    dpf_verified_on: date | UnsetType | None = UNSET
    bcr_approval_ref: Reference | UnsetType | None = UNSET
    bcr_type: BcrType | UnsetType | None = UNSET
    importer_in_group: bool | UnsetType | None = UNSET
    approval_ref: Reference | UnsetType | None = UNSET
    combines_eu_data: bool | UnsetType | None = UNSET
    third_country_order: bool | UnsetType | None = UNSET
    international_agreement: AgreementRef | UnsetType | None = UNSET
    limited_data_subjects: bool | UnsetType | None = UNSET
    authority_informed_on: date | UnsetType | None = UNSET
    data_subjects_informed: bool | UnsetType | None = UNSET
    supplementary_measures: LongText | UnsetType | None = UNSET
    translations: dict[Literal["en", "fi"], TransferTexts] | UnsetType | None = UNSET
    started_on: date | UnsetType | None = UNSET
    ended_on: date | UnsetType | None = UNSET
    version: int | UnsetType = UNSET


class TransferRead(msgspec.Struct):
    id: int
    vendor_id: Id
    exporter_role: str
    destination_country: str
    mechanism: str
    transfer_type: str
    scc_module: int | None
    agreement_id: Id | None
    organisation_id: Id | None
    processing_id: Id | None
    description: str | None
    data_categories: list[str]
    frequency: str | None
    fallback_mechanism: str | None
    adequacy_scope_confirmed: bool | None
    dpf_certified: bool | None
    dpf_hr_covered: bool | None
    dpf_verified_on: date | None
    bcr_approval_ref: str | None
    bcr_type: str | None
    importer_in_group: bool | None
    approval_ref: str | None
    combines_eu_data: bool | None
    third_country_order: bool | None
    international_agreement: str | None
    limited_data_subjects: bool | None
    authority_informed_on: date | None
    data_subjects_informed: bool | None
    supplementary_measures: str | None
    translations: dict[str, TransferTexts] | None
    started_on: date | None
    ended_on: date | None
    version: int
    created_at: datetime
    updated_at: datetime


class TransferWritten(TransferRead):
    """A created or updated transfer with its verdict on today's date, so the person who
    records an unlawful transfer sees it at once."""

    evaluation: EvaluationRead
