"""Assessment (TIA) payloads."""

from __future__ import annotations

from datetime import date, datetime

import msgspec
from msgspec import UNSET, UnsetType

from transfers.common.fields import Conclusion, Email, Id, LongText, ShortText


class AssessmentCreate(msgspec.Struct, forbid_unknown_fields=True):
    transfer_id: Id
    completed_on: date | None = None
    conclusion: Conclusion | None = None
    supplementary_measures: LongText | None = None
    law_and_practice: LongText | None = None
    procedural_steps: LongText | None = None
    next_review_on: date | None = None
    assessor: ShortText | None = None
    approver: ShortText | None = None
    approved_on: date | None = None
    owner: Email | None = None
    notes: LongText | None = None


class AssessmentUpdate(msgspec.Struct, forbid_unknown_fields=True):
    completed_on: date | UnsetType | None = UNSET
    conclusion: Conclusion | UnsetType | None = UNSET
    supplementary_measures: LongText | UnsetType | None = UNSET
    law_and_practice: LongText | UnsetType | None = UNSET
    procedural_steps: LongText | UnsetType | None = UNSET
    next_review_on: date | UnsetType | None = UNSET
    assessor: ShortText | UnsetType | None = UNSET
    approver: ShortText | UnsetType | None = UNSET
    approved_on: date | UnsetType | None = UNSET
    owner: Email | UnsetType | None = UNSET
    notes: LongText | UnsetType | None = UNSET
    version: int | UnsetType = UNSET


class AssessmentRead(msgspec.Struct):
    id: int
    transfer_id: Id
    completed_on: date | None
    conclusion: str | None
    supplementary_measures: str | None
    law_and_practice: str | None
    procedural_steps: str | None
    next_review_on: date | None
    assessor: str | None
    approver: str | None
    approved_on: date | None
    owner: str | None
    notes: str | None
    version: int
    created_at: datetime
    updated_at: datetime
