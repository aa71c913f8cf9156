"""Batched writes: many inputs checked by the same schema and rules as one, problems per item.

A batch reports every bad item at once (a spreadsheet of 40,000 rows should not be fixed one
error per upload) and writes nothing when any item is bad. Each problem names the item's
position in the batch and the API field at fault, so the caller (the importer) can point at the
sheet row and column that held it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import msgspec
from sqlalchemy import ColumnElement, any_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.common.problems import ProblemError
from transfers.infra.state import dialect_name

CHUNK = 5000
S = TypeVar("S", bound=msgspec.Struct)
T = TypeVar("T")

#: msgspec names the failing field as ``$.field`` or ``$.field[0]``.
_PATH = re.compile(r" - at `\$\.([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True, slots=True)
class ItemProblem:
    """Item ``index`` of a batch is refused: ``field`` (an API field name, "" for the whole
    item) and the same message the single-row API would give."""

    index: int
    field: str
    message: str


class BatchInvalid(Exception):
    """Some items of a batch are refused; nothing of the batch was written."""

    def __init__(self, problems: Sequence[ItemProblem]) -> None:
        super().__init__(f"{len(problems)} item(s) refused")
        self.problems = list(problems)

    @property
    def bad(self) -> set[int]:
        return {p.index for p in self.problems}


def problems_of(index: int, exc: ProblemError) -> list[ItemProblem]:
    """The per-field errors of a service's :class:`ProblemError` for item ``index``."""
    errors = exc.errors or [{"field": "", "message": exc.detail}]
    return [ItemProblem(index, str(e.get("field") or ""), str(e["message"])) for e in errors]


def plain_fields(data: msgspec.Struct, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A struct's fields as plain values, as ``to_plain`` gives them field by field (nested
    structs as dicts, dates kept), converted in C: a 30,000-row batch spent seconds in Python
    type checks here."""
    out: dict[str, Any] = msgspec.to_builtins(data, builtin_types=(date, datetime))
    for key in exclude:
        out.pop(key, None)
    return out


def convert(index: int, item: S | Mapping[str, Any], schema: type[S]) -> S | ItemProblem:
    """An input as the API's schema, with the API's constraints (types, lengths, patterns)."""
    if isinstance(item, schema):
        return item
    try:
        return msgspec.convert(item, schema)
    except msgspec.ValidationError as exc:
        text = str(exc)
        match = _PATH.search(text)
        return ItemProblem(index, match.group(1) if match else "", text.split(" - at ")[0])


def convert_all(
    items: Sequence[S | Mapping[str, Any]], schema: type[S], problems: list[ItemProblem]
) -> list[tuple[int, S]]:
    """(index, struct) of every item that passes ``schema``; the others add to ``problems``."""
    out: list[tuple[int, S]] = []
    for index, item in enumerate(items):
        converted = convert(index, item, schema)
        if isinstance(converted, ItemProblem):
            problems.append(converted)
        else:
            out.append((index, converted))
    return out


def check_each(
    items: Iterable[tuple[int, T]], rule: Callable[[T], Any], problems: list[ItemProblem]
) -> list[tuple[int, Any]]:
    """Apply a single-row rule (which raises :class:`ProblemError`) to every item; collect the
    refusals in ``problems`` and return the results of the others."""
    out: list[tuple[int, Any]] = []
    for index, item in items:
        try:
            out.append((index, rule(item)))
        except ProblemError as exc:
            problems.extend(problems_of(index, exc))
    return out


#: What a batched entry point checks without the database: (index, columns) of the items that
#: pass the schema and the single-row rules, and the problems of the others.
Checked = tuple[list[tuple[int, dict[str, Any]]], list[ItemProblem]]


def check_all(
    items: Sequence[Any], schema: type[Any], rule: Callable[[Any], dict[str, Any]]
) -> Checked:
    """Each item under the API's ``schema`` (:func:`convert_all`), then its single-row
    ``rule`` (:func:`check_each`). Pure, so that an import can check its next batch in a thread
    while the last one is being written."""
    problems: list[ItemProblem] = []
    structs = convert_all(items, schema, problems)
    return check_each(structs, rule, problems), problems


def among(session: AsyncSession, column: Any, values: Sequence[Any]) -> list[ColumnElement[bool]]:
    """Conditions "``column`` is one of ``values``", one per query to run: on PostgreSQL a
    single ``= ANY(:array)`` (one array parameter, where an IN list of 5,000 values sent 5,000
    parameters and made the server parse and plan each of them), elsewhere IN lists of
    ``CHUNK`` values (SQLite caps a statement's parameters)."""
    if not values:
        return []
    if dialect_name(session) == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY  # only on PostgreSQL (see JSONType)

        array = bindparam("among", list(values), type_=ARRAY(column.type))
        return [column == any_(array)]
    return [column.in_(values[start : start + CHUNK]) for start in range(0, len(values), CHUNK)]


async def load_many(session: AsyncSession, model: Any, ids: Iterable[int]) -> dict[int, Any]:
    """ORM objects of ``model`` by id, in one query (PostgreSQL) or chunked IN queries."""
    out: dict[int, Any] = {}
    for condition in among(session, model.id, sorted(set(ids))):
        out.update({o.id: o for o in (await session.scalars(select(model).where(condition)))})
    return out


async def existing_ids(session: AsyncSession, column: Any, ids: Iterable[Any]) -> set[Any]:
    """Which of ``ids`` exist in ``column`` (one query on PostgreSQL, chunked IN queries)."""
    out: set[Any] = set()
    for condition in among(session, column, sorted({i for i in ids if i is not None})):
        out |= set((await session.scalars(select(column).where(condition))).all())
    return out
