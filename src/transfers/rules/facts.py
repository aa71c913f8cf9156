"""Plain input data for the rules engine: what the register knows about a transfer or a vendor.

The caller (service, CLI, importer) builds these from the database; the engine never reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class AssessmentFacts:
    """A transfer impact assessment (SCC Clause 14; EDPB Recommendations 01/2020)."""

    id: int | None
    completed_on: date | None  # None = draft, not completed
    conclusion: str | None  # "adequate" | "adequate_with_measures" | "not_adequate"
    next_review_on: date | None


@dataclass(frozen=True, slots=True)
class TransferFacts:
    """One transfer of personal data to a destination, and the mechanism it relies on."""

    id: int | None
    destination_country: str  # ISO 3166-1 alpha-2 upper case
    exporter_role: str  # "controller" | "processor"
    importer_role: str  # "controller" | "processor"
    mechanism: str  # a mechanism code from the reference data
    scc_module: int | None  # 1..4 for scc_2021
    contract_signed_on: date | None  # signature date of the SCC/IDTA/ad hoc contract relied on
    data_categories: tuple[str, ...]  # e.g. ("identity", "contact", "hr")
    frequency: str | None  # "occasional" | "systematic" | None (unknown)
    adequacy_scope_confirmed: bool | None
    dpf_certified: bool | None
    dpf_hr_covered: bool | None
    dpf_verified_on: date | None
    bcr_approval_ref: str | None
    fallback_mechanism: str | None  # e.g. "scc_2021" as a back-up to dpf
    started_on: date | None
    ended_on: date | None
    assessments: tuple[AssessmentFacts, ...] = ()


@dataclass(frozen=True, slots=True)
class AgreementFacts:
    """A contract with a vendor (DPA, SCCs, IDTA, joint-controller arrangement, ...)."""

    id: int | None
    kind: str  # dpa, scc_2021, scc_2010, ..., uk_idta, uk_addendum, joint_controller, other
    scc_module: int | None
    status: str  # "draft" | "signed" | "terminated"
    signed_on: date | None
    effective_on: date | None
    ends_on: date | None  # end of the current term, computed by the caller; None = open-ended


@dataclass(frozen=True, slots=True)
class VendorFacts:
    """A vendor with its agreements, its transfers and its direct subprocessors."""

    id: int
    name: str
    role: str  # processor | subprocessor | controller | joint_controller
    status: str  # proposed | in_review | approved | suspended | offboarded
    agreements: tuple[AgreementFacts, ...]
    transfers: tuple[TransferFacts, ...]
    subprocessor_ids: tuple[int, ...]  # direct subprocessors (children)
