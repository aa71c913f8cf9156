"""The document kinds and the context each template receives (the contract for uploaded templates)."""

from __future__ import annotations

from typing import Final

LANGUAGES: Final = ("en", "fi")

_COMMON: Final = {
    "generated_on": "date the document was generated",
    "as_of": "date of the register snapshot",
    "template_version": "template version used (builtin or an uploaded version number)",
    "org": "our organisation entity: name, business_id, address, country_name, dpo, supervisory_authority",
}

CONTEXT: Final[dict[str, dict[str, str]]] = {
    "dpa": _COMMON
    | {
        "vendor": "the processor: name, legal_name, business_id, country_name, role",
        "processing": "service, nature, purposes, data_categories, data_subjects, sensitive, retention, measures",
        "agreement": "duration, authorisation_text (Art. 28(2) authorisation), term_text (term, renewal, notice)",
        "subprocessors": "list of rows: name, country, purpose, mechanism (the whole chain, Annex III)",
        "subprocessor_summary": "one sentence on the authorised sub-processors",
    },
    "scc_annexes": _COMMON
    | {
        "vendor": "the importer: name, legal_name, business_id, country_name, role",
        "processing": "service, nature, purposes, data_categories, data_subjects, sensitive, retention, measures",
        "transfer": "module_text, exporter_role, importer_role, data_categories, frequency, subject_matter, supplementary_measures",
        "authority": "competent supervisory authority (Clause 13, Annex I.C)",
        "subprocessors": "list of rows: name, country, purpose, mechanism (Annex III; modules 2 and 3)",
        "annex_iii_note": "what Annex III means for this module",
    },
    "tia": _COMMON
    | {
        "vendor": "the importer: name, legal_name, business_id, country_name, role",
        "transfer": "exporter_role, importer_role, data_categories, country_name, transfer_type, frequency, description, mechanism_name, mechanism_basis",
        "assessment": "completed_on, conclusion, supplementary_measures, procedural_steps, next_review_on",
        "country_note": "title, text: the destination's law and practice (reference data or the assessment's own)",
        "evaluation": "as_of, verdict, reasons (rows: code, message, citation)",
    },
    "subprocessor_list": _COMMON
    | {
        "scope": "which vendor or the whole register",
        "subprocessors": "list of rows: name, purpose, country, mechanism",
        "since": "start of the change period",
        "changes": "list of rows: change, name, parent, on",
        "changes_summary": "one sentence on the changes",
    },
    "privacy_notice_section": _COMMON
    | {"destinations": "list of rows: country, recipients, safeguard (valid safeguards only)"},
    "record_extract": _COMMON
    | {"transfers": "list of rows: recipient, country, data, safeguard, verdict, documentation"},
}

KINDS: Final = tuple(CONTEXT)


def context_reference_markdown() -> str:
    """The documented context per kind, for the README and for template authors."""
    lines = []
    for kind, variables in CONTEXT.items():
        lines.append(f"**`{kind}`**\n")
        lines.extend(f"- `{name}`: {text}" for name, text in variables.items())
        lines.append("")
    return "\n".join(lines)
