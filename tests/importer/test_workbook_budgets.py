"""An .xlsx is budgeted part by part before openpyxl reads it, and a broken sheet is a 4xx
(issue 22, items 5 and 7): the probe's 10 MB workbook with a huge shared-strings table took 41 s
and 600 MB the server never gave back."""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from tests.conftest import Api
from tests.importer.sheets import FLAT_HEADER, xlsx_bytes
from tests.importer.test_import_db import counts
from transfers.importer.parse import (
    DEFAULT_MAX_PART_BYTES,
    DEFAULT_MAX_SHARED_STRINGS,
    DEFAULT_MAX_SHARED_STRINGS_BYTES,
    ParseError,
    _count_shared_strings,
    open_spreadsheet,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook() -> bytes:
    return xlsx_bytes(
        {"Vendors": [FLAT_HEADER[:5], ["Acme Oy", "1234567-8", "FI", "processor", "other"]]}
    )


def _replace(data: bytes, parts: dict[str, bytes]) -> bytes:
    """The workbook with ``parts`` put in (replacing any of the same name)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename not in parts:
                dst.writestr(info, src.read(info), compress_type=zipfile.ZIP_DEFLATED)
        for name, content in parts.items():
            dst.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _sst(strings: list[bytes]) -> bytes:
    body = b"".join(b"<si><t>" + s + b"</t></si>" for s in strings)
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + body
        + b"</sst>"
    )


def _with_shared_strings(strings: list[bytes], name: str = "xl/sharedStrings.xml") -> bytes:
    """The workbook with ``strings`` as its shared-strings table, declared in its content
    types so that openpyxl reads it (openpyxl itself wrote none for this small workbook)."""
    data = _workbook()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        types = z.read("[Content_Types].xml")
    types = types.replace(
        b"</Types>",
        b'<Override PartName="/' + name.encode() + b'" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    return _replace(data, {"[Content_Types].xml": types, name: _sst(strings)})


def _ten_megabytes_of_shared_strings() -> bytes:
    """About 10 MB zipped: 38 MB of strings, most of them random (hard to compress)."""
    random = os.urandom(9 * 1024 * 1024).hex().encode()  # 18 MB of hex
    chunks = [random[i : i + 1000] for i in range(0, len(random), 1000)]
    chunks += [b"x" * 1000] * 20_000
    return _with_shared_strings(chunks)


def test_a_shared_strings_table_past_its_size_is_refused_before_reading() -> None:
    data = _with_shared_strings([b"y" * 1000] * (DEFAULT_MAX_SHARED_STRINGS_BYTES // 1000))
    with pytest.raises(ParseError, match="shared-strings table unpacks to"):
        open_spreadsheet(data, filename="big.xlsx")


def test_a_shared_strings_table_with_too_many_strings_is_refused() -> None:
    data = _with_shared_strings([b"%d" % i for i in range(DEFAULT_MAX_SHARED_STRINGS + 1)])
    assert len(data) < 8 * 1024 * 1024
    with pytest.raises(ParseError, match="shared-strings table holds more than"):
        open_spreadsheet(data, filename="many.xlsx")


def test_a_shared_strings_table_under_another_name_is_found_and_budgeted() -> None:
    strings = [b"%d" % i for i in range(DEFAULT_MAX_SHARED_STRINGS + 1)]
    data = _with_shared_strings(strings, name="xl/strings.xml")
    with pytest.raises(ParseError, match="shared-strings table holds more than"):
        open_spreadsheet(data, filename="renamed.xlsx")


def test_every_other_part_openpyxl_reads_whole_has_a_budget() -> None:
    styles = (
        b"<styleSheet>" + b"<!-- padding -->" * (DEFAULT_MAX_PART_BYTES // 16) + b"</styleSheet>"
    )
    data = _replace(_workbook(), {"xl/styles.xml": styles})
    with pytest.raises(ParseError, match=r"part xl/styles\.xml unpacks to"):
        open_spreadsheet(data, filename="styles.xlsx")


def test_strings_are_counted_exactly_across_chunk_boundaries(tmp_path: os.PathLike[str]) -> None:
    strings = [b"a" * (i % 97) for i in range(150_000)]  # about 8 MB: several 1 MB chunks
    with zipfile.ZipFile(io.BytesIO(_replace(_workbook(), {"s.xml": _sst(strings)}))) as z:
        assert _count_shared_strings(z, "s.xml", 10**9) == 150_000


def test_a_workbook_within_its_budgets_still_reads() -> None:
    data = _with_shared_strings([b"Acme Oy", b"FI"])
    with open_spreadsheet(data, filename="ok.xlsx") as book:
        assert book.sheet_names == ["Vendors"]
        [sheet] = list(book.sheets())
        assert sheet.header is not None
        assert [row.values[:3] for row in sheet.rows] == [("Acme Oy", "1234567-8", "FI")]


BROKEN_SHEETS = {
    "bad xml": b"<worksheet><sheetData><row r='1'><c r='A1'",
    "not a number": (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="1"><c r="A1" t="n"><v>abc</v></c></row></sheetData></worksheet>'
    ),
    "bad reference": (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<sheetData><row r="x"><c r="?!"><v>1</v></c></row></sheetData></worksheet>'
    ),
}


@pytest.mark.parametrize("sheet", BROKEN_SHEETS.values(), ids=BROKEN_SHEETS.keys())
async def test_a_malformed_sheet_is_a_422_and_writes_nothing(api: Api, sheet: bytes) -> None:
    data = _replace(_workbook(), {"xl/worksheets/sheet1.xml": sheet})
    before = await counts(api)
    response = await api.post(
        "/api/v1/imports",
        files={"file": ("broken.xlsx", data, XLSX_TYPE)},
        params={"dry_run": "false"},
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await counts(api) == before


async def test_a_ten_megabyte_workbook_with_a_huge_shared_strings_table_is_refused(
    api: Api,
) -> None:
    data = _ten_megabytes_of_shared_strings()
    assert 8 * 1024 * 1024 < len(data) < 16 * 1024 * 1024
    response = await api.post(
        "/api/v1/imports",
        files={"file": ("big.xlsx", data, XLSX_TYPE)},
        params={"dry_run": "false"},
    )
    assert response.status_code == 422, response.text
    assert "shared-strings table" in response.text
    assert (await counts(api))["vendors"] == 0
