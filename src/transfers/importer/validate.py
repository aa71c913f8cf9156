"""Turning parsed spreadsheet rows into an import plan, or a list of problems to fix.

The plan is pure data: no database is read or written here. The DB writer applies a plan only
when ``plan.complete`` (no problems), matching vendors in the register by business id, else by
exact name, the same rule used here to match rows within the sheet. Every problem names the
row, sheet, column and value and says how to fix it, because the people importing are privacy
and procurement staff editing Excel, not developers.

Two layouts are accepted:

* one flat sheet, one row per transfer, vendor columns repeated (rows without a destination and
  mechanism register a vendor only); ``dpa_signed_on``/``dpa_ends_on`` give the vendor's
  Art. 28 DPA;
* one sheet per entity: ``vendors``, ``agreements``, ``transfers``, ``subprocessors`` (or
  ``toimittajat``, ``sopimukset``, ``siirrot``, ``alikäsittelijät``), where agreements,
  transfers and subprocessor links name their vendor by ``business_id`` and/or ``name``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Any, Final, TypeVar

from transfers.common import record_fields
from transfers.importer import mapping
from transfers.importer.mapping import Entity, HeaderMap, ValueProblem, cell_text
from transfers.importer.parse import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    Interrupt,
    ParseError,
    Row,
    Sheet,
    Source,
    Spreadsheet,
    open_spreadsheet,
)

T = TypeVar("T")

#: How each transfer fact column is read: (parser, as_text).
_PARSERS: Final[dict[str, tuple[Callable[[Any], Any], bool]]] = {
    "tristate": (mapping.parse_bool, False),
    "checkbox": (mapping.parse_bool, False),
    "date": (mapping.parse_date, False),
    "text": (str, True),
}
_CHOICES: Final[dict[str, Callable[[Any], Any]]] = {
    "mechanisms": mapping.parse_mechanism,
}


def _fact_parser(decl: record_fields.Decl) -> tuple[Callable[[Any], Any], bool]:
    """How a declared transfer fact column is read: by its kind, a code by its choices."""
    if decl.kind == "select":
        if decl.source in _CHOICES:
            return _CHOICES[decl.source], True
        if decl.codes == mapping.BCR_TYPES:
            return mapping.parse_bcr_type, True
    return _PARSERS[decl.kind]


#: How each transfer fact column is read: (parser, as_text), from the declaration.
_FACT_PARSERS: Final[dict[str, tuple[Callable[[Any], Any], bool]]] = {
    d.name: _fact_parser(d) for d in record_fields.TRANSFER_FACT_COLUMNS
}

DEFAULT_MAX_PROBLEMS: Final = 1000
#: Our role when the sheet does not say: the register is kept by the controller (Art. 30(1)).
DEFAULT_EXPORTER_ROLE: Final = "controller"


@dataclass(frozen=True, slots=True)
class Problem:
    """What is wrong with one cell (or column, or the file: ``row`` 0) and how to fix it."""

    row: int
    sheet: str
    column: str
    value: str
    message: str
    fix: str


@dataclass(frozen=True, slots=True)
class VendorRef:
    """How a row names its vendor: by business id, else by exact name (the DB writer's rule)."""

    business_id: str | None
    name: str | None

    def __str__(self) -> str:
        if self.business_id and self.name:
            return f"{self.name} ({self.business_id})"
        return self.business_id or self.name or "?"


@dataclass(frozen=True, slots=True)
class VendorRow:
    """A vendor to create or update. ``parents``: vendors it is a subprocessor of."""

    name: str
    country: str
    role: str
    category: str = "other"
    status: str = "proposed"
    business_id: str | None = None
    legal_name: str | None = None
    website: str | None = None
    parents: tuple[VendorRef, ...] = ()
    row: int = field(default=0, compare=False)
    sheet: str = field(default="", compare=False)
    address: str | None = None
    signatory_name: str | None = None
    signatory_title: str | None = None
    authorised_by_processor: bool | None = None
    #: (row, sheet) naming each of ``parents``, for problems about the link.
    parent_rows: tuple[tuple[int, str], ...] = field(default=(), compare=False)

    @property
    def ref(self) -> VendorRef:
        return VendorRef(self.business_id, self.name)


@dataclass(frozen=True, slots=True)
class AgreementRow:
    """An agreement with a vendor (a flat sheet's DPA columns become ``kind="dpa"``)."""

    vendor: VendorRef
    kind: str
    scc_module: int | None = None
    title: str | None = None
    status: str = "draft"
    signed_on: date | None = None
    ends_on: date | None = None
    row: int = field(default=0, compare=False)
    sheet: str = field(default="", compare=False)
    terminated_on: date | None = None
    #: Sheet column of an agreement field where it is not the field's own name (flat DPAs).
    columns: tuple[tuple[str, str], ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class TransferRow:
    """A transfer of personal data to ``vendor`` in ``destination_country`` (GDPR Chapter V)."""

    vendor: VendorRef
    destination_country: str
    mechanism: str
    scc_module: int | None = None
    exporter_role: str = DEFAULT_EXPORTER_ROLE
    data_categories: tuple[str, ...] = ()
    frequency: str | None = None
    dpf_certified: bool | None = None
    dpf_verified_on: date | None = None
    started_on: date | None = None
    ended_on: date | None = None
    row: int = field(default=0, compare=False)
    sheet: str = field(default="", compare=False)
    facts: tuple[tuple[str, Any], ...] = ()
    """The filled-in :data:`~transfers.importer.mapping.TRANSFER_FACT_COLUMNS` (name, value)."""


@dataclass(slots=True)
class ImportPlan:
    """What an import would do. Apply it only if :attr:`complete` (``problems`` is empty).

    ``warnings`` are things a person should know but that do not block the import (a CSV read
    as Windows-1252, ignored columns or sheets, vendors expected to exist in the register).
    """

    vendors: list[VendorRow] = field(default_factory=list)
    agreements: list[AgreementRow] = field(default_factory=list)
    transfers: list[TransferRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.problems


def plan_import(
    source: Source,
    *,
    filename: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_problems: int = DEFAULT_MAX_PROBLEMS,
    interrupt: Interrupt | None = None,
) -> ImportPlan:
    """Read a spreadsheet (path, bytes or binary file) and validate it into an :class:`ImportPlan`.

    File-level failures (size, row limit, format, encoding) become problems on row 0 (or on the
    row where the limit was hit) rather than exceptions, so callers show one kind of report.
    """
    try:
        book = open_spreadsheet(
            source, filename=filename, max_bytes=max_bytes, max_rows=max_rows, interrupt=interrupt
        )
    except ParseError as exc:
        return ImportPlan(problems=[_parse_problem(exc)])
    with book:
        return build_plan(book, max_problems=max_problems)


def build_plan(book: Spreadsheet, *, max_problems: int = DEFAULT_MAX_PROBLEMS) -> ImportPlan:
    """Validate an opened spreadsheet: pick the layout, read each sheet, then cross-check."""
    builder = _Builder(max_problems)
    for message in book.warnings:
        builder.warn(Problem(0, "", "", "", message, "Save the file as 'CSV UTF-8'."))
    named = any(mapping.sheet_entity(name) is not None for name in book.sheet_names)
    try:
        for index, sheet in enumerate(book.sheets()):
            entity = _entity_of(sheet, named=named, first=index == 0)
            if entity is None:
                builder.warn(
                    Problem(
                        0,
                        sheet.name,
                        "",
                        "",
                        f"sheet {sheet.name!r} was ignored",
                        "Name sheets vendors, agreements, transfers, subprocessors "
                        "(toimittajat, sopimukset, siirrot, alikäsittelijät).",
                    )
                )
                continue
            builder.read_sheet(sheet, entity)
    except ParseError as exc:
        builder.problem(_parse_problem(exc))
    return builder.finish()


def _parse_problem(exc: ParseError) -> Problem:
    return Problem(exc.row, exc.sheet, "", "", exc.message, exc.fix)


#: A flat row with any of these filled in describes a transfer (else it is a vendor-only row).
_TRANSFER_VALUE_COLUMNS: Final = (
    "destination_country",
    "mechanism",
    "scc_module",
    "exporter_role",
    "data_categories",
    "frequency",
    "dpf_certified",
    "dpf_verified_on",
    "started_on",
    "ended_on",
    *mapping.TRANSFER_FACT_COLUMNS,
)
_TRANSFER_COLUMN_SET: Final = frozenset(_TRANSFER_VALUE_COLUMNS)
_FLAT_MARKERS: Final = frozenset({"country", "role", "category"})
_TRANSFER_MARKERS: Final = frozenset({"destination_country", "mechanism"})


def _entity_of(sheet: Sheet, *, named: bool, first: bool) -> Entity | None:
    """The layout of a sheet: its name, except that vendor + transfer columns mean flat.

    A flat export saved as ``transfers.csv`` must re-import as the flat layout it is.
    """
    entity = mapping.sheet_entity(sheet.name)
    columns = set(mapping.match_headers(sheet.header.values).columns) if sheet.header else set()
    looks_flat = bool(columns & _FLAT_MARKERS) and bool(columns & _TRANSFER_MARKERS)
    if entity in (None, "transfers", "vendors") and looks_flat:
        return "flat"
    if entity is not None:
        return entity
    if first and not named:
        return "flat"
    return None


_REQUIRED: Final[dict[Entity, tuple[tuple[str, ...], ...]]] = {
    "flat": (("name",), ("country",), ("role",), ("destination_country",), ("mechanism",)),
    "vendors": (("name",), ("country",), ("role",)),
    "agreements": (("name", "business_id"), ("kind",)),
    "transfers": (("name", "business_id"), ("destination_country",), ("mechanism",)),
    "subprocessors": (("name", "business_id"), ("parent_name", "parent_business_id")),
}


@dataclass(slots=True)
class _VendorDraft:
    """A vendor as collected over one or more rows, with the row each attribute came from."""

    index: int
    row: int
    sheet: str
    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)
    invalid: set[str] = field(default_factory=set)
    parents: list[tuple[VendorRef, int, str]] = field(default_factory=list)

    @property
    def business_id(self) -> str | None:
        value = self.values.get("business_id")
        return value if isinstance(value, str) else None

    @property
    def name(self) -> str:
        return str(self.values.get("name", ""))

    def ref(self) -> VendorRef:
        return VendorRef(self.business_id, self.name)


#: Vendor attributes that must agree on every flat row of the same vendor.
_VENDOR_ATTRIBUTES: Final = (
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
    "dpa_signed_on",
    "dpa_ends_on",
)


def _bid_key(business_id: str) -> str:
    """Business ids compare without case and spaces ("fi 1234567-8" is "FI1234567-8")."""
    return "".join(business_id.split()).casefold()


class _Layout:
    """Where a sheet's repeated column groups sit, worked out once per sheet rather than looked
    up cell by cell on each of its rows."""

    def __init__(self, header: HeaderMap) -> None:
        columns = header.columns
        #: One past the last column: the index of the None that pads every row.
        self.width = max(columns.values(), default=-1) + 1
        absent = self.width
        #: The raw cells of :data:`_VENDOR_ATTRIBUTES` from a padded row, as a tuple.
        self.vendor_cells = itemgetter(*(columns.get(c, absent) for c in _VENDOR_ATTRIBUTES))
        #: (column, index, parser, as_text) of the fact columns the sheet has, in order.
        self.facts = tuple(
            (column, columns[column], *_FACT_PARSERS[column])
            for column in mapping.TRANSFER_FACT_COLUMNS
            if column in columns
        )


class _Cells:
    """One data row, read column by column; every bad value becomes a problem."""

    def __init__(
        self, builder: _Builder, sheet: str, header: HeaderMap, row: Row, layout: _Layout
    ) -> None:
        self.builder = builder
        self.sheet = sheet
        self.header = header
        self.row = row
        self.ok = True
        self.bad: set[str] = set()
        self.layout = layout
        self._columns = header.columns
        self._values = row.values

    def padded(self) -> tuple[Any, ...]:
        """The row's cells, cut or padded with None to one past the sheet's last column."""
        values, width = self._values, self.layout.width
        if len(values) > width:
            return (*values[:width], None)
        return values + (None,) * (width + 1 - len(values))

    def raw(self, column: str) -> Any:
        """As :meth:`HeaderMap.get`, inlined: a 40,000-row sheet asks this two million times."""
        index = self._columns.get(column)
        if index is None or index >= len(self._values):
            return None
        return self._values[index]

    def has(self, column: str) -> bool:
        value = self.raw(column)
        return value is not None and not (isinstance(value, str) and not value.strip())

    def report(self, column: str, message: str, fix: str) -> None:
        self.ok = False
        self.bad.add(column)
        self.builder.problem(
            Problem(self.row.number, self.sheet, column, _show(self.raw(column)), message, fix)
        )

    def text(self, column: str) -> str | None:
        value = self.raw(column)
        if value is None or value == "":
            return None
        try:
            return cell_text(value)
        except ValueProblem as problem:
            self.report(column, problem.message, problem.fix)
            return None

    def parse(self, column: str, parser: Callable[[Any], T], *, as_text: bool = True) -> T | None:
        """Parse a cell; ``as_text`` passes the trimmed text, else the raw value (dates)."""
        value = self.raw(column)
        if value is None or value == "":  # most optional cells are blank: skip the parsing
            return None
        try:
            text = cell_text(value)
            if text is None:
                return None
            return parser(text if as_text else value)
        except ValueProblem as problem:
            self.report(column, problem.message, problem.fix)
            return None

    def required(self, column: str, what: str) -> None:
        if column not in self.bad:
            self.report(column, f"{what} is missing", f"Fill in {column} on this row.")


def _show(value: Any) -> str:
    if value is None:
        return ""
    text = getattr(value, "text", value)
    return str(text)


class _Builder:
    def __init__(self, max_problems: int) -> None:
        self.max_problems = max_problems
        self.problems: list[Problem] = []
        self.hidden = 0
        self.warnings: list[Problem] = []
        self.drafts: list[_VendorDraft] = []
        self.by_bid: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}
        # Agreements/transfers/links wait for the end: sheets may come in any order.
        self.agreements: list[tuple[AgreementRow, int | None]] = []
        self.transfers: list[tuple[TransferRow, int | None]] = []
        self.links: list[tuple[VendorRef, VendorRef, int, str]] = []
        self.external: set[VendorRef] = set()
        self.vendor_cells: dict[tuple[object, ...], dict[str, Any]] = {}

    # -- reporting -----------------------------------------------------------------------

    def problem(self, problem: Problem) -> None:
        if len(self.problems) < self.max_problems:
            self.problems.append(problem)
        else:
            self.hidden += 1

    def warn(self, warning: Problem) -> None:
        self.warnings.append(warning)

    # -- sheets --------------------------------------------------------------------------

    def read_sheet(self, sheet: Sheet, entity: Entity) -> None:
        if sheet.header is None:
            self.problem(
                Problem(
                    0,
                    sheet.name,
                    "",
                    "",
                    f"sheet {sheet.name!r} is empty",
                    "Put the column headers on the first row and one record per row below.",
                )
            )
            return
        header = mapping.match_headers(sheet.header.values)
        if not self._check_header(sheet, header, entity):
            return
        read = {
            "flat": self._flat_row,
            "vendors": self._vendor_sheet_row,
            "agreements": self._agreement_row,
            "transfers": self._transfer_sheet_row,
            "subprocessors": self._subprocessor_row,
        }[entity]
        layout = _Layout(header)
        for row in sheet.rows:
            read(_Cells(self, sheet.name, header, row, layout))

    def _check_header(self, sheet: Sheet, header: HeaderMap, entity: Entity) -> bool:
        assert sheet.header is not None
        row = sheet.header.number
        found = ", ".join(header.headers) or "(none)"
        ok = True
        for alternatives in _REQUIRED[entity]:
            if any(column in header.columns for column in alternatives):
                continue
            ok = False
            wanted = " or ".join(alternatives)
            spellings = ", ".join(s for c in alternatives for s in mapping.synonyms_of(c)[:3])
            self.problem(
                Problem(
                    row,
                    sheet.name,
                    alternatives[0],
                    "",
                    f"required column {wanted} is missing (headers found: {found})",
                    f"Add a column headed {wanted}"
                    + (f" (also accepted: {spellings})" if spellings else "")
                    + ".",
                )
            )
        for column, text in header.duplicates:
            ok = False
            self.problem(
                Problem(
                    row,
                    sheet.name,
                    column,
                    text,
                    f"two columns mean {column}",
                    f"Keep one column for {column} and delete or rename the other.",
                )
            )
        if header.unknown:
            self.warn(
                Problem(
                    row,
                    sheet.name,
                    "",
                    ", ".join(header.unknown),
                    "columns not imported: " + ", ".join(header.unknown),
                    "Rename them to a documented column if they should be imported.",
                )
            )
        return ok

    # -- vendors -------------------------------------------------------------------------

    def _vendor_values(self, cells: _Cells, *, dpa: bool) -> dict[str, Any]:
        """The vendor cells of a row, read once per distinct set of cells: a flat sheet repeats
        them on every transfer row of the vendor (only cells read without a problem are reused,
        so every bad cell is still reported at its own row)."""
        try:
            key = (dpa, cells.layout.vendor_cells(cells.padded()))
            cached = self.vendor_cells.get(key)
        except TypeError:  # an unhashable cell value: read it
            key, cached = None, None
        if cached is not None:
            return dict(cached)
        values = self._read_vendor_values(cells, dpa=dpa)
        if key is not None and not cells.bad:
            self.vendor_cells[key] = dict(values)
        return values

    def _read_vendor_values(self, cells: _Cells, *, dpa: bool) -> dict[str, Any]:
        values: dict[str, Any] = {
            "name": cells.text("name"),
            "business_id": cells.text("business_id"),
            "legal_name": cells.text("legal_name"),
            "country": cells.parse("country", mapping.parse_country),
            "role": cells.parse("role", mapping.parse_role),
            "category": cells.parse("category", mapping.parse_category),
            "status": cells.parse("status", mapping.parse_status),
            "website": cells.text("website"),
            "address": cells.text("address"),
            "signatory_name": cells.text("signatory_name"),
            "signatory_title": cells.text("signatory_title"),
            "authorised_by_processor": cells.parse(
                "authorised_by_processor", mapping.parse_bool, as_text=False
            ),
        }
        if dpa:
            values["dpa_signed_on"] = cells.parse(
                "dpa_signed_on", mapping.parse_date, as_text=False
            )
            values["dpa_ends_on"] = cells.parse("dpa_ends_on", mapping.parse_date, as_text=False)
        return values

    def _find(self, business_id: str | None, name: str | None) -> int | list[int] | None:
        """The sheet's vendor for an id/name; a list when a bare name matches several."""
        if business_id:
            index = self.by_bid.get(_bid_key(business_id))
            if index is not None:
                return index
            if name:
                unnumbered = [
                    i for i in self.by_name.get(name, []) if not self.drafts[i].business_id
                ]
                if len(unnumbered) == 1:
                    return unnumbered[0]
            return None
        if name:
            matches = self.by_name.get(name, [])
            if len(matches) == 1:
                return matches[0]
            if matches:
                return matches
        return None

    def _vendor(self, cells: _Cells, *, unique: bool, dpa: bool) -> int | None:
        values = self._vendor_values(cells, dpa=dpa)
        name, business_id = values["name"], values["business_id"]
        if name is None:
            cells.required("name", "the vendor name")
            return None
        found = self._find(business_id, name)
        if isinstance(found, list):
            rows = ", ".join(str(self.drafts[i].row) for i in found)
            cells.report(
                "business_id",
                f"{name!r} matches several vendors with different business ids (rows {rows})",
                "Fill in business_id so that the row names one vendor.",
            )
            return None
        if found is None:
            draft = _VendorDraft(len(self.drafts), cells.row.number, cells.sheet)
            self.drafts.append(draft)
            self.by_name.setdefault(name, []).append(draft.index)
        else:
            draft = self.drafts[found]
            if unique:
                cells.report(
                    "business_id" if business_id else "name",
                    f"vendor {VendorRef(business_id, name)} is already on row {draft.row}",
                    "Keep one row per vendor on the vendors sheet; delete this one or merge them.",
                )
                return None
        for attribute, value in values.items():
            if attribute in cells.bad:
                draft.invalid.add(attribute)
            if value is None:
                continue
            if attribute not in draft.values:
                draft.values[attribute] = value
                draft.sources[attribute] = cells.row.number
                draft.shown[attribute] = _show(cells.raw(attribute))
                if attribute == "business_id":
                    self.by_bid[_bid_key(value)] = draft.index
                continue
            current = draft.values[attribute]
            same = (
                _bid_key(current) == _bid_key(value)
                if attribute == "business_id"
                else current == value
            )
            if not same:
                cells.report(
                    attribute,
                    f"conflicts with row {draft.sources[attribute]}: vendor "
                    f"{draft.ref()} has {attribute} {_shown(current)} there, {_shown(value)} here",
                    "Make the vendor columns the same on every row of the same vendor, or give "
                    "different vendors different business ids.",
                )
        parent = VendorRef(cells.text("parent_business_id"), cells.text("parent_name"))
        if parent.business_id or parent.name:
            draft.parents.append((parent, cells.row.number, cells.sheet))
        return draft.index

    def _flat_row(self, cells: _Cells) -> None:
        index = self._vendor(cells, unique=False, dpa=True)
        if not any(cells.has(c) for c in _TRANSFER_VALUE_COLUMNS):
            return
        transfer = self._transfer(cells, VendorRef(None, None))
        if transfer is not None and index is not None:
            self.transfers.append((transfer, index))

    def _vendor_sheet_row(self, cells: _Cells) -> None:
        self._vendor(cells, unique=True, dpa=False)

    def _subprocessor_row(self, cells: _Cells) -> None:
        child = VendorRef(cells.text("business_id"), cells.text("name"))
        parent = VendorRef(cells.text("parent_business_id"), cells.text("parent_name"))
        if not (child.business_id or child.name):
            cells.required("name", "the subprocessor (name or business_id)")
        if not (parent.business_id or parent.name):
            cells.required(
                "parent_name", "the vendor it processes for (parent_name or parent_business_id)"
            )
        if cells.ok:
            self.links.append((child, parent, cells.row.number, cells.sheet))

    # -- agreements and transfers --------------------------------------------------------

    def _row_vendor(self, cells: _Cells) -> VendorRef | None:
        ref = VendorRef(cells.text("business_id"), cells.text("name"))
        if not (ref.business_id or ref.name):
            cells.required("name", "the vendor (name or business_id)")
            return None
        return ref

    def _agreement_row(self, cells: _Cells) -> None:
        vendor = self._row_vendor(cells)
        kind = cells.parse("kind", mapping.parse_agreement_kind)
        if kind is None and "kind" not in cells.bad:
            cells.required("kind", "the agreement kind")
        module = cells.parse("scc_module", mapping.parse_scc_module)
        status_column = "agreement_status" if cells.has("agreement_status") else "status"
        status = cells.parse(status_column, mapping.parse_agreement_status)
        signed_on = cells.parse("signed_on", mapping.parse_date, as_text=False)
        ends_on = cells.parse("ends_on", mapping.parse_date, as_text=False)
        terminated_on = cells.parse("terminated_on", mapping.parse_date, as_text=False)
        if vendor is None or kind is None or not cells.ok:
            return
        agreement = AgreementRow(
            vendor=vendor,
            kind=kind,
            scc_module=module,
            title=cells.text("title"),
            status=status or ("signed" if signed_on else "draft"),
            signed_on=signed_on,
            ends_on=ends_on,
            terminated_on=terminated_on,
            row=cells.row.number,
            sheet=cells.sheet,
            columns=(("status", status_column),),
        )
        self.agreements.append((agreement, None))

    def _transfer_sheet_row(self, cells: _Cells) -> None:
        vendor = self._row_vendor(cells)
        transfer = self._transfer(cells, vendor or VendorRef(None, None))
        if transfer is not None and vendor is not None:
            self.transfers.append((transfer, None))

    def _transfer(self, cells: _Cells, vendor: VendorRef) -> TransferRow | None:
        destination = cells.parse("destination_country", mapping.parse_country)
        if destination is None and "destination_country" not in cells.bad:
            cells.required("destination_country", "the destination country")
        mechanism = cells.parse("mechanism", mapping.parse_mechanism)
        if mechanism is None and "mechanism" not in cells.bad:
            cells.required("mechanism", "the transfer mechanism")
        module = cells.parse("scc_module", mapping.parse_scc_module)
        started_on = cells.parse("started_on", mapping.parse_date, as_text=False)
        ended_on = cells.parse("ended_on", mapping.parse_date, as_text=False)
        values, count = cells.row.values, len(cells.row.values)
        facts = tuple(
            (column, value)
            for column, index, parser, as_text in cells.layout.facts
            if index < count
            and values[index] is not None
            and values[index] != ""  # blank: as parse() would, without the call
            and (value := cells.parse(column, parser, as_text=as_text)) is not None
        )
        exporter_role = cells.parse("exporter_role", mapping.parse_exporter_role)
        categories = cells.parse("data_categories", mapping.parse_list)
        frequency = cells.parse("frequency", mapping.parse_frequency)
        dpf_certified = cells.parse("dpf_certified", mapping.parse_bool, as_text=False)
        dpf_verified_on = cells.parse("dpf_verified_on", mapping.parse_date, as_text=False)
        if destination is None or mechanism is None or cells.bad & _TRANSFER_COLUMN_SET:
            return None
        return TransferRow(
            vendor=vendor,
            destination_country=destination,
            mechanism=mechanism,
            scc_module=module,
            exporter_role=exporter_role or DEFAULT_EXPORTER_ROLE,
            data_categories=categories or (),
            frequency=frequency,
            dpf_certified=dpf_certified,
            dpf_verified_on=dpf_verified_on,
            started_on=started_on,
            ended_on=ended_on,
            row=cells.row.number,
            sheet=cells.sheet,
            facts=facts,
        )

    # -- cross-checks --------------------------------------------------------------------

    def _resolve(self, ref: VendorRef, row: int, sheet: str, column: str) -> int | VendorRef | None:
        """A row's vendor: the sheet's vendor index, or the ref itself for a register vendor."""
        found = self._find(ref.business_id, ref.name)
        if isinstance(found, int):
            return found
        if isinstance(found, list):
            self.problem(
                Problem(
                    row,
                    sheet,
                    "business_id",
                    str(ref),
                    f"{ref} matches several vendors with different business ids",
                    "Fill in business_id so that the row names one vendor.",
                )
            )
            return None
        if ref in self.external:
            return ref
        self.external.add(ref)
        self.warn(
            Problem(
                row,
                sheet,
                column,
                str(ref),
                f"vendor {ref} is not in this file; it must already be in the register",
                "Add the vendor to the vendors sheet if it is new.",
            )
        )
        return ref

    def finish(self) -> ImportPlan:
        plan = ImportPlan(warnings=self.warnings)
        for child, parent, row, sheet in self.links:
            target = self._resolve(child, row, sheet, "name")
            if isinstance(target, int):
                self.drafts[target].parents.append((parent, row, sheet))
            elif target is not None:
                self.problem(
                    Problem(
                        row,
                        sheet,
                        "name",
                        str(child),
                        f"subprocessor {child} is not on the vendors sheet",
                        "Add the subprocessor to the vendors sheet (subprocessor links are "
                        "imported with the vendor).",
                    )
                )
        for draft in self.drafts:
            vendor = self._finish_vendor(draft)
            if vendor is not None:
                plan.vendors.append(vendor)
            self._finish_dpa(draft, plan)
        self._finish_agreements(plan)
        self._finish_transfers(plan)
        sheets: dict[str, int] = {}
        for problem in self.problems:
            sheets.setdefault(problem.sheet, len(sheets))
        self.problems.sort(key=lambda p: (p.row != 0, sheets[p.sheet], p.row))
        if self.hidden:
            self.problems.append(
                Problem(
                    0,
                    "",
                    "",
                    "",
                    f"{self.hidden} more problems not shown",
                    "Fix the problems above and import again to see the rest.",
                )
            )
        plan.problems = self.problems
        return plan

    def _finish_vendor(self, draft: _VendorDraft) -> VendorRow | None:
        ok = True
        for attribute in ("country", "role"):
            if attribute not in draft.values:
                ok = False
                if attribute not in draft.invalid:
                    self.problem(
                        Problem(
                            draft.row,
                            draft.sheet,
                            attribute,
                            "",
                            f"vendor {draft.ref()} has no {attribute}",
                            f"Fill in {attribute} on row {draft.row}.",
                        )
                    )
        parents: list[VendorRef] = []
        parent_rows: list[tuple[int, str]] = []
        for ref, row, sheet in draft.parents:
            target = self._resolve(ref, row, sheet, "parent_name")
            if target is None:
                continue
            if target == draft.index:
                self.problem(
                    Problem(
                        row,
                        sheet,
                        "parent_name",
                        str(ref),
                        "a vendor cannot be its own subprocessor",
                        "Name the vendor this one processes for in parent_name/parent_business_id.",
                    )
                )
                continue
            parent = self.drafts[target].ref() if isinstance(target, int) else target
            if parent not in parents:
                parents.append(parent)
                parent_rows.append((row, sheet))
        if not ok:
            return None
        values = draft.values
        return VendorRow(
            name=draft.name,
            country=values["country"],
            role=values["role"],
            category=values.get("category", "other"),
            status=values.get("status", "proposed"),
            business_id=draft.business_id,
            legal_name=values.get("legal_name"),
            website=values.get("website"),
            address=values.get("address"),
            signatory_name=values.get("signatory_name"),
            signatory_title=values.get("signatory_title"),
            authorised_by_processor=values.get("authorised_by_processor"),
            parents=tuple(parents),
            parent_rows=tuple(parent_rows),
            row=draft.row,
            sheet=draft.sheet,
        )

    def _finish_dpa(self, draft: _VendorDraft, plan: ImportPlan) -> None:
        signed_on: date | None = draft.values.get("dpa_signed_on")
        ends_on: date | None = draft.values.get("dpa_ends_on")
        if signed_on is None and ends_on is None:
            return
        plan.agreements.append(
            AgreementRow(
                vendor=draft.ref(),
                kind="dpa",
                status="signed" if signed_on else "draft",
                signed_on=signed_on,
                ends_on=ends_on,
                row=draft.sources.get("dpa_signed_on", draft.sources.get("dpa_ends_on", 0)),
                sheet=draft.sheet,
                columns=(
                    ("signed_on", "dpa_signed_on"),
                    ("ends_on", "dpa_ends_on"),
                    ("status", "dpa_signed_on"),
                ),
            )
        )

    def _identity(self, target: int | VendorRef) -> object:
        return ("sheet", target) if isinstance(target, int) else ("register", target)

    def _finish_agreements(self, plan: ImportPlan) -> None:
        seen: dict[tuple[object, ...], int] = {}
        for agreement, _ in self.agreements:
            target = self._resolve(agreement.vendor, agreement.row, agreement.sheet, "name")
            if target is None:
                continue
            key = (
                self._identity(target),
                agreement.kind,
                agreement.scc_module,
                agreement.signed_on,
            )
            first = seen.setdefault(key, agreement.row)
            if first != agreement.row:
                self.problem(
                    Problem(
                        agreement.row,
                        agreement.sheet,
                        "kind",
                        agreement.kind,
                        f"duplicate of row {first}: same vendor, kind and signing date",
                        f"Delete this row or row {first}.",
                    )
                )
                continue
            vendor = self.drafts[target].ref() if isinstance(target, int) else target
            plan.agreements.append(_with_vendor(agreement, vendor))

    def _finish_transfers(self, plan: ImportPlan) -> None:
        seen: dict[tuple[object, ...], list[tuple[tuple[str, ...], date | None, int]]] = {}
        for transfer, index in self.transfers:
            target: int | VendorRef | None = index
            if target is None:
                target = self._resolve(transfer.vendor, transfer.row, transfer.sheet, "name")
                if target is None:
                    continue
            # One vendor may have several flows to the same country on the same mechanism, for
            # different data or periods. A row is a duplicate when it says nothing different:
            # the same data categories and start date, or those left blank on either row.
            key = (
                self._identity(target),
                transfer.destination_country,
                transfer.mechanism,
                transfer.scc_module,
            )
            categories = tuple(sorted(transfer.data_categories))
            first = transfer.row
            for other_categories, other_start, other_row in seen.get(key, []):
                same_data = not categories or not other_categories or categories == other_categories
                same_start = (
                    transfer.started_on is None
                    or other_start is None
                    or transfer.started_on == other_start
                )
                if same_data and same_start:
                    first = other_row
                    break
            seen.setdefault(key, []).append((categories, transfer.started_on, transfer.row))
            if first != transfer.row:
                self.problem(
                    Problem(
                        transfer.row,
                        transfer.sheet,
                        "mechanism",
                        transfer.mechanism,
                        f"duplicate of row {first}: the same vendor, destination "
                        f"{transfer.destination_country} and mechanism {transfer.mechanism}",
                        f"Delete this row or row {first}, or merge their data categories.",
                    )
                )
                continue
            vendor = self.drafts[target].ref() if isinstance(target, int) else target
            plan.transfers.append(_with_vendor(transfer, vendor))


_Row = TypeVar("_Row", AgreementRow, TransferRow)


def _with_vendor(row: _Row, vendor: VendorRef) -> _Row:
    """``replace(row, vendor=vendor)`` at a quarter of the cost (7.5 us a row, 0.2 s of a
    30,000-transfer plan): a copy of the slots with the vendor swapped, nothing re-validated."""
    if row.vendor == vendor:
        return row
    new = object.__new__(type(row))
    set_slot = object.__setattr__
    for name in row.__slots__:
        set_slot(new, name, vendor if name == "vendor" else getattr(row, name))
    return new


def _shown(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else repr(value)
