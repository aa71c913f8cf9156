"""Agreement payloads. Terms and notice periods are ISO-8601 durations ("P2Y"); human forms
such as "2 years" are accepted on input and stored in ISO form."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import msgspec
from msgspec import UNSET, UnsetType

from transfers.common.fields import (
    AgreementKind,
    AgreementStatus,
    CountryCode,
    Duration,
    Email,
    Id,
    LegalName,
    LongText,
    SccModule,
    ShortText,
    SubprocessorAuthorisation,
)


class SccClauses(msgspec.Struct, forbid_unknown_fields=True):
    """Options elected in the standard contractual clauses of Decision (EU) 2021/914; the
    Clause 9(a) option and its period are the agreement's sub-processor authorisation and
    objection period. Defaults: docking clause kept, no redress body, Finnish law and courts."""

    docking_clause: bool = True
    """Clause 7: other parties may accede to the clauses."""
    redress_body: ShortText | None = None
    """Clause 11(a) option: an independent dispute resolution body offered to data subjects."""
    supervisory_authority: LongText | None = None
    """Clause 13(a): the competent authority; default the exporter's."""
    governing_law: CountryCode = "FI"
    """Clause 17: the law of an EU Member State that allows third-party beneficiary rights."""
    governing_law_option: Literal[1, 2] = 1
    """Clause 17 (Modules 1-3): Option 1, the law of the Member State named; Option 2 (Modules
    2 and 3), the law of the exporter's Member State, else the one named."""
    forum: CountryCode = "FI"
    """Clause 18(b): the courts of an EU Member State."""


class AgreementCreate(msgspec.Struct, forbid_unknown_fields=True):
    vendor_id: Id
    kind: AgreementKind
    scc_module: SccModule | None = None
    organisation_id: Id | None = None
    title: LegalName | None = None
    status: AgreementStatus = "draft"
    signed_on: date | None = None
    effective_on: date | None = None
    ends_on: date | None = None
    terminated_on: date | None = None
    term: Duration | None = None
    auto_renew: bool = False
    renewal_term: Duration | None = None
    notice_period: Duration | None = None
    subprocessor_authorisation: SubprocessorAuthorisation | None = None
    objection_period_days: int | None = msgspec.field(default=None)
    owner: Email | None = None
    notes: LongText | None = None
    scc_clauses: SccClauses | None = None


class AgreementUpdate(msgspec.Struct, forbid_unknown_fields=True):
    kind: AgreementKind | UnsetType = UNSET
    scc_module: SccModule | UnsetType | None = UNSET
    organisation_id: Id | UnsetType | None = UNSET
    title: LegalName | UnsetType | None = UNSET
    status: AgreementStatus | UnsetType = UNSET
    signed_on: date | UnsetType | None = UNSET
    effective_on: date | UnsetType | None = UNSET
    ends_on: date | UnsetType | None = UNSET
    terminated_on: date | UnsetType | None = UNSET
    term: Duration | UnsetType | None = UNSET
    auto_renew: bool | UnsetType = UNSET
    renewal_term: Duration | UnsetType | None = UNSET
    notice_period: Duration | UnsetType | None = UNSET
    subprocessor_authorisation: SubprocessorAuthorisation | UnsetType | None = UNSET
    objection_period_days: int | UnsetType | None = UNSET
    owner: Email | UnsetType | None = UNSET
    notes: LongText | UnsetType | None = UNSET
    scc_clauses: SccClauses | UnsetType | None = UNSET
    version: int | UnsetType = UNSET


class AgreementRead(msgspec.Struct):
    id: int
    vendor_id: Id
    organisation_id: Id | None
    kind: str
    scc_module: int | None
    title: str | None
    status: str
    signed_on: date | None
    effective_on: date | None
    ends_on: date | None
    terminated_on: date | None
    term: str | None
    auto_renew: bool
    renewal_term: str | None
    notice_period: str | None
    subprocessor_authorisation: str | None
    objection_period_days: int | None
    owner: str | None
    notes: str | None
    scc_clauses: SccClauses | None
    current_term_ends_on: date | None
    next_notice_deadline: date | None
    version: int
    created_at: datetime
    updated_at: datetime


class AttachmentRead(msgspec.Struct):
    id: int
    agreement_id: Id
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    created_at: datetime
