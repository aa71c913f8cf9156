"""What the public sub-processor page shows and its subscriptions (double opt-in).

Only public facts leave through here: per service the sub-processors engaged today (legal
entity, country, purpose, safeguard), the announced changes and their history. No ids, notes,
verdict reasons or subscriber addresses. Tokens are random, sent once and stored hashed; a
confirmation link expires.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from transfers.audit.service import record
from transfers.customer import letters
from transfers.customer.service import new_token, token_hash
from transfers.models import (
    NoticeDelivery,
    PageSubscriber,
    Processing,
    SubprocessorChange,
    Transfer,
    Vendor,
)
from transfers.register.snapshot import current
from transfers.rules.chain import engaged_chain
from transfers.settings import Settings

CONFIRM_HOURS = 48
PUBLIC_ACTOR = "public sub-processor page"


@dataclass(frozen=True, slots=True)
class PublicSubprocessor:
    legal_entity: str
    country: str
    purpose: str
    mechanisms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PublicService:
    name: str
    subprocessors: tuple[PublicSubprocessor, ...]


@dataclass(frozen=True, slots=True)
class PublicChange:
    key: str
    """A stable, opaque identifier for the feed (not the database id)."""
    change: str
    name: str
    country: str
    new_country: str | None
    purpose: str | None
    safeguard: str | None
    effective_on: date
    announced_on: date | None
    updated: datetime


async def services(session: AsyncSession, today: date) -> list[PublicService]:
    """Each service we provide as a processor, with the sub-processors engaged today: the
    processing's vendor and its engaged chain."""
    rows = (
        await session.execute(
            select(Processing.service, Processing.vendor_id, Processing.purposes)
            .where(Processing.our_role == "processor")
            .order_by(Processing.service)
        )
    ).all()
    snapshot = await current(session)
    per_service: dict[str, dict[int, str]] = {}
    for service, vendor_id, purposes in rows:
        found = per_service.setdefault(service, {})
        purpose = ", ".join(purposes or ())
        found.setdefault(vendor_id, purpose)
        for child in engaged_chain([vendor_id], snapshot.links_of, today):
            found.setdefault(child, purpose)
    ids = {v for found in per_service.values() for v in found}
    vendors = {
        v.id: v
        for v in (await session.scalars(select(Vendor).where(Vendor.id.in_(ids or {0})))).all()
    }
    mechanisms: dict[int, set[str]] = {}
    for vid, mechanism in (
        await session.execute(
            select(Transfer.vendor_id, Transfer.mechanism).where(
                Transfer.vendor_id.in_(ids or {0}),
                or_(Transfer.ended_on.is_(None), Transfer.ended_on > today),
            )
        )
    ).all():
        mechanisms.setdefault(vid, set()).add(mechanism)
    out = []
    for service, found in sorted(per_service.items()):
        subs = tuple(
            PublicSubprocessor(
                legal_entity=vendors[v].legal_name or vendors[v].name,
                country=vendors[v].country,
                purpose=purpose,
                mechanisms=tuple(sorted(mechanisms.get(v, ()))),
            )
            for v, purpose in found.items()
            if v in vendors and vendors[v].status not in ("offboarded", "suspended")
        )
        out.append(PublicService(service, tuple(sorted(subs, key=lambda s: s.legal_entity))))
    return out


def _public_key(change: SubprocessorChange) -> str:
    return hashlib.sha256(f"{change.id}:{change.created_at.isoformat()}".encode()).hexdigest()[:20]


async def changes(session: AsyncSession) -> list[PublicChange]:
    """Announced changes (sent or applied), newest effective date first; planned drafts and
    withdrawn ones stay internal."""
    rows = (
        await session.scalars(
            select(SubprocessorChange)
            .where(SubprocessorChange.state.in_(("sent", "applied")))
            .order_by(SubprocessorChange.effective_on.desc(), SubprocessorChange.id.desc())
        )
    ).all()
    return [
        PublicChange(
            key=_public_key(c),
            change=c.change,
            name=c.name,
            country=c.country,
            new_country=c.new_country,
            purpose=c.purpose,
            safeguard=c.safeguard,
            effective_on=c.effective_on,
            announced_on=c.sent_on,
            updated=c.updated_at,
        )
        for c in rows
    ]


async def subscribe(session: AsyncSession, email: str, language: str) -> int | None:
    """Start (or restart) a subscription, pending its confirmation e-mail: the subscriber's id
    to queue that e-mail for (:func:`send_confirmation`), or None when the address is
    confirmed already (the visitor is told the same either way). No token exists until the
    e-mail is sent, so a queued job carries nothing secret."""
    email = email.strip()
    found = await session.scalar(select(PageSubscriber).where(PageSubscriber.email == email))
    if found is not None and found.confirmed_at is not None:
        return None
    if found is None:
        found = PageSubscriber(email=email, unsubscribe_hash=token_hash(new_token()))
        session.add(found)
    found.language = language
    found.confirm_hash = None  # pending: the confirmation e-mail is queued
    found.confirm_expires = None
    await session.flush()
    await record(
        session, PUBLIC_ACTOR, "create", "page_subscriber", found.id, None, {"confirmed": False}
    )
    return found.id


