"""Forms for transfers, agreements (with an attachment), assessments (TIAs), processings and
organisations: create and edit.

Each form is a list of ``Field`` specs rendered by one template and run through ``forms.save`` /
``forms.save_edit``, so errors come back as the API's problem details next to their fields and a
stale edit shows the conflict instead of overwriting.
"""

from __future__ import annotations

from typing import Any, get_args

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.agreement import service as agreement_service
from transfers.agreement.schemas import AgreementCreate, AgreementUpdate
from transfers.assessment import service as assessment_service
from transfers.assessment.schemas import AssessmentCreate, AssessmentUpdate
from transfers.common.fields import (
    AgreementKind,
    AgreementStatus,
    Conclusion,
    Frequency,
    PartyRole,
    TransferType,
)
from transfers.compliance.service import importer_role
from transfers.models import Agreement, Transfer, Vendor
from transfers.organisation import service as organisation_service
from transfers.organisation.schemas import (
    OrganisationCreate,
    OrganisationUpdate,
    ProcessingCreate,
    ProcessingUpdate,
)
from transfers.reference import load_reference
from transfers.transfer import service as transfer_service
from transfers.transfer.schemas import TransferCreate, TransferUpdate
from transfers.user.schemas import WebIdentity
from transfers.vendor import service as vendor_service
from transfers.web.forms import (
    Field,
    FormErrors,
    FormPage,
    as_text,
    convert,
    save,
    save_edit,
    shown_values,
)
from transfers.web.i18n import N_, _, country_names, current_language
from transfers.web.labels import label
from transfers.web.security import identity, require_writer, settings_of


def _codes(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((v, label(v)) for v in values)


def _countries() -> tuple[tuple[str, str], ...]:
    names = country_names(current_language())
    return tuple(sorted(names.items(), key=lambda kv: kv[1]))


def _mechanisms() -> tuple[tuple[str, str], ...]:
    return tuple((m.code, m.name) for m in load_reference().mechanisms())


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
                % {"exporter": _(exporter), "importer": _(importer), "module": module}
            )
    return _("Proposed SCC module") + ": " + "; ".join(parts)


def transfer_fields(vendor_role: str) -> list[Field]:
    return [
        Field(
            "exporter_role",
            _(N_("Our role (exporter)")),
            "select",
            _codes(get_args(PartyRole)),
            True,
        ),
        Field("destination_country", _(N_("Destination country")), "select", _countries(), True),
        Field("mechanism", _(N_("Mechanism")), "select", _mechanisms(), True),
        Field("scc_module", _(N_("SCC module")), "number", hint=_proposed_modules(vendor_role)),
        Field("agreement_id", _(N_("Agreement relied on (id)")), "number"),
        Field("transfer_type", _(N_("Transfer type")), "select", _codes(get_args(TransferType))),
        Field("frequency", _(N_("Frequency")), "select", (("", "—"), *_codes(get_args(Frequency)))),
        Field("data_categories", _(N_("Data categories (comma separated)")), "list"),
        Field(
            "fallback_mechanism", _(N_("Fallback mechanism")), "select", (("", "—"), *_mechanisms())
        ),
        Field("dpf_certified", _(N_("Importer is on the DPF List")), "checkbox"),
        Field("dpf_verified_on", _(N_("DPF List checked on")), "date"),
        Field("started_on", _(N_("Started on")), "date"),
        Field("ended_on", _(N_("Ended on")), "date"),
        Field("description", _(N_("Description")), "textarea"),
    ]


def agreement_fields() -> list[Field]:
    return [
        Field("kind", _(N_("Kind")), "select", _codes(get_args(AgreementKind)), True),
        Field("scc_module", _(N_("SCC module")), "number"),
        Field("title", _(N_("Title"))),
        Field("status", _(N_("Status")), "select", _codes(get_args(AgreementStatus))),
        Field("signed_on", _(N_("Signed on")), "date"),
        Field("effective_on", _(N_("Effective on")), "date"),
        Field("ends_on", _(N_("Ends on")), "date"),
        Field(
            "term", _(N_("Term")), hint=_(N_("For example: 3 years, 18 months, 3 kuukautta, P2Y"))
        ),
        Field("auto_renew", _(N_("Renews automatically")), "checkbox"),
        Field(
            "notice_period", _(N_("Notice period")), hint=_(N_("For example: 3 months, 90 päivää"))
        ),
        Field("owner", _(N_("Owner (e-mail)"))),
        Field("notes", _(N_("Notes")), "textarea"),
        Field("file", _(N_("Attachment (signed copy)")), "file"),
    ]


