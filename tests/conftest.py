"""Test fixtures: every database test runs on SQLite and on PostgreSQL.

Set TRANSFERS_TEST_BACKENDS=sqlite to run without a PostgreSQL server (CI always runs both).
The PostgreSQL URL comes from TRANSFERS_TEST_POSTGRES_URL (a server on 127.0.0.1:5432 with
trust auth by default); the suite creates and migrates its own database there.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from transfers.app import create_app
from transfers.auth.schemas import Actor
from transfers.auth.service import create_key
from transfers.db import create_engine, session_factory
from transfers.migrate import upgrade
from transfers.models import Base
from transfers.settings import Settings

BACKENDS = [
    b.strip()
    for b in os.environ.get("TRANSFERS_TEST_BACKENDS", "sqlite,postgresql").split(",")
    if b.strip()
]
PG_URL = os.environ.get(
    "TRANSFERS_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
SYSTEM = Actor(key_id=None, name="test-setup", role="admin")


#: Tests that start servers, browsers, LibreOffice or subprocesses, or fuzz: ``-m "not slow"``
#: (``make test-fast``) leaves them out; ``make test`` runs them, spread across the workers.
SLOW_PATHS = (
    "tests/browser/",
    "tests/test_chaos.py",
    "tests/test_openapi_fuzz.py",
    "tests/test_cli.py",
    "tests/document/test_pdf.py",
    "tests/job/test_worker_process.py",
    "tests/importer/test_import_killed.py",
    "tests/document/test_sandbox.py::test_the_worker_",
    "tests/job/test_render_pool.py::test_a_job_over_its_cpu_budget",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the slow tests, and keep each browser module on one worker (with ``--dist
    loadgroup``) so its server and Chromium start once per worker that runs it, not twice."""
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        if item.nodeid.startswith(SLOW_PATHS):
            item.add_marker(pytest.mark.slow)
        if path.startswith("tests/browser/"):
            item.add_marker(pytest.mark.xdist_group(path))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """Coverage is measured on the SQLite half; the PostgreSQL half runs the very same tests
    untraced. Tracing every call doubled the CPU time of a database test (greenlet and thread
    tracing on Python 3.11), and the two halves execute the same lines but for the few
    PostgreSQL branches, which the report then lists as missed rather than slowing every test."""
    callspec = getattr(item, "callspec", None)
    cov = _coverage() if callspec and callspec.params.get("database") == "postgresql" else None
    if cov is None:
        return (yield)
    cov.stop()
    try:
        return (yield)
    finally:
        cov.start()


def _coverage() -> Any:
    try:
        import coverage
    except ImportError:  # pragma: no cover
        return None
    return coverage.Coverage.current()


#: The day that clock-dependent tests live on. Fixed, so that a run crossing midnight, or two
#: xdist workers collecting on either side of it, never see two different "todays".
TODAY = date(2026, 12, 1)


@pytest.fixture
def on_today(time_machine: Any) -> date:
    """The clock moved to noon of :data:`TODAY` (still ticking) for the code under test."""
    time_machine.move_to(datetime.combine(TODAY, time(12), tzinfo=UTC), tick=True)
    return TODAY


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes() -> Iterator[None]:
    """Argon2id with a light profile in this process (1 MiB, one pass) instead of RFC 9106's
    64 MiB x 3: the suite creates thousands of accounts and logs in thousands of times, and the
    full profile costs 60-1,200 ms a hash on a busy 2-core box. Hashes, verification, rehash
    checks and throttling run exactly as in production; servers and CLI commands the tests
    start as subprocesses keep the full profile."""
    from argon2 import PasswordHasher

    from transfers.user import passwords

    kept = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._hasher = kept


@dataclass
class Database:
    backend: str
    url: str

    async def reset(self) -> None:
        """Empty every table between tests (much faster than re-migrating)."""
        tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
        if self.backend == "sqlite":
            self._reset_sqlite(tables)
            return
        engine = create_engine(url=self.url)
        try:
            async with engine.begin() as conn:
                if self.backend == "postgresql":
                    # DELETE, not TRUNCATE: on a few rows it costs 10-35 ms where TRUNCATE of
                    # every table costs 200-250 ms (a file per table). As the replica role
                    # (superuser, as the suite's server gives) triggers stay silent for this
                    # transaction alone: the audit trail's append-only guard and the foreign
                    # keys. The sequences start again at 1, as TRUNCATE's RESTART IDENTITY did.
                    sequences = (
                        await conn.execute(
                            text(
                                "SELECT quote_ident(sequencename) FROM pg_sequences "
                                "WHERE schemaname = current_schema()"
                            )
                        )
                    ).scalars()
                    statements = [f"DELETE FROM {table}" for table in tables] + [
                        f"PERFORM setval('{sequence}', 1, false)" for sequence in sequences
                    ]
                    await conn.execute(text("SET LOCAL session_replication_role = replica"))
                    await conn.execute(text("DO $$ BEGIN " + "; ".join(statements) + "; END $$"))
        finally:
            await engine.dispose()

    def _reset_sqlite(self, tables: list[str]) -> None:
        """One script on a plain ``sqlite3`` connection (6-10 ms; an async engine made for it
        cost about 40 ms a test): the audit trail's append-only guard is dropped and put back
        inside the same transaction, and the AUTOINCREMENT counters start again."""
        path = make_url(self.url).database
        assert path, self.url
        with closing(sqlite3.connect(path, isolation_level=None)) as conn:
            conn.execute("PRAGMA synchronous = OFF")  # a test database: no fsync per reset
            has_sequence = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"
            ).fetchone()
            conn.executescript(
                "BEGIN; DROP TRIGGER IF EXISTS audit_event_no_delete; "
                + "".join(f"DELETE FROM {table}; " for table in tables)
                + ("DELETE FROM sqlite_sequence; " if has_sequence else "")
                + "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END; COMMIT;"
            )


