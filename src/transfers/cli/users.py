"""Workspace accounts: `transfers users create|bootstrap|list|disable|set-password`."""

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

if TYPE_CHECKING:
    pass


# -- workspace users (issue 11) -----------------------------------------------------------


@main.group()
def users() -> None:
    """Workspace accounts (people; machines use API keys)."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["admin", "legal", "procurement"]), required=True)
@click.option("--password", default=None, help="Generated and printed when not given")
@click.option("--language", type=click.Choice(["fi", "en"]), default="fi", show_default=True)
def users_create(email: str, name: str, role: str, password: str | None, language: str) -> None:
    """Create an account; prints the password when it was generated."""
    from transfers.common.problems import ProblemError
    from transfers.user.service import create_user

    async def work(session: Any) -> str:
        _, secret = await create_user(
            session,
            email=email,
            name=name,
            role=role,
            password=password,
            actor=cli_actor(),
            language=language,
        )
        return secret

    try:
        secret = run_in_session(work)
    except ProblemError as exc:
        fail(exc.detail)
    err_console.print(f"user {email} ({role}) created.")
    if password is None:
        click.echo(secret)


@users.command("bootstrap")
@click.option("--email", default="admin@example.com", show_default=True)
def users_bootstrap(email: str) -> None:
    """Create a first admin account if there is none and print its login once."""
    from transfers.user.service import count_users, create_user

    async def work(session: Any) -> str | None:
        if await count_users(session):
            return None
        _, secret = await create_user(
            session, email=email, name="Admin", role="admin", password=None, actor=cli_actor()
        )
        return secret

    secret = run_in_session(work)
    if secret is None:
        err_console.print("workspace users exist already; add more with `transfers users create`.")
        return
    err_console.print(f"First workspace login (shown only once): {email} / {secret}")


@users.command("list")
def users_list() -> None:
    """List accounts (never the passwords)."""
    from transfers.user.service import list_users

    rows = run_in_session(list_users)
    table = new_table("id", "email", "name", "role", "language", "last login", "disabled")
    for user in rows:
        table.add_row(
            str(user.id),
            user.email,
            user.name,
            user.role,
            user.language,
            f"{user.last_login_at:%Y-%m-%d %H:%M}" if user.last_login_at else "",
            f"{user.disabled_at:%Y-%m-%d}" if user.disabled_at else "",
        )
    console.print(table)


@users.command("disable")
@click.argument("user")
def users_disable(user: str) -> None:
    """Disable an account by id or e-mail; its sessions end at once."""
    from transfers.common.problems import ProblemError
    from transfers.user.service import disable_user, find_user

    async def work(session: Any) -> str:
        found = await find_user(session, user)
        await disable_user(session, found, cli_actor())
        return found.email

    try:
        email = run_in_session(work)
    except ProblemError as exc:
        fail(exc.detail)
    console.print(f"disabled {email}")


@users.command("set-password")
@click.argument("user")
@click.option("--password", default=None, help="Generated and printed when not given")
def users_set_password(user: str, password: str | None) -> None:
    """Set or generate a password; the user's open sessions end."""
    from transfers.common.problems import ProblemError
    from transfers.user.service import find_user, set_password

    async def work(session: Any) -> str:
        found = await find_user(session, user)
        return await set_password(session, found, password, cli_actor())

    try:
        secret = run_in_session(work)
    except ProblemError as exc:
        fail(exc.detail)
    err_console.print("password set; the user's other sessions have ended.")
    if password is None:
        click.echo(secret)
