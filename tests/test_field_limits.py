"""The API's text limits are the database's: every input field against its column, both ways.

A longer API limit stored a 201-character assessor silently on SQLite and failed on PostgreSQL;
this test keeps schemas and models from drifting apart again.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import msgspec
import msgspec.inspect as mi
import pytest
from sqlalchemy import String

import transfers
from transfers.models import Base

MODELS = {mapper.class_.__name__: mapper.class_ for mapper in Base.registry.mappers}
#: Input structs whose name does not give their model.
MODEL_OF = {"ReminderStateUpdate": "ReminderState", "ApiKeyCreate": "ApiKey"}


def input_structs() -> list[type[msgspec.Struct]]:
    found = []
    for info in pkgutil.walk_packages(transfers.__path__, "transfers."):
        if not info.name.endswith(".schemas"):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (
                isinstance(obj, type)
                and issubclass(obj, msgspec.Struct)
                and obj.__module__ == module.__name__
                and name.endswith(("Create", "Update"))
            ):
                found.append(obj)
    return found


def _str_limit(t: mi.Type) -> tuple[bool, int | None]:
    """(is text, max_length) through Optional/UNSET unions."""
    if isinstance(t, mi.StrType):
        return True, t.max_length
    if isinstance(t, mi.UnionType):
        for inner in t.types:
            is_text, limit = _str_limit(inner)
            if is_text:
                return True, limit
    return False, None


def pairs() -> list[Any]:
    out = []
    for struct in input_structs():
        name = struct.__name__
        model_name = MODEL_OF.get(name, name.removesuffix("Create").removesuffix("Update"))
        model = MODELS.get(model_name)
        if model is None:
            continue
        info = mi.type_info(struct)
        assert isinstance(info, mi.StructType)
        for field in info.fields:
            column = model.__table__.columns.get(field.name)
            is_text, limit = _str_limit(field.type)
            if column is None or not is_text or not isinstance(column.type, String):
                continue
            out.append(pytest.param(limit, column.type.length, id=f"{name}.{field.name}"))
    return out


@pytest.mark.parametrize(("api_limit", "column_length"), pairs())
def test_api_length_limit_equals_the_column_length(
    api_limit: int | None, column_length: int | None
) -> None:
    if column_length is None:  # Text: unbounded in the database, bounded by the API
        assert api_limit is not None
    else:
        assert api_limit == column_length


def test_the_comparison_covers_the_register() -> None:
    ids = {p.id for p in pairs()}
    assert {
        "VendorCreate.name",
        "AssessmentCreate.assessor",
        "TransferUpdate.bcr_approval_ref",
    } <= ids
    assert len(ids) > 40
