"""Reading files: formats, encodings, delimiters, limits, row numbers, formulas."""

from __future__ import annotations

import io
import tracemalloc
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from transfers.importer.parse import Formula, Interrupt, ParseError, Row, open_spreadsheet

from .sheets import FLAT_HEADER, csv_bytes, xlsx_bytes


def _rows(data: bytes | Path, **kwargs: object) -> list[tuple[str, Row | None, list[Row]]]:
    with open_spreadsheet(data, **kwargs) as book:  # type: ignore[arg-type]
        return [(s.name, s.header, list(s.rows)) for s in book.sheets()]


def test_xlsx_rows_keep_spreadsheet_numbers_and_skip_empty_rows() -> None:
    data = xlsx_bytes(
        {
            "Sheet1": [
                [None, None],
                ["name", "country"],
                ["Acme", "FI"],
                [None, None],
                ["  ", None],
                ["Beta", "SE"],
            ]
        }
    )
    [(name, header, rows)] = _rows(data, filename="register.xlsx")
    assert name == "Sheet1"
    assert header == Row(2, ("name", "country"))
    assert [(r.number, r.values) for r in rows] == [(3, ("Acme", "FI")), (6, ("Beta", "SE"))]


def test_xlsx_formulas_are_detected_not_evaluated_and_dates_come_as_dates() -> None:
    data = xlsx_bytes(
        {"vendors": [["name", "n", "when"], ["Acme", "=SUM(1,2)", datetime(2026, 1, 2)]]}
    )
    [(_, _, [row])] = _rows(data)
    assert row.values == ("Acme", Formula("=SUM(1,2)"), datetime(2026, 1, 2))


def test_xlsx_is_detected_without_a_filename_and_all_sheets_are_read() -> None:
    data = xlsx_bytes({"toimittajat": [["nimi"], ["A"]], "siirrot": [["nimi"], ["B"], ["C"]]})
    sheets = _rows(data)
    assert [(name, len(rows)) for name, _, rows in sheets] == [("toimittajat", 1), ("siirrot", 2)]


def test_csv_semicolon_delimiter_and_utf8_bom() -> None:
    data = b"\xef\xbb\xbf" + "nimi;maa\nÄänekosken Oy;Suomi\n".encode()
    with open_spreadsheet(data, filename="toimittajat.csv") as book:
        assert book.warnings == []
        [sheet] = list(book.sheets())
        assert sheet.name == "toimittajat"
        assert sheet.header == Row(1, ("nimi", "maa"))
        assert list(sheet.rows) == [Row(2, ("Äänekosken Oy", "Suomi"))]


def test_csv_comma_delimiter_with_quoted_semicolons() -> None:
    data = csv_bytes([["name", "data_categories"], ["Acme", "email; phone"]])
    [(_, header, rows)] = _rows(data, filename="x.csv")
    assert header is not None and header.values == ("name", "data_categories")
    assert rows[0].values == ("Acme", "email; phone")


def test_cp1252_csv_is_decoded_with_a_warning() -> None:
    data = csv_bytes(
        [["nimi", "maa"], ["Pääkäyttäjä Öy", "Ruotsi"]], delimiter=";", encoding="cp1252"
    )
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    with open_spreadsheet(data, filename="x.csv") as book:
        assert "Windows-1252" in book.warnings[0]
        [sheet] = list(book.sheets())
        assert [r.values for r in sheet.rows] == [("Pääkäyttäjä Öy", "Ruotsi")]


def test_bytes_that_are_neither_utf8_nor_cp1252_are_refused() -> None:
    with pytest.raises(ParseError, match="neither UTF-8 nor Windows-1252") as caught:
        open_spreadsheet(b"name\n\x81\x8d\x8f\x90\n", filename="x.csv")
    assert "CSV UTF-8" in caught.value.fix


