"""Accounts, logins and sessions. Never commits: the request or CLI boundary does.

Passwords are hashed with Argon2id (argon2-cffi defaults, RFC 9106's second recommended
profile) in a bounded thread pool (:mod:`transfers.user.passwords`). Session tokens are 256-bit random values; like API keys, only their SHA-256 digest is
stored, so a copy of the database does not let anyone log in.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, delete, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.audit.service import record
from transfers.auth.schemas import Actor
from transfers.auth.service import ROLES
from transfers.common.fields import clean_name
from transfers.common.problems import ProblemError, invalid, not_found
from transfers.infra.fetch import beside
from transfers.infra.state import dialect_name
from transfers.models import LoginThrottle, User, UserSession
from transfers.models.base import UTCDateTime, utcnow
from transfers.settings import Settings
from transfers.user.passwords import needs_rehash, password_pool
from transfers.user.schemas import LANGUAGES, WebIdentity

MIN_PASSWORD_LENGTH = 10


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    cleaned = email.strip().lower()
    if "@" not in cleaned or len(cleaned) > 320 or " " in cleaned:
        raise invalid("Give a valid e-mail address.", field="email")
    return cleaned


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise invalid(
            f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.",
            field="password",
        )


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    name: str,
    role: str,
    password: str | None,
    actor: Actor | str,
    language: str = "fi",
) -> tuple[User, str]:
    """Create an account; returns it and its password (generated when none is given)."""
    if role not in ROLES:
        raise invalid(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.", field="role")
    if language not in LANGUAGES:
        raise invalid(f"Unknown language {language!r}.", field="language")
    email = normalise_email(email)
    name = clean_name(name)
    password = password or generate_password()
    _check_password(password)
    if await session.scalar(select(User.id).where(User.email == email)) is not None:
        raise ProblemError(409, "duplicate", f"A user with e-mail {email!r} already exists.")
    user = User(
        email=email,
        name=name,
        role=role,
        language=language,
        password_hash=await password_pool.hash(password),
    )
    session.add(user)
    await session.flush()
    await record(
        session,
        actor,
        "create",
        "user",
        user.id,
        None,
        {"email": email, "name": name, "role": role, "language": language},
    )
    return user, password


async def list_users(session: AsyncSession) -> list[User]:
    return list((await session.scalars(select(User).order_by(User.email))).all())


async def count_users(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(User)) or 0


async def find_user(session: AsyncSession, ident: str) -> User:
    """A user by id or e-mail (what an operator has at hand)."""
    stmt = select(User).where(User.email == ident.strip().lower())
    if ident.isdigit():
        stmt = select(User).where(User.id == int(ident))
    user = await session.scalar(stmt)
    if user is None:
        raise not_found("User", ident)
    return user


async def disable_user(session: AsyncSession, user: User, actor: Actor | str) -> User:
    """Disable an account and end its sessions at once (the row stays for the audit trail)."""
    if user.disabled_at is None:
        user.disabled_at = utcnow()
        await session.execute(delete(UserSession).where(UserSession.user_id == user.id))
        await session.flush()
        await record(
            session,
            actor,
            "disable",
            "user",
            user.id,
            {"disabled_at": None},
            {"disabled_at": user.disabled_at.isoformat()},
        )
    return user


async def set_password(
    session: AsyncSession, user: User, password: str | None, actor: Actor | str
) -> str:
    """Set (or generate) a password; other sessions of the user end, as after any reset."""
    password = password or generate_password()
    _check_password(password)
    user.password_hash = await password_pool.hash(password)
    await session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    await session.flush()
    await record(session, actor, "set-password", "user", user.id, None, {"password": "changed"})
    return password


async def change_password(
    session: AsyncSession,
    *,
    user_id: int,
    current: str,
    new: str,
    keep_session_id: int,
    actor: Actor | str,
    settings: Settings,
) -> None:
    """A person changes their own password. The current one proves it is them (an unattended
    open session is not enough); every other session of theirs ends, so a stolen cookie or a
    forgotten login elsewhere dies with the old password, while this one stays logged in."""
    user = await session.get(User, user_id)
    if user is None or user.disabled_at is not None:
        raise not_found("User", user_id)
    if len(new) < MIN_PASSWORD_LENGTH:
        raise invalid(
            f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.",
            field="new_password",
        )
    # The same throttle as the login: an open session must not become a password oracle.
    await claim_attempt(session, user.email, settings)
    if not await password_pool.verify(user.password_hash, current):
        raise invalid("The current password is wrong.", field="current_password")
    if new == current:
        raise invalid("Choose a password different from the current one.", field="new_password")
    user.password_hash = await password_pool.hash(new)
    await clear_attempts(session, user.email)
    await session.execute(
        delete(UserSession).where(UserSession.user_id == user.id, UserSession.id != keep_session_id)
    )
    await session.flush()
    await record(session, actor, "change-password", "user", user.id, None, {"password": "changed"})


async def set_language(session: AsyncSession, user_id: int, language: str) -> None:
    """Remember a person's language choice (a preference, not a register change: not audited)."""
    if language not in LANGUAGES:
        raise invalid(f"Unknown language {language!r}.", field="language")
    user = await session.get(User, user_id)
    if user is None:
        raise not_found("User", user_id)
    user.language = language
    await session.flush()


