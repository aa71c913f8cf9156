"""Workflow screens (issue 12): vendor intake, sub-processor change notices, the DPF list.

Pages call the intake, notice, DPF and clearance services directly, with the same validation
and problem details as the API; a refused form is shown again with each problem next to its
field. Anyone may ask for a vendor (procurement's job); only legal and admin review, decide,
and sync the DPF list, and the server refuses those posts from anyone else.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, get_args

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import Parameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.audit.crud import check_version
from transfers.common.fields import VendorRole
from transfers.common.problems import ProblemError
from transfers.compliance.clearance import cleared_for
from transfers.compliance.schemas import ReasonRead
from transfers.compliance.service import status_of
from transfers.dpf import service as dpf_service
from transfers.dpf.parse import ListError
from transfers.intake import service as intake_service
from transfers.intake.needs import need_text
from transfers.intake.schemas import DecisionCreate, IntakeCreate, IntakeState, Precheck
from transfers.notice import service as notice_service
from transfers.notice.schemas import Change, NoticeCreate, NoticeState, ObjectionCreate
from transfers.reference import lexicon, load_reference
from transfers.rules.evaluate import Reason
from transfers.rules.messages import reason_text
from transfers.vendor import service as vendor_service
from transfers.web import reads
from transfers.web.duplicates import DuplicateWarning, warn_if_duplicate
from transfers.web.forms import FormErrors, form_errors, run_form
from transfers.web.i18n import _, country_names, current_language
from transfers.web.security import identity, require_writer
from transfers.web.validation import explain, labelled

PAGE_SIZE = 50
DESTINATION_ROWS = 3
LIST_FIELDS = ("purposes", "data_categories", "data_subjects")
DESTINATION_FIELDS = ("country", "mechanism", "scc_module", "dpf_certified", "dpf_hr_covered")

# -- the engine's answers in the page's language ------------------------------------------

#: Lexicon groups a workflow code (state, change, authorisation, DPF issue) is looked up in.
WORD_GROUPS = (
    "intake_state",
    "notice_state",
    "notice_change",
    "subprocessor_authorisation",
    "dpf_issue",
)
STATE_CLASSES = {
    "approved": "ok",
    "accepted": "ok",
    "approved_with_conditions": "warn",
    "submitted": "warn",
    "in_review": "warn",
    "pending": "warn",
    "rejected": "bad",
    "objected": "bad",
}


def word(code: str | None) -> str:
    """A workflow code (state, change, authorisation) as a word in the page's language."""
    if not code:
        return ""
    for group in WORD_GROUPS:
        if code in lexicon.groups()[group]:
            return lexicon.name(group, code, current_language())
    return code.replace("_", " ")


def _newly_blocked(effect: Any, vendor_name: str) -> list[str]:
    """The vendors accepting a notice would block (blocked after, not before): objecting is
    then the safe decision, and accepting needs a confirmation."""
    if effect is None:
        return []
    names = [
        e.vendor_name for e in effect.vendors if e.after == "blocked" and e.before != "blocked"
    ]
    top = effect.vendor_status_after == "blocked" and effect.vendor_status_before != "blocked"
    if top and vendor_name not in names:
        names.insert(0, vendor_name)
    return names


def state_class(code: str | None) -> str:
    return STATE_CLASSES.get(code or "", "neutral")


def mechanism_label(code: str | None) -> str:
    """A mechanism's name from the reference data, in Finnish on Finnish pages."""
    return lexicon.mechanism(code, current_language())


def render_reasons(items: tuple[Reason, ...]) -> list[ReasonRead]:
    """The engine's reasons as the API shows them, each sentence in the page's language."""
    language = current_language()
    return [
        ReasonRead(
            r.code,
            r.severity,
            reason_text(r, language),
            lexicon.citation(r.citation, language),
            r.confidence,  # type: ignore[arg-type]
        )
        for r in items
    ]


@dataclass(frozen=True, slots=True)
class PrecheckView:
    """The pre-check split as the page shows it: vendor-level needs, then per destination."""

    check: Precheck
    vendor_needs: list[str]
    destinations: list[tuple[Any, list[str]]]


