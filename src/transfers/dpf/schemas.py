"""DPF list sync report."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import msgspec


class TransferChange(msgspec.Struct):
    transfer_id: int
    vendor_id: int
    vendor_name: str
    participant: str
    before: dict[str, Any]
    after: dict[str, Any]


class Flag(msgspec.Struct):
    vendor_id: int
    vendor_name: str
    issue: Literal["missing", "inactive", "status_unknown"]
    detail: str


class Candidate(msgspec.Struct):
    name: str
    participant_id: str | None
    similarity: float


class Uncertain(msgspec.Struct):
    vendor_id: int
    vendor_name: str
    candidates: list[Candidate]
    detail: str


class RecordedId(msgspec.Struct):
    """A participant ID learnt from an exact name match, recorded on the vendor when applied."""

    vendor_id: int
    vendor_name: str
    participant_id: str


class SyncReport(msgspec.Struct):
    applied: bool
    filename: str
    sha256: str
    list_date: date
    participants: int
    vendors_on_dpf: int
    changes: list[TransferChange]
    unchanged: int
    recorded_ids: list[RecordedId]
    flagged: list[Flag]
    uncertain: list[Uncertain]
