"""What every gatherer is given, and what it returns."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from transfers.document import context as ctx
from transfers.document.stale import Used
from transfers.models import Document


@dataclass(frozen=True, slots=True)
class Request:
    """A document asked for: its kind, language and subject, the day it speaks of (``as_of``)
    and the day it is generated (``today``)."""

    kind: str
    language: str
    as_of: date
    today: date
    template_version: str
    options: ctx.DocumentOptions = field(default_factory=ctx.DocumentOptions)
    vendor_id: int | None = None
    transfer_id: int | None = None
    assessment_id: int | None = None
    since: date | None = None
    previous: Document | None = None
    changed_on: date | None = None

    def base(self, org: ctx.OrgData | None) -> dict[str, Any]:
        """The parts every kind shares (organisation, dates, template version)."""
        return ctx.common(org, self.language, self.as_of, self.today, self.template_version)


Gathered = tuple[dict[str, Any], dict[str, Any]]
"""(context, what the document's snapshot keeps besides the values it used)."""

Gatherer = Callable[[AsyncSession, Request, Used], Awaitable[Gathered]]
