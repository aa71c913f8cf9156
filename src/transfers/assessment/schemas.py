"""Assessment (TIA) payloads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

from transfers.common.fields import Conclusion, Email, Id, LongText, PersonName, ShortText

Probability = Annotated[float, msgspec.Meta(ge=0, le=1)]


class RiskScenario(msgspec.Struct, forbid_unknown_fields=True):
    """The assessor's estimates for one scenario of access by a third-country authority over
    the assessment period (transfers.assessment.risk)."""

    scenario: ShortText
    request: Probability
    """That an authority requests these data from the importer."""
    compelled: Probability
    """That the importer is compelled to disclose them (its challenge fails)."""
    measures_fail: Probability
    """That the supplementary measures fail to keep the data unintelligible."""


class AssessmentTexts(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """An assessment's free texts in one more language."""

    supplementary_measures: LongText | None = None
    law_and_practice: LongText | None = None
    importer_finding: LongText | None = None
    procedural_steps: LongText | None = None
    conclusion_reasoning: LongText | None = None
    risk_scenarios: list[ShortText] | None = None
    """The scenarios' names in this language, in the order of ``risk_scenarios``."""


class AssessmentCreate(msgspec.Struct, forbid_unknown_fields=True):
    transfer_id: Id
    completed_on: date | None = None
    conclusion: Conclusion | None = None
    supplementary_measures: LongText | None = None
    law_and_practice: LongText | None = None
    importer_finding: LongText | None = None
    """The assessor's Step 3 finding for this importer and these data."""
    procedural_steps: LongText | None = None
    next_review_on: date | None = None
    assessor: PersonName | None = None
    approver: PersonName | None = None
    approved_on: date | None = None
    risk_period_years: Annotated[int, msgspec.Meta(ge=1, le=20)] | None = None
    risk_scenarios: list[RiskScenario] | None = None
    conclusion_reasoning: LongText | None = None
    translations: dict[Literal["en", "fi"], AssessmentTexts] | None = None
    owner: Email | None = None
    notes: LongText | None = None


class AssessmentUpdate(msgspec.Struct, forbid_unknown_fields=True):
    completed_on: date | UnsetType | None = UNSET
    conclusion: Conclusion | UnsetType | None = UNSET
    supplementary_measures: LongText | UnsetType | None = UNSET
    law_and_practice: LongText | UnsetType | None = UNSET
    importer_finding: LongText | UnsetType | None = UNSET
    procedural_steps: LongText | UnsetType | None = UNSET
    next_review_on: date | UnsetType | None = UNSET
    assessor: PersonName | UnsetType | None = UNSET
    approver: PersonName | UnsetType | None = UNSET
    approved_on: date | UnsetType | None = UNSET
    risk_period_years: Annotated[int, msgspec.Meta(ge=1, le=20)] | UnsetType | None = UNSET
    risk_scenarios: list[RiskScenario] | UnsetType | None = UNSET
    conclusion_reasoning: LongText | UnsetType | None = UNSET
    translations: dict[Literal["en", "fi"], AssessmentTexts] | UnsetType | None = UNSET
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
    importer_finding: str | None
    procedural_steps: str | None
    next_review_on: date | None
    assessor: str | None
    approver: str | None
    approved_on: date | None
    risk_period_years: int | None
    risk_scenarios: list[RiskScenario] | None
    conclusion_reasoning: str | None
    translations: dict[str, AssessmentTexts] | None
    owner: str | None
    notes: str | None
    version: int
    created_at: datetime
    updated_at: datetime