def precheck_view(check: Precheck) -> PrecheckView:
    """The vendor's own needs, then each destination's in its table row, each worded in the
    page's language from its key and parameters."""
    language = current_language()
    return PrecheckView(
        check=check,
        vendor_needs=[need_text(n, language) for n in check.vendor_need_items],
        destinations=[
            (d, [need_text(n, language) for n in d.need_items]) for d in check.destinations
        ],
    )


# -- form input ------------------------------------------------------------------------------


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _labels(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]", text) if part.strip()]


def _version(form: Any) -> int | None:
    text = _text(form, "version")
    return int(text) if text.isdigit() and len(text) < 10 else None


def _convert(values: dict[str, Any], schema: type[Any]) -> Any:
    """msgspec conversion with the failing field named as the form names it."""
    try:
        return msgspec.convert(values, schema, strict=False)
    except msgspec.ValidationError as exc:
        field, message = explain(values, schema)
        message = labelled(message, None)
        raise FormErrors(message, {field: message}) from exc


def intake_values(form: Any) -> dict[str, str]:
    """What the person typed, kept as text so a refused form shows it again unchanged."""
    names = [
        "vendor_id",
        "vendor_name",
        "vendor_country",
        "vendor_business_id",
        "vendor_role",
        "service",
        *LIST_FIELDS,
        "expected_start",
        "requester_email",
    ]
    names += [f"destinations[{i}].{f}" for i in range(DESTINATION_ROWS) for f in DESTINATION_FIELDS]
    return {name: _text(form, name) for name in names if _text(form, name)}


def intake_payload(values: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        key: values[key]
        for key in ("service", "vendor_role", "expected_start", "requester_email")
        if key in values
    }
    for key in LIST_FIELDS:
        out[key] = _labels(values.get(key, ""))
    if values.get("vendor_id", "new") != "new":
        out["vendor_id"] = values["vendor_id"]
    else:
        for key in ("vendor_name", "vendor_country", "vendor_business_id"):
            if key in values:
                out[key] = values[key]
    destinations = []
    for i in range(DESTINATION_ROWS):
        country = values.get(f"destinations[{i}].country")
        if not country:
            continue
        row: dict[str, Any] = {
            "country": country,
            "mechanism": values.get(f"destinations[{i}].mechanism") or "none",
        }
        if values.get(f"destinations[{i}].scc_module"):
            row["scc_module"] = values[f"destinations[{i}].scc_module"]
        for flag in ("dpf_certified", "dpf_hr_covered"):
            if values.get(f"destinations[{i}].{flag}"):
                row[flag] = True
        destinations.append(row)
    out["destinations"] = destinations
    return out


def conditions_of(form: Any) -> list[dict[str, str]]:
    """Each line of the conditions box is one condition, all due on the date given."""
    due = _text(form, "conditions_due_on")
    return [{"text": line, "due_on": due} for line in _labels(_text(form, "conditions"))]


def notice_values(form: Any) -> dict[str, str]:
    names = (
        "change",
        "subprocessor_id",
        "subprocessor_name",
        "subprocessor_country",
        "replaces_id",
        "purpose",
        "mechanism",
        "scc_module",
        "received_on",
        "effective_on",
    )
    return {name: _text(form, name) for name in names if _text(form, name)}


def options() -> dict[str, Any]:
    """Pickers in the UI language: countries, mechanisms, vendor roles."""
    return _options(current_language())


@cache
def _options(language: str) -> dict[str, Any]:
    countries = sorted(country_names(language).items(), key=lambda kv: kv[1])
    mechanisms = [
        (m.code, m.name_fi if language == "fi" else m.name) for m in load_reference().mechanisms()
    ]
    return {"countries": countries, "mechanisms": mechanisms, "roles": get_args(VendorRole)}


def context(request: Request[Any, Any, Any], **values: Any) -> dict[str, Any]:
    """What every workflow template gets: the person and the words for workflow codes."""
    return {
        "me": identity(request),
        "word": word,
        "state_class": state_class,
        "mech": mechanism_label,
        **values,
    }


