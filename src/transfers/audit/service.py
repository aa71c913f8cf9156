"""Write and read audit events. Every register write calls ``record`` in its own transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import msgspec
from sqlalchemy import JSON, String, bindparam, func, insert, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.models import AuditEvent

if TYPE_CHECKING:
    from transfers.auth.schemas import Actor

SKIP = frozenset({"created_at", "updated_at", "content"})


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    return value


def snapshot(obj: Any) -> dict[str, Any]:
    """Column values of an ORM object, JSON-safe, for the before/after of an event."""
    mapper = inspect(obj).mapper
    return {
        attr.key: _json_safe(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in SKIP and attr.key in obj.__dict__
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only what changed, so the trail reads as a list of edits."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


async def record(
    session: AsyncSession,
    actor: Actor | str,
    action: str,
    entity_type: str,
    entity_id: int | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEvent:
    name = actor if isinstance(actor, str) else actor.label
    event = AuditEvent(
        actor=name,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        before=_json_safe(before) if before is not None else None,
        after=_json_safe(after) if after is not None else None,
    )
    session.add(event)
    await session.flush()
    return event


async def record_created(
    session: AsyncSession, actor: Actor | str, entity_type: str, objs: list[Any]
) -> None:
    """One 'create' event per new row, written in one flush (bulk imports)."""
    name = actor if isinstance(actor, str) else actor.label
    session.add_all(
        AuditEvent(
            actor=name,
            action="create",
            entity_type=entity_type,
            entity_id=obj.id,
            before=None,
            after=_json_safe(snapshot(obj)),
        )
        for obj in objs
    )
    await session.flush()


#: Audit records per set-based insert (one JSON parameter of a few MB).
_RECORDS_PER_INSERT = 20_000

#: One row per element of a JSON array of ``[entity_id, before, after]`` records, in order.
_INSERT_RECORDS = {
    "sqlite": (
        "INSERT INTO audit_event (occurred_at, actor, action, entity_type, entity_id, before, "
        "after) SELECT :occurred_at, :actor, :action, :entity_type, "
        "json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') "
        "FROM json_each(:records) ORDER BY key"
    ),
    "postgresql": (
        "INSERT INTO audit_event (occurred_at, actor, action, entity_type, entity_id, before, "
        "after) SELECT :occurred_at, :actor, :action, :entity_type, (r.record ->> 0)::bigint, "
        "NULLIF(r.record -> 1, 'null'::jsonb), NULLIF(r.record -> 2, 'null'::jsonb) "
        "FROM jsonb_array_elements(CAST(:records AS jsonb)) WITH ORDINALITY AS r(record, n) "
        "ORDER BY r.n"
    ),
}


async def record_many(
    session: AsyncSession,
    actor: Actor | str,
    action: str,
    entity_type: str,
    changes: Sequence[tuple[int | None, dict[str, Any] | None, dict[str, Any] | None]],
) -> None:
    """One event per record (who, when, what: ``(entity_id, before, after)``), written in one
    set-based insert per 20,000 records: the records go to the database as one JSON array,
    encoded by msgspec in C (dates as ISO strings, as :func:`_json_safe` writes them), and the
    database splits it into rows. 50,000 'create' events: 1.8 s -> 0.6 s on SQLite and
    3.5 s -> 1.2 s on PostgreSQL, against an executemany of one parameter set per event."""
    if not changes:
        return
    name = actor if isinstance(actor, str) else actor.label
    statement = text(_INSERT_RECORDS[session.get_bind().dialect.name]).bindparams(
        bindparam("occurred_at", type_=AuditEvent.__table__.c.occurred_at.type)
    )
    now = datetime.now(UTC)
    encode = msgspec.json.Encoder().encode
    for start in range(0, len(changes), _RECORDS_PER_INSERT):
        records = encode(changes[start : start + _RECORDS_PER_INSERT]).decode()
        await session.execute(
            statement,
            {
                "occurred_at": now,
                "actor": name,
                "action": action,
                "entity_type": entity_type,
                "records": records,
            },
        )


async def create_many(
    session: AsyncSession,
    model: Any,
    rows: list[dict[str, Any]],
    actor: Actor | str,
    entity_type: str,
) -> list[int]:
    """Insert validated rows of ``model`` with one executemany and audit each as created, with
    the same 'after' a single create records; returns the new ids in the order given.

    Every row must carry the same keys; ``version`` and timestamps are set here, as the ORM's
    defaults would, once for the statement rather than in each row. The ids are known without
    RETURNING (whose multi-row VALUES statements cost 2.3 s of 4 s for 30,000 rows on SQLite):
    PostgreSQL reserves them from the table's sequence first; on SQLite the transaction holds
    the only write lock, so the rows just inserted took the ids after the previous maximum, one
    after another.
    """
    if not rows:
        return []
    table = model.__table__
    now = datetime.now(UTC)
    statement = insert(table).values(version=1, created_at=now, updated_at=now)
    if session.get_bind().dialect.name == "postgresql":
        reserved = await session.scalars(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
            ),
            {"table": table.name, "n": len(rows)},
        )
        ids = list(reserved.all())
        await _insert_records(session, table, rows, ids, now)
    else:
        await session.execute(statement, rows)
        last = int(await session.scalar(select(func.max(table.c.id))) or 0)
        ids = list(range(last - len(rows) + 1, last + 1))
    skipped = SKIP.intersection(rows[0])
    await record_many(
        session,
        actor,
        "create",
        entity_type,
        [
            (
                row_id,
                None,
                ({k: v for k, v in row.items() if k not in skipped} if skipped else row)
                | {"version": 1, "id": row_id},
            )
            for row_id, row in zip(ids, rows, strict=True)
        ],
    )
    return ids


#: Rows per set-based insert of :func:`_insert_records` (one JSON parameter of a few MB).
_ROWS_PER_INSERT = 10_000


async def _insert_records(
    session: AsyncSession, table: Any, rows: list[dict[str, Any]], ids: list[int], now: datetime
) -> None:
    """PostgreSQL: insert ``rows`` (with their reserved ``ids``) as the executemany of
    :func:`create_many` would, in one statement per 10,000 rows: the rows go as one JSON array,
    encoded by msgspec in C, and ``json_to_recordset`` turns it into typed rows in one pass (an
    asyncpg executemany spent 1.3 s on 30,000 transfers, mostly binding each row's 30
    parameters in Python; this takes 0.7 s).

    The same values reach the same columns: a column missing from the rows takes its Python
    default, as the ORM's insert would give it; a JSON column takes None as JSON ``null``, as
    SQLAlchemy's JSON type binds it; strings arrive as unbounded text, so that a value too long
    for its column fails as it would have."""
    fixed = ("id", "version", "created_at", "updated_at")  # set by the statement
    given = [name for name in rows[0] if name not in fixed]
    defaults = {
        c.name: c.default.arg(None) if c.default.is_callable else c.default.arg
        for c in table.c
        if c.name not in given
        and c.name not in fixed
        and c.default is not None
        and (c.default.is_scalar or c.default.is_callable)
    }
    dialect = session.get_bind().dialect
    quote = dialect.identifier_preparer.quote
    names = [quote(name) for name in given + list(defaults)]
    types: list[str] = []
    values: list[str] = []
    for name, quoted in zip(given + list(defaults), names, strict=True):
        column_type = table.c[name].type
        if isinstance(column_type, JSON):
            types.append("jsonb")
            values.append(f"COALESCE(r.{quoted}, 'null'::jsonb)")
        else:
            types.append(
                "text" if isinstance(column_type, String) else column_type.compile(dialect)
            )
            values.append(f"r.{quoted}")
    statement = text(
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} "
        f"(id, version, created_at, updated_at, {', '.join(names)}) "
        f"SELECT r.id, 1, :now, :now, {', '.join(values)} "
        "FROM ROWS FROM (json_to_recordset(CAST(:records AS json)) AS (id bigint, "
        + ", ".join(f"{n} {t}" for n, t in zip(names, types, strict=True))
        + ")) WITH ORDINALITY AS r ORDER BY r.ordinality"
    ).bindparams(bindparam("now", type_=table.c.created_at.type))
    encode = msgspec.json.Encoder().encode
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        chunk = zip(rows[start : start + _ROWS_PER_INSERT], ids[start:], strict=False)
        records = encode([row | defaults | {"id": row_id} for row, row_id in chunk]).decode()
        await session.execute(statement, {"now": now, "records": records})


async def list_events(
    session: AsyncSession,
    *,
    entity_type: str | None = None,
    entity_id: int | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[AuditEvent], int]:
    stmt = select(AuditEvent)
    if entity_type:
        stmt = stmt.where(AuditEvent.entity_type == entity_type)
    if entity_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    if actor:
        stmt = stmt.where(AuditEvent.actor == actor)
    if since is not None:
        stmt = stmt.where(AuditEvent.occurred_at >= since)
    if until is not None:
        stmt = stmt.where(AuditEvent.occurred_at < until)
    total = await session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = await session.scalars(stmt.order_by(AuditEvent.id.desc()).limit(limit).offset(offset))
    return list(rows.all()), total
