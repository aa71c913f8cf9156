"""Document payloads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

import msgspec

from transfers.common.fields import Id

DocumentKind = Literal[
    "dpa", "scc_annexes", "tia", "subprocessor_list", "privacy_notice_section", "record_extract"
]
Language = Literal["en", "fi"]


class DocumentCreate(msgspec.Struct, forbid_unknown_fields=True):
    kind: DocumentKind
    language: Language = "en"
    vendor_id: Id | None = None
    transfer_id: Id | None = None
    assessment_id: Id | None = None
    as_of: date | None = None
    since: date | None = None


class Change(msgspec.Struct):
    """One register value that differs from what the document shows; ``field`` None with
    ``after`` None: the row was deleted."""

    entity: str
    id: int
    field: str | None
    before: Any
    after: Any


class DocumentRead(msgspec.Struct):
    id: int
    kind: str
    language: str
    vendor_id: Id | None
    transfer_id: Id | None
    assessment_id: Id | None
    as_of: date
    template_version: str
    filename: str
    sha256: str
    size: int
    snapshot: dict[str, Any]
    created_by: str
    created_at: datetime
    content_url: str
    supersedes_id: int | None = None
    superseded_by: int | None = None
    stale: bool = False
    changes: list[Change] = []


class TemplateRead(msgspec.Struct):
    id: int
    kind: str
    language: str
    version: int
    sha256: str
    uploaded_by: str
    created_at: datetime
