"""The job's tables. They are defined in :mod:`transfers.models.document_job` beside the other
models (importing them from here into the one metadata would be circular)."""

from __future__ import annotations

from transfers.models.document_job import DocumentJob, DocumentJobItem

__all__ = ["DocumentJob", "DocumentJobItem"]
