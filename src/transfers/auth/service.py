"""Create, verify and revoke API keys.

Keys are 256-bit random secrets; only their SHA-256 digest is stored. A fast unsalted hash is
the right tool for high-entropy tokens (no dictionary to attack), and it keeps verification to
one indexed lookup per request.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.audit.service import record
from transfers.auth.cache import actor_cache
from transfers.auth.schemas import Actor
from transfers.common.fields import clean_name
from transfers.common.problems import ProblemError, not_found
from transfers.models import ApiKey

KEY_PREFIX = "trk_"
ROLES = ("admin", "legal", "procurement")


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_secret() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


async def create_key(
    session: AsyncSession, *, name: str, role: str, actor: Actor
) -> tuple[ApiKey, str]:
    if role not in ROLES:
        raise ProblemError(
            422, "validation-error", f"Unknown role {role!r}; use one of {', '.join(ROLES)}."
        )
    name = clean_name(name)
    if await session.scalar(select(ApiKey.id).where(ApiKey.name == name)) is not None:
        raise ProblemError(409, "duplicate", f"An API key named {name!r} already exists.")
    secret = new_secret()
    key = ApiKey(
        name=name, role=role, prefix=secret[: len(KEY_PREFIX) + 6], key_hash=hash_key(secret)
    )
    session.add(key)
    await session.flush()
    await record(
        session,
        actor,
        "create",
        "api_key",
        key.id,
        None,
        {"name": name, "role": role, "prefix": key.prefix},
    )
    return key, secret


async def list_keys(session: AsyncSession) -> list[ApiKey]:
    return list((await session.scalars(select(ApiKey).order_by(ApiKey.id))).all())


async def find_key(session: AsyncSession, ident: str) -> ApiKey:
    """A key by id, name or displayed prefix (what an operator has at hand)."""
    stmt = select(ApiKey).where((ApiKey.name == ident) | (ApiKey.prefix == ident))
    if ident.isdigit():
        stmt = select(ApiKey).where((ApiKey.id == int(ident)) | (ApiKey.name == ident))
    key = (await session.scalars(stmt)).first()
    if key is None:
        raise not_found("API key", ident)
    return key


async def revoke_key(
    session: AsyncSession, key: ApiKey, actor: Actor, *, keep_last_admin: bool = True
) -> ApiKey:
    """Revoke ``key``. Through the API the last active admin key stays (409): revoking it would
    lock every administrator out; the CLI (an operator at the machine) passes
    ``keep_last_admin=False``."""
    actor_cache.clear()
    if key.revoked_at is None and key.role == "admin" and keep_last_admin:
        admins = await session.scalar(
            select(func.count())
            .select_from(ApiKey)
            .where(ApiKey.role == "admin", ApiKey.revoked_at.is_(None))
        )
        if (admins or 0) <= 1:
            raise ProblemError(
                409,
                "last-admin-key",
                "This is the last active admin key; create another admin key first, or revoke "
                "it with `transfers keys revoke` on the server.",
            )
    if key.revoked_at is None:
        key.revoked_at = datetime.now(UTC)
        await session.flush()
        await record(
            session,
            actor,
            "revoke",
            "api_key",
            key.id,
            {"revoked_at": None},
            {"revoked_at": key.revoked_at.isoformat()},
        )
    return key


async def authenticate(session: AsyncSession, secret: str) -> Actor | None:
    key = await session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(secret)))
    if key is None or key.revoked_at is not None:
        return None
    return Actor(key_id=key.id, name=key.name, role=key.role)
