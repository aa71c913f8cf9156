"""API keys for machines: `transfers keys create|bootstrap|list|revoke`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from transfers.cli._base import (
    cli_actor,
    console,
    err_console,
    fail,
    main,
    new_table,
    run_in_session,
)
from transfers.settings import get_settings

if TYPE_CHECKING:
    pass


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
        _, secret = await create_key(
            session, name="bootstrap-admin", role="admin", actor=cli_actor()
        )
        return secret

    secret = run_in_session(work)
    if secret is None:
        err_console.print(
            "API keys exist already; create more with `transfers keys create --role legal --name NAME`."
        )
        return
    err_console.print("First admin key (shown only once; keep it):")
    click.echo(secret)
    err_console.print(
        f'Try: curl -H "Authorization: Bearer {secret}" {get_settings().public_url}/api/v1/vendors'
    )


@keys.command("list")
def keys_list() -> None:
    """List keys (never the secrets)."""
    from transfers.auth.service import list_keys

    rows = run_in_session(list_keys)
    table = new_table("id", "name", "role", "prefix", "created", "revoked")
    for key in rows:
        table.add_row(
            str(key.id),
            key.name,
            key.role,
            key.prefix + "…",
            f"{key.created_at:%Y-%m-%d}",
            f"{key.revoked_at:%Y-%m-%d}" if key.revoked_at else "",
        )
    console.print(table)


@keys.command("revoke")
@click.argument("key")
def keys_revoke(key: str) -> None:
    """Revoke a key by id, name or prefix."""
    from transfers.auth.service import find_key, revoke_key
    from transfers.common.problems import ProblemError

    async def work(session: Any) -> str:
        found = await find_key(session, key)
        await revoke_key(session, found, cli_actor(), keep_last_admin=False)
        return found.name

    try:
        name = run_in_session(work)
    except ProblemError as exc:
        fail(exc.detail)
    console.print(f"revoked key '{name}'")
