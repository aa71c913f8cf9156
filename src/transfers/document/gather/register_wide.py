"""Documents about the whole register: the privacy-notice section on transfers (GDPR Art.
13(1)(f), 14(1)(f)) and the record-of-processing extract (Art. 30(1)(e), 30(2)(c))."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from transfers.document import context as ctx
from transfers.document.gather import _parts as parts
from transfers.document.gather._base import Gathered, Request
from transfers.document.stale import Used


async def gather_privacy_notice_section(
    session: AsyncSession, request: Request, used: Used
) -> Gathered:
    base, transfers, kept = await _register(session, request, used)
    return ctx.privacy_notice_context(base, transfers, request.language), kept


async def gather_record_extract(session: AsyncSession, request: Request, used: Used) -> Gathered:
    base, transfers, kept = await _register(session, request, used)
    return ctx.record_extract_context(base, transfers, request.language, as_of=request.as_of), kept


async def _register(
    session: AsyncSession, request: Request, used: Used
) -> tuple[dict[str, object], list[ctx.TransferData], dict[str, object]]:
    """Every transfer in the register with its verdict on the day."""
    base = request.base(await parts.organisation(session, None, used))
    transfers = await parts.transfer_data(session, None, request.as_of, used, request.language)
    used.derive_register()
    return base, transfers, {"transfers": [t.id for t in transfers]}