def assessment_fields() -> list[Field]:
    return [
        Field("completed_on", _(N_("Completed on")), "date"),
        Field(
            "conclusion", _(N_("Conclusion")), "select", (("", "—"), *_codes(get_args(Conclusion)))
        ),
        Field("supplementary_measures", _(N_("Supplementary measures")), "textarea"),
        Field("law_and_practice", _(N_("Law and practice of the destination")), "textarea"),
        Field("next_review_on", _(N_("Next review on")), "date"),
        Field("assessor", _(N_("Assessor"))),
        Field("owner", _(N_("Owner (e-mail)"))),
    ]


def processing_fields() -> list[Field]:
    return [
        Field("service", _(N_("Service")), required=True),
        Field("our_role", _(N_("Our role")), "select", _codes(get_args(PartyRole))),
        Field("organisation_id", _(N_("Organisation (id)")), "number"),
        Field("purposes", _(N_("Purposes (comma separated)")), "list"),
        Field("data_categories", _(N_("Data categories (comma separated)")), "list"),
        Field("data_subject_categories", _(N_("Data subjects (comma separated)")), "list"),
        Field("special_categories", _(N_("Special categories of data (Art. 9)")), "checkbox"),
        Field("criminal_data", _(N_("Criminal convictions data (Art. 10)")), "checkbox"),
        Field("nature", _(N_("Nature of the processing")), "textarea"),
        Field("retention", _(N_("Retention")), "textarea"),
        Field("technical_measures", _(N_("Technical and organisational measures")), "textarea"),
    ]


def organisation_fields() -> list[Field]:
    return [
        Field("name", _(N_("Name")), required=True),
        Field("business_id", _(N_("Business ID"))),
        Field("country", _(N_("Country")), "select", _countries(), True),
        Field("roles", _(N_("Roles (comma separated: controller, processor)")), "list"),
        Field("address", _(N_("Address")), "textarea"),
        Field("dpo_name", _(N_("Data protection officer"))),
        Field("dpo_email", _(N_("DPO e-mail"))),
        Field("supervisory_authority", _(N_("Supervisory authority")), "textarea"),
    ]


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


def _transfer_page(vendor: Vendor, transfer_id: int | None = None) -> FormPage:
    return FormPage(
        title=(
            _("Edit transfer %(id)d to %(vendor)s") % {"id": transfer_id, "vendor": vendor.name}
            if transfer_id
            else _("New transfer to %(vendor)s") % {"vendor": vendor.name}
        ),
        action=f"/transfers/{transfer_id}/edit"
        if transfer_id
        else f"/vendors/{vendor.id}/transfers/new",
        back=f"/transfers/{transfer_id}" if transfer_id else f"/vendors/{vendor.id}",
        fields=transfer_fields(vendor.role),
        explain=list(load_reference().mechanisms()),
    )


def _agreement_page(vendor: Vendor, agreement_id: int | None = None) -> FormPage:
    return FormPage(
        title=(
            _("Edit agreement %(id)d with %(vendor)s") % {"id": agreement_id, "vendor": vendor.name}
            if agreement_id
            else _("New agreement with %(vendor)s") % {"vendor": vendor.name}
        ),
        action=f"/agreements/{agreement_id}/edit"
        if agreement_id
        else f"/vendors/{vendor.id}/agreements/new",
        back=f"/vendors/{vendor.id}",
        fields=agreement_fields(),
        multipart=True,
    )


