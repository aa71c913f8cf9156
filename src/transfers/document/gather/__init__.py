"""One gatherer per document kind, behind one table.

A gatherer reads what its kind needs from the register and returns the context
(:mod:`transfers.document.context`) and what the document's snapshot keeps. Which vendors,
transfers, chains and processings it concerns comes from the register read model
(:mod:`transfers.register.snapshot`), so documents, verdicts and reminders see one register;
the few rows the read model does not hold (names, addresses, texts) are read by
:mod:`._reads`. Shared pieces are in :mod:`._parts`.
"""

from __future__ import annotations

from typing import Final

from transfers.document.gather._base import Gathered, Gatherer, Request
from transfers.document.gather.dpa import gather_dpa
from transfers.document.gather.register_wide import (
    gather_privacy_notice_section,
    gather_record_extract,
)
from transfers.document.gather.scc_annexes import gather_scc_annexes
from transfers.document.gather.subprocessor_list import gather_subprocessor_list
from transfers.document.gather.tia import gather_tia
from transfers.document.kinds import KINDS

GATHERERS: Final[dict[str, Gatherer]] = {
    "dpa": gather_dpa,
    "scc_annexes": gather_scc_annexes,
    "tia": gather_tia,
    "subprocessor_list": gather_subprocessor_list,
    "privacy_notice_section": gather_privacy_notice_section,
    "record_extract": gather_record_extract,
}

if set(GATHERERS) != set(KINDS):  # pragma: no cover
    raise ImportError(f"a document kind has no gatherer: {sorted(set(KINDS) ^ set(GATHERERS))}")

__all__ = ["GATHERERS", "Gathered", "Gatherer", "Request"]
