"""NUL and other control characters are refused at the edge, naming the field (issue 9)."""

from __future__ import annotations

import pytest

from tests.conftest import Api

VENDOR = {"name": "Acme Oy", "country": "FI", "role": "processor"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**VENDOR, "name": "Acme\u0000Oy"}, "name"),
        ({**VENDOR, "legal_name": "Acme\u0001"}, "legal_name"),
        ({**VENDOR, "notes": "line\u0007bell"}, "notes"),
        ({**VENDOR, "business_id": "123\u007f"}, "business_id"),
        ({**VENDOR, "name": "Acme\nOy"}, "name"),
        ({**VENDOR, "contacts": [{"name": "Ann\u0000"}]}, "contacts[0].name"),
    ],
)
async def test_control_characters_are_a_422_naming_the_field(
    api: Api, body: dict[str, object], field: str
) -> None:
    response = await api.post("/api/v1/vendors", json=body)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["errors"] == [
        {"field": field, "message": "must not contain control characters (such as NUL)"}
    ]
    assert (await api.get("/api/v1/vendors")).json()["total"] == 0


async def test_long_text_keeps_its_line_breaks_and_tabs(api: Api) -> None:
    created = await api.create("/api/v1/vendors", {**VENDOR, "notes": "one\n\ttwo\r\nthree"})
    assert created["notes"] == "one\n\ttwo\r\nthree"