def test_csv_formula_text_and_escaped_apostrophe() -> None:
    data = csv_bytes([["name", "x"], ["=HYPERLINK(1)", "'=literal"]])
    [(_, _, [row])] = _rows(data, filename="x.csv")
    assert row.values == (Formula("=HYPERLINK(1)"), "=literal")


def test_size_limit_is_enforced_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"name\n" + b"x" * 2000 + b"\n")
    with pytest.raises(ParseError, match="the limit is") as caught:
        open_spreadsheet(path, max_bytes=1000)
    assert "Split" in caught.value.fix


def test_row_limit_is_enforced_while_streaming() -> None:
    data = csv_bytes([["name"], *[[f"v{i}"] for i in range(10)]])
    with open_spreadsheet(data, filename="x.csv", max_rows=5) as book:
        [sheet] = list(book.sheets())
        with pytest.raises(
            ParseError, match=r"more than 5 rows \(blank rows count too\)"
        ) as caught:
            list(sheet.rows)
    assert caught.value.row == 6  # the header is a row read too


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_blank_rows_count_toward_the_row_limit(fmt: str) -> None:
    rows: list[list[Any]] = [["name"], ["v1"], *[[""] for _ in range(50)], ["v2"]]
    data = csv_bytes(rows) if fmt == "csv" else xlsx_bytes({"Sheet": rows})
    with open_spreadsheet(data, filename=f"x.{fmt}", max_rows=20) as book:
        [sheet] = list(book.sheets())
        with pytest.raises(ParseError, match="more than 20 rows") as caught:
            list(sheet.rows)
    assert caught.value.row == 21


def test_a_sheet_formatted_out_to_the_last_column_reads_only_its_first_columns() -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["name", "country"])
    for i in range(2, 200):
        ws.cell(row=i, column=1, value=f"v{i}")
        ws.cell(row=i, column=16384, value="far away")
    out = io.BytesIO()
    wb.save(out)
    with open_spreadsheet(out.getvalue(), filename="wide.xlsx") as book:
        [sheet] = list(book.sheets())
        rows = list(sheet.rows)
    assert len(rows) == 198 and max(len(r.values) for r in rows) == 1


