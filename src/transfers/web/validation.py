"""Why a form's values do not fit the API's struct, as a sentence in the page's language.

msgspec says "Expected `str` of length <= 20 - at `$.term`"; a person needs "Kausi: enintään
20 merkkiä". Rather than read that English sentence back, the failing field is found by
converting the values field by field against the struct's own declaration
(``msgspec.inspect``), and the constraint it breaks (length, range, choice, date) is named with
the field's label (``%(label)s``, filled in by the form that knows its labels).
"""

from __future__ import annotations

import typing
from functools import cache
from typing import Any

import msgspec
import msgspec.inspect as mi

from transfers.web.i18n import _


@cache
def _hints(schema: type[Any]) -> dict[str, Any]:
    return typing.get_type_hints(schema, include_extras=True)


def _plain(t: mi.Type) -> list[mi.Type]:
    """The alternatives of a type without None and metadata."""
    if isinstance(t, mi.Metadata):
        return _plain(t.type)
    if isinstance(t, mi.UnionType):
        return [p for x in t.types for p in _plain(x)]
    if isinstance(t, mi.NoneType):
        return []
    return [t]


def _why(t: mi.Type, value: Any, error: str) -> str:
    """What is wrong with ``value`` for type ``t``, with a ``%(label)s`` placeholder."""
    for part in _plain(t):
        if isinstance(part, mi.StrType) and isinstance(value, str):
            if part.max_length is not None and len(value) > part.max_length:
                return _("%(label)s: at most %(n)d characters.") % {
                    "label": "%(label)s",
                    "n": part.max_length,
                }
            if part.min_length is not None and len(value) < part.min_length:
                return _("%(label)s: fill this in.")
            if part.pattern:
                return _(
                    "%(label)s contains characters that cannot be stored (control characters)."
                )
        if isinstance(part, mi.LiteralType):
            return _("%(label)s: choose one of the options.")
        if isinstance(part, mi.IntType):
            low = part.ge if part.ge is not None else None
            high = part.le if part.le is not None else None
            if low is not None and high is not None and high < 10**6:
                return _("%(label)s: give a whole number from %(low)d to %(high)d.") % {
                    "label": "%(label)s",
                    "low": low,
                    "high": high,
                }
            return _("%(label)s: give a whole number.")
        if isinstance(part, mi.DateType):
            return _("%(label)s: give a date, for example 2026-01-31.")
        if isinstance(part, mi.BoolType):
            return _("%(label)s: tick the box or leave it empty.")
        if isinstance(part, mi.ListType | mi.SetType):
            return _("%(label)s: give the values separated by commas.")
    if error and not error.startswith("Expected") and " - at " not in error:
        return "%(label)s: " + error  # a checker's own sentence (e.g. a country code's hint)
    return _("%(label)s: check this value.")


def explain(values: dict[str, Any], schema: type[Any]) -> tuple[str, str]:
    """(field path, message) of the first field of ``values`` that ``schema`` refuses."""
    info = mi.type_info(schema)
    if not isinstance(info, mi.StructType):
        return "form", _("Check the form.")
    hints = _hints(schema)  # type: ignore[arg-type]
    for f in info.fields:
        if f.encode_name not in values:
            if f.required:
                return f.encode_name, _("%(label)s: fill this in.")
            continue
        value = values[f.encode_name]
        for part in _plain(f.type):
            if not (
                isinstance(part, mi.ListType)
                and isinstance(part.item_type, mi.StructType)
                and isinstance(value, list)
            ):
                continue
            for i, item in enumerate(value):
                try:
                    msgspec.convert(item, part.item_type.cls, strict=False)
                except msgspec.ValidationError:
                    if isinstance(item, dict):
                        inner, message = explain(item, part.item_type.cls)
                        return f"{f.encode_name}[{i}].{inner}", message
        try:
            msgspec.convert(value, hints[f.name], strict=False)
        except msgspec.ValidationError as exc:
            return f.encode_name, _why(f.type, value, str(exc))
    return "form", _("Check the form.")


def labelled(message: str, label: str | None) -> str:
    """``message`` with its ``%(label)s`` filled in; without a label the sentence starts at the
    constraint ("At most 20 characters.")."""
    if "%(label)s" not in message:
        return message
    if label:
        return message.replace("%(label)s", label.rstrip(" *"))
    rest = message.replace("%(label)s: ", "").replace("%(label)s ", "")
    return rest[:1].upper() + rest[1:]
