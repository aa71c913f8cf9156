"""Bulk document job payloads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec

from transfers.common.fields import CountryCode, Id, VendorRole, VendorStatus
from transfers.document.schemas import Language

JobKind = Literal["dpa", "subprocessor_list"]
"""The kinds generated per vendor (:data:`transfers.document.service.VENDOR_KINDS`)."""
JobState = Literal["queued", "running", "done", "failed"]
MAX_VENDORS = 10_000
VendorIds = Annotated[list[Id], msgspec.Meta(min_length=1, max_length=MAX_VENDORS)]


class VendorFilter(msgspec.Struct, forbid_unknown_fields=True):
    """Which vendors, when not listed by id. ``art28`` means the vendors that process data for
    us (processor or sub-processor role), those a DPA under GDPR Art. 28(3) is owed for."""

    art28: bool = False
    roles: list[VendorRole] | None = None
    country: CountryCode | None = None
    status: VendorStatus | None = None


class DocumentJobCreate(msgspec.Struct, forbid_unknown_fields=True):
    kind: JobKind = "dpa"
    language: Language = "en"
    vendor_ids: VendorIds | None = None
    filter: VendorFilter | None = None
    as_of: date | None = None


class JobProblem(msgspec.Struct):
    vendor_id: int
    vendor_name: str
    status: int
    title: str
    detail: str
    missing: list[str] | None = None


class Progress(msgspec.Struct):
    done: int
    total: int
    documents: int
    problems: int


class DocumentJobRead(msgspec.Struct):
    id: int
    kind: str
    language: str
    as_of: date
    selection: dict[str, Any]
    state: JobState
    progress: Progress
    problems: list[JobProblem]
    error: str | None
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    url: str
    result_url: str | None
