"""Work split across two processes: the answer never depends on whether a child was used."""

from __future__ import annotations

import os

import pytest

from transfers.infra import forked
from transfers.infra.forked import in_two

needs_fork = pytest.mark.skipif(not forked.can_fork(), reason="needs fork and a second core")


@needs_fork
def test_the_second_piece_runs_in_a_child_and_its_answer_comes_back() -> None:
    parent = os.getpid()
    here, there = in_two(lambda: ("here", os.getpid()), lambda: ("there", os.getpid()))
    assert here == ("here", parent)
    assert there[0] == "there" and there[1] != parent  # computed in another process


@needs_fork
def test_a_failing_child_is_made_good_here() -> None:
    parent = os.getpid()

    def there() -> str:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return "computed here instead"

    assert in_two(lambda: 1, there) == (1, "computed here instead")


@needs_fork
def test_a_child_that_dies_is_made_good_here() -> None:
    parent = os.getpid()

    def there() -> str:
        if os.getpid() != parent:
            os._exit(3)  # killed, answer never written
        return "computed here instead"

    assert in_two(lambda: 1, there) == (1, "computed here instead")


def test_without_fork_both_run_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forked, "can_fork", lambda: False)
    parent = os.getpid()
    assert in_two(os.getpid, os.getpid) == (parent, parent)


def test_a_fork_the_system_refuses_runs_both_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> int:
        raise BlockingIOError("Resource temporarily unavailable")

    monkeypatch.setattr(forked, "can_fork", lambda: True)
    monkeypatch.setattr(os, "fork", refuse)
    parent = os.getpid()
    assert in_two(os.getpid, os.getpid) == (parent, parent)


@needs_fork
def test_an_answer_cut_short_is_made_good_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """Half a pickle (a child killed while writing) is never trusted."""
    import pickle

    whole = pickle.dumps
    monkeypatch.setattr(
        forked.pickle, "dumps", lambda value, protocol=None: whole(value)[: len(whole(value)) // 2]
    )
    parent = os.getpid()
    assert in_two(lambda: 0, lambda: ("pid", os.getpid())) == (0, ("pid", parent))
