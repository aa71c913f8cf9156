"""The `transfers` command as an operator uses it, against a real register (both databases)."""

from __future__ import annotations

import asyncio
import json
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