def test_xlsx_cells_come_in_their_columns_with_their_types() -> None:
    """Cells after gaps keep their column, types are as openpyxl reads them, a formula is
    detected and text that only looks like one (Excel's quote prefix) stays text."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["name", "a", "b", "c", "d"])
    ws.cell(row=2, column=1, value="Acme")
    ws.cell(row=2, column=3, value=12345678.0)
    ws.cell(row=2, column=5, value=True)
    ws.cell(row=4, column=2, value=datetime(2026, 1, 2))
    ws.cell(row=4, column=4, value="=1+1")
    ws.cell(row=5, column=1, value="=text").quotePrefix = True
    ws.cell(row=5, column=1).data_type = "s"
    ws.cell(row=5, column=300, value="beyond the columns read")
    out = io.BytesIO()
    wb.save(out)
    [(_, header, rows)] = _rows(out.getvalue(), filename="gaps.xlsx")
    assert header == Row(1, ("name", "a", "b", "c", "d"))
    assert [(r.number, r.values) for r in rows] == [
        (2, ("Acme", None, 12345678, None, True)),
        (4, (None, datetime(2026, 1, 2), None, Formula("=1+1"))),
        (5, ("=text",)),
    ]


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused() -> None:
    data = xlsx_bytes({"Sheet": [["name"], *[[f"vendor {i}"] for i in range(5000)]]})
    with pytest.raises(ParseError, match=r"unpacks to \d+ MB; the limit is 0 MB"):
        open_spreadsheet(data, filename="x.xlsx", max_unpacked=1000)


def test_an_interrupt_stops_the_parse_at_the_next_row() -> None:
    data = csv_bytes([["name"], *[[f"v{i}"] for i in range(100)]])
    stop = Interrupt()
    with open_spreadsheet(data, filename="x.csv", interrupt=stop) as book:
        [sheet] = list(book.sheets())
        rows = iter(sheet.rows)
        next(rows)
        stop.stop.set()
        with pytest.raises(ParseError, match="client disconnected") as caught:
            next(rows)
    assert caught.value.row == 3
    late = Interrupt(deadline=0.0)  # a monotonic time long past
    with (
        pytest.raises(ParseError, match="longer than its time limit") as caught,
        open_spreadsheet(data, filename="x.csv", interrupt=late) as book,
    ):
        list(next(book.sheets()).rows)
    assert caught.value.row == 1


def test_old_xls_and_other_types_are_refused_with_a_fix() -> None:
    with pytest.raises(ParseError, match=r"\.xls files are not supported"):
        open_spreadsheet(b"\xd0\xcf\x11\xe0rest", filename="old.xls")
    with pytest.raises(ParseError, match="unsupported file type"):
        open_spreadsheet(b"%PDF", filename="register.pdf")
    with pytest.raises(ParseError, match=r"not a valid \.xlsx"):
        open_spreadsheet(b"PK\x03\x04broken", filename="broken.xlsx")


def test_caller_owned_stream_is_left_open() -> None:
    stream = io.BytesIO(csv_bytes([["name"], ["A"]]))
    with open_spreadsheet(stream, filename="x.csv") as book:
        assert [len(list(s.rows)) for s in book.sheets()] == [1]
    assert not stream.closed


def _big_csv(path: Path, vendors: int, transfers_per_vendor: int) -> int:
    countries = ["US", "IN", "JP", "GB", "CH", "BR"]
    mechanisms = ["SCC 2021", "DPF", "adequacy", "BCR", "IDTA", "consent"]
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(";".join([*FLAT_HEADER, "website", "data_categories"]) + "\n")
        for v in range(vendors):
            for t in range(transfers_per_vendor):
                out.write(
                    ";".join(
                        [
                            f"Vendor {v} Oy",
                            f"{1000000 + v}-{v % 10}",
                            "Suomi",
                            "käsittelijä",
                            "pilvipalvelu",
                            countries[t % len(countries)],
                            mechanisms[t % len(mechanisms)],
                            "2" if mechanisms[t % len(mechanisms)] == "SCC 2021" else "",
                            "1.2.2024",
                            "2027-01-31",
                            f"https://vendor-{v}.example.com/" + "privacy-and-security/" * 6,
                            "name, email, phone, address, customer number, support tickets, "
                            "device serial numbers, invoices",
                        ]
                    )
                    + "\n"
                )
    return path.stat().st_size


def test_ten_megabyte_csv_streams_within_limits(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    size = _big_csv(path, vendors=10_000, transfers_per_vendor=3)
    assert 9_000_000 < size < 12_000_000
    tracemalloc.start()
    with open_spreadsheet(path) as book:
        count = sum(1 for sheet in book.sheets() for _ in sheet.rows)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 30_000
    assert peak < 5_000_000, f"parser held {peak:,} bytes: it should stream"
    with pytest.raises(ParseError, match=r"the limit is 8\.0 MB"):
        open_spreadsheet(path, max_bytes=8 * 1024 * 1024)


@pytest.mark.parametrize("cell", [" =1+1", "\t=cmd", '  =HYPERLINK("x")'])
def test_a_formula_behind_spaces_or_tabs_is_still_a_formula(cell: str) -> None:
    with open_spreadsheet(csv_bytes([["name"], [cell]]), filename="x.csv") as book:
        [row] = list(next(book.sheets()).rows)
    assert row.values == (Formula(cell),)


@pytest.mark.parametrize("cell", ["'=1+1", "'+358 1", "' =1", "'\t=1"])
def test_the_exporter_s_apostrophe_is_removed_on_import(cell: str) -> None:
    with open_spreadsheet(csv_bytes([["name"], [cell]]), filename="x.csv") as book:
        [row] = list(next(book.sheets()).rows)
    assert row.values == (cell[1:],)
