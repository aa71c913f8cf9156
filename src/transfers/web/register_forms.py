"""Forms for transfers, agreements (with an attachment) and assessments (TIAs).

Each form is a list of ``Field`` specs rendered by one template and validated by the same msgspec
struct and domain service as the API, so errors come back as the API's problem details.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.agreement import service as agreement_service
from transfers.agreement.schemas import AgreementCreate
from transfers.assessment import service as assessment_service
from transfers.assessment.schemas import AssessmentCreate
from transfers.audit.crud import check_version
from transfers.audit.service import list_events
from transfers.common.fields import (
    AgreementKind,
    AgreementStatus,
    Conclusion,
    Frequency,
    PartyRole,
    TransferType,
)
from transfers.common.problems import ProblemError
from transfers.compliance.service import importer_role
from transfers.organisation import service as organisation_service
from transfers.organisation.schemas import OrganisationCreate, ProcessingCreate
from transfers.reference import load_reference
from transfers.transfer import service as transfer_service
from transfers.transfer.schemas import TransferCreate, TransferUpdate
from transfers.vendor import service as vendor_service
from transfers.web.forms import FormErrors, convert, from_problem
from transfers.web.i18n import N_, _, country_names, current_language
from transfers.web.labels import label
from transfers.web.security import identity, require_writer, settings_of


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text | date | number | select | textarea | checkbox | list | file
    options: tuple[tuple[str, str], ...] = ()
    required: bool = False
    hint: str = ""


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


def payload(form: Any, fields: list[Field]) -> tuple[dict[str, Any], dict[str, str]]:
    """(values for the struct, raw text to refill the form)."""
    out: dict[str, Any] = {}
    raw: dict[str, str] = {}
    for f in fields:
        if f.kind == "file":
            continue
        value = form.get(f.name)
        text = value.strip() if isinstance(value, str) else ""
        if f.kind == "checkbox":
            out[f.name] = bool(text)
            raw[f.name] = "on" if text else ""
            continue
        raw[f.name] = text
        if not text:
            continue
        if f.kind == "list":
            out[f.name] = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
        elif f.kind == "number":
            if not text.isdigit():
                raise FormErrors(_("Give a whole number."), {f.name: _("Give a whole number.")})
            out[f.name] = int(text)
        else:
            out[f.name] = text
    return out, raw


def _page(
    request: Request[Any, Any, Any],
    *,
    title: str,
    action: str,
    back: str,
    fields: list[Field],
    values: dict[str, str],
    errors: FormErrors | None = None,
    explain: list[Any] | None = None,
    multipart: bool = False,
    version: int | None = None,
    original: dict[str, str] | None = None,
    conflict: list[Any] | None = None,
) -> Template:
    return Template(
        template_name="entity_form.html",
        context={
            "me": identity(request),
            "title": title,
            "action": action,
            "back": back,
            "fields": fields,
            "values": values,
            "errors": errors,
            "mechanisms": explain,
            "multipart": multipart,
            "version": version,
            "original": original,
            "conflict": conflict,
        },
        status_code=errors.status if errors else 200,
    )


def as_text(value: Any) -> str:
    """A stored value as the form shows it (dates ISO, lists comma separated, flags on/off)."""
    if value is None or value is False:
        return ""
    if value is True:
        return "on"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def changed_fields(form: Any, fields: list[Field]) -> dict[str, Any]:
    """Only what this person changed (against the hidden ``orig-*`` values), parsed; an
    emptied field becomes None, so a save never resets what someone else changed meanwhile."""
    values, raw = payload(form, fields)
    out: dict[str, Any] = {}
    for f in fields:
        if f.kind == "file":
            continue
        before = form.get(f"orig-{f.name}")
        before = before.strip() if isinstance(before, str) else ""
        if raw.get(f.name, "") != before:
            out[f.name] = values.get(f.name, False if f.kind == "checkbox" else None)
    return out


class RegisterForms(Controller):
    path = "/"
    include_in_schema = False

    @get("/vendors/{vendor_id:int}/transfers/new")
    async def new_transfer(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, vendor_id: int
    ) -> Template:
        require_writer(identity(request))
        vendor = await vendor_service.get_vendor(db_session, vendor_id)
        scc = load_reference().mechanism("scc_2021")
        module = scc.module_for("controller", importer_role(vendor.role)) if scc else None
        return _page(
            request,
            title=_("New transfer to %(vendor)s") % {"vendor": vendor.name},
            action=f"/vendors/{vendor_id}/transfers/new",
            back=f"/vendors/{vendor_id}",
            fields=transfer_fields(vendor.role),
            values={
                "exporter_role": "controller",
                "destination_country": vendor.country,
                "mechanism": "scc_2021",
                "scc_module": str(module or ""),
            },
            explain=list(load_reference().mechanisms()),
        )

    @post("/vendors/{vendor_id:int}/transfers/new")
    async def create_transfer(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, vendor_id: int
    ) -> Response[Any]:
        me = identity(request)
        require_writer(me)
        vendor = await vendor_service.get_vendor(db_session, vendor_id)
        fields = transfer_fields(vendor.role)
        form = await request.form()
        raw: dict[str, str] = {}
        try:
            values, raw = payload(form, fields)
            data = convert({**values, "vendor_id": vendor_id}, TransferCreate)
            await transfer_service.create_transfer(db_session, data, me.actor)
        except (FormErrors, ProblemError) as exc:
            await db_session.rollback()
            return _page(
                request,
                title=_("New transfer to %(vendor)s") % {"vendor": vendor.name},
                action=f"/vendors/{vendor_id}/transfers/new",
                back=f"/vendors/{vendor_id}",
                fields=fields,
                values=raw or {k: str(v) for k, v in form.items()},
                errors=exc if isinstance(exc, FormErrors) else from_problem(exc),
                explain=list(load_reference().mechanisms()),
            )
        await db_session.commit()
        return Redirect(f"/vendors/{vendor_id}", status_code=303)

    @get("/vendors/{vendor_id:int}/agreements/new")
    async def new_agreement(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, vendor_id: int
    ) -> Template:
        require_writer(identity(request))
        vendor = await vendor_service.get_vendor(db_session, vendor_id)
        return _page(
            request,
            title=_("New agreement with %(vendor)s") % {"vendor": vendor.name},
            action=f"/vendors/{vendor_id}/agreements/new",
            back=f"/vendors/{vendor_id}",
            fields=agreement_fields(),
            values={"kind": "dpa", "status": "signed"},
            multipart=True,
        )

    @post("/vendors/{vendor_id:int}/agreements/new")
    async def create_agreement(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, vendor_id: int
    ) -> Response[Any]:
        me = identity(request)
        require_writer(me)
        vendor = await vendor_service.get_vendor(db_session, vendor_id)
        fields = agreement_fields()
        form = await request.form()
        raw: dict[str, str] = {}
        try:
            values, raw = payload(form, fields)
            data = convert({**values, "vendor_id": vendor_id}, AgreementCreate)
            agreement = await agreement_service.create_agreement(db_session, data, me.actor)
            upload = form.get("file")
            if isinstance(upload, UploadFile) and upload.filename:
                content = await upload.read()
                if len(content) > settings_of(request).max_upload_bytes:
                    raise FormErrors(
                        _("The file is too large."), {"file": _("The file is too large.")}, 413
                    )
                await agreement_service.add_attachment(
                    db_session,
                    agreement,
                    filename=upload.filename,
                    content_type=upload.content_type,
                    content=content,
                    actor=me.actor,
                )
        except (FormErrors, ProblemError) as exc:
            await db_session.rollback()
            return _page(
                request,
                title=_("New agreement with %(vendor)s") % {"vendor": vendor.name},
                action=f"/vendors/{vendor_id}/agreements/new",
                back=f"/vendors/{vendor_id}",
                fields=fields,
                values=raw,
                errors=exc if isinstance(exc, FormErrors) else from_problem(exc),
                multipart=True,
            )
        await db_session.commit()
        return Redirect(f"/vendors/{vendor_id}", status_code=303)

    @get("/transfers/{transfer_id:int}/assessments/new")
    async def new_assessment(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, transfer_id: int
    ) -> Template:
        require_writer(identity(request))
        transfer = await transfer_service.get_transfer(db_session, transfer_id)
        return _page(
            request,
            title=_("New transfer impact assessment for transfer %(id)d") % {"id": transfer_id},
            action=f"/transfers/{transfer_id}/assessments/new",
            back=f"/vendors/{transfer.vendor_id}",
            fields=assessment_fields(),
            values={},
        )

    @post("/transfers/{transfer_id:int}/assessments/new")
    async def create_assessment(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, transfer_id: int
    ) -> Response[Any]:
        me = identity(request)
        require_writer(me)
        transfer = await transfer_service.get_transfer(db_session, transfer_id)
        vendor_id = transfer.vendor_id
        fields = assessment_fields()
        form = await request.form()
        raw: dict[str, str] = {}
        try:
            values, raw = payload(form, fields)
            data = convert({**values, "transfer_id": transfer_id}, AssessmentCreate)
            await assessment_service.create_assessment(db_session, data, me.actor)
        except (FormErrors, ProblemError) as exc:
            await db_session.rollback()
            return _page(
                request,
                title=_("New transfer impact assessment for transfer %(id)d") % {"id": transfer_id},
                action=f"/transfers/{transfer_id}/assessments/new",
                back=f"/vendors/{vendor_id}",
                fields=fields,
                values=raw,
                errors=exc if isinstance(exc, FormErrors) else from_problem(exc),
            )
        await db_session.commit()
        return Redirect(f"/vendors/{vendor_id}", status_code=303)

    @get("/vendors/{vendor_id:int}/processings/new")
    async def new_processing(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, vendor_id: int
    ) -> Template:
        require_writer(identity(request))
        vendor = await vendor_service.get_vendor(db_session, vendor_id)
        return _page(
            request,
            title=_("New processing by %(vendor)s") % {"vendor": vendor.name},
            action=f"/vendors/{vendor_id}/processings/new",
            back=f"/vendors/{vendor_id}",
            fields=processing_fields(),
            values={"our_role": "controller"},
        )

    @post("/vendors/{vendor_id:int}/processings/new")
    async def create_processing(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, vendor_id: int
    ) -> Response[Any]:
        me = identity(request)
        require_writer(me)
        vendor = await vendor_service.get_vendor(db_session, vendor_id)
        fields = processing_fields()
        form = await request.form()
        raw: dict[str, str] = {}
        try:
            values, raw = payload(form, fields)
            data = convert({**values, "vendor_id": vendor_id}, ProcessingCreate)
            await organisation_service.create_processing(db_session, data, me.actor)
        except (FormErrors, ProblemError) as exc:
            await db_session.rollback()
            return _page(
                request,
                title=_("New processing by %(vendor)s") % {"vendor": vendor.name},
                action=f"/vendors/{vendor_id}/processings/new",
                back=f"/vendors/{vendor_id}",
                fields=fields,
                values=raw,
                errors=exc if isinstance(exc, FormErrors) else from_problem(exc),
            )
        await db_session.commit()
        return Redirect(f"/vendors/{vendor_id}", status_code=303)

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
        return _page(
            request,
            title=_("New organisation"),
            action="/organisations/new",
            back="/organisations",
            fields=organisation_fields(),
            values={"country": "FI", "roles": "controller"},
        )

    @post("/organisations/new")
    async def create_organisation(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> Response[Any]:
        me = identity(request)
        require_writer(me)
        fields = organisation_fields()
        form = await request.form()
        raw: dict[str, str] = {}
        try:
            values, raw = payload(form, fields)
            data = convert(values, OrganisationCreate)
            await organisation_service.create_organisation(db_session, data, me.actor)
        except (FormErrors, ProblemError) as exc:
            await db_session.rollback()
            return _page(
                request,
                title=_("New organisation"),
                action="/organisations/new",
                back="/organisations",
                fields=fields,
                values=raw,
                errors=exc if isinstance(exc, FormErrors) else from_problem(exc),
            )
        await db_session.commit()
        return Redirect("/organisations", status_code=303)

    @get("/transfers/{transfer_id:int}/edit")
    async def edit_transfer(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, transfer_id: int
    ) -> Template:
        require_writer(identity(request))
        transfer = await transfer_service.get_transfer(db_session, transfer_id)
        vendor = await vendor_service.get_vendor(db_session, transfer.vendor_id)
        fields = transfer_fields(vendor.role)
        values = {f.name: as_text(getattr(transfer, f.name, None)) for f in fields}
        return _page(
            request,
            title=_("Edit transfer %(id)d to %(vendor)s")
            % {"id": transfer_id, "vendor": vendor.name},
            action=f"/transfers/{transfer_id}/edit",
            back=f"/vendors/{vendor.id}",
            fields=fields,
            values=values,
            explain=list(load_reference().mechanisms()),
            version=transfer.version,
            original=values,
        )

    @post("/transfers/{transfer_id:int}/edit")
    async def update_transfer(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, transfer_id: int
    ) -> Response[Any]:
        """Like the vendor form: a stale version shows what changed and saves nothing."""
        me = identity(request)
        require_writer(me)
        transfer = await transfer_service.get_transfer(db_session, transfer_id)
        vendor = await vendor_service.get_vendor(db_session, transfer.vendor_id)
        fields = transfer_fields(vendor.role)
        form = await request.form()
        raw_version = str(form.get("version") or "")
        version = int(raw_version) if raw_version.isdigit() else None
        page: dict[str, Any] = {
            "title": _("Edit transfer %(id)d to %(vendor)s")
            % {"id": transfer_id, "vendor": vendor.name},
            "action": f"/transfers/{transfer_id}/edit",
            "back": f"/vendors/{vendor.id}",
            "fields": fields,
            "explain": list(load_reference().mechanisms()),
        }
        submitted = {f.name: str(form.get(f.name) or "").strip() for f in fields}
        try:
            changes = changed_fields(form, fields)
            check_version(transfer, None, version)
        except FormErrors as exc:
            return _page(request, **page, values=submitted, errors=exc, version=version)
        except ProblemError as exc:
            events, _count = await list_events(
                db_session, entity_type="transfer", entity_id=transfer_id, limit=50
            )
            newer = max(0, transfer.version - (version or 0))
            current = {f.name: as_text(getattr(transfer, f.name, None)) for f in fields}
            mine = {k: as_text(v) for k, v in changes.items()}
            return _page(
                request,
                **page,
                values=current | mine,
                errors=from_problem(exc),
                version=transfer.version,
                original=current,
                conflict=[e for e in events if e.action == "update"][:newer],
            )
        try:
            data = convert(changes, TransferUpdate)
            await transfer_service.update_transfer(db_session, transfer, data, me.actor)
        except (FormErrors, ProblemError) as exc:
            await db_session.rollback()
            return _page(
                request,
                **page,
                values=submitted,
                errors=exc if isinstance(exc, FormErrors) else from_problem(exc),
                version=version,
                original={f.name: str(form.get(f"orig-{f.name}") or "") for f in fields},
            )
        await db_session.commit()
        return Redirect(f"/vendors/{vendor.id}", status_code=303)
