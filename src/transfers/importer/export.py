"""Writing the register out as XLSX, CSV and JSON.

The XLSX and CSV headers are exactly the import column names (:mod:`transfers.importer.mapping`)
so that an export, edited in Excel, re-imports to the same register: the export is also the
template people fill in. The XLSX has one sheet per entity (vendors, agreements, transfers,
subprocessors) and carries everything; the CSV is the flat layout (one row per transfer, vendor
columns repeated) and carries each vendor's latest DPA only, since a flat row has one pair of DPA
columns. ``verdict`` and ``verdict_as_of`` are export-only columns: a verdict is computed by the
rules engine as of a date, never imported.

Text that a spreadsheet would run as a formula (starting with ``= + - @``, tab or carriage
return, also after leading spaces) is neutralised: the CSV writer prefixes an apostrophe (OWASP's
CSV-injection advice; the importer removes it again) and the XLSX writer stores such text as a
string cell with Excel's quote prefix, never a formula.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import IO, Any, Final, Literal, TypeVar

import msgspec
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from transfers.common.text import xml_safe
from transfers.importer.mapping import (
    AGREEMENT_COLUMNS,
    FLAT_COLUMNS,
    SUBPROCESSOR_COLUMNS,
    TRANSFER_COLUMNS,
)

ExportFormat = Literal["xlsx", "csv", "json"]
_Self = TypeVar("_Self")


def _of(cls: type[_Self], source: Mapping[str, Any] | object) -> _Self:
    """Build an export record from a dict or any object with the same attribute names (a model)."""
    if isinstance(source, Mapping):
        values = {f.name: source[f.name] for f in fields(cls) if f.name in source}  # type: ignore[arg-type]
    else:
        values = {f.name: getattr(source, f.name) for f in fields(cls) if hasattr(source, f.name)}  # type: ignore[arg-type]
    if isinstance(values.get("data_categories"), list):
        values["data_categories"] = tuple(values["data_categories"])
    return cls(**values)


@dataclass(frozen=True, slots=True)
class ExportVendor:
    id: int
    name: str
    country: str
    role: str
    category: str = "other"
    status: str = "proposed"
    business_id: str | None = None
    legal_name: str | None = None
    website: str | None = None
    address: str | None = None
    signatory_name: str | None = None
    signatory_title: str | None = None
    authorised_by_processor: bool | None = None

    @classmethod
    def of(cls, source: Mapping[str, Any] | object) -> ExportVendor:
        return _of(cls, source)


@dataclass(frozen=True, slots=True)
class ExportAgreement:
    id: int
    vendor_id: int
    kind: str
    scc_module: int | None = None
    title: str | None = None
    status: str = "draft"
    signed_on: date | None = None
    ends_on: date | None = None
    terminated_on: date | None = None

    @classmethod
    def of(cls, source: Mapping[str, Any] | object) -> ExportAgreement:
        return _of(cls, source)


@dataclass(frozen=True, slots=True)
class ExportTransfer:
    id: int
    vendor_id: int
    destination_country: str
    mechanism: str
    scc_module: int | None = None
    exporter_role: str = "controller"
    data_categories: tuple[str, ...] = ()
    frequency: str | None = None
    dpf_certified: bool | None = None
    dpf_verified_on: date | None = None
    started_on: date | None = None
    ended_on: date | None = None
    fallback_mechanism: str | None = None
    adequacy_scope_confirmed: bool | None = None
    dpf_hr_covered: bool | None = None
    bcr_approval_ref: str | None = None
    bcr_type: str | None = None
    importer_in_group: bool | None = None
    approval_ref: str | None = None
    combines_eu_data: bool | None = None
    third_country_order: bool | None = None
    international_agreement: str | None = None
    limited_data_subjects: bool | None = None
    authority_informed_on: date | None = None
    data_subjects_informed: bool | None = None

    @classmethod
    def of(cls, source: Mapping[str, Any] | object) -> ExportTransfer:
        return _of(cls, source)


@dataclass(frozen=True, slots=True)
class ExportLink:
    """``subprocessor_id`` processes personal data for ``vendor_id`` (Art. 28(2) and (4))."""

    vendor_id: int
    subprocessor_id: int


@dataclass(frozen=True, slots=True)
class ExportData:
    """The register to export. ``verdicts`` maps transfer id to the verdict as of ``as_of``."""

    vendors: Sequence[ExportVendor]
    agreements: Sequence[ExportAgreement]
    transfers: Sequence[ExportTransfer]
    links: Sequence[ExportLink] = ()
    verdicts: Mapping[int, str] = field(default_factory=dict)
    as_of: date = field(default_factory=date.today)


VENDOR_SHEET_COLUMNS: Final = (
    "name",
    "business_id",
    "legal_name",
    "country",
    "role",
    "category",
    "status",
    "website",
    "address",
    "signatory_name",
    "signatory_title",
    "authorised_by_processor",
)
AGREEMENT_SHEET_COLUMNS: Final = AGREEMENT_COLUMNS
TRANSFER_SHEET_COLUMNS: Final = (*TRANSFER_COLUMNS, "verdict", "verdict_as_of")
SUBPROCESSOR_SHEET_COLUMNS: Final = SUBPROCESSOR_COLUMNS
FLAT_EXPORT_COLUMNS: Final = (*(c.name for c in FLAT_COLUMNS), "verdict", "verdict_as_of")


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------


def _cell(value: object) -> object:
    """A value as a spreadsheet cell holds it: yes/no for booleans, joined lists."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value)
    return value


