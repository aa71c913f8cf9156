"""All SQLAlchemy models on one metadata, which Alembic autogenerates against."""

from transfers.models.agreement import Agreement, AgreementAttachment
from transfers.models.api_key import ApiKey
from transfers.models.assessment import Assessment
from transfers.models.audit import AuditEvent
from transfers.models.base import Base
from transfers.models.document import Document, DocumentTemplate
from transfers.models.intake import IntakeRequest
from transfers.models.notice import SubprocessorNotice
from transfers.models.organisation import Organisation
from transfers.models.processing import Processing
from transfers.models.reminder import CalendarFeed, ReminderDelivery, ReminderState
from transfers.models.transfer import Transfer
from transfers.models.vendor import Vendor, VendorSubprocessor

__all__ = [
    "Agreement",
    "AgreementAttachment",
    "ApiKey",
    "Assessment",
    "AuditEvent",
    "Base",
    "CalendarFeed",
    "Document",
    "DocumentTemplate",
    "IntakeRequest",
    "Organisation",
    "Processing",
    "ReminderDelivery",
    "ReminderState",
    "SubprocessorNotice",
    "Transfer",
    "Vendor",
    "VendorSubprocessor",
]
