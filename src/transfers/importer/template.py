"""The downloadable import template: one sheet per entity with the import's own column names,
each header explained in a cell comment, and drop-down lists for the columns that take a code.

The headers are the documented import columns (the export's too), so a filled-in template imports
as it is. The codes offered come from the API's enumerations (``common/fields.py``) and the
reference data's countries; the help and the sheet names from the lexicon, in the person's
language. The lists of long value sets (countries, mechanisms) sit on a ``lists`` sheet, which
the importer skips (:data:`transfers.importer.mapping.AUXILIARY_SHEETS`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Final, get_args

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from transfers.common import fields
from transfers.importer.export import VENDOR_SHEET_COLUMNS
from transfers.importer.mapping import AGREEMENT_COLUMNS, SUBPROCESSOR_COLUMNS, TRANSFER_COLUMNS
from transfers.reference import lexicon
from transfers.reference.names import country_names

#: Rows that carry the drop-down lists (the header is row 1).
ROWS: Final = 1000
YES_NO: Final = ("yes", "no")

SHEETS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("vendors", VENDOR_SHEET_COLUMNS),
    ("agreements", AGREEMENT_COLUMNS),
    ("transfers", TRANSFER_COLUMNS),
    ("subprocessors", SUBPROCESSOR_COLUMNS),
)

_BOOLEAN_COLUMNS: Final = frozenset(
    {
        "authorised_by_processor",
        "dpf_certified",
        "adequacy_scope_confirmed",
        "dpf_hr_covered",
        "importer_in_group",
        "combines_eu_data",
        "third_country_order",
        "limited_data_subjects",
        "data_subjects_informed",
    }
)
_DATE_COLUMNS: Final = frozenset(
    {
        "signed_on",
        "ends_on",
        "terminated_on",
        "dpf_verified_on",
        "started_on",
        "ended_on",
        "authority_informed_on",
    }
)


def choices() -> dict[str, tuple[str, ...]]:
    """Column -> the codes it takes, from the API's enumerations and the reference data."""
    countries = tuple(sorted(country_names()))
    mechanisms: tuple[str, ...] = get_args(fields.Mechanism)
    return {
        "country": countries,
        "destination_country": countries,
        "role": get_args(fields.VendorRole),
        "category": get_args(fields.VendorCategory),
        "status": get_args(fields.VendorStatus),
        "kind": get_args(fields.AgreementKind),
        "agreement_status": get_args(fields.AgreementStatus),
        "scc_module": ("1", "2", "3", "4"),
        "mechanism": mechanisms,
        "fallback_mechanism": mechanisms,
        "exporter_role": get_args(fields.PartyRole),
        "frequency": get_args(fields.Frequency),
        "bcr_type": get_args(fields.BcrType),
        **{column: YES_NO for column in _BOOLEAN_COLUMNS},
    }


def _help(column: str, codes: Sequence[str], language: str) -> str:
    """The header's comment: what the column means, and the words for its codes."""
    text = lexicon.name("import_column_help", column, language)
    if codes and codes is not YES_NO and column not in ("country", "destination_country"):
        group = _GROUPS.get(column)
        if column == "mechanism" or column == "fallback_mechanism":
            words = [f"{code} = {lexicon.mechanism(code, language)}" for code in codes]
        elif column == "category":
            words = [f"{c} = {lexicon.term('vendor_categories', c, language)}" for c in codes]
        elif group is not None:
            words = [f"{code} = {lexicon.name(group, code, language)}" for code in codes]
        else:
            words = []
        if words:
            text += "\n\n" + "\n".join(words)
    return text


#: The lexicon group naming each coded column's values, for the header comment.
_GROUPS: Final = {
    "role": "vendor_role",
    "status": "vendor_status",
    "kind": "agreement_kind",
    "agreement_status": "agreement_status",
    "frequency": "frequency",
}


def write_template(language: str) -> bytes:
    """The import template as XLSX bytes, its help and sheet names in ``language``."""
    book = Workbook()
    lists = book.active
    assert lists is not None
    lists.title = lexicon.name("import_sheet", "lists", language)
    allowed = choices()
    list_column: dict[str, str] = {}
    for index, (column, codes) in enumerate(sorted(allowed.items()), start=1):
        letter = get_column_letter(index)
        lists.cell(row=1, column=index, value=column).font = Font(bold=True)
        for row, code in enumerate(codes, start=2):
            lists.cell(row=row, column=index, value=code)
        list_column[column] = (
            f"{quote_sheetname(lists.title)}!${letter}$2:${letter}${len(codes) + 1}"
        )
    for entity, columns in SHEETS:
        sheet = book.create_sheet(lexicon.name("import_sheet", entity, language))
        _fill(sheet, columns, allowed, list_column, language)
    book.move_sheet(lists, offset=len(SHEETS))
    lists.sheet_state = "hidden"
    book.active = 0
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(
    sheet: Worksheet,
    columns: Sequence[str],
    allowed: dict[str, tuple[str, ...]],
    list_column: dict[str, str],
    language: str,
) -> None:
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column)
        cell.font = Font(bold=True)
        codes = allowed.get(column, ())
        comment = Comment(_help(column, codes, language), "transfers")
        comment.width, comment.height = 320, 200
        cell.comment = comment
        sheet.column_dimensions[letter].width = max(14, len(column) + 4)
        cells = f"{letter}2:{letter}{ROWS + 1}"
        if column in list_column:
            rule = DataValidation(type="list", formula1=list_column[column], allow_blank=True)
            rule.error = lexicon.name("import_column_help", column, language)
            rule.errorTitle = column
            rule.showErrorMessage = True
        elif column in _DATE_COLUMNS:
            rule = DataValidation(
                type="date", operator="greaterThan", formula1="DATE(1900,1,1)", allow_blank=True
            )
            rule.error = lexicon.name("import_column_help", column, language)
            rule.showErrorMessage = True
        else:
            continue
        rule.add(cells)
        sheet.add_data_validation(rule)
