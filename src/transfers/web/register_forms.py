"""Forms for transfers, agreements (with an attachment), assessments (TIAs), processings and
organisations: create and edit.

Each form is a list of ``Field`` specs rendered by one template and run through ``forms.save`` /
``forms.save_edit``, so errors come back as the API's problem details next to their fields and a
stale edit shows the conflict instead of overwriting.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from litestar import Request, get
from litestar.datastructures import UploadFile
from litestar.handlers import HTTPRouteHandler
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.agreement import service as agreement_service
from transfers.agreement.schemas import AgreementCreate, AgreementUpdate
from transfers.assessment import service as assessment_service
from transfers.assessment.schemas import AssessmentCreate, AssessmentUpdate
from transfers.common import record_fields
from transfers.compliance.service import importer_role
from transfers.models import Agreement, Transfer, Vendor
from transfers.organisation import service as organisation_service
from transfers.organisation.schemas import (
    OrganisationCreate,
    OrganisationUpdate,
    ProcessingCreate,
    ProcessingUpdate,
)
from transfers.reference import lexicon, load_reference
from transfers.transfer import service as transfer_service
from transfers.transfer.schemas import TransferCreate, TransferUpdate
from transfers.user.schemas import WebIdentity
from transfers.vendor import service as vendor_service
from transfers.web import reads
from transfers.web.form_routes import RecordForms, creates, routes, updates
from transfers.web.forms import Field, FormErrors, FormPage, convert
from transfers.web.i18n import N_, _, current_language
from transfers.web.labels import label
from transfers.web.record_forms import (
    agreement_options,
    build_fields,
    fitting_agreement,
    named_options,
)
from transfers.web.security import identity, settings_of


def _explainer() -> list[tuple[str, str, str]]:
    """(name, legal basis, what it means) per mechanism, in the page's language."""
    language = current_language()
    return [
        (
            lexicon.mechanism(m.code, language),
            m.legal_basis,
            lexicon.name("mechanism_explainer", m.code, language),
        )
        for m in load_reference().mechanisms()
    ]


def _proposed_modules(vendor_role: str) -> str:
    """SCC 2021 module for each exporter role, given the importer's role (Decision 2021/914)."""
    scc = load_reference().mechanism("scc_2021")
    if scc is None:
        return ""
    importer = importer_role(vendor_role)
    parts = []
    for exporter in ("controller", "processor"):
        module = scc.module_for(exporter, importer)
        if module is not None:
            parts.append(
                _("we as %(exporter)s → %(importer)s: module %(module)d")
                % {"exporter": label(exporter), "importer": label(importer), "module": module}
            )
    return _("Proposed SCC module") + ": " + "; ".join(parts)


def _sources(rows: reads.PickerRows) -> dict[str, tuple[tuple[str, str], ...]]:
    return {
        "agreements": agreement_options(rows.agreements),
        "organisations": named_options(rows.organisations),
        "processings": named_options(rows.processings),
    }


def transfer_fields(vendor_role: str, rows: reads.PickerRows | None = None) -> list[Field]:
    fields = build_fields(record_fields.TRANSFER, _sources(rows or reads.PickerRows()))
    hint = _proposed_modules(vendor_role)
    return [replace(f, hint=hint) if f.name == "scc_module" else f for f in fields]


def agreement_fields(rows: reads.PickerRows | None = None) -> list[Field]:
    return build_fields(record_fields.AGREEMENT, _sources(rows or reads.PickerRows()))


def assessment_fields() -> list[Field]:
    return build_fields(record_fields.ASSESSMENT)


def processing_fields(rows: reads.PickerRows | None = None) -> list[Field]:
    return build_fields(record_fields.PROCESSING, _sources(rows or reads.PickerRows()))


def organisation_fields() -> list[Field]:
    return build_fields(record_fields.ORGANISATION)


async def _attach(
    request: Request[Any, Any, Any], session: AsyncSession, agreement: Agreement, me: WebIdentity
) -> None:
    """The signed copy uploaded with an agreement form, if any (size capped by the settings)."""
    upload = (await request.form()).get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return
    content = await upload.read()
    if len(content) > settings_of(request).max_upload_bytes:
        raise FormErrors(_("The file is too large."), {"file": _("The file is too large.")}, 413)
    await agreement_service.add_attachment(
        session,
        agreement,
        filename=upload.filename,
        content_type=upload.content_type,
        content=content,
        actor=me.actor,
    )


