"""One form flow for every workspace form: form -> struct -> service -> problem details mapped to
fields -> re-render.

Pages validate through the same msgspec structs and services as the API, so a form shows exactly
the problem details an integration would get, next to the field they name. Edit forms carry the
record's version and the values the person saw (hidden ``orig-*`` fields): only what the person
changed is sent to the service, and a stale version shows who changed what (field, theirs,
yours) and saves nothing, like a 412 on the API's ``If-Match``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import msgspec
from litestar import Request, Response
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.audit.crud import check_version
from transfers.audit.service import list_events
from transfers.common.problems import ProblemError
from transfers.web.i18n import _
from transfers.web.security import identity
from transfers.web.validation import explain, labelled

S = TypeVar("S", bound=msgspec.Struct)

TRISTATE: dict[str, bool] = {"yes": True, "no": False}
"""A yes/no/not known answer (a ``bool | None`` fact): not known is the empty choice."""
CONTACT_PARTS = ("name", "email", "phone", "role")


class FormErrors(Exception):
    """Field -> message, plus a general message; raised when a form cannot be accepted."""

    def __init__(self, detail: str, fields: dict[str, str], status: int = 422) -> None:
        super().__init__(detail)
        self.detail = detail
        self.fields = fields
        self.status = status


def from_problem(exc: ProblemError) -> FormErrors:
    fields = {str(e.get("field")): str(e.get("message")) for e in exc.errors or []}
    return FormErrors(exc.detail, fields, exc.status)


def form_errors(exc: FormErrors | ProblemError) -> FormErrors:
    return exc if isinstance(exc, FormErrors) else from_problem(exc)


def values_of(form: Any, names: Iterable[str]) -> dict[str, str]:
    """The submitted text of each named field, stripped; empty fields are left out."""
    out: dict[str, str] = {}
    for name in names:
        value = form.get(name)
        if isinstance(value, str) and value.strip():
            out[name] = value.strip()
    return out


def convert(values: dict[str, Any], schema: type[S]) -> S:
    """The values through the API's struct; a refusal names the field and says what is wrong
    in the page's language (the field's label is filled in by :meth:`FormPage.render`)."""
    try:
        return msgspec.convert(values, schema, strict=False)
    except msgspec.ValidationError as exc:
        name, message = explain(values, schema)
        raise FormErrors(message, {name: message}) from exc


@dataclass(frozen=True, slots=True)
class Field:
    """One input of a form; ``kind`` picks the widget and how its text is parsed."""

    name: str
    label: str
    kind: str = "text"  # text|date|number|select|textarea|checkbox|tristate|list|file|email|contacts|password
    options: tuple[tuple[str, str], ...] = ()
    required: bool = False
    hint: str = ""
    group: str = ""
    """The fieldset it is shown in (its legend); fields of one group follow each other."""


def _contacts(form: Any) -> list[dict[str, str]]:
    """Repeated contact rows (``contact-name`` ...); a row with its name cleared is removed."""
    columns = {p: [str(v).strip() for v in form.getall(f"contact-{p}", [])] for p in CONTACT_PARTS}
    rows = max((len(c) for c in columns.values()), default=0)
    out: list[dict[str, str]] = []
    for i in range(rows):
        row = {p: columns[p][i] if i < len(columns[p]) else "" for p in CONTACT_PARTS}
        if not row["name"]:
            if any(row.values()):
                message = _("Give the contact's name, or clear the whole row.")
                raise FormErrors(message, {"contacts": message})
            continue
        out.append({k: v for k, v in row.items() if v})
    return out


def payload(form: Any, fields: list[Field]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(values for the struct, what to refill the form with: text, or rows for contacts)."""
    out: dict[str, Any] = {}
    raw: dict[str, Any] = {}
    for f in fields:
        if f.kind == "file":
            continue
        if f.kind == "contacts":
            out[f.name] = raw[f.name] = _contacts(form)
            continue
        value = form.get(f.name)
        text = value.strip() if isinstance(value, str) else ""
        if f.kind == "password":  # typed exactly: spaces are part of a password
            out[f.name] = value if isinstance(value, str) else ""
            continue
        if f.kind == "checkbox":
            out[f.name] = bool(text)
            raw[f.name] = "on" if text else ""
            continue
        raw[f.name] = text
        if f.kind == "tristate":
            if text in TRISTATE:
                out[f.name] = TRISTATE[text]
            continue
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


