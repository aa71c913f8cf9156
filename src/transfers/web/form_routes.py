"""Create and edit routes for one kind of record, made from a ``RecordForms`` spec.

Every register form has the same four routes (new form, create, edit form, update) around
``forms.save`` / ``forms.save_edit``; what differs is stated in the spec: how to load the record
and the record it belongs to, the page, the defaults, and the service calls. A new kind of
record gets its forms by writing a spec, not by copying handlers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
from litestar import Request, Response, get, post
from litestar.handlers import HTTPRouteHandler
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.auth.schemas import Actor
from transfers.user.schemas import WebIdentity
from transfers.web.forms import (
    FormErrors,
    FormPage,
    as_text,
    convert,
    save,
    save_edit,
    shown_values,
)
from transfers.web.security import identity, require_writer

Loader = Callable[[AsyncSession, int], Awaitable[Any]]
PageOf = Callable[[AsyncSession, Any, Any], Awaitable[FormPage]]
"""(session, parent or None, record or None) -> the form page."""
Write = Callable[
    [AsyncSession, Any, dict[str, Any], WebIdentity, Request[Any, Any, Any]], Awaitable[Any]
]
"""(session, parent on create / record on edit, parsed values, person, request) -> result."""


def creates(
    schema: type[msgspec.Struct],
    create: Callable[[AsyncSession, Any, Actor], Awaitable[Any]],
    parent_key: str | None = None,
) -> Write:
    """A ``create`` for the spec: the values (plus the parent's id under ``parent_key``)
    through the API's struct, then the domain service."""

    async def write(
        session: AsyncSession,
        parent: Any,
        values: dict[str, Any],
        me: WebIdentity,
        _request: Request[Any, Any, Any],
    ) -> Any:
        extra = {parent_key: parent.id} if parent_key else {}
        return await create(session, convert({**values, **extra}, schema), me.actor)

    return write


def updates(
    schema: type[msgspec.Struct],
    service_update: Callable[[AsyncSession, Any, Any, Actor], Awaitable[Any]],
) -> Write:
    """An ``update`` for the spec: the changed fields through the API's struct, then the
    domain service."""

    async def write(
        session: AsyncSession,
        record: Any,
        changes: dict[str, Any],
        me: WebIdentity,
        _request: Request[Any, Any, Any],
    ) -> Any:
        return await service_update(session, record, convert(changes, schema), me.actor)

    return write


def _no_defaults(_parent: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True, slots=True)
class RecordForms:
    entity_type: str
    """Audit trail entity type (the conflict list reads its update events)."""
    plural: str
    """Path segment: ``/{plural}/{id}/edit``, and ``/{parent}/{id}/{plural}/new``."""
    load: Loader
    page: PageOf
    create: Write
    update: Write
    created: Callable[[Any, Any], str]
    """(parent, new record) -> where to go after creating."""
    updated: Callable[[Any], str]
    """(record) -> where to go after saving an edit."""
    parent: str | None = None
    load_parent: Loader | None = None
    defaults: Callable[[Any], dict[str, Any]] = field(default=_no_defaults)

    @property
    def new_path(self) -> str:
        if self.parent:
            return f"/{self.parent}/{{parent_id:int}}/{self.plural}/new"
        return f"/{self.plural}/new"


def edit_form(
    request: Request[Any, Any, Any],
    page: FormPage,
    record: Any,
    errors: FormErrors | None = None,
) -> Template:
    """An edit form filled from the record, carrying its version and the values as shown."""
    values = shown_values(record, page.fields)
    original = {k: as_text(v) for k, v in values.items()}
    return page.render(
        request, values=values, errors=errors, version=record.version, original=original
    )


def routes(spec: RecordForms) -> list[HTTPRouteHandler]:
    """The four routes of ``spec``; each refuses a person who may not write (procurement)."""

    async def parent_of(session: AsyncSession, parent_id: int | None) -> Any:
        if spec.load_parent is None or parent_id is None:
            return None
        return await spec.load_parent(session, parent_id)

    @get(spec.new_path, name=f"{spec.entity_type}-new")
    async def new_form(
        request: Request[Any, Any, Any], db_session: AsyncSession, parent_id: int | None = None
    ) -> Template:
        require_writer(identity(request))
        parent = await parent_of(db_session, parent_id)
        page = await spec.page(db_session, parent, None)
        return page.render(request, values=spec.defaults(parent) | page.proposed)

    @post(spec.new_path, name=f"{spec.entity_type}-create")
    async def create(
        request: Request[Any, Any, Any], db_session: AsyncSession, parent_id: int | None = None
    ) -> Response[Any]:
        me = require_writer(identity(request))
        parent = await parent_of(db_session, parent_id)

        async def write(values: dict[str, Any]) -> Any:
            return await spec.create(db_session, parent, values, me, request)

        page = await spec.page(db_session, parent, None)
        return await save(
            request, db_session, page, write, done=lambda made: spec.created(parent, made)
        )

    @get(f"/{spec.plural}/{{record_id:int}}/edit", name=f"{spec.entity_type}-edit")
    async def edit(
        request: Request[Any, Any, Any], db_session: AsyncSession, record_id: int
    ) -> Template:
        require_writer(identity(request))
        record = await spec.load(db_session, record_id)
        return edit_form(request, await spec.page(db_session, None, record), record)

    @post(f"/{spec.plural}/{{record_id:int}}/edit", name=f"{spec.entity_type}-update")
    async def update(
        request: Request[Any, Any, Any], db_session: AsyncSession, record_id: int
    ) -> Response[Any]:
        me = require_writer(identity(request))
        record = await spec.load(db_session, record_id)

        async def write(changes: dict[str, Any]) -> Any:
            return await spec.update(db_session, record, changes, me, request)

        return await save_edit(
            request,
            db_session,
            await spec.page(db_session, None, record),
            record=record,
            entity_type=spec.entity_type,
            write=write,
            done=spec.updated(record),
        )

    return [new_form, create, edit, update]
