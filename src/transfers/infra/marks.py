"""What a session has done, kept in its ``info``: whether it wrote (its reads must then see its
own uncommitted rows, so they bypass the shared snapshot and every cache) and which snapshot it
already brought up to date (a request that asks twice checks the register version once).

Global session listeners, so no write path can forget them: the ORM's flushes and bulk
statements, and raw SQL that may write, all mark the session.
"""

from __future__ import annotations

import re
from typing import Any, Final

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlalchemy.sql.elements import TextClause

_READS: Final = re.compile(r"\s*(SELECT|WITH|SHOW|EXPLAIN|PRAGMA)\b", re.IGNORECASE)
_WROTE: Final = "transfers.register.wrote"
#: The snapshot this session has already brought up to date. Dropped on commit, rollback,
#: the end of its transaction, or a write.
_CHECKED: Final = "transfers.register.checked"


def wrote(session: AsyncSession) -> bool:
    """Whether ``session`` holds writes not yet committed (or rolled back)."""
    return bool(session.sync_session.info.get(_WROTE))


def checked(session: AsyncSession) -> Any | None:
    """What :func:`mark_checked` kept in this transaction, or None."""
    return session.sync_session.info.get(_CHECKED)


def mark_checked(session: AsyncSession, value: Any) -> None:
    session.sync_session.info[_CHECKED] = value


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _flush: UOWTransaction) -> None:
    session.info[_WROTE] = True
    session.info.pop(_CHECKED, None)


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    if (state.is_insert or state.is_update or state.is_delete) or (
        isinstance(state.statement, TextClause) and not _READS.match(state.statement.text)
    ):  # the ORM's writes, or raw SQL that may write
        state.session.info[_WROTE] = True
        state.session.info.pop(_CHECKED, None)


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _ended(session: Session, *_: object) -> None:
    session.info.pop(_WROTE, None)
    session.info.pop(_CHECKED, None)


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session: Session, *_: object) -> None:
    session.info.pop(_CHECKED, None)  # a new transaction checks the version again
