"""One declaration of each record's fields (issue 21 part 5), and every field the rules engine or
a document reads has a form input (issue 23 item 1).

The list of what is read is derived, not written by hand: the register read model's queries
(``register/rows.py``: what the engine's facts are built from) and the fields every document
gatherer uses (``document/stale.py`` ``TRACKED``: what a document shows or decides on). The list
of inputs is the workspace's forms as built."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from transfers.agreement.schemas import AgreementCreate, AgreementUpdate, SccClauses
from transfers.assessment.schemas import AssessmentCreate, AssessmentTexts, AssessmentUpdate
from transfers.common import record_fields
from transfers.document.stale import TRACKED
from transfers.organisation.schemas import (
    OrganisationCreate,
    OrganisationUpdate,
    ProcessingCreate,
    ProcessingTexts,
    ProcessingUpdate,
)
from transfers.register import rows
from transfers.transfer.schemas import TransferCreate, TransferTexts, TransferUpdate
from transfers.vendor.schemas import VendorCreate, VendorUpdate
from transfers.web import register_forms, vendor_forms

STRUCTS: dict[str, tuple[type[msgspec.Struct], type[msgspec.Struct]]] = {
    "vendor": (VendorCreate, VendorUpdate),
    "organisation": (OrganisationCreate, OrganisationUpdate),
    "agreement": (AgreementCreate, AgreementUpdate),
    "transfer": (TransferCreate, TransferUpdate),
    "processing": (ProcessingCreate, ProcessingUpdate),
    "assessment": (AssessmentCreate, AssessmentUpdate),
}
NESTED: dict[str, type[msgspec.Struct]] = {
    "scc_clauses": SccClauses,
    "translations@processing": ProcessingTexts,
    "translations@assessment": AssessmentTexts,
    "translations@transfer": TransferTexts,
}

NOT_ON_FORMS: dict[tuple[str, str], str] = {
    ("vendor", "vendor_id"): "the record's own page: the vendor the form is opened from",
    ("agreement", "vendor_id"): "set by the vendor page the form is opened from",
    ("transfer", "vendor_id"): "set by the vendor page the form is opened from",
    ("processing", "vendor_id"): "set by the vendor page the form is opened from",
    ("assessment", "transfer_id"): "set by the transfer page the form is opened from",
    ("assessment", "vendor_id"): "joined from the transfer the assessment belongs to",
    ("link", "vendor_id"): "the chain is edited on the vendor's page, link by link",
    ("link", "subprocessor_id"): "added by name on the vendor's page (never by id)",
    ("vendor", "dpf_participant_id"): "written by the DPF List sync (/dpf), not typed in",
    ("vendor", "parent_vendor_ids"): "the chain, edited link by link on the vendor's page",
    ("vendor", "subprocessor_ids"): "the chain, edited link by link on the vendor's page",
    ("assessment", "risk_scenarios"): "a table of scenarios: through the API or import (to do)",
    ("intake_request", "conditions"): "set when legal approves an intake request with conditions",
    ("intake_request", "state"): "the intake workflow's decision buttons",
    ("link", "notified_on"): "the day the processor told us: the sub-processor notice (/notices)",
    ("intake_request", "vendor_id"): "the vendor an approved intake request created or named",
}
"""Read or struct fields deliberately without a form input, each with where it is set. Another
branch adding a field that the engine or a document reads adds its form input (a ``Decl``), or,
until it has one, an entry here with the reason."""

_TABLES = {"vendor_subprocessor": "link"}


def engine_reads() -> set[tuple[str, str]]:
    """(record, field) of every column the register read model selects for the engine."""
    found: set[tuple[str, str]] = set()
    for stmt in vars(rows).values():
        if not hasattr(stmt, "selected_columns") or not hasattr(stmt, "whereclause"):
            continue
        for column in stmt.selected_columns:
            for base in column.base_columns:
                table = getattr(base, "table", None)
                if table is None or not hasattr(table, "name"):
                    continue
                found.add((_TABLES.get(table.name, table.name), base.name))
    return {(record, name) for record, name in found if name != "id"}


def document_reads() -> set[tuple[str, str]]:
    return {(entity, name) for entity, (_model, names) in TRACKED.items() for name in names}


def form_inputs() -> set[tuple[str, str]]:
    """(record, struct field) of every input of the workspace's forms as built."""
    forms: dict[str, list[Any]] = {
        "vendor": vendor_forms.vendor_fields(editing=True),
        "organisation": register_forms.organisation_fields(),
        "agreement": register_forms.agreement_fields(),
        "transfer": register_forms.transfer_fields("processor"),
        "processing": register_forms.processing_fields(),
        "assessment": register_forms.assessment_fields(),
        "link": vendor_forms.link_fields(),
    }
    return {(record, f.name.split(".")[0]) for record, fields in forms.items() for f in fields}


def test_the_derived_lists_are_not_empty() -> None:
    """The derivations find what we know is read (else the next test could not fail)."""
    assert ("agreement", "subprocessor_authorisation") in document_reads()
    assert ("transfer", "limited_data_subjects") in engine_reads()
    assert ("link", "engaged_on") in engine_reads()
    assert ("transfer", "mechanism") in form_inputs()


def test_every_field_the_engine_or_a_document_reads_has_a_form_input() -> None:
    read = engine_reads() | document_reads()
    missing = sorted(read - form_inputs() - set(NOT_ON_FORMS))
    assert missing == [], f"no form input for {missing}: declare it in common/record_fields.py"


@pytest.mark.parametrize("record", sorted(STRUCTS))
def test_the_declaration_and_the_api_structs_agree(record: str) -> None:
    """Every declared field is a field of the API's create and update structs, and every
    field of the create struct is declared (or says where it is set instead)."""
    create, update = STRUCTS[record]
    declared = record_fields.RECORDS[record]
    tops = {d.top for d in declared if d.kind != "file"}
    assert tops <= set(create.__struct_fields__), record
    assert tops <= set(update.__struct_fields__), record
    undeclared = set(create.__struct_fields__) - tops - {n for r, n in NOT_ON_FORMS if r == record}
    assert undeclared == set(), f"{record}: declare {sorted(undeclared)}"
    for d in declared:
        if "." not in d.name:
            continue
        part = d.name.split(".")[-1]
        nested = NESTED.get(d.top) or NESTED[f"{d.top}@{record}"]
        assert part in nested.__struct_fields__, d.name


def test_the_transfer_fact_columns_are_the_declared_ones() -> None:
    """The importer's fact columns, synonyms and help come from the declaration."""
    from transfers.importer import mapping

    declared = [d.name for d in record_fields.TRANSFER_FACT_COLUMNS]
    assert list(mapping.TRANSFER_FACT_COLUMNS) == declared
    for d in record_fields.TRANSFER_FACT_COLUMNS:
        assert mapping.canonical_column(d.synonyms[0]) == d.name
        assert mapping.canonical_column(d.name) == d.name


def test_every_declared_transfer_fact_is_read_by_the_register_and_exported() -> None:
    """The read model selects each declared fact, and the export record carries it."""
    from dataclasses import fields

    from transfers.importer.export import ExportTransfer

    exported = {f.name for f in fields(ExportTransfer)}
    for d in record_fields.TRANSFER_FACT_COLUMNS:
        assert d.name in rows.TransferRecord._fields, d.name
        assert d.name in exported, f"add {d.name} to importer/export.py ExportTransfer"
