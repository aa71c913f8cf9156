"""The `transfers` command: the operator's entry point (serve, db, keys, check, ...)."""

from __future__ import annotations

import asyncio
import getpass
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from transfers.auth.schemas import Actor
from transfers.db import create_engine, session_scope
from transfers.settings import get_settings

T = TypeVar("T")
console = Console()
err_console = Console(stderr=True)


def cli_actor() -> Actor:
    try:
        user = getpass.getuser()
    except Exception:  # pragma: no cover - no passwd entry in some containers
        user = "unknown"
    return Actor(key_id=None, name=f"cli:{user}", role="admin")


def run_in_session(work: Callable[[Any], Awaitable[T]]) -> T:
    """Run one CLI command in one transaction: all of it lands, or none of it."""

    async def runner() -> T:
        engine = create_engine(get_settings())
        try:
            async with session_scope(engine) as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(runner())


def fail(message: str, code: int = 2) -> None:
    err_console.print(f"[red]error:[/red] {message}")
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Register of GDPR processors, subprocessors and third-country transfers."""


@main.group()
def db() -> None:
    """Database migrations (reads TRANSFERS_DATABASE_URL)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Migrate the configured database to the latest schema."""
    from transfers.migrate import upgrade

    upgrade(revision=revision)
    console.print(f"database at {revision}: {_safe_url(get_settings().database_url)}")


@db.command("downgrade")
@click.option("--revision", default="-1", show_default=True)
def db_downgrade(revision: str) -> None:
    """Step the schema back (for development)."""
    from transfers.migrate import downgrade

    downgrade(revision=revision)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@main.group()
def keys() -> None:
    """API keys: shown once, stored hashed."""


@keys.command("create")
@click.option("--role", type=click.Choice(["admin", "legal", "procurement"]), required=True)
@click.option("--name", required=True, help="Who or what uses the key (unique)")
def keys_create(role: str, name: str) -> None:
    """Create a key and print it once."""
    from transfers.auth.service import create_key
    from transfers.common.problems import ProblemError

    async def work(session: Any) -> str:
        _, secret = await create_key(session, name=name, role=role, actor=cli_actor())
        return secret

    try:
        secret = run_in_session(work)
    except ProblemError as exc:
        fail(exc.detail)
    click.echo(secret)
    err_console.print(f"key '{name}' ({role}) created; it is shown only this once.")


@keys.command("bootstrap")
def keys_bootstrap() -> None:
    """Create a first admin key if the register has none (prints it once)."""
    from sqlalchemy import func, select

    from transfers.auth.service import create_key
    from transfers.models import ApiKey

    async def work(session: Any) -> str | None:
        if await session.scalar(select(func.count()).select_from(ApiKey)):
            return None
        _, secret = await create_key(session, name="bootstrap-admin", role="admin", actor=cli_actor())
        return secret

    secret = run_in_session(work)
    if secret is None:
        err_console.print("API keys exist already; create more with `transfers keys create --role legal --name NAME`.")
        return
    err_console.print("First admin key (shown only once; keep it):")
    click.echo(secret)
    err_console.print(f'Try: curl -H "Authorization: Bearer {secret}" http://127.0.0.1:8000/api/v1/vendors')


@keys.command("list")
def keys_list() -> None:
    """List keys (never the secrets)."""
    from transfers.auth.service import list_keys

    rows = run_in_session(list_keys)
    table = Table("id", "name", "role", "prefix", "created", "revoked")
    for key in rows:
        table.add_row(str(key.id), key.name, key.role, key.prefix + "…", f"{key.created_at:%Y-%m-%d}", f"{key.revoked_at:%Y-%m-%d}" if key.revoked_at else "")
    console.print(table)


@keys.command("revoke")
@click.argument("key")
def keys_revoke(key: str) -> None:
    """Revoke a key by id, name or prefix."""
    from transfers.auth.service import find_key, revoke_key
    from transfers.common.problems import ProblemError

    async def work(session: Any) -> str:
        found = await find_key(session, key)
        await revoke_key(session, found, cli_actor())
        return found.name

    try:
        name = run_in_session(work)
    except ProblemError as exc:
        fail(exc.detail)
    console.print(f"revoked key '{name}'")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
@click.option("--no-migrate", is_flag=True, help="Do not apply pending migrations first")
def serve(host: str, port: int, workers: int, no_migrate: bool) -> None:
    """Run the API with uvicorn (no reload)."""
    import uvicorn

    if not no_migrate:
        from transfers.migrate import upgrade

        upgrade()
    uvicorn.run("transfers.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="info", reload=False)


if __name__ == "__main__":  # pragma: no cover
    main()