class ConfirmationNotSent(Exception):
    """The confirmation e-mail could not be sent; the subscription stays pending and the job
    is retried."""


async def send_confirmation(
    maker: async_sessionmaker[AsyncSession], subscriber_id: int, settings: Settings
) -> bool:
    """Send a pending subscriber its confirmation e-mail (the queued job). The fresh tokens are
    claimed and committed (hashed) before the e-mail goes out, so a retry or a second worker
    sends it once; if sending fails the claim is undone and the job is retried. Returns
    whether an e-mail was sent (False: nothing pending, e.g. confirmed or gone)."""
    from transfers.customer.service import message_for
    from transfers.reminder.digest import send_messages

    token, leave = new_token(), new_token()
    now = datetime.now(UTC)
    async with maker() as session:
        claimed = await session.execute(
            update(PageSubscriber)
            .where(
                PageSubscriber.id == subscriber_id,
                PageSubscriber.confirm_hash.is_(None),
                PageSubscriber.confirmed_at.is_(None),
            )
            .values(
                confirm_hash=token_hash(token),
                confirm_expires=now + timedelta(hours=CONFIRM_HOURS),
                unsubscribe_hash=token_hash(leave),
            )
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            await session.rollback()
            return False
        await session.commit()
        found = await session.get(PageSubscriber, subscriber_id)
        assert found is not None
        letter = letters.confirmation(
            language=found.language,
            confirm_url=f"{settings.public_url}/subprocessors/confirm?token={token}",
            unsubscribe_url=f"{settings.public_url}/subprocessors/unsubscribe?token={leave}",
        )
        message = message_for(settings, found.email, letter, f"confirm:{token}")
        try:
            await asyncio.to_thread(send_messages, [message], settings)
        except Exception as exc:  # smtplib errors are OSError or SMTPException
            await session.execute(
                update(PageSubscriber)
                .where(
                    PageSubscriber.id == subscriber_id,
                    PageSubscriber.confirm_hash == token_hash(token),
                )
                .values(confirm_hash=None, confirm_expires=None)
            )
            await session.commit()
            raise ConfirmationNotSent(f"{type(exc).__name__}: {exc}") from exc
    return True


async def pending_confirmations(session: AsyncSession) -> list[int]:
    """Subscribers whose confirmation e-mail has not gone out yet."""
    rows = await session.scalars(
        select(PageSubscriber.id)
        .where(PageSubscriber.confirm_hash.is_(None), PageSubscriber.confirmed_at.is_(None))
        .order_by(PageSubscriber.id)
    )
    return list(rows.all())


async def confirm(session: AsyncSession, token: str, now: datetime) -> bool:
    found = await session.scalar(
        select(PageSubscriber).where(PageSubscriber.confirm_hash == token_hash(token))
    )
    if found is None or found.confirm_expires is None or found.confirm_expires < now:
        return False
    found.confirmed_at, found.confirm_hash, found.confirm_expires = now, None, None
    await session.flush()
    await record(
        session,
        PUBLIC_ACTOR,
        "update",
        "page_subscriber",
        found.id,
        {"confirmed": False},
        {"confirmed": True},
    )
    return True


async def unsubscribe(session: AsyncSession, token: str) -> bool:
    """Remove the subscriber named by an unsubscribe token (from the confirmation e-mail or
    any change e-mail)."""
    digest = token_hash(token)
    found = await session.scalar(
        select(PageSubscriber).where(PageSubscriber.unsubscribe_hash == digest)
    )
    if found is None:
        recipient = await session.scalar(
            select(NoticeDelivery.recipient).where(
                NoticeDelivery.unsubscribe_hash == digest, NoticeDelivery.notice_id.is_(None)
            )
        )
        if recipient is not None:
            found = await session.scalar(
                select(PageSubscriber).where(PageSubscriber.email == recipient)
            )
    if found is None:
        return False
    subscriber_id = found.id
    await session.delete(found)
    await session.flush()
    await record(
        session, PUBLIC_ACTOR, "delete", "page_subscriber", subscriber_id, {"confirmed": True}, None
    )
    return True


async def subscriber_counts(session: AsyncSession) -> tuple[int, int]:
    """(confirmed, pending) page subscribers: the workspace shows how many, never who."""
    from sqlalchemy import func

    rows = (
        await session.execute(
            select(PageSubscriber.confirmed_at.is_not(None), func.count()).group_by(
                PageSubscriber.confirmed_at.is_not(None)
            )
        )
    ).all()
    found = {bool(confirmed): int(n) for confirmed, n in rows}
    return found.get(True, 0), found.get(False, 0)
