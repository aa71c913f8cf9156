"""Our customers and the sub-processor changes we announce to them (GDPR Art. 28(2)), in the
workspace: customers (with the services they use, picked, never typed as ids), planned changes
(with the engine's before and after), each customer's status (earliest allowed date, e-mails
sent or failed and why, objection or consent and its resolution), and the steps: send, record
an answer, resolve, engage. A chain link's engagement form asks the same rule.

Every write goes through ``customer.service`` (the API's path, audited); legal and admin write,
procurement reads (the buttons are hidden and the server refuses the posts). Words come from
the lexicon and the gettext catalog; a service sentence without a Finnish translation is not
shown under ``fi``: the field's label and a plain request to check it are.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date
from typing import Any, get_args

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.audit.crud import check_version
from transfers.common.problems import ProblemError
from transfers.customer import public
from transfers.customer import service as customer_service
from transfers.customer.schemas import (
    Authorisation,
    ChangeCreate,
    ChangeKind,
    CustomerCreate,
    CustomerUpdate,
    EngagementCreate,
    NoticeChannel,
    Resolution,
    ResolutionCreate,
    ResponseCreate,
)
from transfers.customer.schemas import (
    Response as Answer,
)
from transfers.customer.service import Hold
from transfers.organisation import service as organisation_service
from transfers.reference import lexicon, load_reference
from transfers.vendor import service as vendor_service
from transfers.web.forms import FormErrors
from transfers.web.i18n import N_, _, country_names, current_language
from transfers.web.security import identity, require_writer
from transfers.web.validation import explain, labelled
from transfers.web.workflow_pages import render_reasons

PAGE_SIZE = 50
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: Service sentences a page may show as they are, once translated (``messages.po``); any
#: other sentence is replaced by the field's label and "check this value" under ``fi``.
SERVICE_SENTENCES = (
    N_("A planned change takes effect today or later."),
    N_("Say why the customer objects."),
    N_("The answer cannot predate the notice."),
    N_("Say the country the sub-processor moves to."),
    N_("The new country is the sub-processor's country."),
    N_("A replacement names the sub-processor it replaces (replaces_id)."),
    N_("Name the sub-processor and its country, or give subprocessor_id."),
    N_("A sub-processor we engage ourselves names the services it serves (processing_ids)."),
    N_("A general authorisation needs the objection period in days (Art. 28(2))."),
    N_("Notices by e-mail need a privacy or DPO contact address."),
    N_("The engagement cannot end before it starts."),
    N_("A vendor cannot be its own sub-processor."),
)


# -- words ---------------------------------------------------------------------------------


def word(group: str, code: str | None) -> str:
    return lexicon.name(group, code, current_language())


def hold_text(hold: Hold) -> str:
    """One customer's hold on an engagement date, in the page's language."""
    day = lexicon.day(hold.on, current_language()) if hold.on else ""
    values = {"customer": hold.customer, "day": day}
    texts = {
        "objected": _("%(customer)s objected on %(day)s; resolve the objection first."),
        "no_consent": _("%(customer)s (specific authorisation) has not consented."),
        "before_consent": _("%(customer)s consented on %(day)s; the engagement cannot precede it."),
        "objection_period": _("The objection period of %(customer)s runs until %(day)s."),
        "not_announced": _("%(customer)s has not been told of the change yet."),
    }
    return texts.get(hold.kind, "%(customer)s") % values


def _sentence(message: str, label: str | None) -> str:
    """A service sentence in the page's language, or the field's label and a request to check
    it (a sentence naming ids or field paths is not shown to a Finnish reader)."""
    if message in SERVICE_SENTENCES:
        return _(message)
    if current_language() == "en" and "_id" not in message and "$." not in message:
        return message
    return labelled(_("%(label)s: check this value."), label)


def problem_errors(exc: ProblemError | FormErrors, labels: dict[str, str]) -> FormErrors:
    """A refusal as the form shows it: each message next to its field, in the page's language."""
    fields: dict[str, str] = {}
    if isinstance(exc, FormErrors):
        fields = {k: labelled(v, labels.get(k)) for k, v in exc.fields.items()}
        first = next(iter(exc.fields), "")
        return FormErrors(labelled(exc.detail, labels.get(first)), fields, exc.status)
    for e in exc.errors or []:
        name = str(e.get("field") or "")
        fields[name] = _sentence(str(e.get("message") or ""), labels.get(name))
    first = next(iter(fields), "")
    if first:
        detail = fields[first]
    elif exc.status == 404:
        detail = _("The record does not exist, or it has been removed.")
    elif exc.status == 412:
        detail = _("Someone else changed this record at the same time; open it again.")
    elif exc.slug in ("conflict", "duplicate"):
        detail = _("A record with the same name or identifier already exists.")
    elif exc.slug == "unlawful-change":
        detail = _("The change would make a transfer unlawful; it cannot be announced.")
    elif exc.slug == "engagement-early":
        detail = _(
            "The date is earlier than a customer's objection period allows; "
            "say why it stands anyway to proceed."
        )
    elif exc.slug == "engagement-blocked":
        detail = _("The sub-processor may not be engaged yet.")
    else:
        detail = (
            _sentence(exc.detail, None)
            if exc.detail in SERVICE_SENTENCES
            else _("That step is not possible in the record's current state.")
        )
    return FormErrors(detail, fields, exc.status)


