"""One declaration of each field a person edits, per record (issue 21 part 5).

The workspace's forms are built from these lists (``web/register_forms.py``,
``web/vendor_forms.py``) and the importer's transfer-fact columns (name, synonyms, help, parser)
come from :data:`TRANSFER` (``importer/mapping.py``, ``importer/validate.py``). The API's msgspec
structs stay as they are (the OpenAPI contract); ``tests/web/test_record_fields.py`` checks that
every declared field is a field of the record's create and update structs, and that every field
the rules engine or a document reads has a declared form input.

So a new transfer fact is: the model, its migration, one :class:`Decl` here, its fields in the
struct (the test says which), and its label's Finnish in the workspace catalog.

Labels and help texts are English msgids, translated where they are shown (the workspace's
gettext catalog, ``make i18n`` extracts this file too). Choices name their source in the lexicon:
a tuple of codes (labelled by ``web/labels.py``), or one of :data:`SOURCES` (countries and
mechanisms from the reference data, pickers from the register's read model).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, get_args

from transfers.common import fields as f

Kind = Literal[
    "text",
    "textarea",
    "date",
    "number",
    "checkbox",
    "tristate",
    "list",
    "select",
    "email",
    "contacts",
    "file",
    "catalogue",
]
"""How a field is typed in: ``tristate`` is yes/no/not known (a ``bool | None`` fact);
``catalogue`` is one text per entry of a vocabulary (``measures_catalogue``)."""

SOURCES: Final = frozenset(
    {
        "countries",
        "mechanisms",
        "measure_categories",
        "agreements",
        "organisations",
        "processings",
    }
)
"""Named choice lists: the reference data's countries, mechanisms and measure categories, and
the register's agreements (of the vendor), organisations and processings (of the vendor)."""


def N_(message: str) -> str:
    """Mark a label for the workspace catalog; it is translated where it is shown."""
    return message


@dataclass(frozen=True, slots=True)
class Decl:
    """One field of a record as a person edits it.

    ``name`` is the struct's field, dotted for a part of a nested one
    (``scc_clauses.forum``, ``translations.fi.service``). ``column`` marks an import/export
    column of the transfer facts sheet."""

    name: str
    kind: Kind = "text"
    label: str = ""
    help: str = ""
    codes: tuple[str, ...] = ()
    names: str = ""
    """The lexicon group naming ``codes`` (``reference/data/lexicon.toml``)."""
    source: str = ""
    required: bool = False
    group: str = ""
    column: bool = False
    synonyms: tuple[str, ...] = ()
    blank: bool = True
    """A select offers "—" (nothing chosen) first."""
    language: str = ""
    """The language of a translated text (``translations.fi.service``): its label says so."""

    @property
    def top(self) -> str:
        """The struct's field this input writes (``scc_clauses`` for ``scc_clauses.forum``)."""
        return self.name.split(".", 1)[0]


def _texts(prefix: str, names: tuple[tuple[str, str, Kind], ...]) -> tuple[Decl, ...]:
    """The free texts of a record in Finnish and in English (``translations.<lang>.<name>``):
    documents print their own language's text when there is one, else the text as typed."""
    groups = {"fi": N_("Texts in Finnish (for Finnish documents)"), "en": N_("Texts in English")}
    return tuple(
        Decl(f"{prefix}.{lang}.{name}", kind, label, group=groups[lang], language=lang)
        for lang in ("fi", "en")
        for name, label, kind in names
    )


_ = N_

VENDOR: Final = (
    Decl("name", label=_("Name"), required=True),
    Decl("legal_name", label=_("Legal name")),
    Decl("business_id", label=_("Business ID")),
    Decl("country", "select", _("Country"), source="countries", required=True),
    Decl("address", "textarea", _("Address"), _("Printed in DPAs and SCC annexes.")),
    Decl(
        "role", "select", _("Role"), codes=get_args(f.VendorRole), names="vendor_role", blank=False
    ),
    Decl("category", "select", _("Category"), codes=get_args(f.VendorCategory), blank=False),
    Decl(
        "status",
        "select",
        _("Status"),
        codes=get_args(f.VendorStatus),
        names="vendor_status",
        blank=False,
    ),
    Decl(
        "authorised_by_processor",
        "tristate",
        _("Engaged by our processor (not by us)"),
        _("A sub-processor our processor engaged under its own DPA (GDPR Art. 28(4))."),
    ),
    Decl("website", label=_("Website")),
    Decl("signatory_name", label=_("Signatory")),
    Decl("signatory_title", label=_("Signatory's title")),
    Decl("owner", "email", _("Owner (e-mail)")),
    Decl("notes", "textarea", _("Notes")),
)
VENDOR_EDIT_ONLY: Final = (
    Decl(
        "contacts",
        "contacts",
        _("Contacts"),
        _("Clear a contact's name to remove it; fill the empty row to add one."),
    ),
)

