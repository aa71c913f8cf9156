"""Versioned legal reference data (adequacy decisions, mechanisms, EEA membership, citations)."""

from __future__ import annotations

from transfers.reference.loader import (
    DATA_DIR,
    AdequacyDecision,
    Art28Policy,
    CountryRow,
    ExpiryChange,
    HrVocabulary,
    Mechanism,
    Membership,
    ReasonSource,
    Reference,
    ReferenceDataError,
    RolePair,
    SccModule,
    Territory,
    TiaNote,
    TiaPolicy,
    load_reference,
    load_reference_from,
)

__all__ = [
    "DATA_DIR",
    "AdequacyDecision",
    "Art28Policy",
    "CountryRow",
    "ExpiryChange",
    "HrVocabulary",
    "Mechanism",
    "Membership",
    "ReasonSource",
    "Reference",
    "ReferenceDataError",
    "RolePair",
    "SccModule",
    "Territory",
    "TiaNote",
    "TiaPolicy",
    "load_reference",
    "load_reference_from",
]