def convert(values: dict[str, Any], schema: type[Any]) -> Any:
    try:
        return msgspec.convert(values, schema, strict=False)
    except msgspec.ValidationError as exc:
        name, message = explain(values, schema)
        raise FormErrors(message, {name: message}) from exc


# -- inputs ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Input:
    """One input of these forms; ``kind`` picks the widget (``picks`` is a checkbox list)."""

    name: str
    label: str
    kind: str = "text"  # text|email|date|number|select|textarea|picks
    options: tuple[tuple[str, str], ...] = ()
    required: bool = False
    hint: str = ""


def _countries(blank: str) -> tuple[tuple[str, str], ...]:
    names = sorted(country_names(current_language()).items(), key=lambda kv: kv[1])
    return (("", blank), *names)


def _codes(group: str, codes: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((c, word(group, c)) for c in codes)


async def _services(session: AsyncSession) -> tuple[tuple[str, str], ...]:
    """Every processing as "service · vendor (controller)", for the services picker."""
    items, _total = await organisation_service.list_processings(session, None, 1000, 0)
    names = dict(await vendor_service.names_of(session, {p.vendor_id for p in items}))
    out = []
    for p in sorted(items, key=lambda p: (p.service.lower(), p.id)):
        text = f"{p.service} · {names.get(p.vendor_id, '')}"
        if p.controller:
            text += f" ({p.controller})"
        out.append((str(p.id), text))
    return tuple(out)


async def _vendors(session: AsyncSession, blank: str) -> tuple[tuple[str, str], ...]:
    items, _total = await vendor_service.list_vendors(session, limit=1000, offset=0)
    return (("", blank), *sorted(((str(v.id), v.name) for v in items), key=lambda o: o[1]))


def customer_inputs(services: tuple[tuple[str, str], ...]) -> list[Input]:
    return [
        Input("legal_name", _("Legal name"), required=True),
        Input("business_id", _("Business ID")),
        Input("country", _("Country"), "select", _countries(_("Choose a country")), True),
        Input("language", _("Language of notices"), "select", _codes("language", ("fi", "en"))),
        Input("privacy_email", _("Privacy e-mail"), "email"),
        Input("dpo_email", _("Data protection officer's e-mail"), "email"),
        Input(
            "authorisation",
            _("Authorisation in the customer's DPA"),
            "select",
            _codes("customer_authorisation", get_args(Authorisation)),
        ),
        Input(
            "objection_period_days",
            _("Objection period (days)"),
            "number",
            hint=_("General authorisation: how long the customer may object after our notice."),
        ),
        Input(
            "notice_channel",
            _("How notices are given"),
            "select",
            _codes("notice_channel", get_args(NoticeChannel)),
        ),
        Input("dpa_signed_on", _("DPA signed on"), "date"),
        Input("notes", _("Notes"), "textarea"),
        Input(
            "processing_ids",
            _("Services the customer uses"),
            "picks",
            services,
            hint=_("The processings we carry out for this customer."),
        ),
    ]


def change_inputs(
    vendors: tuple[tuple[str, str], ...],
    subs: tuple[tuple[str, str], ...],
    replaced: tuple[tuple[str, str], ...],
    services: tuple[tuple[str, str], ...],
) -> list[Input]:
    mechanisms = tuple(
        (m.code, m.name_fi if current_language() == "fi" else m.name)
        for m in load_reference().mechanisms()
    )
    return [
        Input(
            "change",
            _("Change"),
            "select",
            _codes("notice_change", get_args(ChangeKind)),
            True,
        ),
        Input(
            "vendor_id",
            _("Processor whose chain changes"),
            "select",
            vendors,
            hint=_("Leave empty for a sub-processor we engage ourselves; then pick its services."),
        ),
        Input("subprocessor_id", _("Sub-processor in the register"), "select", subs),
        Input("name", _("New sub-processor's name"), hint=_("When it is not in the register.")),
        Input("country", _("New sub-processor's country"), "select", _countries("")),
        Input("replaces_id", _("Replaces"), "select", replaced),
        Input("new_country", _("New country of processing"), "select", _countries("")),
        Input(
            "mechanism",
            _("Transfer mechanism"),
            "select",
            (("none", _("none")), *(m for m in mechanisms if m[0] != "none")),
        ),
        Input(
            "scc_module",
            _("SCC module"),
            "select",
            (("", ""), *((str(i), str(i)) for i in range(1, 5))),
        ),
        Input("purpose", _("Purpose"), "textarea"),
        Input("safeguard", _("Safeguard (as the public page says it)")),
        Input("effective_on", _("Effective on"), "date", required=True),
        Input("processing_ids", _("Services it serves"), "picks", services),
        Input("owner", _("Owner (e-mail)"), "email"),
        Input("notes", _("Notes"), "textarea"),
    ]


def read_form(form: Any, inputs: list[Input]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(values for the struct, what to fill the form with again). Empty inputs are left out of
    the values; picks are lists of ids."""
    values: dict[str, Any] = {}
    shown: dict[str, Any] = {}
    for i in inputs:
        if i.kind == "picks":
            chosen = [str(v) for v in form.getall(i.name, []) if str(v).isdigit()]
            shown[i.name] = chosen
            values[i.name] = [int(v) for v in chosen]
            continue
        raw = form.get(i.name)
        text = raw.strip() if isinstance(raw, str) else ""
        shown[i.name] = text
        if text:
            values[i.name] = text
    return values, shown


def _version(form: Any) -> int | None:
    text = str(form.get("version") or "")
    return int(text) if text.isdigit() and len(text) < 10 else None


def _see(path: str) -> Redirect:
    return Redirect(path, status_code=303)


# -- the pages -------------------------------------------------------------------------------


class CustomerPages(Controller):
    path = "/"
    include_in_schema = False

    # customers

    @get("/customers")
    async def customers(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        q: str | None = Parameter(query="q", default=None, max_length=200),
    ) -> Template:
        items, total = await customer_service.list_customers(
            db_session, q=(q or "").strip() or None, limit=500, offset=0
        )
        return Template(
            template_name="customers_list.html",
            context={"me": identity(request), "items": items, "total": total, "q": q or ""},
        )

    async def _customer_form(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        *,
        customer_id: int | None,
        values: dict[str, Any],
        version: int | None = None,
        errors: FormErrors | None = None,
    ) -> Template:
        inputs = customer_inputs(await _services(db_session))
        editing = customer_id is not None
        return Template(
            template_name="customers_form.html",
            context={
                "me": identity(request),
                "title": _("Edit customer") if editing else _("New customer"),
                "action": f"/customers/{customer_id}/edit" if editing else "/customers/new",
                "back": f"/customers/{customer_id}" if editing else "/customers",
                "inputs": inputs,
                "values": values,
                "version": version,
                "errors": errors,
            },
            status_code=errors.status if errors else 200,
        )

    @get("/customers/new")
    async def customer_new(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> Template:
        require_writer(identity(request))
        values = {
            "language": "fi",
            "authorisation": "general",
            "objection_period_days": "30",
            "notice_channel": "email",
            "processing_ids": [],
        }
        return await self._customer_form(request, db_session, customer_id=None, values=values)

    @post("/customers/new")
    async def customer_create(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> Response[Any]:
        me = require_writer(identity(request))
        inputs = customer_inputs(await _services(db_session))
        values, shown = read_form(await request.form(), inputs)
        try:
            made = await customer_service.create_customer(
                db_session, convert(values, CustomerCreate), me.actor
            )
        except (FormErrors, ProblemError) as exc:
            await db_session.rollback()
            errors = problem_errors(exc, {i.name: i.label for i in inputs})
            return await self._customer_form(
                request, db_session, customer_id=None, values=shown, errors=errors
            )
        await db_session.commit()
        return _see(f"/customers/{made.id}")

    @get("/customers/{customer_id:int}")
    async def customer(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, customer_id: int
    ) -> Template:
        customer = await customer_service.get_customer(db_session, customer_id)
        read = await customer_service.read_customer(db_session, customer)
        services = dict(await _services(db_session))
        return Template(
            template_name="customers_page.html",
            context={
                "me": identity(request),
                "c": read,
                "services": [services.get(str(p), str(p)) for p in read.processing_ids],
                "notices": await customer_service.notices_of_customer(db_session, customer_id),
                "word": word,
            },
        )

    @get("/customers/{customer_id:int}/edit")
    async def customer_edit(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, customer_id: int
    ) -> Template:
        require_writer(identity(request))
        customer = await customer_service.get_customer(db_session, customer_id)
        read = await customer_service.read_customer(db_session, customer)
        values: dict[str, Any] = {
            k: ("" if v is None else v.isoformat() if isinstance(v, date) else str(v))
            for k, v in msgspec.structs.asdict(read).items()
            if k != "processing_ids"
        }
        values["processing_ids"] = [str(p) for p in read.processing_ids]
        return await self._customer_form(
            request, db_session, customer_id=customer_id, values=values, version=read.version
        )

    @post("/customers/{customer_id:int}/edit")
    async def customer_update(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, customer_id: int
    ) -> Response[Any]:
        me = require_writer(identity(request))
        form = await request.form()
        inputs = customer_inputs(await _services(db_session))
        values, shown = read_form(form, inputs)
        version = _version(form)
        customer = await customer_service.get_customer(db_session, customer_id)
        # Every input is sent: an emptied one clears its value (a required one is refused).
        changes = {i.name: values.get(i.name) for i in inputs}
        try:
            for i in inputs:
                if i.required and changes.get(i.name) is None:
                    message = _("%(label)s: fill this in.")
                    raise FormErrors(message, {i.name: message})
            check_version(customer, None, version)
            await customer_service.update_customer(
                db_session, customer, convert(changes, CustomerUpdate), me.actor
            )
        except (FormErrors, ProblemError) as exc:
            await db_session.rollback()
            errors = problem_errors(exc, {i.name: i.label for i in inputs})
            return await self._customer_form(
                request,
                db_session,
                customer_id=customer_id,
                values=shown,
                version=version,
                errors=errors,
            )
        await db_session.commit()
        return _see(f"/customers/{customer_id}")

    # planned sub-processor changes

    @get("/subprocessor-changes")
    async def changes(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        state_: str | None = Parameter(query="state", default=None, max_length=20),
    ) -> Template:
        states = ("planned", "sent", "applied", "withdrawn")
        chosen = state_ if state_ in states else None
        items, total = await customer_service.list_changes(
            db_session, state=chosen, limit=PAGE_SIZE, offset=0
        )
        confirmed, pending = await public.subscriber_counts(db_session)
        return Template(
            template_name="customers_changes.html",
            context={
                "me": identity(request),
                "items": items,
                "total": total,
                "state": chosen or "",
                "states": states,
                "confirmed": confirmed,
                "pending": pending,
                "word": word,
            },
        )

    async def _change_inputs(self, db_session: AsyncSession) -> list[Input]:
        vendors = await _vendors(db_session, _("— none: we engage it ourselves —"))
        subs = await _vendors(db_session, _("— not in the register: name it below —"))
        replaced = await _vendors(db_session, "")
        return change_inputs(vendors, subs, replaced, await _services(db_session))

    async def _change_form(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        values: dict[str, Any],
        errors: FormErrors | None = None,
    ) -> Template:
        return Template(
            template_name="customers_form.html",
            context={
                "me": identity(request),
                "title": _("Plan a sub-processor change"),
                "action": "/subprocessor-changes/new",
                "back": "/subprocessor-changes",
                "inputs": await self._change_inputs(db_session),
                "values": values,
                "version": None,
                "errors": errors,
            },
            status_code=errors.status if errors else 200,
        )

    @get("/subprocessor-changes/new")
    async def change_new(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> Template:
        require_writer(identity(request))
        values = {"change": "added", "mechanism": "none", "processing_ids": []}
        return await self._change_form(request, db_session, values)

    @post("/subprocessor-changes/new")
    async def change_create(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> Response[Any]:
        me = require_writer(identity(request))
        inputs = await self._change_inputs(db_session)
        values, shown = read_form(await request.form(), inputs)
        try:
            made = await customer_service.create_change(
                db_session, convert(values, ChangeCreate), me.actor, date.today()
            )
        except (FormErrors, ProblemError) as exc:
            await db_session.rollback()
            errors = problem_errors(exc, {i.name: i.label for i in inputs})
            return await self._change_form(request, db_session, shown, errors)
        await db_session.commit()
        return _see(f"/subprocessor-changes/{made.id}")

    async def _change_page(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        change_id: int,
        *,
        errors: FormErrors | None = None,
        holds: list[str] | None = None,
        values: dict[str, Any] | None = None,
        problem_at: str = "",
    ) -> Template:
        change = await customer_service.get_change(db_session, change_id)
        today = date.today()
        read = await customer_service.read_change(db_session, change, today, render=render_reasons)
        ids = {i for i in (read.vendor_id, read.subprocessor_id, read.replaces_id) if i}
        names = dict(await vendor_service.names_of(db_session, ids))
        services = dict(await _services(db_session))
        preview_on = read.engaged_on or read.effective_on
        warnings, blocks = await customer_service.engagement_holds(db_session, change, preview_on)
        unlawful = [
            t
            for t in (read.impact.transfers if read.impact else [])
            if t.after == "unlawful" and t.before != "unlawful"
        ]
        failed = any(d.status == "failed" for n in read.notices for d in n.deliveries)
        return Template(
            template_name="customers_change.html",
            context={
                "me": identity(request),
                "c": read,
                "names": names,
                "services": [services.get(str(p), str(p)) for p in read.processing_ids],
                "unlawful": unlawful,
                "failed": failed,
                "preview_on": preview_on,
                "warnings": [hold_text(h) for h in warnings],
                "blocks": [hold_text(h) for h in blocks],
                "holds": holds or [],
                "errors": errors,
                "problem_at": problem_at,
                "values": values or {},
                "answers": _codes("customer_response", get_args(Answer)),
                "resolutions": _codes("customer_resolution", get_args(Resolution)),
                "word": word,
                "today": today.isoformat(),
            },
            status_code=errors.status if errors else 200,
        )

    @get("/subprocessor-changes/{change_id:int}")
    async def change(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, change_id: int
    ) -> Template:
        return await self._change_page(request, db_session, change_id)

    async def _step(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        change_id: int,
        write: Any,
        *,
        at: str,
        labels: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
        holds: list[str] | None = None,
    ) -> Response[Any]:
        """One step on a change: the service call commits as a whole, or the page shows why
        not next to the step's form (``at``; ``holds``: each customer's hold on an engagement
        date, shown when the date is refused)."""
        try:
            await write()
        except (FormErrors, ProblemError) as exc:
            await db_session.rollback()
            early = isinstance(exc, ProblemError) and exc.slug.startswith("engagement-")
            return await self._change_page(
                request,
                db_session,
                change_id,
                errors=problem_errors(exc, labels or {}),
                holds=(holds or []) if early else [],
                values=values,
                problem_at=at,
            )
        await db_session.commit()
        return _see(f"/subprocessor-changes/{change_id}#{at}")

    @post("/subprocessor-changes/{change_id:int}/send")
    async def change_send(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, change_id: int
    ) -> Response[Any]:
        me = require_writer(identity(request))
        form = await request.form()
        change = await customer_service.get_change(db_session, change_id)
        sender = request.app.state.settings.public_company_name

        async def write() -> None:
            check_version(change, None, _version(form))
            await customer_service.send_change(
                db_session, change, me.actor, date.today(), sender=sender
            )

        answer = await self._step(request, db_session, change_id, write, at="send")
        if answer.status_code == 303:
            await request.app.state.jobs.defer_notice_delivery(change_id)
        return answer

    @post("/subprocessor-changes/{change_id:int}/retry")
    async def change_retry(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, change_id: int
    ) -> Response[Any]:
        me = require_writer(identity(request))
        change = await customer_service.get_change(db_session, change_id)

        async def write() -> None:
            await customer_service.requeue_failed(db_session, change, me.actor)

        answer = await self._step(request, db_session, change_id, write, at="customers")
        if answer.status_code == 303:
            await request.app.state.jobs.defer_notice_delivery(change_id)
        return answer

    @post("/subprocessor-changes/{change_id:int}/withdraw")
    async def change_withdraw(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, change_id: int
    ) -> Response[Any]:
        me = require_writer(identity(request))
        form = await request.form()
        change = await customer_service.get_change(db_session, change_id)

        async def write() -> None:
            check_version(change, None, _version(form))
            await customer_service.withdraw(db_session, change, me.actor)

        return await self._step(request, db_session, change_id, write, at="send")

    @post("/subprocessor-changes/{change_id:int}/notices/{notice_id:int}/response")
    async def notice_response(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        change_id: int,
        notice_id: int,
    ) -> Response[Any]:
        me = require_writer(identity(request))
        form = await request.form()
        values = {k: str(form.get(k) or "").strip() for k in ("response", "by", "on", "reason")}
        notice = await customer_service.get_notice(db_session, change_id, notice_id)
        labels = {
            "response": _("Answer"),
            "by": _("Who answered"),
            "on": _("Answered on"),
            "reason": _("Why"),
        }

        async def write() -> None:
            check_version(notice, None, _version(form))
            data = convert({k: v for k, v in values.items() if v}, ResponseCreate)
            await customer_service.respond(db_session, notice, data, me.actor)

        return await self._step(
            request,
            db_session,
            change_id,
            write,
            at=f"notice-{notice_id}",
            labels=labels,
            values={f"{notice_id}-{k}": v for k, v in values.items()},
        )

    @post("/subprocessor-changes/{change_id:int}/notices/{notice_id:int}/resolution")
    async def notice_resolution(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        change_id: int,
        notice_id: int,
    ) -> Response[Any]:
        me = require_writer(identity(request))
        form = await request.form()
        notice = await customer_service.get_notice(db_session, change_id, notice_id)

        async def write() -> None:
            check_version(notice, None, _version(form))
            data = convert({"resolution": str(form.get("resolution") or "")}, ResolutionCreate)
            await customer_service.resolve(db_session, notice, data, me.actor, date.today())

        return await self._step(
            request,
            db_session,
            change_id,
            write,
            at=f"notice-{notice_id}",
            labels={"resolution": _("Resolution")},
        )

    @get("/subprocessor-changes/{change_id:int}/notices/{notice_id:int}/letter")
    async def notice_letter(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        change_id: int,
        notice_id: int,
    ) -> Response[bytes]:
        notice = await customer_service.get_notice(db_session, change_id, notice_id)
        sender = request.app.state.settings.public_company_name
        data = await customer_service.letter_docx(db_session, notice, sender)
        name = f"customer-notice-{change_id}-{notice_id}-{notice.language}.docx"
        return Response(
            data,
            media_type=DOCX,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @post("/subprocessor-changes/{change_id:int}/engagement")
    async def change_engage(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, change_id: int
    ) -> Response[Any]:
        me = require_writer(identity(request))
        form = await request.form()
        values = {k: str(form.get(k) or "").strip() for k in ("engaged_on", "override_reason")}
        change = await customer_service.get_change(db_session, change_id)
        labels = {"engaged_on": _("Engaged on"), "override_reason": _("Why despite the warning")}

        holds: list[str] = []
        with contextlib.suppress(ValueError):
            day = date.fromisoformat(values["engaged_on"])
            warnings, blocks = await customer_service.engagement_holds(db_session, change, day)
            holds = [hold_text(h) for h in (blocks or warnings)]

        async def write() -> None:
            check_version(change, None, _version(form))
            data = convert({k: v for k, v in values.items() if v}, EngagementCreate)
            await customer_service.engage(db_session, change, data, me.actor)

        return await self._step(
            request,
            db_session,
            change_id,
            write,
            at="engage",
            labels=labels,
            values=values,
            holds=holds,
        )

    # a chain link's engagement dates (the vendor's chain), under the same rule

    async def _link_page(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        vendor_id: int,
        subprocessor_id: int,
        *,
        values: dict[str, Any] | None = None,
        errors: FormErrors | None = None,
        holds: list[str] | None = None,
    ) -> Template:
        link = await customer_service.get_link(db_session, vendor_id, subprocessor_id)
        names = dict(await vendor_service.names_of(db_session, {vendor_id, subprocessor_id}))
        changes = await customer_service.changes_of_link(db_session, vendor_id, subprocessor_id)
        shown = values or {
            "engaged_on": link.engaged_on.isoformat() if link.engaged_on else "",
            "ended_on": link.ended_on.isoformat() if link.ended_on else "",
        }
        return Template(
            template_name="customers_link.html",
            context={
                "me": identity(request),
                "vendor_id": vendor_id,
                "subprocessor_id": subprocessor_id,
                "vendor": names.get(vendor_id, ""),
                "subprocessor": names.get(subprocessor_id, ""),
                "link": link,
                "changes": changes,
                "values": shown,
                "errors": errors,
                "holds": holds or [],
                "word": word,
            },
            status_code=errors.status if errors else 200,
        )

    @get("/vendors/{vendor_id:int}/subprocessors/{subprocessor_id:int}/engagement")
    async def link_form(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        vendor_id: int,
        subprocessor_id: int,
    ) -> Template:
        return await self._link_page(request, db_session, vendor_id, subprocessor_id)

    @post("/vendors/{vendor_id:int}/subprocessors/{subprocessor_id:int}/engagement")
    async def link_save(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        vendor_id: int,
        subprocessor_id: int,
    ) -> Response[Any]:
        me = require_writer(identity(request))
        form = await request.form()
        names = ("engaged_on", "ended_on", "override_reason")
        values = {k: str(form.get(k) or "").strip() for k in names}
        labels = {
            "engaged_on": _("Engaged from"),
            "ended_on": _("Engaged until"),
            "override_reason": _("Why despite the warning"),
        }
        holds: list[str] = []
        try:
            data = convert(
                {k: v for k, v in values.items() if v and k != "override_reason"},
                _LinkDates,
            )
            if data.engaged_on is not None:
                warnings, blocks, _found = await customer_service.link_engagement_holds(
                    db_session, vendor_id, subprocessor_id, data.engaged_on
                )
                holds = [hold_text(h) for h in (blocks or warnings)]
            await customer_service.set_link_engagement(
                db_session,
                vendor_id=vendor_id,
                subprocessor_id=subprocessor_id,
                engaged_on=data.engaged_on,
                ended_on=data.ended_on,
                override_reason=values["override_reason"] or None,
                actor=me.actor,
            )
        except (FormErrors, ProblemError) as exc:
            await db_session.rollback()
            early = isinstance(exc, ProblemError) and exc.slug.startswith("engagement-")
            return await self._link_page(
                request,
                db_session,
                vendor_id,
                subprocessor_id,
                values=values,
                errors=problem_errors(exc, labels),
                holds=holds if early else [],
            )
        await db_session.commit()
        return _see(f"/vendors/{vendor_id}/edit#link-{subprocessor_id}")


class _LinkDates(msgspec.Struct, forbid_unknown_fields=True):
    engaged_on: date | None = None
    ended_on: date | None = None