ORGANISATION: Final = (
    Decl("name", label=_("Name"), required=True),
    Decl("business_id", label=_("Business ID")),
    Decl("country", "select", _("Country"), source="countries", required=True, blank=False),
    Decl("roles", "list", _("Roles (comma separated: controller, processor)")),
    Decl("address", "textarea", _("Address")),
    Decl("dpo_name", label=_("Data protection officer")),
    Decl("dpo_email", label=_("DPO e-mail")),
    Decl("dpo_phone", label=_("DPO phone")),
    Decl("supervisory_authority", "textarea", _("Supervisory authority")),
    Decl("signatory_name", label=_("Signatory")),
    Decl("signatory_title", label=_("Signatory's title")),
    Decl("notes", "textarea", _("Notes")),
)

_SCC: Final = N_("Standard contractual clauses: options elected")
AGREEMENT: Final = (
    Decl(
        "kind",
        "select",
        _("Kind"),
        codes=get_args(f.AgreementKind),
        names="agreement_kind",
        required=True,
        blank=False,
    ),
    Decl("scc_module", "number", _("SCC module")),
    Decl("title", label=_("Title")),
    Decl(
        "status",
        "select",
        _("Status"),
        codes=get_args(f.AgreementStatus),
        names="agreement_status",
        blank=False,
    ),
    Decl("organisation_id", "select", _("Our organisation (party)"), source="organisations"),
    Decl("signed_on", "date", _("Signed on")),
    Decl("effective_on", "date", _("Effective on")),
    Decl("ends_on", "date", _("Ends on")),
    Decl("terminated_on", "date", _("Terminated on")),
    Decl("term", label=_("Term"), help=_("For example: 3 years, 18 months, 3 kuukautta, P2Y")),
    Decl("auto_renew", "checkbox", _("Renews automatically")),
    Decl("renewal_term", label=_("Renewal term"), help=_("For example: 1 year, 12 kuukautta")),
    Decl("notice_period", label=_("Notice period"), help=_("For example: 3 months, 90 päivää")),
    Decl(
        "subprocessor_authorisation",
        "select",
        _("Sub-processor authorisation"),
        _(
            "General: the vendor informs us of changes and we may object; specific: each "
            "sub-processor needs our prior consent (GDPR Art. 28(2))."
        ),
        codes=get_args(f.SubprocessorAuthorisation),
        names="subprocessor_authorisation",
    ),
    Decl(
        "objection_period_days",
        "number",
        _("Objection period (days)"),
        _("With a general authorisation: how many days we have to object to a change."),
    ),
    Decl("scc_clauses.docking_clause", "checkbox", _("Clause 7: docking clause"), group=_SCC),
    Decl(
        "scc_clauses.redress_body",
        label=_("Clause 11(a): independent dispute resolution body"),
        group=_SCC,
    ),
    Decl(
        "scc_clauses.supervisory_authority",
        "textarea",
        _("Clause 13(a): competent supervisory authority"),
        _("Leave empty for the exporter's own authority."),
        group=_SCC,
    ),
    Decl(
        "scc_clauses.governing_law",
        "select",
        _("Clause 17: governing law"),
        source="countries",
        group=_SCC,
    ),
    Decl(
        "scc_clauses.governing_law_option",
        "select",
        _("Clause 17: which option"),
        _("Option 1: the law named above; option 2 (modules 2 and 3): the exporter's law."),
        codes=("1", "2"),
        group=_SCC,
    ),
    Decl("scc_clauses.forum", "select", _("Clause 18(b): courts"), source="countries", group=_SCC),
    Decl("owner", "email", _("Owner (e-mail)")),
    Decl("notes", "textarea", _("Notes")),
    Decl("file", "file", _("Attachment (signed copy)")),
)

