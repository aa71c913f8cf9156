"""One settings object, read from the environment (``TRANSFERS_*``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


def _data_home() -> Path:
    """Where the embedded register lives when TRANSFERS_DATABASE_URL is not set: ``data/`` of the
    source checkout the package runs from (what ``make run`` uses), else the user's data
    directory. Never relative to the working directory: running the CLI from another folder
    must not silently create a second, empty register."""
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "migrations").is_dir():
        return checkout / "data"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "transfers"


DEFAULT_SQLITE_PATH = _data_home() / "transfers.sqlite3"


def _default_database_url() -> str:
    return f"sqlite+aiosqlite:///{DEFAULT_SQLITE_PATH}"


def normalise_database_url(url: str) -> str:
    """Accept the URLs people paste (``postgres://``, ``sqlite:///``) and pick the async driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+asyncpg://" + url[len("postgresql://") :]
    if url.startswith("sqlite://") and not url.startswith("sqlite+aiosqlite://"):
        url = "sqlite+aiosqlite://" + url[len("sqlite://") :]
    return url


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def _choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    raw = (os.environ.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {raw!r}")
    return raw


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw else default


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = field(default_factory=_default_database_url)
    db_pool_size: int = 20
    public_url: str = "http://127.0.0.1:8000"
    max_body_bytes: int = 1_048_576
    max_upload_bytes: int = 32 * 1_048_576
    import_seconds: int = 300
    """Deadline of one import (parse, validate and write); beyond it the import is refused."""
    max_concurrent_imports: int = 2
    """Imports running at once; one more gets 429 with Retry-After."""
    auth_cache_seconds: float = 5.0
    """How long a verified API key is trusted without a database read (0: never); a revocation
    made in another process takes effect within this time."""
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_tls: str = "none"  # none | starttls | ssl
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "transfers@localhost"
    reminder_lead_days: str = ""
    reminder_default_owner: str | None = None
    holiday_country: str = "FI"
    assessment_review_months: int = 12
    document_objection_days: int = 30
    document_breach_hours: int = 48
    document_text_language: str = "en"
    """The language the register's free texts are typed in; documents in the other language
    need each text's translation (``translations``) and are refused without it."""
    debug: bool = False
    session_idle_minutes: int = 60
    login_max_failures: int = 5
    login_lockout_minutes: int = 15
    password_hash_workers: int = 1
    """Threads that hash and verify passwords (Argon2id: ~64 MiB and tens of milliseconds of
    CPU each), off the event loop, so logins cannot starve the requests of people already in."""
    password_hash_queue: int = 32
    """Password checks allowed to wait for a hashing thread; one more gets 503 with Retry-After."""
    #: Load the register snapshot and evaluate today's register when the server starts, so
    #: the first page a person opens does not pay for it (`transfers serve` turns it on).
    warm_on_start: bool = False
    job_worker: bool = False
    """Run a job worker inside the web process (``transfers serve`` turns it on; issue 13)."""
    digest_cron: str = "0 6 * * *"
    """When the job worker mails the daily reminder digest (cron, UTC); empty: never. From the
    environment it defaults to daily at 06:00 only once ``TRANSFERS_SMTP_HOST`` is set, so a
    server with no mail set up does not fail at it every morning."""

    public_subprocessor_page: bool = False
    """Serve the public sub-processor page, its Atom feed and e-mail subscriptions
    (``/subprocessors``; no login). Off unless ``TRANSFERS_PUBLIC_SUBPROCESSOR_PAGE=true``."""
    public_company_name: str = "Our company"
    """The name the public sub-processor page and its e-mails are signed with."""

    @property
    def secure_cookies(self) -> bool:
        """Browsers send Secure cookies only over https, so mark them only behind https."""
        return self.public_url.startswith("https://")

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def settings_from_env() -> Settings:
    env = os.environ
    return Settings(
        database_url=normalise_database_url(
            env.get("TRANSFERS_DATABASE_URL") or _default_database_url()
        ),
        db_pool_size=_int("TRANSFERS_DB_POOL_SIZE", 20),
        public_url=env.get("TRANSFERS_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
        max_body_bytes=_int("TRANSFERS_MAX_BODY_BYTES", 1_048_576),
        max_upload_bytes=_int("TRANSFERS_MAX_UPLOAD_BYTES", 32 * 1_048_576),
        import_seconds=_int("TRANSFERS_IMPORT_SECONDS", 300),
        max_concurrent_imports=_int("TRANSFERS_MAX_CONCURRENT_IMPORTS", 2),
        auth_cache_seconds=_float("TRANSFERS_AUTH_CACHE_SECONDS", 5.0),
        smtp_host=env.get("TRANSFERS_SMTP_HOST", "localhost"),
        smtp_port=_int("TRANSFERS_SMTP_PORT", 25),
        smtp_tls=env.get("TRANSFERS_SMTP_TLS", "none"),
        smtp_username=env.get("TRANSFERS_SMTP_USERNAME") or None,
        smtp_password=env.get("TRANSFERS_SMTP_PASSWORD") or None,
        smtp_from=env.get("TRANSFERS_SMTP_FROM", "transfers@localhost"),
        reminder_lead_days=env.get("TRANSFERS_REMINDER_LEAD_DAYS", ""),
        reminder_default_owner=env.get("TRANSFERS_REMINDER_DEFAULT_OWNER") or None,
        holiday_country=env.get("TRANSFERS_HOLIDAY_COUNTRY", "FI").upper(),
        assessment_review_months=_int("TRANSFERS_ASSESSMENT_REVIEW_MONTHS", 12),
        document_objection_days=_int("TRANSFERS_DOCUMENT_OBJECTION_DAYS", 30),
        document_breach_hours=_int("TRANSFERS_DOCUMENT_BREACH_HOURS", 48),
        document_text_language=_choice("TRANSFERS_DOCUMENT_TEXT_LANGUAGE", ("en", "fi"), "en"),
        debug=_bool("TRANSFERS_DEBUG", False),
        session_idle_minutes=_int("TRANSFERS_SESSION_IDLE_MINUTES", 60),
        login_max_failures=_int("TRANSFERS_LOGIN_MAX_FAILURES", 5),
        login_lockout_minutes=_int("TRANSFERS_LOGIN_LOCKOUT_MINUTES", 15),
        password_hash_workers=_int("TRANSFERS_PASSWORD_HASH_WORKERS", 1),
        password_hash_queue=_int("TRANSFERS_PASSWORD_HASH_QUEUE", 32),
        warm_on_start=_bool("TRANSFERS_WARM_ON_START", False),
        job_worker=_bool("TRANSFERS_JOB_WORKER", False),
        public_subprocessor_page=_bool("TRANSFERS_PUBLIC_SUBPROCESSOR_PAGE", False),
        public_company_name=env.get("TRANSFERS_PUBLIC_COMPANY_NAME", "Our company"),
        digest_cron=env.get(
            "TRANSFERS_DIGEST_CRON", "0 6 * * *" if env.get("TRANSFERS_SMTP_HOST") else ""
        ).strip(),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return settings_from_env()
