"""The SQLite version probe: answers for a file, declines what it cannot see, follows a file
that was replaced."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import create_engine

from transfers.register import probe


def _register(path: Path, ids: int) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE register_change (id INTEGER PRIMARY KEY, vendor_id INTEGER)")
        conn.executemany("INSERT INTO register_change (vendor_id) VALUES (?)", [(1,)] * ids)


def test_reads_the_highest_change_id_of_a_file(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    _register(path, 3)
    engine = create_engine(f"sqlite:///{path}")
    assert probe.version(engine) == 3
    with sqlite3.connect(path) as conn:  # another connection commits
        conn.execute("INSERT INTO register_change (vendor_id) VALUES (2)")
    assert probe.version(engine) == 4
    probe.close(engine)


def test_declines_memory_databases_and_other_engines(tmp_path: Path) -> None:
    assert probe.version(create_engine("sqlite://")) is None
    assert probe.version(create_engine("sqlite:///:memory:")) is None
    assert probe.version(create_engine(f"sqlite:///{tmp_path / 'missing.sqlite3'}")) is None


def test_a_replaced_file_is_followed(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite3"
    _register(path, 5)
    engine = create_engine(f"sqlite:///{path}")
    assert probe.version(engine) == 5
    path.unlink()  # e.g. restored from a backup: a probe on the old inode would never move
    _register(path, 2)
    assert probe.version(engine) == 2
    probe.close(engine)


def test_a_file_without_a_change_log_falls_back_to_the_session(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    sqlite3.connect(path).close()
    assert probe.version(create_engine(f"sqlite:///{path}")) is None
