"""Versions of generated documents: which are stale, regenerating them, and keeping our own
sub-processor list current.

A document is stale when a register row it used has changed since (see :mod:`.stale`); only the
newest version of a document counts, so a superseded one is never reported stale. Regenerating
renders the same kind, language and subject as a new version linked to the old one
(``supersedes_id``), audited.

Our customers are owed notice of every change of our sub-processors (GDPR Art. 28(2), and
Art. 28(4) down the chain): when the chain changes, each current sub-processor list whose rows
differ gets a new version in the same transaction, its change table carrying the change and its
date, ready to send.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from sqlalchemy import event, exists, select
from sqlalchemy.ext.asyncio import AsyncSession, async_session
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, aliased
from sqlalchemy.util import await_only

from transfers.auth.schemas import Actor
from transfers.common.problems import ProblemError, not_found
from transfers.document import context as ctx
from transfers.document.service import build_context, render_document
from transfers.document.stale import changes_of
from transfers.models import Document, Processing, VendorSubprocessor

log = logging.getLogger(__name__)

LIST_KIND: Final = "subprocessor_list"
SYSTEM: Final = Actor(key_id=None, name="system (sub-processor chain changed)", role="admin")


@dataclass(slots=True)
class DocumentStatus:
    """A document with its place among its versions and what changed since it was made."""

    document: Document
    superseded_by: int | None = None
    changes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        return bool(self.changes)


def _newer() -> Any:
    later = aliased(Document)
    return exists().where(later.supersedes_id == Document.id)


async def statuses(session: AsyncSession, documents: Sequence[Document]) -> list[DocumentStatus]:
    """Status of many documents at once: one query for their successors, one per register
    entity for what changed (superseded versions are not checked: only the newest counts)."""
    ids = [d.id for d in documents]
    successors: dict[int, int] = {}
    if ids:
        rows = await session.execute(
            select(Document.supersedes_id, Document.id).where(Document.supersedes_id.in_(ids))
        )
        successors = {old: new for old, new in rows.all() if old is not None}
    newest = [d for d in documents if d.id not in successors]
    changes = await changes_of(session, newest)
    return [DocumentStatus(d, successors.get(d.id), changes.get(d.id, [])) for d in documents]


async def list_documents(
    session: AsyncSession,
    *,
    vendor_id: int | None,
    kind: str | None,
    stale: bool | None,
    limit: int,
    offset: int,
) -> tuple[list[DocumentStatus], int]:
    """Newest first. With ``stale``, every matching document is checked before paging (the
    check is a comparison of stored values, not a render)."""
    stmt = select(Document).order_by(Document.id.desc())
    if vendor_id is not None:
        stmt = stmt.where(Document.vendor_id == vendor_id)
    if kind:
        stmt = stmt.where(Document.kind == kind)
    if stale is None:
        from transfers.audit.crud import paginate

        rows, total = await paginate(session, stmt, limit, offset)
        return await statuses(session, rows), total
    if stale:
        stmt = stmt.where(~_newer())
    found = [
        s for s in await statuses(session, (await session.scalars(stmt)).all()) if s.stale == stale
    ]
    return found[offset : offset + limit], len(found)


async def document_status(session: AsyncSession, *, document_id: int) -> DocumentStatus:
    doc = await session.get(Document, document_id)
    if doc is None:
        raise not_found("Document", document_id)
    return (await statuses(session, [doc]))[0]


async def regenerate(
    session: AsyncSession,
    *,
    document_id: int,
    actor: Actor,
    as_of: date,
    options: ctx.DocumentOptions | None = None,
    changed_on: date | None = None,
) -> Document:
    """The new version of a document from the register as it is now: same kind, language and
    subject. Only the newest version can be regenerated (409 otherwise), and the unique
    ``supersedes_id`` refuses a second, concurrent regeneration of the same version."""
    old = await session.get(Document, document_id)
    if old is None:
        raise not_found("Document", document_id)
    newer = await session.scalar(select(Document.id).where(Document.supersedes_id == old.id))
    if newer is not None:
        raise ProblemError(
            409,
            "already-superseded",
            f"Document {old.id} has a newer version ({newer}); regenerate that one.",
            title="Already regenerated",
            superseded_by=newer,
        )
    since = old.snapshot.get("since") if old.kind == LIST_KIND else None
    return await render_document(
        session,
        kind=old.kind,
        language=old.language,
        vendor_id=old.vendor_id,
        transfer_id=old.transfer_id,
        assessment_id=old.assessment_id,
        as_of=as_of,
        since=date.fromisoformat(since) if isinstance(since, str) else None,
        actor=actor,
        options=options,
        previous=old,
        changed_on=changed_on,
    )


async def refresh_subprocessor_lists(
    session: AsyncSession,
    *,
    on: date,
    actor: Actor = SYSTEM,
    options: ctx.DocumentOptions | None = None,
    as_of: date | None = None,
) -> list[Document]:
    """A new version (as of ``as_of``, default today) of every current sub-processor list whose
    rows changed; its change table dates the change ``on`` (e.g. a notice's effective date).

    Lists nobody has generated yet are not created here (the first one is a user's choice of
    language and scope). A list the register can no longer support (e.g. a new sub-processor
    without a valid safeguard) is left as it is and logged: it must never be published."""
    current = (
        await session.scalars(
            select(Document).where(Document.kind == LIST_KIND, ~_newer()).order_by(Document.id)
        )
    ).all()
    made: list[Document] = []
    as_of = as_of or date.today()
    for old in current:
        if "listed" not in (old.snapshot or {}):
            continue
        since = old.snapshot.get("since")
        try:
            _, snapshot = await build_context(
                session,
                kind=LIST_KIND,
                language=old.language,
                vendor_id=old.vendor_id,
                transfer_id=None,
                assessment_id=None,
                as_of=as_of,
                since=date.fromisoformat(since) if isinstance(since, str) else None,
                template_version="check",
                options=options,
            )
            if snapshot.get("listed") == old.snapshot.get("listed"):
                continue
            made.append(
                await regenerate(
                    session,
                    document_id=old.id,
                    actor=actor,
                    as_of=as_of,
                    options=options,
                    changed_on=on,
                )
            )
        except ProblemError as exc:
            log.warning("sub-processor list %s not regenerated: %s", old.id, exc.detail)
    return made


# -- the chain changed: refresh in the same transaction, whatever wrote it ----------------------

_CHAIN: Final = "transfers.document.chain_changed"
#: Our direct sub-processors are the vendors of processing we do as a processor; theirs are
#: the chain links below them.
_CHAIN_ROWS: Final = (VendorSubprocessor, Processing)


@event.listens_for(Session, "after_flush")
def _links_flushed(session: Session, _flush: UOWTransaction) -> None:
    if any(isinstance(o, _CHAIN_ROWS) for o in (*session.new, *session.deleted, *session.dirty)):
        session.info[_CHAIN] = True


@event.listens_for(Session, "do_orm_execute")
def _links_written(state: ORMExecuteState) -> None:
    mapper = state.bind_mapper
    if (state.is_delete or state.is_update or state.is_insert) and (
        mapper is not None and mapper.class_ in _CHAIN_ROWS
    ):
        state.session.info[_CHAIN] = True


@event.listens_for(Session, "before_commit")
def _chain_committing(session: Session) -> None:
    """Runs inside the async session's commit (its greenlet), so the refresh is part of the
    same transaction: the list and the chain change commit together or not at all."""
    if not session.info.pop(_CHAIN, False):
        return
    proxy = async_session(session)
    if proxy is None:
        return
    await_only(refresh_subprocessor_lists(proxy, on=date.today()))


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, _previous: Any) -> None:
    session.info.pop(_CHAIN, None)
