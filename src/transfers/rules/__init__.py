"""The transfer rules engine: pure functions over plain facts and the legal reference data.

No HTTP, no SQL: the API, CLI, documents and reminders all call these same functions.
"""

from __future__ import annotations

from transfers.rules.calendar import add_months
from transfers.rules.compliance import (
    Compliance,
    InvalidatedReliance,
    NewlyBlocked,
    Problem,
    WhatIf,
    register_compliance,
)
from transfers.rules.evaluate import (
    Evaluation,
    Reason,
    Severity,
    Verdict,
    deciding_assessment,
    evaluate_transfer,
    is_active,
    verdict_of,
)
from transfers.rules.facts import AgreementFacts, AssessmentFacts, TransferFacts, VendorFacts
from transfers.rules.status import (
    VendorStatus,
    VendorStatusValue,
    agreement_in_force,
    vendor_status,
    vendor_statuses,
)

__all__ = [
    "AgreementFacts",
    "AssessmentFacts",
    "Compliance",
    "Evaluation",
    "InvalidatedReliance",
    "NewlyBlocked",
    "Problem",
    "Reason",
    "Severity",
    "TransferFacts",
    "VendorFacts",
    "VendorStatus",
    "VendorStatusValue",
    "Verdict",
    "WhatIf",
    "add_months",
    "agreement_in_force",
    "deciding_assessment",
    "evaluate_transfer",
    "is_active",
    "register_compliance",
    "vendor_status",
    "vendor_statuses",
    "verdict_of",
]
