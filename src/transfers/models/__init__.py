"""All SQLAlchemy models on one metadata, which Alembic autogenerates against."""

from transfers.models.agreement import Agreement, AgreementAttachment
from transfers.models.api_key import ApiKey
from transfers.models.assessment import Assessment
from transfers.models.audit import AuditEvent
from transfers.models.base import Base
from transfers.models.document import Document, DocumentTemplate
from transfers.models.document_job import DocumentJob, DocumentJobItem
from transfers.models.intake import IntakeRequest
from transfers.models.notice import SubprocessorNotice
from transfers.models.organisation import Organisation
from transfers.models.pending_import import PendingImport
from transfers.models.processing import Processing
from transfers.models.register_change import RegisterChange
from transfers.models.reminder import CalendarFeed, ReminderDelivery, ReminderState
from transfers.models.transfer import Transfer
from transfers.models.user import LoginThrottle, User, UserSession
from transfers.models.vendor import Vendor, VendorSubprocessor


def _ids_never_reused() -> None:
    """SQLite hands a deleted row's id to the next row unless the table is AUTOINCREMENT (then
    the audit trail would mix two records under one id); PostgreSQL sequences never go back."""
    for table in Base.metadata.tables.values():
        if "id" in table.c and table.c.id.primary_key:
            table.dialect_options["sqlite"]["autoincrement"] = True


_ids_never_reused()

__all__ = [
    "Agreement",
    "AgreementAttachment",
    "ApiKey",
    "Assessment",
    "AuditEvent",
    "Base",
    "CalendarFeed",
    "Document",
    "DocumentJob",
    "DocumentJobItem",
    "DocumentTemplate",
    "IntakeRequest",
    "LoginThrottle",
    "Organisation",
    "PendingImport",
    "Processing",
    "RegisterChange",
    "ReminderDelivery",
    "ReminderState",
    "SubprocessorNotice",
    "Transfer",
    "User",
    "UserSession",
    "Vendor",
    "VendorSubprocessor",
]
