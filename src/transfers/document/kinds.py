"""The document kinds and the context each template receives: the contract for uploaded templates.

Every variable is documented with its name, type and meaning. The same list validates uploaded
templates (:func:`transfers.document.render.validate_template` refuses a variable that is not
here), is checked against what the context builder really produces (tests), and is rendered into
``docs/document-context.md`` by :func:`context_reference_markdown`.

Names are dotted paths; ``rows[]`` marks a list whose items have the fields listed after it, for
docxtpl ``{%tr for row in rows %}`` table rows. Every value is a string (or an integer where said):
the builder states a default or refuses to build, so a template never prints ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

LANGUAGES: Final = ("en", "fi")


@dataclass(frozen=True, slots=True)
class Variable:
    """One documented context variable of a document kind."""

    name: str
    type: str
    description: str

    @property
    def top_level(self) -> str:
        return self.name.split(".", 1)[0].removesuffix("[]")


def _v(name: str, type_: str, description: str) -> Variable:
    return Variable(name, type_, description)


_COMMON: Final = (
    _v("generated_on", "str", "date the document was generated, formatted for the language"),
    _v("as_of", "str", "date of the register snapshot the document describes"),
    _v("template_version", "str", "template version used (builtin or an uploaded version)"),
    _v("org", "object", "our organisation entity (the controller, or the exporter)"),
    _v("org.name", "str", "legal name"),
    _v("org.business_id", "str", "business ID (Y-tunnus)"),
    _v("org.address", "str", "postal address (GDPR Art. 30(1)(a), Annex I.A)"),
    _v("org.country", "str", "country of establishment, ISO 3166 alpha-2"),
    _v("org.country_name", "str", "country of establishment"),
    _v("org.dpo", "str", "data protection officer or privacy contact"),
    _v("org.supervisory_authority", "str", "competent supervisory authority"),
    _v("org.signatory", "str", "who signs for us: 'name, title', or a line to fill in"),
)

_VENDOR: Final = (
    _v("vendor", "object", "the vendor (processor or importer)"),
    _v("vendor.name", "str", "trading name"),
    _v("vendor.legal_name", "str", "legal name (the trading name when none is recorded)"),
    _v(
        "vendor.trading",
        "str",
        "' (trading as <name>)' after the legal name, empty when the two are the same",
    ),
    _v("vendor.business_id_label", "str", "'Y-tunnus'/'business ID' for a Finnish party"),
    _v("vendor.business_id", "str", "business or registration number, or 'not specified'"),
    _v("vendor.address", "str", "registered address, or 'not specified'"),
    _v(
        "vendor.address_country",
        "str",
        "the address and the country's name, the country once when the address ends with it",
    ),
    _v("vendor.contact", "str", "first contact person: name, role, email"),
    _v("vendor.category", "str", "vendor category in the document's language"),
    _v("vendor.country_name", "str", "country of establishment"),
    _v("vendor.role", "str", "role in the processing (controller, processor, sub-processor)"),
    _v("vendor.signatory", "str", "who signs for the vendor: 'name, title', or a line to fill in"),
)

_PROCESSING: Final = (
    _v("processing", "object", "the processing the vendor performs (GDPR Art. 28(3))"),
    _v("processing.service", "str", "subject matter: the service"),
    _v("processing.nature", "str", "nature of the processing"),
    _v("processing.purposes", "str", "purposes, comma-separated"),
    _v("processing.data_categories", "str", "types of personal data, comma-separated"),
    _v("processing.data_subjects", "str", "categories of data subjects, comma-separated"),
    _v("processing.sensitive", "str", "Art. 9 / Art. 10 data, or 'none'"),
    _v("processing.retention", "str", "retention period or criteria"),
    _v("processing.measures", "str", "technical and organisational measures (Art. 32)"),
    _v("processing.controller", "str", "on whose behalf, when we are processor (Art. 30(2)(a))"),
)

_SUBPROCESSORS: Final = (
    _v("subprocessors[]", "list[row]", "authorised sub-processors, one table row each"),
    _v("subprocessors[].name", "str", "sub-processor: its legal entity"),
    _v("subprocessors[].trading_name", "str", "the name it trades under"),
    _v("subprocessors[].address", "str", "registered address, or 'not specified'"),
    _v("subprocessors[].entity", "str", "legal entity and address, as a contract names it"),
    _v("subprocessors[].country", "str", "location (country name)"),
    _v("subprocessors[].purpose", "str", "processing it performs"),
    _v(
        "subprocessors[].mechanism",
        "str",
        "Chapter V safeguard with the SCC module, fallback and TIA date (or EU/EEA)",
    ),
    _v(
        "subprocessors[].tier",
        "str",
        "place in the chain: 'direct', 'via X', further sub-processor",
    ),
    _v("subprocessors[].engaged_by", "str", "legal entity that engages it ('' for a direct one)"),
)

VARIABLES: Final[Mapping[str, tuple[Variable, ...]]] = {
    "dpa": (
        *_COMMON,
        *_VENDOR,
        *_PROCESSING,
        _v("agreement", "object", "the Art. 28 agreement"),
        _v("agreement.duration", "str", "duration of the processing (Art. 28(3))"),
        _v("agreement.authorisation_text", "str", "sub-processor authorisation, Art. 28(2)"),
        _v("agreement.term_text", "str", "term, renewal and notice, from the agreement"),
        *_SUBPROCESSORS,
        _v("subprocessor_summary", "str", "one sentence on the authorised sub-processors"),
        _v("measures[]", "list[row]", "Annex II: measures by the categories of SCC Annex II"),
        _v("measures[].category", "str", "category of measures"),
        _v("measures[].measures", "str", "the measures in that category"),
        _v("parties", "object", "who is who: Art. 28(3) or, when we are processor, Art. 28(4)"),
        _v(
            "parties.sub_processing",
            "bool",
            "true: we are processor and the vendor our sub-processor",
        ),
        _v("parties.controller", "str", "the controller named in an Art. 28(4) agreement"),
        _v("breach_deadline", "str", "when the processor must report a breach (setting)"),
        _v("transfers_summary", "str", "one sentence on the vendor's third-country transfers"),
        _v("transfers_fallback", "bool", "whether a transfer listed has a fallback safeguard"),
        _v("transfers[]", "list[row]", "the vendor's transfers outside the EU/EEA"),
        _v("transfers[].country", "str", "destination country"),
        _v("transfers[].importer", "str", "importer: its legal entity"),
        _v("transfers[].tier", "str", "the Processor itself, a sub-processor or further one"),
        _v("transfers[].mechanism", "str", "safeguard relied on, with the SCC module (valid ones)"),
        _v("transfers[].fallback", "str", "fallback safeguard, or 'none agreed'"),
        _v("transfers[].safeguard", "str", "the safeguard and, after '; fallback:', the fallback"),
        _v("transfers[].tia", "str", "date of the transfer impact assessment, or why none"),
    ),
    "scc_annexes": (
        *_COMMON,
        *_VENDOR,
        *_PROCESSING,
        _v(
            "exporter",
            "object",
            "data exporter (us, or the vendor for an onward transfer) (Annex I.A)",
        ),
        _v("exporter.name", "str", "legal name"),
        _v("exporter.business_id_label", "str", "what its registration number is called"),
        _v("exporter.business_id", "str", "registration number"),
        _v("exporter.address", "str", "address and country"),
        _v("exporter.contact", "str", "contact person"),
        _v("exporter.role", "str", "controller or processor"),
        _v("exporter.signatory", "str", "signatory's name and position, or a line to fill in"),
        _v("importer", "object", "data importer (Annex I.A)"),
        _v("importer.name", "str", "legal name"),
        _v("importer.business_id_label", "str", "what its registration number is called"),
        _v("importer.business_id", "str", "registration number"),
        _v("importer.address", "str", "address and country"),
        _v("importer.contact", "str", "contact person"),
        _v("importer.role", "str", "controller or processor"),
        _v("importer.signatory", "str", "signatory's name and position, or a line to fill in"),
        _v("measures[]", "list[row]", "Annex II: measures by the categories of SCC Annex II"),
        _v("measures[].category", "str", "category of measures"),
        _v("measures[].measures", "str", "the measures in that category"),
        _v("clauses[]", "list[row]", "options elected in the Clauses (7, 9(a), 11, 13, 17, 18)"),
        _v("clauses[].clause", "str", "the clause"),
        _v("clauses[].election", "str", "the option elected, in words"),
        _v("transfer", "object", "the transfer under Decision (EU) 2021/914"),
        _v("transfer.module", "int", "SCC module 1-4 (Annex III applies to 2 and 3)"),
        _v("transfer.module_text", "str", "module and direction, e.g. 'Module 2 (...)'"),
        _v("transfer.exporter_role", "str", "role of the exporter (Annex I.A)"),
        _v("transfer.importer_role", "str", "role of the importer (Annex I.A)"),
        _v("transfer.data_categories", "str", "categories of personal data transferred"),
        _v("transfer.frequency", "str", "one-off, occasional or continuous (Annex I.B)"),
        _v("transfer.subject_matter", "str", "subject matter, nature and duration (I.B)"),
        _v("transfer.duration", "str", "duration of the processing by the (sub-)processor"),
        _v("transfer.supplementary_measures", "str", "supplementary measures (Annex II)"),
        _v("authority", "str", "competent supervisory authority (Clause 13, Annex I.C)"),
        *_SUBPROCESSORS,
        _v("annex_iii_note", "str", "what Annex III means for this module ('None.' if empty)"),
        _v("contract", "str", "the SCC contract the annexes belong to: title, date, module"),
    ),
    "tia": (
        *_COMMON,
        *_VENDOR,
        _v("exporter", "object", "data exporter: us, or our sub-processor for an onward transfer"),
        _v("exporter.name", "str", "legal name"),
        _v("exporter.role", "str", "controller or processor"),
        _v("transfer", "object", "the transfer assessed (EDPB Recommendations 01/2020)"),
        _v("transfer.exporter_role", "str", "role of the exporter"),
        _v("transfer.importer_role", "str", "role of the importer"),
        _v("transfer.data_categories", "str", "categories of personal data"),
        _v("transfer.country_name", "str", "destination country"),
        _v("transfer.transfer_type", "str", "storage, remote access or onward transfer"),
        _v("transfer.frequency", "str", "occasional or continuous"),
        _v("transfer.description", "str", "description of the transfer ('' when none)"),
        _v("transfer.mechanism_name", "str", "transfer tool relied on, with its module (step 2)"),
        _v("transfer.mechanism_basis", "str", "legal basis and citation of the tool"),
        _v("transfer.data_subjects", "str", "step 1: categories of data subjects"),
        _v("transfer.purposes", "str", "step 1: purposes"),
        _v("transfer.retention", "str", "step 1: retention by the importer"),
        _v(
            "transfer.access",
            "str",
            "step 1: the type of transfer (storage, remote access or onward transfer) explained",
        ),
        _v("transfer.onward", "str", "step 1: onward transfers (the importer's sub-processors)"),
        _v("transfer.measures", "str", "step 1: format and protection of the data as sent"),
        _v("assessment", "object", "the assessment"),
        _v("assessment.completed_on", "str", "assessment date"),
        _v("assessment.assessor", "str", "who made the assessment"),
        _v("assessment.approver", "str", "who signed it off"),
        _v("assessment.approved_on", "str", "sign-off date, or 'not signed off'"),
        _v("assessment.conclusion", "str", "conclusion of the assessment"),
        _v("assessment.supplementary_measures", "str", "step 4: supplementary measures"),
        _v("assessment.procedural_steps", "str", "step 5: formal procedural steps"),
        _v("assessment.next_review_on", "str", "step 6: re-evaluation date, flagged if passed"),
        _v("risk", "object", "step 3: the documented risk method and its result"),
        _v("risk.method", "str", "how the result is computed"),
        _v("risk.result", "str", "the computed probability over the period (or: none recorded)"),
        _v("risk.reasoning", "str", "the assessor's reasoned conclusion"),
        _v("risk_scenarios[]", "list[row]", "the assessor's estimates per scenario"),
        _v("risk_scenarios[].scenario", "str", "the scenario"),
        _v("risk_scenarios[].request", "str", "probability of a request, as a percentage"),
        _v("risk_scenarios[].compelled", "str", "probability the importer is compelled"),
        _v("risk_scenarios[].measures_fail", "str", "probability the measures fail"),
        _v("risk_scenarios[].probability", "str", "computed probability of the scenario"),
        _v("country_note", "object", "step 3: law and practice of the destination"),
        _v("country_note.title", "str", "the destination country"),
        _v("country_note.text", "str", "the laws (the assessment's own text, or reference data)"),
        _v("country_note.finding", "str", "the assessor's finding for this importer and data"),
        _v("country_note.sources[]", "list[row]", "sources dated on or before the assessment"),
        _v("country_note.sources[].text", "str", "the source, with its date"),
        _v("country_note.developments[]", "list[row]", "sources dated after the assessment"),
        _v("country_note.developments[].text", "str", "the source, with its date"),
        _v("evaluation", "object", "the register's verdict on the day the document speaks of"),
        _v("evaluation.as_of", "str", "date of the evaluation (the document's date)"),
        _v("evaluation.assessed_on", "str", "date of the assessment, beside it"),
        _v("evaluation.verdict", "str", "lawful, lawful with open conditions, or unlawful"),
        _v("evaluation.reasons[]", "list[row]", "reasons for the verdict"),
        _v("evaluation.reasons[].code", "str", "reason code"),
        _v("evaluation.reasons[].message", "str", "explanation"),
        _v("evaluation.reasons[].citation", "str", "legal source"),
    ),
    "subprocessor_list": (
        *_COMMON,
        _v("scope", "str", "the vendor the list is for, or all services"),
        *_SUBPROCESSORS,
        _v("since", "str", "start of the change period of the first version (Art. 28(2))"),
        _v("changes_since", "str", "the change period's start: a date, or the previous version"),
        _v("changes_heading", "str", "heading of the change table, naming its period"),
        _v("changes[]", "list[row]", "sub-processors added, removed or changed since `since`"),
        _v("changes[].change", "str", "added, removed or changed"),
        _v("changes[].name", "str", "sub-processor: its legal entity"),
        _v("changes[].parent", "str", "the legal entity that engages it"),
        _v("changes[].on", "str", "date of the change"),
        _v("changes[].detail", "str", "each changed field, before → after ('' otherwise)"),
        _v("changes_summary", "str", "one sentence on the changes"),
        _v("objection_text", "str", "how long a customer has to object (setting)"),
    ),
    "privacy_notice_section": (
        *_COMMON,
        _v("destinations_summary", "str", "opening sentence (or: no transfers outside the EU/EEA)"),
        _v("destinations[]", "list[row]", "one row per destination country"),
        _v("destinations[].country", "str", "destination country"),
        _v("destinations[].recipients", "str", "recipients in that country, comma-separated"),
        _v("destinations[].safeguard", "str", "valid safeguards only, in plain language"),
    ),
    "record_extract": (
        *_COMMON,
        _v("transfers[]", "list[row]", "third-country transfers (Art. 30(1)(e), 30(2)(c))"),
        _v("transfers[].processing", "str", "the processing (service)"),
        _v("transfers[].purposes", "str", "its purposes"),
        _v("transfers[].behalf", "str", "on whose behalf: us as controller, or the controller"),
        _v("transfers[].recipient", "str", "recipient (an onward transfer: made by whom)"),
        _v("transfers[].country", "str", "destination country"),
        _v("transfers[].data", "str", "categories of personal data"),
        _v("transfers[].safeguard", "str", "valid safeguard relied on, with its SCC module"),
        _v("transfers[].documentation", "str", "Art. 49(1) second subparagraph documentation"),
        _v("invalid[]", "list[row]", "transfers whose recorded mechanism is no valid safeguard"),
        _v("invalid[].processing", "str", "the processing (service)"),
        _v("invalid[].purposes", "str", "its purposes"),
        _v("invalid[].behalf", "str", "on whose behalf"),
        _v("invalid[].recipient", "str", "recipient"),
        _v("invalid[].country", "str", "destination country"),
        _v("invalid[].data", "str", "categories of personal data"),
        _v("invalid[].mechanism", "str", "the mechanism recorded"),
        _v("invalid[].why", "str", "why it is not a valid safeguard, and since when"),
    ),
}

KINDS: Final = tuple(VARIABLES)

CONTEXT: Final[Mapping[str, Mapping[str, str]]] = {
    kind: {v.top_level: v.description for v in variables if "." not in v.name}
    for kind, variables in VARIABLES.items()
}
"""Top-level variable name -> description, per kind (what a template may reference)."""


def top_level_names(kind: str) -> frozenset[str]:
    """The names a template of ``kind`` may use at the top level."""
    return frozenset(v.top_level for v in VARIABLES[kind])


def documented_paths(kind: str) -> frozenset[str]:
    """Every documented leaf path (``org.name``, ``subprocessors[].name``) of ``kind``."""
    names = {v.name for v in VARIABLES[kind]}
    return frozenset(
        n for n in names if not any(o.startswith(n + ".") or o.startswith(n + "[].") for o in names)
    )


def context_reference_markdown() -> str:
    """The documented context per kind as Markdown tables, for docs/document-context.md and template authors."""
    lines: list[str] = []
    for kind, variables in VARIABLES.items():
        lines += [f"**`{kind}`**", "", "| variable | type | description |", "|---|---|---|"]
        lines += [f"| `{v.name}` | {v.type} | {v.description} |" for v in variables]
        lines.append("")
    return "\n".join(lines)
