"""The database schema: `transfers db upgrade|downgrade`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from transfers.cli._base import (
    _safe_url,
    console,
    main,
)
from transfers.settings import get_settings

if TYPE_CHECKING:
    pass


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