def _assessment_page(transfer: Transfer, assessment_id: int | None = None) -> FormPage:
    return FormPage(
        title=(
            _("Edit transfer impact assessment %(id)d") % {"id": assessment_id}
            if assessment_id
            else _("New transfer impact assessment for transfer %(id)d") % {"id": transfer.id}
        ),
        action=f"/assessments/{assessment_id}/edit"
        if assessment_id
        else f"/transfers/{transfer.id}/assessments/new",
        back=f"/assessments/{assessment_id}" if assessment_id else f"/transfers/{transfer.id}",
        fields=assessment_fields(),
    )


def _processing_page(vendor: Vendor, processing_id: int | None = None) -> FormPage:
    return FormPage(
        title=(
            _("Edit processing %(id)d by %(vendor)s") % {"id": processing_id, "vendor": vendor.name}
            if processing_id
            else _("New processing by %(vendor)s") % {"vendor": vendor.name}
        ),
        action=f"/processings/{processing_id}/edit"
        if processing_id
        else f"/vendors/{vendor.id}/processings/new",
        back=f"/vendors/{vendor.id}",
        fields=processing_fields(),
    )


def _organisation_page(organisation_id: int | None = None) -> FormPage:
    return FormPage(
        title=_("Edit organisation") if organisation_id else _("New organisation"),
        action=f"/organisations/{organisation_id}/edit"
        if organisation_id
        else "/organisations/new",
        back="/organisations",
        fields=organisation_fields(),
    )


