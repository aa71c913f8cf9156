"""Form input -> the API's msgspec structs, with errors keyed by field for the templates.

Pages validate through the same structs and services as the API, so a form shows exactly the
problem details an integration would get, next to the field they name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, TypeVar

import msgspec

from transfers.common.problems import ProblemError

S = TypeVar("S", bound=msgspec.Struct)

_PATH = re.compile(r"at `\$\.([a-z_]+)|missing required field `([a-z_]+)`")


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


def values_of(form: Any, names: Iterable[str]) -> dict[str, str]:
    """The submitted text of each named field, stripped; empty fields are left out."""
    out: dict[str, str] = {}
    for name in names:
        value = form.get(name)
        if isinstance(value, str) and value.strip():
            out[name] = value.strip()
    return out


def convert(values: dict[str, Any], schema: type[S]) -> S:
    try:
        return msgspec.convert(values, schema, strict=False)
    except msgspec.ValidationError as exc:
        message = str(exc)
        match = _PATH.search(message)
        field = (match.group(1) or match.group(2)) if match else "form"
        raise FormErrors(message, {field: message.split(" - at ")[0]}) from exc