_FACTS: Final = N_("Facts the verdict depends on")
TRANSFER: Final = (
    Decl(
        "exporter_role",
        "select",
        _("Our role (exporter)"),
        codes=get_args(f.PartyRole),
        names="vendor_role",
        required=True,
        blank=False,
    ),
    Decl(
        "destination_country",
        "select",
        _("Destination country"),
        source="countries",
        required=True,
        blank=False,
    ),
    Decl("mechanism", "select", _("Mechanism"), source="mechanisms", required=True, blank=False),
    Decl("scc_module", "number", _("SCC module")),
    Decl(
        "agreement_id",
        "select",
        _("Agreement relied on"),
        _("The vendor's agreement that fits the mechanism and module is proposed."),
        source="agreements",
    ),
    Decl("processing_id", "select", _("Processing it serves"), source="processings"),
    Decl("organisation_id", "select", _("Our organisation (exporter)"), source="organisations"),
    Decl(
        "transfer_type",
        "select",
        _("Transfer type"),
        codes=get_args(f.TransferType),
        names="transfer_type",
        blank=False,
    ),
    Decl("frequency", "select", _("Frequency"), codes=get_args(f.Frequency), names="frequency"),
    Decl("data_categories", "list", _("Data categories (comma separated)")),
    Decl("started_on", "date", _("Started on")),
    Decl("ended_on", "date", _("Ended on")),
    Decl("description", "textarea", _("Description")),
    Decl(
        "supplementary_measures",
        "textarea",
        _("Supplementary measures"),
        _("Printed in the SCC annexes."),
    ),
    *_texts(
        "translations",
        (
            ("description", _("Description"), "textarea"),
            ("supplementary_measures", _("Supplementary measures"), "textarea"),
        ),
    ),
    Decl("dpf_certified", "tristate", _("Importer is on the DPF List"), group=_FACTS),
    Decl("dpf_verified_on", "date", _("DPF List checked on"), group=_FACTS),
    Decl(
        "fallback_mechanism",
        "select",
        _("Fallback mechanism"),
        _("A second mechanism relied on if the first fails (e.g. SCC 2021)."),
        source="mechanisms",
        group=_FACTS,
        column=True,
        synonyms=(
            "varaperuste",
            "toissijainen siirtoperuste",
            "fallback",
            "fallback mechanism",
            "secondary mechanism",
        ),
    ),
    Decl(
        "adequacy_scope_confirmed",
        "tristate",
        _("The importer is within the adequacy decision's scope"),
        group=_FACTS,
        column=True,
        synonyms=("tietosuojan riittävyys vahvistettu", "adequacy scope confirmed"),
    ),
    Decl(
        "dpf_hr_covered",
        "tristate",
        _("The DPF certification covers HR data"),
        group=_FACTS,
        column=True,
        synonyms=("dpf hr", "dpf hr covered", "dpf hr data"),
    ),
    Decl(
        "bcr_approval_ref",
        label=_("BCR approval reference (Art. 47)"),
        group=_FACTS,
        column=True,
        synonyms=("bcr hyväksyntä", "bcr approval", "bcr approval ref"),
    ),
    Decl(
        "bcr_type",
        "select",
        _("BCR type"),
        _("For controllers (BCR-C) or for processors (BCR-P)."),
        codes=get_args(f.BcrType),
        names="vendor_role",
        group=_FACTS,
        column=True,
        synonyms=("bcr tyyppi", "bcr type"),
    ),
    Decl(
        "importer_in_group",
        "tristate",
        _("The importer belongs to the BCR group"),
        group=_FACTS,
        column=True,
        synonyms=("vastaanottaja konsernissa", "importer in group", "same group"),
    ),
    Decl(
        "approval_ref",
        label=_("Authorisation reference (Art. 46(3) ad hoc clauses)"),
        group=_FACTS,
        column=True,
        synonyms=("hyväksyntä", "authorisation ref", "approval ref", "approval reference"),
    ),
    Decl(
        "combines_eu_data",
        "tristate",
        _("The importer combines the data with EU-sourced data"),
        group=_FACTS,
        column=True,
        synonyms=("yhdistää eu-tietoja", "combines eu data"),
    ),
    Decl(
        "third_country_order",
        "tristate",
        _("A third-country authority ordered the transfer (Art. 48)"),
        group=_FACTS,
        column=True,
        synonyms=(
            "kolmannen maan määräys",
            "third country order",
            "art 48 order",
            "foreign authority order",
        ),
    ),
    Decl(
        "international_agreement",
        label=_("International agreement the order rests on (Art. 48)"),
        group=_FACTS,
        column=True,
        synonyms=("kansainvälinen sopimus", "international agreement"),
    ),
    Decl(
        "limited_data_subjects",
        "tristate",
        _("Only a limited number of data subjects (Art. 49(1) second subparagraph)"),
        group=_FACTS,
        column=True,
        synonyms=("rajattu rekisteröityjen joukko", "limited data subjects"),
    ),
    Decl(
        "authority_informed_on",
        "date",
        _("Supervisory authority informed on (Art. 49(1) second subparagraph)"),
        group=_FACTS,
        column=True,
        synonyms=(
            "valvontaviranomaiselle ilmoitettu",
            "authority informed on",
            "authority informed",
        ),
    ),
    Decl(
        "data_subjects_informed",
        "tristate",
        _("Data subjects informed (Art. 49(1) second subparagraph)"),
        group=_FACTS,
        column=True,
        synonyms=("rekisteröidyille ilmoitettu", "data subjects informed"),
    ),
)