def as_text(value: Any) -> str:
    """A stored value as the form shows it (dates ISO, lists comma separated, flags on/off,
    contact rows as canonical JSON so the hidden original compares exactly)."""
    if value is None or value is False:
        return ""
    if value is True:
        return "on"
    if isinstance(value, list | tuple):
        if value and isinstance(value[0], dict):
            rows = [{k: v for k, v in row.items() if v} for row in value]
            return json.dumps(rows, sort_keys=True, ensure_ascii=False)
        return ", ".join(str(v) for v in value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def shown_values(record: Any, fields: list[Field]) -> dict[str, Any]:
    """A record's values as its edit form shows them."""
    out: dict[str, Any] = {}
    for f in fields:
        if f.kind == "file":
            continue
        value = read_path(record, f.name)
        if f.kind == "contacts":
            out[f.name] = list(value or [])
        elif f.kind == "tristate":
            out[f.name] = "" if value is None else ("yes" if value else "no")
        else:
            out[f.name] = as_text(value)
    return out


def read_path(record: Any, name: str) -> Any:
    """A record's value for a field, a dotted name reading into a nested value (a struct or
    a JSON column: ``scc_clauses.forum``, ``translations.fi.service``)."""
    top, *rest = name.split(".")
    value = getattr(record, top, None)
    for part in rest:
        if value is None:
            return None
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
    return value


def nest(values: dict[str, Any], record: Any = None) -> dict[str, Any]:
    """Dotted names into nested values: each part is set on the record's current value (kept
    as it is otherwise, so parts not on the form survive), an emptied part is removed, and a
    value left empty becomes None."""
    out = {k: v for k, v in values.items() if "." not in k}
    tops = {k.split(".", 1)[0] for k in values if "." in k}
    for top in tops:
        current = read_path(record, top) if record is not None else None
        if current is not None and not isinstance(current, dict):
            current = msgspec.to_builtins(current)
        whole: dict[str, Any] = json.loads(json.dumps(current or {}, default=str))
        for name, value in values.items():
            if not name.startswith(top + "."):
                continue
            *path, leaf = name.split(".")[1:]
            node = whole
            for part in path:
                node = node.setdefault(part, {})
            if value is None or value == [] or value == "":
                node.pop(leaf, None)
            else:
                node[leaf] = value
        out[top] = _pruned(whole) or None
    return out


def _pruned(value: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, item in value.items():
        if isinstance(item, dict):
            item = _pruned(item)
            if not item:
                continue
        out[key] = item
    return out


def _originals(form: Any, fields: list[Field]) -> dict[str, str]:
    out = {}
    for f in fields:
        if f.kind != "file":
            before = form.get(f"orig-{f.name}")
            out[f.name] = before.strip() if isinstance(before, str) else ""
    return out


def changed_fields(form: Any, fields: list[Field]) -> dict[str, Any]:
    """Only what this person changed (against the hidden ``orig-*`` values), parsed; an
    emptied field becomes None, so a save never resets what someone else changed meanwhile."""
    values, raw = payload(form, fields)
    before = _originals(form, fields)
    out: dict[str, Any] = {}
    for f in fields:
        if f.kind == "file":
            continue
        if as_text(raw.get(f.name, "")) != before[f.name]:
            out[f.name] = values.get(f.name, False if f.kind == "checkbox" else None)
    return out


@dataclass(frozen=True, slots=True)
class Conflict:
    """A field someone else changed since the form was opened: their value and this person's."""

    field: str
    theirs: str
    yours: str


@dataclass(slots=True)
class FormPage:
    """Everything one form page shows besides its values; ``render`` draws it with them."""

    title: str
    action: str
    back: str
    fields: list[Field]
    explain: list[Any] | None = None
    multipart: bool = False
    conflict_title: str = ""
    template: str = "entity_form.html"
    extra: dict[str, Any] = field(default_factory=dict)
    proposed: dict[str, Any] = field(default_factory=dict)
    """Values a new record's form starts with that depend on the register (the agreement that
    fits a transfer's mechanism and module)."""

    def render(
        self,
        request: Request[Any, Any, Any],
        *,
        values: dict[str, Any],
        errors: FormErrors | None = None,
        version: int | None = None,
        original: dict[str, str] | None = None,
        conflict: list[Conflict] | None = None,
        changed_by: list[Any] | None = None,
    ) -> Template:
        if errors is not None:
            labels = {f.name: f.label for f in self.fields}
            fields = {k: labelled(v, labels.get(k)) for k, v in errors.fields.items()}
            first = next(iter(errors.fields), None)
            detail = labelled(errors.detail, labels.get(first or ""))
            errors = FormErrors(detail, fields, errors.status)
        return Template(
            template_name=self.template,
            context={
                "me": identity(request),
                "page": self,
                "title": self.title,
                "action": self.action,
                "back": self.back,
                "fields": self.fields,
                "values": values,
                "errors": errors,
                "mechanisms": self.explain,
                "multipart": self.multipart,
                "version": version,
                "original": original,
                "conflict": conflict,
                "changed_by": changed_by or [],
                "conflict_title": self.conflict_title
                or _("Someone else changed this record while you were editing."),
                **self.extra,
            },
            status_code=errors.status if errors else 200,
        )


T = TypeVar("T")


async def run_form(
    session: AsyncSession,
    write: Callable[[], Awaitable[T]],
    *,
    ok: Callable[[T], Awaitable[Response[Any]]],
    failed: Callable[[FormErrors], Awaitable[Response[Any]]],
) -> Response[Any]:
    """The one transaction of a form: the service call commits as a whole or, on a problem,
    rolls back and lets the page show the problem details next to their fields."""
    try:
        result = await write()
    except (FormErrors, ProblemError) as exc:
        await session.rollback()
        return await failed(form_errors(exc))
    await session.commit()
    return await ok(result)


async def save(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    page: FormPage,
    write: Callable[[dict[str, Any]], Awaitable[Any]],
    *,
    done: str | Callable[[Any], str],
) -> Response[Any]:
    """A create form: parse, call the service, commit and go to ``done``; on a problem show
    the form again with the person's input and each error next to its field."""
    form = await request.form()
    _values, raw = _safe_payload(form, page.fields)

    async def parsed() -> Any:
        values, _raw = payload(form, page.fields)
        return await write(nest(values))

    async def ok(result: Any) -> Response[Any]:
        return Redirect(done(result) if callable(done) else done, status_code=303)

    async def failed(errors: FormErrors) -> Response[Any]:
        return page.render(request, values=raw, errors=errors)

    return await run_form(session, parsed, ok=ok, failed=failed)


def _version(form: Any) -> int | None:
    text = str(form.get("version") or "")
    return int(text) if text.isdigit() else None


async def save_edit(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    page: FormPage,
    *,
    record: Any,
    entity_type: str,
    write: Callable[[dict[str, Any]], Awaitable[Any]],
    done: str,
) -> Response[Any]:
    """An edit form on the record's version: only changed fields go to the service; if someone
    saved in between, nothing is written and the page shows, field by field, their value and
    this person's (kept in the form), so saving again applies it on top of theirs."""
    form = await request.form()
    version = _version(form)
    before = _originals(form, page.fields)
    try:
        changes = changed_fields(form, page.fields)
        check_version(record, None, version)
    except FormErrors as exc:
        _values, raw = _safe_payload(form, page.fields)
        return page.render(request, values=raw, errors=exc, version=version, original=before)
    except ProblemError as exc:
        current = shown_values(record, page.fields)
        current_text = {k: as_text(v) for k, v in current.items()}
        mine = {k: as_text(v) for k, v in changes.items()}
        conflict = [
            Conflict(f.label, _shown(current[f.name]), _shown(mine.get(f.name, before[f.name])))
            for f in page.fields
            if f.kind != "file" and current_text[f.name] != before[f.name]
        ]
        events, _count = await list_events(
            session, entity_type=entity_type, entity_id=record.id, limit=20
        )
        newer = max(0, record.version - (version or 0))
        kept = {k: (v if isinstance(v, list) else as_text(v)) for k, v in changes.items()}
        return page.render(
            request,
            values=current | kept,
            errors=from_problem(exc),
            version=record.version,
            original=current_text,
            conflict=conflict,
            changed_by=[e for e in events if e.action == "update"][:newer],
        )

    async def ok(_result: Any) -> Response[Any]:
        return Redirect(done, status_code=303)

    async def failed(errors: FormErrors) -> Response[Any]:
        _values, raw = _safe_payload(form, page.fields)
        return page.render(request, values=raw, errors=errors, version=version, original=before)

    return await run_form(session, lambda: write(nest(changes, record)), ok=ok, failed=failed)


def _safe_payload(form: Any, fields: list[Field]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The person's input to refill a refused form, even when part of it does not parse."""
    try:
        return payload(form, fields)
    except FormErrors:
        return {}, {f.name: str(form.get(f.name) or "").strip() for f in fields}


def _shown(value: Any) -> str:
    """A value in the conflict list: JSON contact rows become names, nothing a dash."""
    if isinstance(value, list):
        value = as_text(value)
    if isinstance(value, str) and value.startswith("[{"):
        rows = json.loads(value)
        return "; ".join(str(r.get("name", "")) for r in rows) or "—"
    return value or "—"