def _vendor_record(vendor: ExportVendor) -> dict[str, object]:
    return {c: getattr(vendor, c) for c in VENDOR_SHEET_COLUMNS}


def _transfer_record(data: ExportData, transfer: ExportTransfer) -> dict[str, object]:
    record: dict[str, object] = {
        c: getattr(transfer, c) for c in TRANSFER_COLUMNS if c not in ("name", "business_id")
    }
    record["verdict"] = data.verdicts.get(transfer.id)
    record["verdict_as_of"] = data.as_of
    return record


class _Index:
    """Lookups the writers need: vendors by id, transfers, DPAs and parents per vendor."""

    def __init__(self, data: ExportData) -> None:
        self.vendors = {v.id: v for v in data.vendors}
        self.transfers: dict[int, list[ExportTransfer]] = {}
        for transfer in sorted(data.transfers, key=lambda t: t.id):
            self.transfers.setdefault(transfer.vendor_id, []).append(transfer)
        self.parents: dict[int, list[ExportVendor]] = {}
        for link in data.links:
            parent = self.vendors.get(link.vendor_id)
            if parent is not None and link.subprocessor_id in self.vendors:
                self.parents.setdefault(link.subprocessor_id, []).append(parent)
        self.dpa: dict[int, ExportAgreement] = {}
        for agreement in data.agreements:
            if agreement.kind != "dpa":
                continue
            current = self.dpa.get(agreement.vendor_id)
            if current is None or _later(agreement, current):
                self.dpa[agreement.vendor_id] = agreement

    def vendor_key(self, vendor_id: int) -> dict[str, object]:
        vendor = self.vendors.get(vendor_id)
        if vendor is None:
            return {"name": None, "business_id": None}
        return {"name": vendor.name, "business_id": vendor.business_id}


def _later(candidate: ExportAgreement, current: ExportAgreement) -> bool:
    """The DPA a flat row shows: the latest signed one (unsigned drafts lose to signed ones)."""
    return (candidate.signed_on or date.min, candidate.id) > (
        current.signed_on or date.min,
        current.id,
    )


def flat_rows(data: ExportData) -> Iterator[dict[str, object]]:
    """The flat layout: one row per transfer (vendor columns repeated), at least one per vendor.

    A vendor with more parents than transfers gets extra transfer-less rows, so that every
    subprocessor link survives the round trip.
    """
    index = _Index(data)
    for vendor in data.vendors:
        transfers = index.transfers.get(vendor.id, [])
        parents = index.parents.get(vendor.id, [])
        dpa = index.dpa.get(vendor.id)
        base = _vendor_record(vendor)
        base["dpa_signed_on"] = dpa.signed_on if dpa else None
        base["dpa_ends_on"] = dpa.ends_on if dpa else None
        for i in range(max(len(transfers), len(parents), 1)):
            row = dict(base)
            if i < len(transfers):
                row.update(_transfer_record(data, transfers[i]))
            if i < len(parents):
                row["parent_business_id"] = parents[i].business_id
                row["parent_name"] = parents[i].name
            yield {c: row.get(c) for c in FLAT_EXPORT_COLUMNS}


