"""DOCX documents generated from the register, in English and Finnish: the Art. 28 DPA, the
annexes of the SCCs of Decision (EU) 2021/914, the transfer impact assessment (EDPB
Recommendations 01/2020), the sub-processor list (Art. 28(2)), the privacy-notice section on
transfers (Art. 13(1)(f), 14(1)(f)) and the record-of-processing extract (Art. 30(1)(e), 30(2)(c)).

Pure parts (no HTTP, no SQL): :mod:`.kinds` documents the context of each kind,
:mod:`.context` builds it from plain data, :mod:`.render` renders and checks templates.
"""

from __future__ import annotations

from transfers.document.context import (
    AgreementData,
    AssessmentData,
    ChangeRow,
    MissingDataError,
    OrganisationData,
    ProcessingData,
    SubprocessorRow,
    TransferData,
    VendorData,
    build_context,
    sample_context,
)
from transfers.document.kinds import (
    KINDS,
    LANGUAGES,
    VARIABLES,
    Variable,
    context_reference_markdown,
)
from transfers.document.render import (
    RenderError,
    builtin_template,
    document_text,
    render_docx,
    validate_template,
)

__all__ = [
    "KINDS",
    "LANGUAGES",
    "VARIABLES",
    "AgreementData",
    "AssessmentData",
    "ChangeRow",
    "MissingDataError",
    "OrganisationData",
    "ProcessingData",
    "RenderError",
    "SubprocessorRow",
    "TransferData",
    "Variable",
    "VendorData",
    "build_context",
    "builtin_template",
    "context_reference_markdown",
    "document_text",
    "render_docx",
    "sample_context",
    "validate_template",
]
