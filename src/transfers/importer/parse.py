"""Reading spreadsheets (``.xlsx`` and ``.csv``) row by row, without interpreting them.

The parser only turns a file into sheets of raw rows with their spreadsheet row numbers, so
that every later problem can point at the cell a person has to fix. It streams: an ``.xlsx`` is
read with openpyxl's read-only mode and a ``.csv`` through a text wrapper, so a register of tens
of thousands of transfers is never held as a whole workbook in memory.

Choices worth knowing:

* Formulas are *detected*, never evaluated (``data_only=False``): a cached result may be stale
  and we cannot recompute it, so each formula cell comes back as :class:`Formula` and the
  validator reports it ("paste values").
* CSV encoding: UTF-8 (with or without a BOM) is read as is. Anything else is decoded as
  Windows-1252, which is what Finnish Excel writes for "CSV (comma/semicolon delimited)", and a
  warning says so; bytes that are not valid Windows-1252 either are a :class:`ParseError`.
* CSV delimiter: ``;`` (Finnish Excel, where ``,`` is the decimal separator), ``,`` or tab,
  sniffed from the header line.
* A CSV cell starting with ``=`` (also after spaces, tabs or line breaks) is treated as a
  formula too (it is one as soon as Excel opens the file); a leading apostrophe before
  ``= + - @``, tab or carriage return is the CSV-injection escape the exporter writes, and is
  removed.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import os
import re
import threading
import time as clock
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any, BinaryIO, Final, Literal

DEFAULT_MAX_BYTES: Final = 32 * 1024 * 1024
DEFAULT_MAX_ROWS: Final = 100_000
#: An ``.xlsx`` is a zip: refuse one whose parts add up to more than this. A register at the row
#: limit unpacks to about 60 MB (10,000 vendors and 30,000 transfers: 17.8 MB from 1.2 MB zipped).
DEFAULT_MAX_UNPACKED: Final = 96 * 1024 * 1024
#: openpyxl reads the whole shared-strings table into a list before the first row: a 10 MB
#: upload with 90 MB of strings took 41 s and 600 MB that the process never gave back. One
#: string per distinct cell text: a register at the row limit, with a name and a business id
#: per vendor, needs well under the count allowed here.
DEFAULT_MAX_SHARED_STRINGS_BYTES: Final = 16 * 1024 * 1024
DEFAULT_MAX_SHARED_STRINGS: Final = 200_000
#: Every other part openpyxl reads whole (workbook, styles, theme, properties, relationships):
#: a few kilobytes in a real workbook. Worksheets are streamed row by row (``max_rows``), and
#: parts the read-only reader never opens (images, printer settings) count towards
#: ``max_unpacked`` only.
DEFAULT_MAX_PART_BYTES: Final = 8 * 1024 * 1024
_UNREAD_PARTS: Final = ("xl/media/", "xl/embeddings/", "xl/printerSettings/", "customXml/")
_SHARED_STRING: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,31}:)?si[\s/>]")
#: Columns read per row; a register has a few dozen, a sheet formatted out to column XFD 16,384.
MAX_COLUMNS: Final = 256
_CHUNK: Final = 1 << 20

Source = str | os.PathLike[str] | bytes | BinaryIO
Format = Literal["xlsx", "csv"]


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula cell, kept as its text (``=SUM(A1:A3)``) so that it can be reported."""

    text: str


CellValue = str | int | float | bool | datetime | date | Formula | None


@dataclass(frozen=True, slots=True)
class Row:
    """One non-empty row: its 1-based number as the spreadsheet shows it, and its cells."""

    number: int
    values: tuple[CellValue, ...]


@dataclass(slots=True)
class Sheet:
    """A sheet: its name, its header row (the first non-empty row) and its data rows (lazy)."""

    name: str
    header: Row | None
    rows: Iterator[Row]


