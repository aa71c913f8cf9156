"""Uploaded spreadsheets waiting between the dry run and the confirmation.

The file is kept in the database (bytes, SHA-256, owner, time), not in a worker's temporary
folder: with several workers the confirm request may reach another one, and a row is cleaned
up reliably. A pending file is only ever read back by the person who uploaded it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.models import PendingImport
from transfers.models.base import utcnow

LIFETIME = timedelta(hours=1)


async def keep(session: AsyncSession, *, owner_id: int, filename: str, content: bytes) -> str:
    """Store an upload for its owner and return the token the confirm form carries; uploads
    older than ``LIFETIME`` (anyone's) are deleted first."""
    await session.execute(
        delete(PendingImport).where(PendingImport.created_at < utcnow() - LIFETIME)
    )
    token = secrets.token_hex(16)
    session.add(
        PendingImport(
            token=token,
            owner_id=owner_id,
            filename=filename[:255],
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
            content=content,
            created_at=utcnow(),
        )
    )
    await session.flush()
    return token


async def take(session: AsyncSession, *, owner_id: int, token: str) -> PendingImport | None:
    """The owner's pending upload, content loaded and checked against its checksum; None when
    it expired, was used, was damaged or belongs to someone else (they upload it again)."""
    found = await session.scalar(
        select(PendingImport).where(
            PendingImport.token == token,
            PendingImport.owner_id == owner_id,
            PendingImport.created_at >= utcnow() - LIFETIME,
        )
    )
    if found is None:
        return None
    await session.refresh(found, ["content"])
    return found if hashlib.sha256(found.content).hexdigest() == found.sha256 else None


async def discard(session: AsyncSession, pending: PendingImport) -> None:
    await session.delete(pending)
    await session.flush()