class RegisterForms(Controller):
    """Create and edit forms for transfers, agreements, assessments, processings and
    organisations: every one goes through ``forms.save`` / ``forms.save_edit``."""

    path = "/"
    include_in_schema = False

    # -- transfers ---------------------------------------------------------------------

    @get("/vendors/{vendor_id:int}/transfers/new")
    async def new_transfer(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, vendor_id: int
    ) -> Template:
        require_writer(identity(request))
        vendor = await vendor_service.get_vendor(db_session, vendor_id)
        scc = load_reference().mechanism("scc_2021")
        module = scc.module_for("controller", importer_role(vendor.role)) if scc else None
        values = {
            "exporter_role": "controller",
            "destination_country": vendor.country,
            "mechanism": "scc_2021",
            "scc_module": str(module or ""),
        }
        return _transfer_page(vendor).render(request, values=values)

    @post("/vendors/{vendor_id:int}/transfers/new")
    async def create_transfer(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, vendor_id: int
    ) -> Response[Any]:
        me = require_writer(identity(request))
        vendor = await vendor_service.get_vendor(db_session, vendor_id)

        async def write(values: dict[str, Any]) -> Any:
            data = convert({**values, "vendor_id": vendor_id}, TransferCreate)
            return await transfer_service.create_transfer(db_session, data, me.actor)

        return await save(
            request, db_session, _transfer_page(vendor), write, done=f"/vendors/{vendor_id}"
        )

    @get("/transfers/{transfer_id:int}/edit")
    async def edit_transfer(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, transfer_id: int
    ) -> Template:
        require_writer(identity(request))
        transfer = await transfer_service.get_transfer(db_session, transfer_id)
        vendor = await vendor_service.get_vendor(db_session, transfer.vendor_id)
        page = _transfer_page(vendor, transfer_id)
        return _edit(request, page, transfer)

    @post("/transfers/{transfer_id:int}/edit")
    async def update_transfer(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, transfer_id: int
    ) -> Response[Any]:
        me = require_writer(identity(request))
        transfer = await transfer_service.get_transfer(db_session, transfer_id)
        vendor = await vendor_service.get_vendor(db_session, transfer.vendor_id)

        async def write(changes: dict[str, Any]) -> Any:
            data = convert(changes, TransferUpdate)
            return await transfer_service.update_transfer(db_session, transfer, data, me.actor)

        return await save_edit(
            request,
            db_session,
            _transfer_page(vendor, transfer_id),
            record=transfer,
            entity_type="transfer",
            write=write,
            done=f"/transfers/{transfer_id}",
        )

    # -- agreements --------------------------------------------------------------------

    @get("/vendors/{vendor_id:int}/agreements/new")
    async def new_agreement(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, vendor_id: int
    ) -> Template:
        require_writer(identity(request))
        vendor = await vendor_service.get_vendor(db_session, vendor_id)
        return _agreement_page(vendor).render(request, values={"kind": "dpa", "status": "signed"})

    @post("/vendors/{vendor_id:int}/agreements/new")
    async def create_agreement(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, vendor_id: int
    ) -> Response[Any]:
        me = require_writer(identity(request))
        vendor = await vendor_service.get_vendor(db_session, vendor_id)

        async def write(values: dict[str, Any]) -> Any:
            data = convert({**values, "vendor_id": vendor_id}, AgreementCreate)
            agreement = await agreement_service.create_agreement(db_session, data, me.actor)
            await _attach(request, db_session, agreement, me)
            return agreement

        return await save(
            request, db_session, _agreement_page(vendor), write, done=f"/vendors/{vendor_id}"
        )

    @get("/agreements/{agreement_id:int}/edit")
    async def edit_agreement(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, agreement_id: int
    ) -> Template:
        require_writer(identity(request))
        agreement = await agreement_service.get_agreement(db_session, agreement_id)
        vendor = await vendor_service.get_vendor(db_session, agreement.vendor_id)
        return _edit(request, _agreement_page(vendor, agreement_id), agreement)

    @post("/agreements/{agreement_id:int}/edit")
    async def update_agreement(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, agreement_id: int
    ) -> Response[Any]:
        me = require_writer(identity(request))
        agreement = await agreement_service.get_agreement(db_session, agreement_id)
        vendor = await vendor_service.get_vendor(db_session, agreement.vendor_id)

        async def write(changes: dict[str, Any]) -> Any:
            data = convert(changes, AgreementUpdate)
            await agreement_service.update_agreement(db_session, agreement, data, me.actor)
            await _attach(request, db_session, agreement, me)

        return await save_edit(
            request,
            db_session,
            _agreement_page(vendor, agreement_id),
            record=agreement,
            entity_type="agreement",
            write=write,
            done=f"/vendors/{vendor.id}",
        )

    # -- assessments -------------------------------------------------------------------

    @get("/transfers/{transfer_id:int}/assessments/new")
    async def new_assessment(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, transfer_id: int
    ) -> Template:
        require_writer(identity(request))
        transfer = await transfer_service.get_transfer(db_session, transfer_id)
        return _assessment_page(transfer).render(request, values={})

    @post("/transfers/{transfer_id:int}/assessments/new")
    async def create_assessment(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, transfer_id: int
    ) -> Response[Any]:
        me = require_writer(identity(request))
        transfer = await transfer_service.get_transfer(db_session, transfer_id)
        vendor_id = transfer.vendor_id

        async def write(values: dict[str, Any]) -> Any:
            data = convert({**values, "transfer_id": transfer_id}, AssessmentCreate)
            return await assessment_service.create_assessment(db_session, data, me.actor)

        return await save(
            request, db_session, _assessment_page(transfer), write, done=f"/vendors/{vendor_id}"
        )

    @get("/assessments/{assessment_id:int}/edit")
    async def edit_assessment(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, assessment_id: int
    ) -> Template:
        require_writer(identity(request))
        assessment = await assessment_service.get_assessment(db_session, assessment_id)
        transfer = await transfer_service.get_transfer(db_session, assessment.transfer_id)
        return _edit(request, _assessment_page(transfer, assessment_id), assessment)

    @post("/assessments/{assessment_id:int}/edit")
    async def update_assessment(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, assessment_id: int
    ) -> Response[Any]:
        me = require_writer(identity(request))
        assessment = await assessment_service.get_assessment(db_session, assessment_id)
        transfer = await transfer_service.get_transfer(db_session, assessment.transfer_id)

        async def write(changes: dict[str, Any]) -> Any:
            data = convert(changes, AssessmentUpdate)
            return await assessment_service.update_assessment(
                db_session, assessment, data, me.actor
            )

        return await save_edit(
            request,
            db_session,
            _assessment_page(transfer, assessment_id),
            record=assessment,
            entity_type="assessment",
            write=write,
            done=f"/assessments/{assessment_id}",
        )

    # -- processings -------------------------------------------------------------------

    @get("/vendors/{vendor_id:int}/processings/new")
    async def new_processing(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, vendor_id: int
    ) -> Template:
        require_writer(identity(request))
        vendor = await vendor_service.get_vendor(db_session, vendor_id)
        return _processing_page(vendor).render(request, values={"our_role": "controller"})

    @post("/vendors/{vendor_id:int}/processings/new")
    async def create_processing(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, vendor_id: int
    ) -> Response[Any]:
        me = require_writer(identity(request))
        vendor = await vendor_service.get_vendor(db_session, vendor_id)

        async def write(values: dict[str, Any]) -> Any:
            data = convert({**values, "vendor_id": vendor_id}, ProcessingCreate)
            return await organisation_service.create_processing(db_session, data, me.actor)

        return await save(
            request, db_session, _processing_page(vendor), write, done=f"/vendors/{vendor_id}"
        )

    @get("/processings/{processing_id:int}/edit")
    async def edit_processing(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, processing_id: int
    ) -> Template:
        require_writer(identity(request))
        processing = await organisation_service.get_processing(db_session, processing_id)
        vendor = await vendor_service.get_vendor(db_session, processing.vendor_id)
        return _edit(request, _processing_page(vendor, processing_id), processing)

    @post("/processings/{processing_id:int}/edit")
    async def update_processing(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, processing_id: int
    ) -> Response[Any]:
        me = require_writer(identity(request))
        processing = await organisation_service.get_processing(db_session, processing_id)
        vendor = await vendor_service.get_vendor(db_session, processing.vendor_id)

        async def write(changes: dict[str, Any]) -> Any:
            data = convert(changes, ProcessingUpdate)
            return await organisation_service.update_processing(
                db_session, processing, data, me.actor
            )

        return await save_edit(
            request,
            db_session,
            _processing_page(vendor, processing_id),
            record=processing,
            entity_type="processing",
            write=write,
            done=f"/vendors/{vendor.id}",
        )

    # -- organisations -----------------------------------------------------------------

    @get("/organisations")
    async def organisations(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> Template:
        rows, _total = await organisation_service.list_organisations(db_session, 500, 0)
        return Template(
            template_name="organisations.html",
            context={"me": identity(request), "organisations": rows},
        )

    @get("/organisations/new")
    async def new_organisation(self, request: Request[Any, Any, Any]) -> Template:
        require_writer(identity(request))
        return _organisation_page().render(request, values={"country": "FI", "roles": "controller"})

    @post("/organisations/new")
    async def create_organisation(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> Response[Any]:
        me = require_writer(identity(request))

        async def write(values: dict[str, Any]) -> Any:
            data = convert(values, OrganisationCreate)
            return await organisation_service.create_organisation(db_session, data, me.actor)

        return await save(request, db_session, _organisation_page(), write, done="/organisations")

    @get("/organisations/{organisation_id:int}/edit")
    async def edit_organisation(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, organisation_id: int
    ) -> Template:
        require_writer(identity(request))
        org = await organisation_service.get_organisation(db_session, organisation_id)
        return _edit(request, _organisation_page(organisation_id), org)

    @post("/organisations/{organisation_id:int}/edit")
    async def update_organisation(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, organisation_id: int
    ) -> Response[Any]:
        me = require_writer(identity(request))
        org = await organisation_service.get_organisation(db_session, organisation_id)

        async def write(changes: dict[str, Any]) -> Any:
            data = convert(changes, OrganisationUpdate)
            return await organisation_service.update_organisation(db_session, org, data, me.actor)

        return await save_edit(
            request,
            db_session,
            _organisation_page(organisation_id),
            record=org,
            entity_type="organisation",
            write=write,
            done="/organisations",
        )


def _edit(request: Request[Any, Any, Any], page: FormPage, record: Any) -> Template:
    """An edit form filled from the record, carrying its version and the values as shown."""
    values = shown_values(record, page.fields)
    original = {k: as_text(v) for k, v in values.items()}
    return page.render(request, values=values, version=record.version, original=original)
