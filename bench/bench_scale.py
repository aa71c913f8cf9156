"""Wall-clock figures the test suite used to assert: register-wide status, a 10 MB CSV parsed and
validated, and a 10,000-vendor register exported to XLSX and read back.

Tests check that these work at this size (counts, streaming memory); how fast they are is measured
here, where a slow shared machine does not fail a build. Usage: uv run python bench/bench_scale.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.importer.test_parse import _big_csv  # noqa: E402
from tests.rules.test_status import AS_OF, AT_RISK, LAWFUL, UNLAWFUL, vendor  # noqa: E402

from transfers.importer.export import (  # noqa: E402
    ExportAgreement,
    ExportData,
    ExportTransfer,
    ExportVendor,
    render,
)
from transfers.importer.parse import open_spreadsheet  # noqa: E402
from transfers.importer.validate import plan_import  # noqa: E402
from transfers.rules import vendor_statuses  # noqa: E402


def timed(label: str, fn, *args):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = fn(*args)
    print(f"  {label:<44} {time.perf_counter() - started:8.2f} s")
    return result


def main() -> None:
    transfers = (AT_RISK, LAWFUL, UNLAWFUL)
    vendors = [
        vendor(i, transfers=transfers, children=(i + 1,) if i % 10 else ())
        for i in range(1, 10_001)
    ]
    print("register-wide:")
    timed("vendor_statuses, 10,000 vendors x 3 transfers", vendor_statuses, vendors, AS_OF)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "register.csv"
        size = _big_csv(path, vendors=10_000, transfers_per_vendor=3)
        print(f"import of a {size / 1e6:.1f} MB CSV (10,000 vendors, 30,000 transfers):")

        def parse() -> int:
            with open_spreadsheet(path) as book:
                return sum(1 for sheet in book.sheets() for _ in sheet.rows)

        timed("parse (stream rows)", parse)
        timed("parse + validate (plan_import)", plan_import, path)
    data = ExportData(
        [
            ExportVendor(i, f"Vendor {i}", "FI", "processor", "cloud_hosting", business_id=f"{i}-1")
            for i in range(10_000)
        ],
        [ExportAgreement(i, i, "dpa", signed_on=date(2024, 1, 1)) for i in range(10_000)],
        [ExportTransfer(j, j // 3, "US", "dpf", data_categories=("email",)) for j in range(30_000)],
        [],
        {},
        AS_OF,
    )
    print("export and re-import, 10,000 vendors:")
    content = timed("render XLSX", render, data, "xlsx")
    timed("plan_import of that XLSX", lambda: plan_import(content, filename="big.xlsx"))


if __name__ == "__main__":
    main()