def _see(path: str) -> Callable[[object], Awaitable[Response[Any]]]:
    """After a decision is committed: back to the page that shows it (303, so a reload does
    not post again)."""

    async def go(_result: object) -> Response[Any]:
        return Redirect(path, status_code=303)

    return go


async def workflow_counts(session: AsyncSession, today: date) -> dict[str, int]:
    """Today's two workflow figures: intake requests awaiting legal, notices past deadline."""
    _open, open_total = await intake_service.list_intakes(
        session, state=None, vendor_id=None, states=intake_service.OPEN, limit=1, offset=0
    )
    _late, overdue_total = await notice_service.list_notices(
        session, state=None, vendor_id=None, overdue_on=today, limit=1, offset=0
    )
    return {"open_intakes": open_total, "overdue_notices": overdue_total}


class WorkflowPages(Controller):
    path = "/"
    include_in_schema = False

    # -- intake ----------------------------------------------------------------------------

    @get("/intake")
    async def intake_list(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        state_: str | None = Parameter(query="state", default=None),
        mine: bool = False,
        q: str | None = None,
        page: int = 1,
    ) -> Template:
        me = identity(request)
        page = max(1, min(page, 100_000))
        chosen = state_ if state_ in (*get_args(IntakeState), "open") else ""
        text = " ".join((q or "").split())[:200]
        found = await reads.search_vendors(db_session, text, limit=100) if text else None
        items, total = await intake_service.list_intakes(
            db_session,
            state=chosen if chosen and chosen != "open" else None,
            states=intake_service.OPEN if chosen == "open" else None,
            vendor_id=None,
            requester=me.actor.label if mine else None,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
            vendor_ids=found.ids if found else None,
            vendor_name_part=text or None,
        )
        return Template(
            template_name="workflow/intake_list.html",
            context=context(request)
            | {
                "me": me,
                "items": items,
                "total": total,
                "page": page,
                "pages": max(1, -(-total // PAGE_SIZE)),
                "filters": {"state": chosen, "mine": mine, "q": text},
                "states": ("open", *get_args(IntakeState)),
            },
        )

    async def _intake_form(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        values: dict[str, str],
        vendor_q: str = "",
        errors: FormErrors | None = None,
    ) -> Template:
        found = await reads.find_vendors(db_session, vendor_q) if vendor_q else None
        # A misspelt name offers the vendors close to it, so a registered vendor is not asked
        # for again as a new one.
        matches = (found.matches or found.close) if found else []
        chosen = values.get("vendor_id", "")
        if chosen.isdigit() and len(chosen) < 10 and all(str(m[0]) != chosen for m in matches):
            try:
                vendor = await vendor_service.get_vendor(db_session, int(chosen))
            except ProblemError:
                pass  # a vendor that is gone: the service's own error names it next to the field
            else:
                matches = [(vendor.id, vendor.name, vendor.business_id), *matches]
        return Template(
            template_name="workflow/intake_form.html",
            context=context(request)
            | {
                "me": identity(request),
                "values": values,
                "vendor_q": vendor_q,
                "matches": matches,
                "errors": errors,
                "rows": range(DESTINATION_ROWS),
                **options(),
            },
            status_code=errors.status if errors else 200,
        )

    @get("/intake/new")
    async def intake_new(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        vendor_q: str | None = None,
        vendor_id: int | None = None,
    ) -> Template:
        me = identity(request)
        values = {"vendor_role": "processor", "requester_email": me.email}
        if vendor_id is not None:
            values["vendor_id"] = str(vendor_id)
        return await self._intake_form(request, db_session, values, (vendor_q or "").strip()[:200])

    @post("/intake/new")
    async def intake_create(
        self, request: Request[Any, Any, Any], db_session: AsyncSession
    ) -> Response[Any]:
        """Any role may ask; the request page then shows the engine's pre-check at once."""
        me = identity(request)
        form = await request.form()
        values = intake_values(form)
        try:
            data = _convert(intake_payload(values), IntakeCreate)
            intake = await intake_service.create_intake(db_session, data, me.actor)
        except (FormErrors, ProblemError) as exc:
            await db_session.rollback()
            return await self._intake_form(
                request, db_session, values, _text(form, "vendor_q"), form_errors(exc)
            )
        await db_session.commit()
        return Redirect(f"/intake/{intake.id}", status_code=303)

    async def _intake_page(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        intake_id: int,
        errors: FormErrors | None = None,
        values: dict[str, str] | None = None,
    ) -> Template:
        intake = await intake_service.get_intake(db_session, intake_id)
        today = date.today()
        check = await intake_service.precheck(db_session, intake, today, render_reasons)
        status = clearance = None
        if intake.vendor_id is not None and intake.state not in intake_service.OPEN:
            found = await status_of(db_session, intake.vendor_id, today)
            status, clearance = await cleared_for(db_session, intake.vendor_id, found, today)
        return Template(
            template_name="workflow/intake.html",
            context=context(request)
            | {
                "me": identity(request),
                "intake": intake_service.to_read(intake),
                "view": precheck_view(check),
                "status": status,
                "clearance": clearance,
                "errors": errors,
                "values": values or {},
                "today": today,
            },
            status_code=errors.status if errors else 200,
        )

    @get("/intake/{intake_id:int}")
    async def intake_page(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, intake_id: int
    ) -> Template:
        return await self._intake_page(request, db_session, intake_id)

    @post("/intake/{intake_id:int}/review")
    async def intake_review(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, intake_id: int
    ) -> Response[Any]:
        me = identity(request)
        require_writer(me)
        form = await request.form()
        intake = await intake_service.get_intake(db_session, intake_id)

        async def write() -> None:
            check_version(intake, None, _version(form))
            await intake_service.start_review(db_session, intake, me.actor)

        return await run_form(
            db_session,
            write,
            ok=_see(f"/intake/{intake_id}"),
            failed=lambda errors: self._intake_page(request, db_session, intake_id, errors),
        )

    @post("/intake/{intake_id:int}/decision")
    async def intake_decide(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, intake_id: int
    ) -> Response[Any]:
        """Approve, approve with conditions (each line a condition and a reminder), reject."""
        me = identity(request)
        require_writer(me)
        form = await request.form()
        values = {
            name: _text(form, name)
            for name in ("decision", "reason", "conditions", "conditions_due_on")
        }
        intake = await intake_service.get_intake(db_session, intake_id)

        async def write() -> None:
            check_version(intake, None, _version(form))
            if intake.vendor_id is None and values["decision"].startswith("approve"):
                # Approving registers a new vendor: first say if it may be one we have.
                await warn_if_duplicate(
                    db_session, form, intake.vendor_name, intake.vendor_business_id
                )
            payload: dict[str, Any] = {"decision": values["decision"]}
            if values["reason"]:
                payload["reason"] = values["reason"]
            if values["decision"] == "approve_with_conditions" or values["conditions"]:
                payload["conditions"] = conditions_of(form)
            data = _convert(payload, DecisionCreate)
            await intake_service.decide(db_session, intake, data, me.actor)

        async def failed(problem: FormErrors) -> Response[Any]:
            if isinstance(problem, DuplicateWarning):
                return await self._intake_page(request, db_session, intake_id, problem, values)
            fields = {
                ("conditions_due_on" if k.endswith("due_on") else k.split("[")[0]): v
                for k, v in problem.fields.items()
            }
            problem = FormErrors(problem.detail, fields, problem.status)
            return await self._intake_page(request, db_session, intake_id, problem, values)

        return await run_form(db_session, write, ok=_see(f"/intake/{intake_id}"), failed=failed)

    @post("/intake/{intake_id:int}/conditions/{number:int}/met")
    async def intake_condition_met(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        intake_id: int,
        number: int,
    ) -> Response[Any]:
        me = identity(request)
        require_writer(me)
        form = await request.form()
        intake = await intake_service.get_intake(db_session, intake_id)

        async def write() -> None:
            check_version(intake, None, _version(form))
            await intake_service.condition_met(db_session, intake, number, me.actor, date.today())

        return await run_form(
            db_session,
            write,
            ok=_see(f"/intake/{intake_id}"),
            failed=lambda errors: self._intake_page(request, db_session, intake_id, errors),
        )

    # -- sub-processor notices -------------------------------------------------------------

    @get("/notices")
    async def notice_list(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        state_: str | None = Parameter(query="state", default=None),
        overdue: bool = False,
        q: str | None = None,
        page: int = 1,
    ) -> Template:
        page = max(1, min(page, 100_000))
        today = date.today()
        chosen = state_ if state_ in get_args(NoticeState) else ""
        text = " ".join((q or "").split())[:200]
        found = await reads.search_vendors(db_session, text, limit=100) if text else None
        items, total = await notice_service.list_notices(
            db_session,
            state=chosen or None,
            vendor_id=None,
            overdue_on=today if overdue else None,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
            vendor_ids=found.ids if found else None,
        )
        names = await _names(db_session, {n.vendor_id for n in items})
        return Template(
            template_name="workflow/notice_list.html",
            context=context(request)
            | {
                "me": identity(request),
                "items": [notice_service.to_read(n, today) for n in items],
                "names": names,
                "total": total,
                "page": page,
                "pages": max(1, -(-total // PAGE_SIZE)),
                "filters": {"state": chosen, "overdue": overdue, "q": text},
                "states": get_args(NoticeState),
            },
        )

    async def _notice_form(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        vendor_id: int,
        values: dict[str, str],
        errors: FormErrors | None = None,
    ) -> Template:
        vendor = await vendor_service.get_vendor(db_session, vendor_id)
        read = await vendor_service.read_vendor(db_session, vendor)
        current = await _names(db_session, set(read.subprocessor_ids))
        return Template(
            template_name="workflow/notice_form.html",
            context=context(request)
            | {
                "me": identity(request),
                "vendor": vendor,
                "current": sorted(current.items(), key=lambda kv: kv[1].lower()),
                "values": values,
                "errors": errors,
                "changes": get_args(Change),
                **options(),
            },
            status_code=errors.status if errors else 200,
        )

    @get("/vendors/{vendor_id:int}/notices/new")
    async def notice_new(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, vendor_id: int
    ) -> Template:
        require_writer(identity(request))
        today = date.today().isoformat()
        values = {"change": "added", "mechanism": "none", "received_on": today}
        return await self._notice_form(request, db_session, vendor_id, values)

    @post("/vendors/{vendor_id:int}/notices/new")
    async def notice_create(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, vendor_id: int
    ) -> Response[Any]:
        me = identity(request)
        require_writer(me)
        form = await request.form()
        values = notice_values(form)
        try:
            data = _convert({"vendor_id": vendor_id, **values}, NoticeCreate)
            notice = await notice_service.create_notice(db_session, data, me.actor)
        except (FormErrors, ProblemError) as exc:
            await db_session.rollback()
            return await self._notice_form(request, db_session, vendor_id, values, form_errors(exc))
        await db_session.commit()
        return Redirect(f"/notices/{notice.id}", status_code=303)

    async def _notice_page(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        notice_id: int,
        errors: FormErrors | None = None,
        values: dict[str, str] | None = None,
    ) -> Template:
        notice = await notice_service.get_notice(db_session, notice_id)
        today = date.today()
        effect = None
        if notice.state == "pending":
            effect = await notice_service.impact(db_session, notice, today, render_reasons)
        vendor = await vendor_service.get_vendor(db_session, notice.vendor_id)
        blocked = _newly_blocked(effect, vendor.name)
        ids = {i for i in (notice.subprocessor_id, notice.replaces_id) if i is not None}
        return Template(
            template_name="workflow/notice.html",
            context=context(request)
            | {
                "me": identity(request),
                "notice": notice_service.to_read(notice, today, effect),
                "vendor": vendor,
                "names": await _names(db_session, ids),
                "errors": errors,
                "values": values or {"sent_on": today.isoformat()},
                "today": today,
                "blocked": blocked,
            },
            status_code=errors.status if errors else 200,
        )

    @get("/notices/{notice_id:int}")
    async def notice_page(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, notice_id: int
    ) -> Template:
        return await self._notice_page(request, db_session, notice_id)

    @post("/notices/{notice_id:int}/accept")
    async def notice_accept(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, notice_id: int
    ) -> Response[Any]:
        me = identity(request)
        require_writer(me)
        form = await request.form()
        notice = await notice_service.get_notice(db_session, notice_id)

        async def write() -> None:
            check_version(notice, None, _version(form))
            if not form.get("confirm") and notice.state == "pending":
                effect = await notice_service.impact(
                    db_session, notice, date.today(), render_reasons
                )
                if _newly_blocked(effect, notice.subprocessor_name):
                    message = _("Accepting blocks a vendor: confirm that you accept anyway.")
                    raise FormErrors(message, {"confirm": message})
            await notice_service.accept(db_session, notice, me.actor, date.today())

        return await run_form(
            db_session,
            write,
            ok=_see(f"/notices/{notice_id}"),
            failed=lambda errors: self._notice_page(request, db_session, notice_id, errors),
        )

    @post("/notices/{notice_id:int}/object")
    async def notice_object(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, notice_id: int
    ) -> Response[Any]:
        me = identity(request)
        require_writer(me)
        form = await request.form()
        values = {name: _text(form, name) for name in ("reason", "sent_on")}
        notice = await notice_service.get_notice(db_session, notice_id)

        async def write() -> None:
            check_version(notice, None, _version(form))
            data = _convert({k: v for k, v in values.items() if v}, ObjectionCreate)
            await notice_service.object_to(db_session, notice, data, me.actor, date.today())

        return await run_form(
            db_session,
            write,
            ok=_see(f"/notices/{notice_id}"),
            failed=lambda errors: self._notice_page(request, db_session, notice_id, errors, values),
        )

    # -- the DPF participant list ----------------------------------------------------------

    @get("/dpf")
    async def dpf_form(self, request: Request[Any, Any, Any]) -> Template:
        me = identity(request)
        require_writer(me)
        return Template(
            template_name="workflow/dpf.html",
            context=context(request) | {"me": me, "report": None, "errors": None, "values": {}},
        )

    @post("/dpf")
    async def dpf_sync(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        """The list as downloaded from the Department of Commerce: a report, written only
        when the person asks; unsure matches are listed for a person, never guessed."""
        me = identity(request)
        require_writer(me)
        form = await request.form()
        values = {"list_date": _text(form, "list_date"), "apply": _text(form, "apply")}
        upload = form.get("file")
        try:
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise FormErrors(
                    _("Choose the DPF participant list (.csv or .json)."),
                    {"file": _("Choose the DPF participant list (.csv or .json).")},
                )
            if not upload.filename.casefold().endswith((".csv", ".json")):
                message = _("Only .csv and .json files can be read.")
                raise FormErrors(message, {"file": message}, 415)
            list_date = date.today()
            if values["list_date"]:
                try:
                    list_date = date.fromisoformat(values["list_date"])
                except ValueError:
                    message = _("Give the date as YYYY-MM-DD.")
                    raise FormErrors(message, {"list_date": message}) from None
            intake_service.plausible_day(list_date, "list_date")
            try:
                report = await dpf_service.sync(
                    db_session,
                    await upload.read(),
                    filename=upload.filename,
                    list_date=list_date,
                    apply=bool(values["apply"]),
                    actor=me.actor,
                )
            except ListError as exc:
                raise FormErrors(str(exc), {"file": str(exc)}) from exc
        except (FormErrors, ProblemError) as exc:
            await db_session.rollback()
            problem = form_errors(exc)
            return Template(
                template_name="workflow/dpf.html",
                context=context(request)
                | {"me": me, "report": None, "errors": problem, "values": values},
                status_code=problem.status,
            )
        if report.applied:
            await db_session.commit()
        else:
            await db_session.rollback()
        return Template(
            template_name="workflow/dpf.html",
            context=context(request)
            | {"me": me, "report": report, "errors": None, "values": values},
        )


async def _names(session: AsyncSession, vendor_ids: set[int]) -> dict[int, str]:
    """Vendor names for a page's handful of ids (each a primary-key read)."""
    return {i: (await vendor_service.get_vendor(session, i)).name for i in sorted(vendor_ids)}
