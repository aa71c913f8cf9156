"""The `transfers` command: the operator's entry point, one module per command group.

Importing this package registers every command on :data:`main` and stays light: each command
imports the web stack, the database and rich only when it runs (``transfers --help`` is fast).
"""

from __future__ import annotations

from transfers.cli import (  # noqa: F401  (each module registers its commands on main)
    check,
    customers,
    data,
    db,
    docs,
    dpf,
    intake,
    keys,
    notices,
    reminders,
    serve,
    users,
)
from transfers.cli._base import main, run

__all__ = ["main", "run"]
