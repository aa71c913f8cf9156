"""Sub-processor chains: engagement on a day, the engaged chain, the inherited processing."""

from __future__ import annotations

from datetime import date

import pytest

from transfers.rules.chain import Link, engaged, engaged_chain, processing_owner

DAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("engaged_on", "ended_on", "expected"),
    [
        (None, None, True),
        (DAY, None, True),  # engaged from its first day
        (date(2026, 11, 25), None, False),  # not started yet
        (None, DAY, False),  # no longer on the day it ends
        (None, date(2026, 11, 25), True),
        (date(2024, 1, 1), date(2025, 1, 1), False),
    ],
)
def test_a_link_is_engaged_from_its_start_until_the_day_it_ends(
    engaged_on: date | None, ended_on: date | None, expected: bool
) -> None:
    assert engaged(Link(1, 1, 2, engaged_on, ended_on), DAY) is expected


def test_the_engaged_chain_follows_engaged_links_only_and_terminates_on_cycles() -> None:
    links = {
        1: [Link(1, 1, 2), Link(2, 1, 3, ended_on=DAY)],
        2: [Link(3, 2, 4), Link(4, 2, 1)],
        4: [Link(5, 4, 5, engaged_on=date(2027, 1, 1))],
    }
    chain = engaged_chain({1}, lambda v: links.get(v, []), DAY)
    assert chain == {2: 1, 4: 2, 1: 2}
    later = engaged_chain({1}, lambda v: links.get(v, []), date(2027, 1, 1))
    assert later == {2: 1, 4: 2, 1: 2, 5: 4}


@pytest.mark.parametrize(
    ("vendor", "own", "first_parent", "expected"),
    [
        (3, {3}, {3: 2}, 3),  # its own processing first
        (3, {1}, {3: 2, 2: 1}, 1),  # up the chain past a parent without one
        (3, set(), {3: 2, 2: 1}, None),  # no one up the chain has one
        (3, set(), {3: 2, 2: 3}, None),  # a cycle ends the walk
        (3, {2}, {}, None),  # no parent
    ],
)
def test_a_sub_processor_without_a_processing_works_for_its_parents(
    vendor: int, own: set[int], first_parent: dict[int, int], expected: int | None
) -> None:
    assert processing_owner(vendor, own.__contains__, first_parent.get) == expected
