"""Spreadsheet import and export of the register (vendors, agreements, transfers).

Pure functions only: :func:`plan_import` reads and validates a spreadsheet into an
:class:`ImportPlan` (no database); the export writers turn plain records into XLSX, CSV or
JSON whose headers are the import columns, so an export re-imports to the same register.
"""

from __future__ import annotations

from transfers.importer.export import (
    ExportAgreement,
    ExportData,
    ExportLink,
    ExportTransfer,
    ExportVendor,
    render,
    write_csv,
    write_json,
    write_xlsx,
)
from transfers.importer.parse import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    ParseError,
    open_spreadsheet,
)
from transfers.importer.validate import (
    AgreementRow,
    ImportPlan,
    Problem,
    TransferRow,
    VendorRef,
    VendorRow,
    build_plan,
    plan_import,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ROWS",
    "AgreementRow",
    "ExportAgreement",
    "ExportData",
    "ExportLink",
    "ExportTransfer",
    "ExportVendor",
    "ImportPlan",
    "ParseError",
    "Problem",
    "TransferRow",
    "VendorRef",
    "VendorRow",
    "build_plan",
    "open_spreadsheet",
    "plan_import",
    "render",
    "write_csv",
    "write_json",
    "write_xlsx",
]