class ParseError(Exception):
    """The file as a whole cannot be read (too big, too many rows, wrong format, encoding)."""

    def __init__(self, message: str, fix: str, *, sheet: str = "", row: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.sheet = sheet
        self.row = row


@dataclass(slots=True)
class Interrupt:
    """Stops a parse running in another thread: at a deadline (``time.monotonic()``), or when
    :attr:`stop` is set (the client went away). Checked on every row read."""

    deadline: float | None = None
    stop: threading.Event = field(default_factory=threading.Event)

    def check(self, sheet: str, row: int) -> None:
        if self.stop.is_set():
            raise ParseError(
                "the import was stopped: the client disconnected",
                "Upload the file again and wait for the report.",
                sheet=sheet,
                row=row,
            )
        if self.deadline is not None and clock.monotonic() > self.deadline:
            raise ParseError(
                "the import took longer than its time limit",
                "Split the file into smaller imports.",
                sheet=sheet,
                row=row,
            )


@dataclass(slots=True)
class _Budget:
    """Rows left across all sheets, blank ones included (reading them costs as much); shared
    so that the limit holds for the whole file. An ``.xlsx`` is also held to the sizes of its
    parts and the count of its shared strings before any of it is read (:func:`_check_parts`)."""

    max_rows: int
    interrupt: Interrupt | None = None
    used: int = 0
    max_shared_bytes: int = DEFAULT_MAX_SHARED_STRINGS_BYTES
    max_shared_strings: int = DEFAULT_MAX_SHARED_STRINGS
    max_part_bytes: int = DEFAULT_MAX_PART_BYTES
    max_parts: int = 10_000

    def take(self, sheet: str, row: int) -> None:
        self.used += 1
        if self.used > self.max_rows:
            raise ParseError(
                f"the file has more than {self.max_rows:,} rows (blank rows count too)",
                "Delete empty rows at the end of each sheet, split the file into smaller "
                "imports, or ask an administrator to raise the row limit.",
                sheet=sheet,
                row=row,
            )
        if self.interrupt is not None:
            self.interrupt.check(sheet, row)


@dataclass(slots=True)
class Spreadsheet:
    """An opened spreadsheet. Iterate :meth:`sheets` once; close it (or use ``with``)."""

    format: Format
    filename: str
    sheet_names: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _sheets: Iterator[Sheet] = field(default_factory=lambda: iter(()))
    _closers: list[Any] = field(default_factory=list)

    def sheets(self) -> Iterator[Sheet]:
        return self._sheets

    def close(self) -> None:
        for closer in reversed(self._closers):
            closer()
        self._closers.clear()

    def __enter__(self) -> Spreadsheet:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def open_spreadsheet(
    source: Source,
    *,
    filename: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_unpacked: int = DEFAULT_MAX_UNPACKED,
    interrupt: Interrupt | None = None,
) -> Spreadsheet:
    """Open an ``.xlsx`` or ``.csv`` from a path, bytes or a binary file object.

    The format comes from ``filename`` (or the path) and, failing that, from the first bytes.
    Raises :class:`ParseError` when the file is over ``max_bytes`` (an ``.xlsx`` also when it
    unpacks to more than ``max_unpacked``) or cannot be read; the row limit (``max_rows`` rows
    over all sheets, blank ones included) and ``interrupt`` are checked on every row read.
    """
    stream, name, owned = _binary_stream(source, filename)
    try:
        size = _size(stream)
        if size > max_bytes:
            raise ParseError(
                f"the file is {size / 1_048_576:.1f} MB; the limit is {max_bytes / 1_048_576:.1f} MB",
                "Split the register into smaller files, or remove unused sheets and columns.",
            )
        head = stream.read(8)
        stream.seek(0)
        kind = _detect_format(name, head)
        budget = _Budget(max_rows, interrupt)
        book = Spreadsheet(format=kind, filename=name)
        if owned:
            book._closers.append(stream.close)
        if kind == "xlsx":
            _open_xlsx(book, stream, max_unpacked, budget)
        else:
            _open_csv(book, stream, budget)
        return book
    except BaseException:
        if owned:
            stream.close()
        raise


def _binary_stream(source: Source, filename: str | None) -> tuple[BinaryIO, str, bool]:
    if isinstance(source, bytes | bytearray):
        return io.BytesIO(source), filename or "", True
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            return path.open("rb"), filename or path.name, True
        except OSError as exc:
            raise ParseError(f"cannot open {path.name}: {exc.strerror}", "Check the path.") from exc
    return source, filename or str(getattr(source, "name", "")), False


def _size(stream: BinaryIO) -> int:
    position = stream.tell()
    size = stream.seek(0, io.SEEK_END)
    stream.seek(position)
    return size


def _detect_format(name: str, head: bytes) -> Format:
    suffix = Path(name).suffix.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0") or suffix == ".xls":
        raise ParseError(
            "old Excel .xls files are not supported",
            "In Excel choose File > Save As > Excel Workbook (.xlsx), or CSV UTF-8.",
        )
    if suffix in {".xlsx", ".xlsm"} or (not suffix and head.startswith(b"PK\x03\x04")):
        return "xlsx"
    if suffix in {".csv", ".txt"} or not suffix:
        return "csv"
    raise ParseError(
        f"unsupported file type {suffix!r}",
        "Upload an Excel workbook (.xlsx) or a CSV file (.csv).",
    )


# --------------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------------


def _open_xlsx(book: Spreadsheet, stream: BinaryIO, max_unpacked: int, budget: _Budget) -> None:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(stream) as archive:
            _check_parts(archive, max_unpacked, budget)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
        raise ParseError(
            "the file is not a valid .xlsx workbook",
            "Open it in Excel and save it again as Excel Workbook (.xlsx).",
        ) from exc
    stream.seek(0)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a corrupt package
        raise ParseError(
            f"the file is not a valid .xlsx workbook ({type(exc).__name__})",
            "Open it in Excel and save it again as Excel Workbook (.xlsx).",
        ) from exc
    book._closers.append(workbook.close)
    book.sheet_names = [ws.title for ws in workbook.worksheets]
    book._sheets = (_xlsx_sheet(ws, budget) for ws in workbook.worksheets)


def _too_big(message: str) -> ParseError:
    return ParseError(
        message, "Remove unused sheets, images and formatting, or split the register."
    )


def _check_parts(archive: zipfile.ZipFile, max_unpacked: int, budget: _Budget) -> None:
    """Refuse a workbook before openpyxl reads any of it, from the sizes the zip directory
    declares (a part never inflates past its declared size: :mod:`zipfile` stops there) and a
    count of the shared strings, which openpyxl would otherwise load all at once."""
    infos = archive.infolist()
    inflated = sum(info.file_size for info in infos)
    if inflated > max_unpacked:
        raise _too_big(
            f"the workbook unpacks to {inflated / 1_048_576:.0f} MB; the limit is "
            f"{max_unpacked / 1_048_576:.0f} MB"
        )
    if len(infos) > budget.max_parts:
        raise _too_big(f"the workbook has {len(infos):,} parts; the limit is {budget.max_parts:,}")
    shared = _shared_strings_part(archive)
    for info in infos:
        name = info.filename
        if name.startswith("xl/worksheets/") or name.startswith(_UNREAD_PARTS):
            continue
        limit = budget.max_shared_bytes if name == shared else budget.max_part_bytes
        if info.file_size > limit:
            what = "shared-strings table" if name == shared else f"part {name}"
            raise _too_big(
                f"the workbook's {what} unpacks to {info.file_size / 1_048_576:.1f} MB; the "
                f"limit is {limit / 1_048_576:.1f} MB"
            )
    if shared is not None:
        count = _count_shared_strings(archive, shared, budget.max_shared_strings)
        if count > budget.max_shared_strings:
            raise _too_big(
                f"the workbook's shared-strings table holds more than "
                f"{budget.max_shared_strings:,} strings"
            )


def _shared_strings_part(archive: zipfile.ZipFile) -> str | None:
    """The shared-strings part's name, from ``[Content_Types].xml`` (any name is allowed)."""
    names = set(archive.namelist())
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in names else None
    if info.file_size <= DEFAULT_MAX_PART_BYTES:
        types = archive.read(info)
        found = re.search(
            rb'PartName="/([^"]+)"[^>]*ContentType="[^"]*sharedStrings\+xml"', types
        ) or re.search(rb'ContentType="[^"]*sharedStrings\+xml"[^>]*PartName="/([^"]+)"', types)
        if found:
            name = found.group(1).decode("utf-8", "replace")
            if name in names:
                return name
    return "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in names else None


def _count_shared_strings(archive: zipfile.ZipFile, name: str, limit: int) -> int:
    """The number of ``<si>`` entries, read a megabyte at a time, stopping once past ``limit``.
    A match is at most 40 bytes long, so one starting in a chunk's last 64 bytes is left for
    the next chunk (scanned again with it), and none is counted twice."""
    keep = 64
    count = 0
    tail = b""
    with archive.open(name) as part:
        while chunk := part.read(_CHUNK):
            data = tail + chunk
            safe = max(len(data) - keep, 0)
            count += sum(1 for m in _SHARED_STRING.finditer(data, 0, len(data)) if m.start() < safe)
            tail = data[safe:]
            if count > limit:
                return count
    return count + len(_SHARED_STRING.findall(tail))


def _xlsx_sheet(ws: Any, budget: _Budget) -> Sheet:
    return _sheet(ws.title, _xlsx_rows(ws), budget)


def _xlsx_rows(ws: Any) -> Iterator[tuple[int, tuple[CellValue, ...]]]:
    """The sheet's rows with their numbers, missing rows as blank ones, as the read-only
    worksheet's ``iter_rows`` gives them, from openpyxl's own row parser but without a
    ``ReadOnlyCell`` per cell, nor a row padded out to ``MAX_COLUMNS`` cells (that cost 6 s
    of a 50,000-row import). The sheet's stored ``<dimension>`` is not used: some writers
    store a wrong one."""
    from openpyxl.worksheet._reader import WorkSheetParser

    book = ws.parent
    try:
        with ws._get_source() as source:
            parser = WorkSheetParser(
                source,
                ws._shared_strings,
                data_only=False,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            expected = 1
            for number, cells in parser.parse():
                if number < expected:  # a row out of order: openpyxl skips it too
                    continue
                for missing in range(expected, number):
                    yield missing, ()
                expected = number + 1
                yield number, _xlsx_values(cells)
    except ParseError:
        raise
    except Exception as exc:  # a broken sheet: bad XML, a cell reference or value it cannot be
        raise ParseError(
            f"the sheet {ws.title!r} cannot be read ({type(exc).__name__})",
            "Open the file in Excel and save it again as Excel Workbook (.xlsx).",
            sheet=ws.title,
        ) from exc


def _xlsx_values(cells: list[dict[str, Any]]) -> tuple[CellValue, ...]:
    """A row's values by column, up to its last filled cell and at most ``MAX_COLUMNS``."""
    values: list[CellValue] = []
    for cell in cells:
        column = cell["column"]
        if column > MAX_COLUMNS:
            continue
        value = _xlsx_value(cell["value"], cell["data_type"])
        if column > len(values):
            if value is None:
                continue
            values.extend([None] * (column - 1 - len(values)))
            values.append(value)
        else:
            values[column - 1] = value
    while values and values[-1] is None:
        values.pop()
    return tuple(values)


def _xlsx_value(value: Any, data_type: str) -> CellValue:
    if value is None:
        return None
    if data_type == "f":
        text = value if isinstance(value, str) else getattr(value, "text", None) or str(value)
        return Formula(text if text.startswith("=") else f"={text}")
    if isinstance(value, str | bool | int | float | date):
        return value
    return str(value)


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------

_BOM: Final = codecs.BOM_UTF8


def _open_csv(book: Spreadsheet, stream: BinaryIO, budget: _Budget) -> None:
    encoding = _csv_encoding(stream)
    if encoding == "cp1252":
        book.warnings.append(
            "The CSV file is not UTF-8; it was read as Windows-1252 (Excel's 'CSV' on Windows). "
            "Check that names with ä, ö and å look right, or save as 'CSV UTF-8'."
        )
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=encoding, newline="")
    # The wrapper must not close a stream the caller owns; detach it when the book closes.
    book._closers.insert(0, lambda: _detach(text))
    first = text.readline()
    delimiter = _sniff_delimiter(first)
    reader = csv.reader(itertools.chain([first], text), delimiter=delimiter)
    name = Path(book.filename).stem or "csv"
    book.sheet_names = [name]
    book._sheets = iter([_sheet(name, _csv_rows(reader, name), budget)])


def _detach(text: io.TextIOWrapper) -> None:
    with contextlib.suppress(ValueError):
        text.detach()


def _csv_encoding(stream: BinaryIO) -> str:
    """UTF-8 if every byte decodes as UTF-8, else Windows-1252; checked in 1 MB chunks."""
    head = stream.read(len(_BOM))
    if head == _BOM:
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
        stream.seek(0)
    if _decodes(stream, "utf-8"):
        return encoding
    stream.seek(0)
    if _decodes(stream, "cp1252"):
        return "cp1252"
    raise ParseError(
        "the CSV file is neither UTF-8 nor Windows-1252 text",
        "In Excel choose File > Save As > 'CSV UTF-8 (comma delimited)' and import that file.",
    )


def _decodes(stream: BinaryIO, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while chunk := stream.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: _count_outside_quotes(header_line, d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count = 0
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


#: After an apostrophe, the starts the exporter escapes (see transfers.importer.export).
_ESCAPED_START: Final = ("=", "+", "-", "@", "\t", "\r")


def _csv_rows(
    reader: Iterator[list[str]], name: str
) -> Iterator[tuple[int, tuple[CellValue, ...]]]:
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            yield (
                number,
                tuple(
                    [
                        v if v and v[0] not in _PLAIN_NOT else _csv_value(v)
                        for v in record[:MAX_COLUMNS]
                    ]
                ),
            )
    except csv.Error as exc:
        raise ParseError(
            f"the CSV file is malformed near row {number + 1}: {exc}",
            'Check for an unclosed quote (") or stray control characters in that row.',
            sheet=name,
            row=number + 1,
        ) from exc
    except UnicodeDecodeError as exc:  # pragma: no cover - encoding was checked beforehand
        raise ParseError(str(exc), "Save the file as 'CSV UTF-8'.", sheet=name) from exc


#: First characters of a cell that :func:`_csv_value` may change; any other cell is its text.
_PLAIN_NOT: Final = "'= \t\r\n"


def _csv_value(text: str) -> CellValue:
    if not text:
        return None
    if text.startswith("'") and text[1:].lstrip(" ").startswith(_ESCAPED_START):
        return text[1:]
    if text.lstrip(" \t\r\n").startswith("="):  # Excel runs " =..." and "\t=..." as formulas too
        return Formula(text)
    return text


# --------------------------------------------------------------------------------------------
# Shared
# --------------------------------------------------------------------------------------------


def is_blank(values: tuple[CellValue, ...]) -> bool:
    """A row with no value at all (only ``None`` or whitespace) is skipped, wherever it is."""
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _sheet(
    name: str, numbered: Iterator[tuple[int, tuple[CellValue, ...]]], budget: _Budget
) -> Sheet:
    header: Row | None = None
    for number, values in numbered:
        budget.take(name, number)
        if not is_blank(values):
            header = Row(number, values)
            break
    return Sheet(name=name, header=header, rows=_data_rows(name, numbered, budget))


def _data_rows(
    name: str, numbered: Iterator[tuple[int, tuple[CellValue, ...]]], budget: _Budget
) -> Iterator[Row]:
    for number, values in numbered:
        budget.take(name, number)
        if is_blank(values):
            continue
        yield Row(number, values)


def read_bytes_limited(stream: IO[bytes], max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read an upload into memory, refusing it as soon as it passes ``max_bytes``.

    For callers (HTTP uploads) that receive a stream of unknown length.
    """
    buffer = bytearray()
    while chunk := stream.read(_CHUNK):
        buffer += chunk
        if len(buffer) > max_bytes:
            raise ParseError(
                f"the file is larger than the limit of {max_bytes / 1_048_576:.1f} MB",
                "Split the register into smaller files.",
            )
    return bytes(buffer)
