"""All SQLAlchemy models on one metadata, which Alembic autogenerates against.

The modules are imported when a model is first asked for (``from transfers.models import
Vendor`` imports ``transfers.models.vendor`` only): declaring the 24 tables costs about 75 ms,
a tenth of a one-shot CLI command that reads five of them. Asking for ``Base`` (the metadata
that Alembic, the tests and anything else iterating every table read) imports them all; so does
:func:`load_all`. No model has ORM relationships, so a model never needs another one mapped.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from transfers.models.agreement import Agreement, AgreementAttachment
    from transfers.models.api_key import ApiKey
    from transfers.models.assessment import Assessment
    from transfers.models.audit import AuditEvent
    from transfers.models.base import Base
    from transfers.models.customer import (
        Customer,
        CustomerNotice,
        CustomerProcessing,
        NoticeDelivery,
        PageSubscriber,
        SubprocessorChange,
    )
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

#: Where each model is declared.
_MODULES: dict[str, str] = {
    "Agreement": "agreement",
    "AgreementAttachment": "agreement",
    "ApiKey": "api_key",
    "Assessment": "assessment",
    "AuditEvent": "audit",
    "CalendarFeed": "reminder",
    "Customer": "customer",
    "CustomerNotice": "customer",
    "CustomerProcessing": "customer",
    "Document": "document",
    "DocumentJob": "document_job",
    "DocumentJobItem": "document_job",
    "DocumentTemplate": "document",
    "IntakeRequest": "intake",
    "LoginThrottle": "user",
    "NoticeDelivery": "customer",
    "Organisation": "organisation",
    "PageSubscriber": "customer",
    "PendingImport": "pending_import",
    "Processing": "processing",
    "RegisterChange": "register_change",
    "ReminderDelivery": "reminder",
    "ReminderState": "reminder",
    "SubprocessorChange": "customer",
    "SubprocessorNotice": "notice",
    "Transfer": "transfer",
    "User": "user",
    "UserSession": "user",
    "Vendor": "vendor",
    "VendorSubprocessor": "vendor",
}


def load_all() -> None:
    """Declare every model, so that ``Base.metadata`` holds every table."""
    for module in sorted(set(_MODULES.values())):
        importlib.import_module(f"{__name__}.{module}")


def __getattr__(name: str) -> Any:
    if name == "Base":
        load_all()
        return importlib.import_module(f"{__name__}.base").Base
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "Agreement",
    "AgreementAttachment",
    "ApiKey",
    "Assessment",
    "AuditEvent",
    "Base",
    "CalendarFeed",
    "Customer",
    "CustomerNotice",
    "CustomerProcessing",
    "Document",
    "DocumentJob",
    "DocumentJobItem",
    "DocumentTemplate",
    "IntakeRequest",
    "LoginThrottle",
    "NoticeDelivery",
    "Organisation",
    "PageSubscriber",
    "PendingImport",
    "Processing",
    "RegisterChange",
    "ReminderDelivery",
    "ReminderState",
    "SubprocessorChange",
    "SubprocessorNotice",
    "Transfer",
    "User",
    "UserSession",
    "Vendor",
    "VendorSubprocessor",
    "load_all",
]