PROCESSING: Final = (
    Decl("service", label=_("Service"), required=True),
    Decl(
        "our_role",
        "select",
        _("Our role"),
        codes=get_args(f.PartyRole),
        names="vendor_role",
        blank=False,
    ),
    Decl(
        "controller",
        "textarea",
        _("On whose behalf we process"),
        _("When we are the processor: the controller (GDPR Art. 30(2)(a))."),
    ),
    Decl("organisation_id", "select", _("Organisation"), source="organisations"),
    Decl("purposes", "list", _("Purposes (comma separated)")),
    Decl("data_categories", "list", _("Data categories (comma separated)")),
    Decl("data_subject_categories", "list", _("Data subjects (comma separated)")),
    Decl("special_categories", "checkbox", _("Special categories of data (Art. 9)")),
    Decl("criminal_data", "checkbox", _("Criminal convictions data (Art. 10)")),
    Decl("nature", "textarea", _("Nature of the processing")),
    Decl("retention", "textarea", _("Retention")),
    Decl("technical_measures", "textarea", _("Technical and organisational measures")),
    Decl(
        "measures_catalogue",
        "catalogue",
        _("Measures by the categories of SCC Annex II"),
        source="measure_categories",
    ),
    *_texts(
        "translations",
        (
            ("service", _("Service"), "text"),
            ("nature", _("Nature of the processing"), "textarea"),
            ("purposes", _("Purposes (comma separated)"), "list"),
            ("data_subject_categories", _("Data subjects (comma separated)"), "list"),
            ("retention", _("Retention"), "textarea"),
            ("technical_measures", _("Technical and organisational measures"), "textarea"),
            ("controller", _("On whose behalf we process"), "textarea"),
        ),
    ),
)

ASSESSMENT: Final = (
    Decl("completed_on", "date", _("Completed on")),
    Decl("conclusion", "select", _("Conclusion"), codes=get_args(f.Conclusion), names="conclusion"),
    Decl("supplementary_measures", "textarea", _("Supplementary measures")),
    Decl("law_and_practice", "textarea", _("Law and practice of the destination")),
    Decl("importer_finding", "textarea", _("Finding for this importer and these data (Step 3)")),
    Decl("procedural_steps", "textarea", _("Procedural steps taken")),
    Decl("conclusion_reasoning", "textarea", _("Reasoned conclusion")),
    Decl("risk_period_years", "number", _("Period the risk is assessed over (years)")),
    Decl("next_review_on", "date", _("Next review on")),
    Decl("assessor", label=_("Assessor")),
    Decl("approver", label=_("Approver")),
    Decl("approved_on", "date", _("Approved on")),
    Decl("owner", "email", _("Owner (e-mail)")),
    Decl("notes", "textarea", _("Notes")),
    *_texts(
        "translations",
        (
            ("supplementary_measures", _("Supplementary measures"), "textarea"),
            ("law_and_practice", _("Law and practice of the destination"), "textarea"),
            (
                "importer_finding",
                _("Finding for this importer and these data (Step 3)"),
                "textarea",
            ),
            ("procedural_steps", _("Procedural steps taken"), "textarea"),
            ("conclusion_reasoning", _("Reasoned conclusion"), "textarea"),
        ),
    ),
)

LINK: Final = (
    Decl(
        "engaged_on",
        "date",
        _("Engaged from"),
        _("The day the sub-processor starts processing for this vendor."),
    ),
    Decl("ended_on", "date", _("Engaged until")),
)
"""A sub-processor link's engagement dates (``vendor_subprocessor``), edited on the vendor's
edit page, link by link."""

RECORDS: Final[dict[str, tuple[Decl, ...]]] = {
    "vendor": VENDOR + VENDOR_EDIT_ONLY,
    "organisation": ORGANISATION,
    "agreement": AGREEMENT,
    "transfer": TRANSFER,
    "processing": PROCESSING,
    "assessment": ASSESSMENT,
    "link": LINK,
}
"""Every declaration by record (the entity names of documents' missing-data paths)."""

TRANSFER_FACT_COLUMNS: Final = tuple(d for d in TRANSFER if d.column)
"""The transfer facts sheet's columns beyond mechanism and module, in order."""


def declared(record: str, name: str) -> Decl | None:
    """The declaration of ``record``'s field ``name`` (its top-level field for a dotted one)."""
    for decl in RECORDS.get(record, ()):
        if decl.name == name or decl.top == name:
            return decl
    return None
