"""NUL, other control characters and whatever else XML 1.0 cannot hold (U+FFFE, U+FFFF, lone
surrogates) are refused at the edge, naming the field (issues 9 and 22); what is already stored
does not break an export."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from tests.conftest import Api
from transfers.common.problems import CONTROL_CHARACTERS
from transfers.models import Vendor

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
        ({**VENDOR, "name": "Acme\uffffOy"}, "name"),
        ({**VENDOR, "legal_name": "Acme\ufffe"}, "legal_name"),
        ({**VENDOR, "notes": "line\uffffend"}, "notes"),
        (
            {**VENDOR, "contacts": [{"name": "Ann", "email": "a\ufffe@example.com"}]},
            "contacts[0].email",
        ),
    ],
)
async def test_control_characters_are_a_422_naming_the_field(
    api: Api, body: dict[str, object], field: str
) -> None:
    response = await api.post("/api/v1/vendors", json=body)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["errors"] == [{"field": field, "message": CONTROL_CHARACTERS}]
    assert (await api.get("/api/v1/vendors")).json()["total"] == 0


async def test_long_text_keeps_its_line_breaks_and_tabs(api: Api) -> None:
    created = await api.create("/api/v1/vendors", {**VENDOR, "notes": "one\n\ttwo\r\nthree"})
    assert created["notes"] == "one\n\ttwo\r\nthree"


async def test_a_lone_surrogate_is_refused_as_a_malformed_body(api: Api) -> None:
    """UTF-8 cannot carry one; JSON can spell it (``\\ud800``), and the decoder refuses it."""
    response = await api.post(
        "/api/v1/vendors",
        content=b'{"name": "Acme \\ud800", "country": "FI", "role": "processor"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (await api.get("/api/v1/vendors")).json()["total"] == 0


async def test_characters_xml_cannot_hold_are_refused_by_an_update_too(api: Api) -> None:
    created = await api.create("/api/v1/vendors", VENDOR)
    response = await api.patch(
        f"/api/v1/vendors/{created['id']}",
        json={"name": "Acme\uffff"},
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [{"field": "name", "message": CONTROL_CHARACTERS}]


async def test_an_export_survives_what_was_stored_before_the_edge_refused_it(
    api: Api, session: AsyncSession
) -> None:
    """The probe: one U+FFFF in a vendor name, and every XLSX export failed (500) until
    someone found the row. The cell is written with U+FFFD in its place."""
    created = await api.create("/api/v1/vendors", VENDOR)
    await session.execute(
        update(Vendor)
        .where(Vendor.id == created["id"])
        .values(name="Acme\uffffOy", legal_name="a\ufffeb\u0001c")
    )
    await session.commit()
    response = await api.get("/api/v1/exports", params={"format": "xlsx"})
    assert response.status_code == 200, response.text
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    cells = {c for row in workbook["vendors"].iter_rows(values_only=True) for c in row}
    assert "Acme\ufffdOy" in cells
    assert "a\ufffdb\ufffdc" in cells
