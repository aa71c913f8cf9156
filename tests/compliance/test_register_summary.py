"""`transfers check`'s summary: a large register is evaluated in two halves at once (the second
in a forked child), and the answer is exactly the whole register's, cut to its first rows."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from transfers import register
from transfers.compliance.service import register_summary, register_view
from transfers.db import session_factory
from transfers.demo import load_demo
from transfers.register.rows import VendorRows
from transfers.register.snapshot import Snapshot
from transfers.rules.compliance import summarise


def test_halves_keep_chains_whole_balance_the_work_and_keep_register_order() -> None:
    sizes = {1: 5, 2: 1, 3: 1, 4: 4, 5: 0, 6: 3, 7: 2, 8: 2}
    snapshot = Snapshot(
        vendors={i: VendorRows(vendor=None, transfers=[object()] * n) for i, n in sizes.items()},
        # 1 -> 2 -> 3 (a chain), 6 <-> 7 (a cycle), 8 -> 99 (a vendor not in the register)
        children={1: [2], 2: [3], 6: [7], 7: [6], 8: [99]},
    )
    first, second = snapshot.halves()
    assert sorted(first + second) == sorted(sizes)
    assert first == sorted(first) and second == sorted(second)  # register order
    for chain in ({1, 2, 3}, {6, 7}):
        assert chain <= set(first) or chain <= set(second)

    def work(part: list[int]) -> int:
        return sum(1 + sizes[i] for i in part)

    assert abs(work(first) - work(second)) <= 3  # 10, 5, 5, 3... split about evenly


@pytest.mark.parametrize("day", [date(2026, 11, 24), date(2020, 7, 20), date(2031, 1, 1)])
async def test_two_halves_give_the_whole_registers_answer(engine: AsyncEngine, day: date) -> None:
    maker = session_factory(engine)
    async with maker() as session:
        await load_demo(session, today=date(2026, 11, 24))
        await session.commit()
    async with maker() as session:
        snapshot = await register.current(session)
        first, second = snapshot.halves()
        assert first and second  # the sample register has several independent chains
        whole = await register_view(session, day, None, None)
        assert whole.problems
        for shown in (0, 1, 3, 1000):
            split = await register_summary(session, day, shown, jobs=2)
            assert split == summarise(whole, shown)
            assert len(split.problems) == min(shown, len(whole.problems))
