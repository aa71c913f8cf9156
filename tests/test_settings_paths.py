"""The default register does not depend on the working directory."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from transfers.settings import Settings


def test_default_database_is_the_same_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRANSFERS_DATABASE_URL", raising=False)
    here = Settings().database_url
    monkeypatch.chdir(tmp_path)
    assert Settings().database_url == here
    path = here.split(":///", 1)[1]
    assert os.path.isabs(path) and path.endswith("transfers.sqlite3")
