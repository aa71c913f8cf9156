"""One read model of the register: rows loaded with set-based queries, held per process as a
snapshot invalidated on write, and turned into the rules engine's facts for any day."""

from __future__ import annotations

from transfers.register.rows import (
    RegisterRows,
    VendorRows,
    build_facts,
    importer_role,
    load_rows,
)
from transfers.register.snapshot import Snapshot, current, prune, register_version

__all__ = [
    "RegisterRows",
    "Snapshot",
    "VendorRows",
    "build_facts",
    "current",
    "importer_role",
    "load_rows",
    "prune",
    "register_version",
]