def _title(record: Any, edit: str, new: str, **names: Any) -> str:
    return _(edit) % {"id": record.id, **names} if record else _(new) % names


async def _transfer_page(session: AsyncSession, vendor: Vendor | None, transfer: Any) -> FormPage:
    vendor = vendor or await vendor_service.get_vendor(session, transfer.vendor_id)
    rows = await reads.picker_rows(session, vendor.id)
    proposed: dict[str, Any] = {}
    if transfer is None:
        defaults = _transfer_defaults(vendor)
        module = int(defaults["scc_module"]) if defaults["scc_module"] else None
        fit = fitting_agreement(rows.agreements, defaults["mechanism"], module, date.today())
        proposed = {"agreement_id": str(fit)} if fit else {}
    return FormPage(
        proposed=proposed,
        title=_title(
            transfer,
            N_("Edit transfer %(id)d to %(vendor)s"),
            N_("New transfer to %(vendor)s"),
            vendor=vendor.name,
        ),
        action=f"/transfers/{transfer.id}/edit"
        if transfer
        else f"/vendors/{vendor.id}/transfers/new",
        back=f"/transfers/{transfer.id}" if transfer else f"/vendors/{vendor.id}",
        fields=transfer_fields(vendor.role, rows),
        explain=_explainer(),
    )


def _transfer_defaults(vendor: Vendor) -> dict[str, Any]:
    """Our role as controller, the vendor's country, SCC 2021 with the module the roles give
    (the agreement that fits them is proposed by the page, :func:`_transfer_page`)."""
    scc = load_reference().mechanism("scc_2021")
    module = scc.module_for("controller", importer_role(vendor.role)) if scc else None
    return {
        "exporter_role": "controller",
        "destination_country": vendor.country,
        "mechanism": "scc_2021",
        "scc_module": str(module or ""),
        "transfer_type": "storage",
    }


async def _agreement_page(session: AsyncSession, vendor: Vendor | None, agreement: Any) -> FormPage:
    vendor = vendor or await vendor_service.get_vendor(session, agreement.vendor_id)
    return FormPage(
        title=_title(
            agreement,
            N_("Edit agreement %(id)d with %(vendor)s"),
            N_("New agreement with %(vendor)s"),
            vendor=vendor.name,
        ),
        action=f"/agreements/{agreement.id}/edit"
        if agreement
        else f"/vendors/{vendor.id}/agreements/new",
        back=f"/vendors/{vendor.id}",
        fields=agreement_fields(await reads.picker_rows(session, None)),
        multipart=True,
    )


async def _assessment_page(
    session: AsyncSession, transfer: Transfer | None, assessment: Any
) -> FormPage:
    transfer_id = transfer.id if transfer else assessment.transfer_id
    return FormPage(
        title=(
            _("Edit transfer impact assessment %(id)d") % {"id": assessment.id}
            if assessment
            else _("New transfer impact assessment for transfer %(id)d") % {"id": transfer_id}
        ),
        action=f"/assessments/{assessment.id}/edit"
        if assessment
        else f"/transfers/{transfer_id}/assessments/new",
        back=f"/assessments/{assessment.id}" if assessment else f"/transfers/{transfer_id}",
        fields=assessment_fields(),
    )


async def _processing_page(
    session: AsyncSession, vendor: Vendor | None, processing: Any
) -> FormPage:
    vendor = vendor or await vendor_service.get_vendor(session, processing.vendor_id)
    return FormPage(
        title=_title(
            processing,
            N_("Edit processing %(id)d by %(vendor)s"),
            N_("New processing by %(vendor)s"),
            vendor=vendor.name,
        ),
        action=f"/processings/{processing.id}/edit"
        if processing
        else f"/vendors/{vendor.id}/processings/new",
        back=f"/vendors/{vendor.id}",
        fields=processing_fields(await reads.picker_rows(session, None)),
    )


async def _organisation_page(session: AsyncSession, _parent: None, org: Any) -> FormPage:
    return FormPage(
        title=_("Edit organisation") if org else _("New organisation"),
        action=f"/organisations/{org.id}/edit" if org else "/organisations/new",
        back="/organisations",
        fields=organisation_fields(),
    )