def _create_pg_database(name: str) -> str:
    import asyncpg  # noqa: F401  (ensures the driver is importable before we try)

    base = make_url(PG_URL)
    admin_url = base.set(drivername="postgresql+asyncpg")
    import asyncio

    async def create() -> None:
        import asyncpg as pg

        conn = await pg.connect(
            host=admin_url.host or "127.0.0.1",
            port=admin_url.port or 5432,
            user=admin_url.username or "postgres",
            password=admin_url.password,
            database=admin_url.database or "postgres",
        )
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    asyncio.run(create())
    return admin_url.set(database=name).render_as_string(hide_password=False)


def _drop_pg_database(name: str) -> None:
    import asyncio

    import asyncpg as pg

    base = make_url(PG_URL)

    async def drop() -> None:
        conn = await pg.connect(
            host=base.host or "127.0.0.1",
            port=base.port or 5432,
            user=base.username or "postgres",
            password=base.password,
            database=base.database or "postgres",
        )
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(drop())


@pytest.fixture(scope="session", params=BACKENDS)
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    backend: str = request.param
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("db") / "transfers.sqlite3"
        url = f"sqlite+aiosqlite:///{path}"
        upgrade(url)
        yield Database("sqlite", url)
    elif backend == "postgresql":
        name = f"transfers_test_{uuid.uuid4().hex[:8]}"
        url = _create_pg_database(name)
        upgrade(url)
        yield Database("postgresql", url)
        _drop_pg_database(name)
    else:  # pragma: no cover
        raise ValueError(f"unknown backend {backend}")


@pytest.fixture
async def db(database: Database) -> AsyncIterator[Database]:
    await database.reset()
    yield database


@pytest.fixture
def settings(db: Database) -> Settings:
    return replace(Settings(), database_url=db.url, db_pool_size=5)


@pytest.fixture
async def engine(db: Database) -> AsyncIterator[AsyncEngine]:
    eng = create_engine(url=db.url)
    yield eng
    await eng.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    async with session_factory(engine)() as s:
        yield s


_APPS: dict[Settings, Litestar] = {}


def shared_app(settings: Settings) -> Litestar:
    """One app per distinct settings in this process, built on first use.

    Building an app costs about half a second (Litestar checks 269 handlers); a suite of
    thousands of tests builds a handful instead. An app holds nothing between two tests that
    could leak: each test's client runs its lifespan, whose end disposes the engine, which
    drops the pool, the register snapshot and every other per-engine state
    (``infra.state``); the tables are emptied by ``db`` before the test.
    """
    app = _APPS.get(settings)
    if app is None:
        app = _APPS[settings] = create_app(settings)
    return app


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return shared_app(settings)


@dataclass
class Keys:
    admin: str
    legal: str
    procurement: str

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {getattr(self, role)}"}


@pytest.fixture
async def keys(engine: AsyncEngine) -> Keys:
    async with session_factory(engine)() as s:
        secrets = {}
        for role in ("admin", "legal", "procurement"):
            _, secrets[role] = await create_key(s, name=f"{role}-key", role=role, actor=SYSTEM)
        await s.commit()
    return Keys(**secrets)


class Api:
    """A test client that speaks as one role by default."""

    def __init__(self, client: AsyncTestClient[Litestar], keys: Keys) -> None:
        self.client = client
        self.keys = keys

    async def request(
        self, method: str, url: str, *, role: str | None = "legal", **kwargs: Any
    ) -> Any:
        headers = dict(kwargs.pop("headers", {}) or {})
        if role is not None:
            headers.update(self.keys.headers(role))
        return await self.client.request(method, url, headers=headers, **kwargs)

    async def get(self, url: str, **kw: Any) -> Any:
        return await self.request("GET", url, **kw)

    async def post(self, url: str, **kw: Any) -> Any:
        return await self.request("POST", url, **kw)

    async def patch(self, url: str, **kw: Any) -> Any:
        return await self.request("PATCH", url, **kw)

    async def put(self, url: str, **kw: Any) -> Any:
        return await self.request("PUT", url, **kw)

    async def delete(self, url: str, **kw: Any) -> Any:
        return await self.request("DELETE", url, **kw)

    async def create(self, path: str, body: dict[str, Any], role: str = "legal") -> dict[str, Any]:
        response = await self.post(path, json=body, role=role)
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()
        return data


@pytest.fixture
async def api(app: Litestar, keys: Keys) -> AsyncIterator[Api]:
    async with AsyncTestClient(app=app) as client:
        yield Api(client, keys)


__all__ = ["Api", "Database", "Keys"]


@dataclass(frozen=True)
class CliResult:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def transfers_cli(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The ``transfers`` command run in this process on the test database, as an operator types
    it (a wide terminal): each subprocess used to pay 2-10 s of imports and full Argon2.
    ``tests/test_cli.py`` still runs the console script itself as a subprocess."""
    from click.testing import CliRunner

    from transfers.cli import main
    from transfers.cli._base import console, err_console
    from transfers.settings import get_settings

    monkeypatch.setenv("TRANSFERS_DATABASE_URL", db.url)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(console, "_console", None)
    monkeypatch.setattr(err_console, "_console", None)
    get_settings.cache_clear()

    async def run(*args: str) -> CliResult:
        result = await asyncio.to_thread(CliRunner().invoke, main, list(args))
        return CliResult(result.exit_code, result.stdout, result.stderr)

    yield run
    get_settings.cache_clear()