def _throttle_key(email: str) -> str:
    return email.strip().lower()[:320]


async def claim_attempt(
    session: AsyncSession, email: str, settings: Settings, *, now: datetime | None = None
) -> None:
    """Count one password attempt on the address, then decide, in one statement: the first
    ``login_max_failures`` attempts in a window are checked, every further one is refused (429)
    without checking any password until ``login_lockout_minutes`` have passed.

    Counting before checking is what makes the throttle hold under a burst: thirty parallel
    guesses each get a distinct number from the database (an upsert's row lock on PostgreSQL,
    the single writer on SQLite), so at most the limit of them reach the password check, and
    the right password hidden in the burst is refused like the rest once the limit is spent. A
    successful check gives the attempt back (:func:`clear_attempts`).

    The count is committed at once, in a transaction of its own: it must stand even when the
    attempt fails (the request's transaction then rolls back), and must not hold SQLite's write
    lock while the password is hashed. One throttle per address (known or not, so the throttle
    reveals no accounts) for every form that checks a password.
    """
    now = now or utcnow()
    key = _throttle_key(email)
    limit = max(1, settings.login_max_failures)
    window = timedelta(minutes=settings.login_lockout_minutes)
    lock_until = literal(now + window, UTCDateTime())
    t = LoginThrottle
    insert: Any
    if dialect_name(session) == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        insert = pg_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        insert = sqlite_insert
    locked = and_(t.locked_until.is_not(None), t.locked_until > now)
    stale = or_(
        and_(t.locked_until.is_not(None), t.locked_until <= now),
        and_(
            t.locked_until.is_(None),
            or_(t.last_failed_at.is_(None), t.last_failed_at < now - window),
        ),
    )
    number = case((stale, 1), else_=t.failures + 1)
    stmt = (
        insert(t)
        .values(
            email=key,
            failures=1,
            last_failed_at=now,
            locked_until=now + window if limit == 1 else None,
        )
        .on_conflict_do_update(
            index_elements=[LoginThrottle.email],
            set_={
                "failures": number,
                "last_failed_at": literal(now, UTCDateTime()),
                "locked_until": case(
                    (locked, t.locked_until), (number >= limit, lock_until), else_=None
                ),
            },
        )
        .returning(t.failures, t.locked_until)
    )
    async with beside(session) as conn:
        number_given, locked_until = (await conn.execute(stmt)).one()
    if number_given > limit:
        until = locked_until or now + window
        minutes = max(1, int((until - now).total_seconds() // 60) + 1)
        raise ProblemError(
            429,
            "login-throttled",
            f"Too many failed password attempts; try again in {minutes} minutes.",
            retry_after_minutes=minutes,
            headers={"Retry-After": str(minutes * 60)},
        )


async def clear_attempts(session: AsyncSession, email: str) -> None:
    """The right password: the address starts afresh (with the caller's transaction)."""
    await session.execute(delete(LoginThrottle).where(LoginThrottle.email == _throttle_key(email)))


async def login(
    session: AsyncSession, *, email: str, password: str, settings: Settings
) -> tuple[User, str]:
    """Check a password and open a session; returns the user and the cookie token.

    After ``login_max_failures`` attempts on one address, further attempts are refused (429)
    for ``login_lockout_minutes`` without even checking the password, so guessing is slow
    (:func:`claim_attempt`).
    """
    key = _throttle_key(email)
    await claim_attempt(session, key, settings)
    user = await session.scalar(select(User).where(User.email == key))
    ok = await password_pool.verify(user.password_hash if user else None, password)
    if not ok or user is None or user.disabled_at is not None:
        raise ProblemError(401, "login-failed", "Wrong e-mail or password.")
    await clear_attempts(session, key)
    if needs_rehash(user.password_hash):
        user.password_hash = await password_pool.hash(password)
    now = utcnow()
    user.last_login_at = now
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            token_hash=_digest(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
        )
    )
    await session.flush()
    return user, token


async def identify(
    session: AsyncSession, token: str, *, settings: Settings, now: datetime | None = None
) -> WebIdentity | None:
    """The person behind a session cookie, or None when it is unknown, idle too long or the
    account is disabled. Refreshes the idle clock (at most once a minute, to spare writes)."""
    now = now or utcnow()
    row = (
        await session.execute(
            select(UserSession, User)
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.token_hash == _digest(token))
        )
    ).first()
    if row is None:
        return None
    web_session, user = row
    if user.disabled_at is not None:
        return None
    if now - web_session.last_seen_at > timedelta(minutes=settings.session_idle_minutes):
        await session.delete(web_session)
        await session.flush()
        return None
    if now - web_session.last_seen_at > timedelta(minutes=1):
        web_session.last_seen_at = now
        await session.flush()
    return WebIdentity(
        user_id=user.id,
        session_id=web_session.id,
        email=user.email,
        name=user.name,
        role=user.role,
        language=user.language,
        csrf_token=web_session.csrf_token,
    )


async def logout(session: AsyncSession, token: str) -> None:
    await session.execute(delete(UserSession).where(UserSession.token_hash == _digest(token)))
    await session.flush()