async def _create_agreement(
    session: AsyncSession,
    vendor: Vendor,
    values: dict[str, Any],
    me: WebIdentity,
    request: Request[Any, Any, Any],
) -> Any:
    if values.get("kind") != "scc_2021":  # the clause elections are those of the 2021 SCCs
        values = {k: v for k, v in values.items() if k != "scc_clauses"}
    data = convert({**values, "vendor_id": vendor.id}, AgreementCreate)
    agreement = await agreement_service.create_agreement(session, data, me.actor)
    await _attach(request, session, agreement, me)
    return agreement


async def _update_agreement(
    session: AsyncSession,
    agreement: Agreement,
    changes: dict[str, Any],
    me: WebIdentity,
    request: Request[Any, Any, Any],
) -> Any:
    data = convert(changes, AgreementUpdate)
    await agreement_service.update_agreement(session, agreement, data, me.actor)
    await _attach(request, session, agreement, me)
    return agreement


SPECS = (
    RecordForms(
        entity_type="transfer",
        plural="transfers",
        parent="vendors",
        load_parent=vendor_service.get_vendor,
        load=transfer_service.get_transfer,
        page=_transfer_page,
        defaults=_transfer_defaults,
        create=creates(TransferCreate, transfer_service.create_transfer, "vendor_id"),
        update=updates(TransferUpdate, transfer_service.update_transfer),
        created=lambda vendor, _t: f"/vendors/{vendor.id}",
        updated=lambda t: f"/transfers/{t.id}",
    ),
    RecordForms(
        entity_type="agreement",
        plural="agreements",
        parent="vendors",
        load_parent=vendor_service.get_vendor,
        load=agreement_service.get_agreement,
        page=_agreement_page,
        defaults=lambda _v: {
            "kind": "dpa",
            "status": "signed",
            "scc_clauses.docking_clause": "on",
            "scc_clauses.governing_law": "FI",
            "scc_clauses.forum": "FI",
        },
        create=_create_agreement,
        update=_update_agreement,
        created=lambda vendor, _a: f"/vendors/{vendor.id}",
        updated=lambda a: f"/vendors/{a.vendor_id}",
    ),
    RecordForms(
        entity_type="assessment",
        plural="assessments",
        parent="transfers",
        load_parent=transfer_service.get_transfer,
        load=assessment_service.get_assessment,
        page=_assessment_page,
        create=creates(AssessmentCreate, assessment_service.create_assessment, "transfer_id"),
        update=updates(AssessmentUpdate, assessment_service.update_assessment),
        created=lambda transfer, _a: f"/vendors/{transfer.vendor_id}",
        updated=lambda a: f"/assessments/{a.id}",
    ),
    RecordForms(
        entity_type="processing",
        plural="processings",
        parent="vendors",
        load_parent=vendor_service.get_vendor,
        load=organisation_service.get_processing,
        page=_processing_page,
        defaults=lambda _v: {"our_role": "controller"},
        create=creates(ProcessingCreate, organisation_service.create_processing, "vendor_id"),
        update=updates(ProcessingUpdate, organisation_service.update_processing),
        created=lambda vendor, _p: f"/vendors/{vendor.id}",
        updated=lambda p: f"/vendors/{p.vendor_id}",
    ),
    RecordForms(
        entity_type="organisation",
        plural="organisations",
        load=organisation_service.get_organisation,
        page=_organisation_page,
        defaults=lambda _p: {"country": "FI", "roles": "controller"},
        create=creates(OrganisationCreate, organisation_service.create_organisation),
        update=updates(OrganisationUpdate, organisation_service.update_organisation),
        created=lambda _p, _o: "/organisations",
        updated=lambda _o: "/organisations",
    ),
)


@get("/organisations", name="organisations")
async def organisations(request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
    rows, _total = await organisation_service.list_organisations(db_session, 500, 0)
    return Template(
        template_name="organisations.html",
        context={"me": identity(request), "organisations": rows},
    )


REGISTER_FORMS: list[HTTPRouteHandler] = [organisations, *(h for s in SPECS for h in routes(s))]
"""Create and edit routes for transfers, agreements, assessments, processings and
organisations, all through ``forms.save`` / ``forms.save_edit``."""
