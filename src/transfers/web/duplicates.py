"""A new vendor that is probably one already registered: a warning with links, then a confirm step.

Creating a vendor in the workspace, or approving an intake request for a vendor not in the
register, first asks whether it is one of the close matches (issue 23 part 6: two vendors with one
name were created without a word). The person may still go on: the form carries
``confirm_duplicate`` the second time, so this never blocks.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from transfers.web import reads
from transfers.web.forms import FormErrors
from transfers.web.i18n import _

CONFIRM = "confirm_duplicate"


class DuplicateWarning(FormErrors):
    """The form again, with the vendors it may duplicate and a confirm field."""

    def __init__(self, similar: list[tuple[int, str, str | None]]) -> None:
        message = _("A vendor with this name or business ID may already be in the register.")
        super().__init__(message, {}, status=409, similar=similar)


async def warn_if_duplicate(
    session: AsyncSession, form: Any, name: str, business_id: str | None
) -> None:
    """Raise :class:`DuplicateWarning` unless the person confirmed or nothing is alike."""
    if str(form.get(CONFIRM) or "") == "yes":
        return
    similar = await reads.likely_duplicates(session, name, business_id)
    if similar:
        raise DuplicateWarning(similar)
