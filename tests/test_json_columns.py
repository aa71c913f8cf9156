"""JSON columns are decoded by msgspec, with exactly the values ``json.loads`` gives."""

from __future__ import annotations

import json
import math

import pytest

from transfers.db import json_loads


@pytest.mark.parametrize(
    "text",
    [
        '[{"name": "Äijä", "email": "a@b.fi"}, null, true, 1.5, 12345678901234567890123]',
        '{"nested": {"list": ["x", "y"]}, "n": -0.0}',
        '"\\ud83d\\ude00"',
        "[]",
    ],
)
def test_the_same_values_as_the_stdlib(text: str) -> None:
    assert json_loads(text) == json.loads(text)
    assert json_loads(text.encode()) == json.loads(text)


def test_what_msgspec_refuses_is_read_as_the_stdlib_reads_it() -> None:
    assert math.isnan(json_loads("NaN"))
    assert json_loads("[Infinity, 1e400]") == [math.inf, math.inf]
