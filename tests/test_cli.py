"""The `transfers` command as an operator uses it, against a real register (both databases)."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.conftest import Api, Database
from transfers.cli import main
from transfers.settings import get_settings


@pytest.fixture
def cli(db: Database, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("TRANSFERS_DATABASE_URL", db.url)
    get_settings.cache_clear()

    async def run(*args: str) -> Result:
        return await asyncio.to_thread(CliRunner().invoke, main, list(args))

    yield run
    get_settings.cache_clear()


async def test_demo_check_export_and_import_round_trip(cli: Any, api: Api, tmp_path: Path) -> None:
    demo = await cli("demo", "--if-empty")
    assert demo.exit_code == 0, demo.output
    vendors = (await api.get("/api/v1/vendors")).json()["total"]
    assert vendors > 5
    again = await cli("demo", "--if-empty")
    assert again.exit_code == 0 and (await api.get("/api/v1/vendors")).json()["total"] == vendors

    check = await cli("check", "--json", "--as-of", "2026-11-24")
    assert check.exit_code in (0, 1), check.output  # 1: the sample register has findings
    result = json.loads(check.output)
    assert result["as_of"] == "2026-11-24"

    out = tmp_path / "register.xlsx"
    exported = await cli("export", "--format", "xlsx", "--output", str(out))
    assert exported.exit_code == 0, exported.output
    assert out.read_bytes().startswith(b"PK")
    dry = await cli("import", str(out), "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert (await api.get("/api/v1/vendors")).json()["total"] == vendors


async def test_keys_and_reference(cli: Any) -> None:
    created = await cli("keys", "create", "--role", "legal", "--name", "ops-laptop")
    assert created.exit_code == 0, created.output
    assert "trk_" in created.output
    listed = await cli("keys", "list")
    assert listed.exit_code == 0 and "ops-laptop" in listed.output
    duplicate = await cli("keys", "create", "--role", "legal", "--name", "ops-laptop")
    assert duplicate.exit_code != 0
    reference = await cli("reference", "--json")
    assert reference.exit_code == 0, reference.output
    assert json.loads(reference.output)


async def test_check_and_reminders_print_a_summary_then_rows_and_all_streams_lines(
    cli: Any,
) -> None:
    assert (await cli("demo", "--if-empty")).exit_code == 0

    every = await cli("check", "--all")
    assert every.exit_code == 1, every.output  # the sample register has unlawful transfers
    summary, *lines = every.output.splitlines()
    assert "unlawful active transfers" in summary
    problems = [line.split("\t") for line in lines if "\t" in line]
    assert len(problems) > 2 and all(len(p) == 6 for p in problems)
    assert {p[0] for p in problems} <= {"unlawful", "at_risk"}

    short = await cli("check", "--limit", "2")
    out = short.output.splitlines()
    assert out[0] == summary
    assert out[1].split() == ["verdict", "vendor", "transfer", "to", "mechanism", "reasons"]
    assert f"... {len(problems) - 2} more problems (--all lists every one)" in out
    assert "\t" not in short.output
    # Two processes (the default for a large register) print exactly what one prints.
    for limit in ("0", "3", "1000"):
        one = await cli("check", "--as-of", "2026-11-24", "--limit", limit, "--jobs", "1")
        two = await cli("check", "--as-of", "2026-11-24", "--limit", limit, "--jobs", "2")
        assert (two.exit_code, two.output) == (one.exit_code, one.output)
    too_many = await cli("check", "--jobs", "3")
    assert too_many.exit_code == 2 and "--jobs" in too_many.output

    reminders = await cli("reminders", "list", "--within", "400d", "--all")
    head, *rows = reminders.output.splitlines()
    fields = [r.split("\t") for r in rows]
    assert head.startswith(f"{len(fields)} reminders within 400d")
    assert fields and all(len(f) == 8 for f in fields)
    assert [f[0] for f in fields] == sorted(f[0] for f in fields)  # by report date
    overdue = sum(1 for f in fields if int(f[2]) < 0)
    assert f", {overdue} overdue" in head
    assert reminders.exit_code == (1 if overdue else 0)

    first = await cli("reminders", "list", "--within", "400d", "--limit", "1")
    shown = first.output.splitlines()
    assert shown[0] == head and shown[1].startswith("report on")
    assert shown[2].split()[0] == fields[0][0]
    assert shown[-1] == f"... {len(fields) - 1} more (--all lists every one)"


async def test_console_script_prints_everything_and_keeps_the_exit_status(
    cli: Any, db: Database
) -> None:
    """The console script leaves a read-only pass without tearing the interpreter down: the
    output must still be complete and the exit status the command's."""
    import subprocess
    import sys

    assert (await cli("demo", "--if-empty")).exit_code == 0
    env = {**os.environ, "TRANSFERS_DATABASE_URL": db.url}
    for args in (["check", "--all"], ["reminders", "list", "--within", "400d", "--all"]):
        expected = await cli(*args)
        script = "from transfers.cli import run; run()"
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-c", script, *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.stdout == expected.output, done.stderr
        assert done.returncode == expected.exit_code