def _sheet_rows(data: ExportData) -> dict[str, tuple[tuple[str, ...], Iterator[dict[str, object]]]]:
    index = _Index(data)

    def vendors() -> Iterator[dict[str, object]]:
        for vendor in data.vendors:
            yield _vendor_record(vendor)

    def agreements() -> Iterator[dict[str, object]]:
        for agreement in data.agreements:
            record = index.vendor_key(agreement.vendor_id)
            record.update(
                kind=agreement.kind,
                scc_module=agreement.scc_module,
                title=agreement.title,
                agreement_status=agreement.status,
                signed_on=agreement.signed_on,
                ends_on=agreement.ends_on,
                terminated_on=agreement.terminated_on,
            )
            yield record

    def transfers() -> Iterator[dict[str, object]]:
        for transfer in data.transfers:
            record = index.vendor_key(transfer.vendor_id)
            record.update(_transfer_record(data, transfer))
            yield record

    def subprocessors() -> Iterator[dict[str, object]]:
        for link in data.links:
            child = index.vendors.get(link.subprocessor_id)
            parent = index.vendors.get(link.vendor_id)
            if child is None or parent is None:
                continue
            yield {
                "name": child.name,
                "business_id": child.business_id,
                "parent_name": parent.name,
                "parent_business_id": parent.business_id,
            }

    return {
        "vendors": (VENDOR_SHEET_COLUMNS, vendors()),
        "agreements": (AGREEMENT_SHEET_COLUMNS, agreements()),
        "transfers": (TRANSFER_SHEET_COLUMNS, transfers()),
        "subprocessors": (SUBPROCESSOR_SHEET_COLUMNS, subprocessors()),
    }


# --------------------------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------------------------

_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def _runs_as_formula(text: str) -> bool:
    """OWASP's CSV-injection list, also behind leading spaces (Excel skips them)."""
    return text.startswith(_FORMULA_START) or text.lstrip(" ").startswith(_FORMULA_START)


def write_xlsx(data: ExportData, target: str | os.PathLike[str] | IO[bytes]) -> None:
    """Write the register as a workbook (write-only mode: rows stream out, memory stays flat)."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = f"Transfer register as of {data.as_of.isoformat()}"
    for title, (columns, rows) in _sheet_rows(data).items():
        sheet: WriteOnlyWorksheet = workbook.create_sheet(title)
        sheet.append(list(columns))
        for record in rows:
            sheet.append([_xlsx_cell(sheet, _cell(record.get(c))) for c in columns])
    workbook.save(target)


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: object) -> object:
    if isinstance(value, str):
        value = xml_safe(value)
        cell = WriteOnlyCell(sheet, value=value)
        # openpyxl would store "=..." as a formula; a vendor name is never one.
        cell.data_type = "s"
        if _runs_as_formula(value):  # Excel's own escape: shown as typed, never evaluated
            cell.style = "Normal"
            cell.quotePrefix = True
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value


def write_csv(data: ExportData, target: IO[str], *, delimiter: str = ",") -> None:
    """Write the flat layout as CSV; open ``target`` with ``newline=""``.

    Use ``delimiter=";"`` for Finnish Excel, which expects semicolons.
    """
    writer = csv.writer(target, delimiter=delimiter)
    writer.writerow(FLAT_EXPORT_COLUMNS)
    for record in flat_rows(data):
        writer.writerow([_csv_cell(_cell(record[c])) for c in FLAT_EXPORT_COLUMNS])


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if _runs_as_formula(text) else text


def write_json(data: ExportData, target: IO[bytes]) -> None:
    """Write the register as JSON: ids kept, verdicts on transfers, links as id pairs."""
    document = {
        "as_of": data.as_of,
        "vendors": list(data.vendors),
        "agreements": list(data.agreements),
        "transfers": [{**_fields(t), "verdict": data.verdicts.get(t.id)} for t in data.transfers],
        "subprocessors": list(data.links),
    }
    target.write(msgspec.json.encode(document))


def _fields(instance: object) -> dict[str, Any]:
    return {f.name: getattr(instance, f.name) for f in fields(instance)}  # type: ignore[arg-type]


def render(data: ExportData, fmt: ExportFormat, *, delimiter: str = ",") -> bytes:
    """The export as bytes, for an HTTP response. CSV is UTF-8 with a BOM so Excel reads ä, ö."""
    buffer = io.BytesIO()
    if fmt == "xlsx":
        write_xlsx(data, buffer)
    elif fmt == "json":
        write_json(data, buffer)
    else:
        text = io.TextIOWrapper(buffer, encoding="utf-8-sig", newline="")
        write_csv(data, text, delimiter=delimiter)
        text.flush()
        text.detach()
    return buffer.getvalue()
