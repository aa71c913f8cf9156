"""The one calendar: month ends, leap days, notice periods and the ends of the calendar, checked
against dateutil's relativedelta (the semantics every caller relies on)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta

from transfers.rules.calendar import (
    add_days,
    add_months,
    notice_deadline,
    reverification_due,
    review_due,
    shift,
)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # month end clamps
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap February
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # leap day, next year
        (date(2024, 2, 29), 48, date(2028, 2, 29)),  # leap day, next leap year
        (date(2026, 3, 31), -1, date(2026, 2, 28)),  # backwards clamps too
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # over the year end
        (date(2027, 1, 15), -1, date(2026, 12, 15)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(1900, 1, 31), 1, date(1900, 2, 28)),  # 1900 is not a leap year
        (date(2000, 1, 31), 1, date(2000, 2, 29)),  # 2000 is
        (date(2026, 5, 17), 0, date(2026, 5, 17)),
        (date(9999, 12, 1), 1, date.max),  # saturates: never due, never a 500
        (date(9999, 6, 30), 1200, date.max),
        (date(1, 2, 1), -2, date.min),
    ],
)
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("day", "months", "days", "expected"),
    [
        (date(2026, 1, 31), 1, 1, date(2026, 3, 1)),  # months first, then days
        (date(2026, 3, 31), -1, -1, date(2026, 2, 27)),
        (date(2026, 1, 1), 0, 90, date(2026, 4, 1)),
        (date(9999, 12, 30), 0, 5, date.max),
        (date(1, 1, 3), 0, -5, date.min),
    ],
)
def test_shift(day: date, months: int, days: int, expected: date) -> None:
    assert shift(day, months, days) == expected


def test_shift_agrees_with_relativedelta_over_four_years_of_days() -> None:
    """Every day of 2023-2026 (a leap year inside), for the month counts contracts use."""
    day = date(2023, 1, 1)
    while day < date(2027, 1, 1):
        for months in (-13, -12, -3, -1, 1, 2, 6, 12, 18, 36):
            for days in (0, 1, 30):
                assert shift(day, months, days) == day + relativedelta(months=months, days=days)
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("term_end", "notice", "deadline"),
    [
        (date(2026, 12, 31), "P3M", date(2026, 9, 30)),
        (date(2026, 5, 31), "P3M", date(2026, 2, 28)),  # 31 May - 3 months: end of February
        (date(2028, 5, 31), "3 months", date(2028, 2, 29)),  # leap February
        (date(2026, 12, 31), "P90D", date(2026, 10, 2)),
        (date(2026, 12, 31), "P1M10D", date(2026, 11, 20)),
        (date(2026, 12, 31), None, None),
    ],
)
def test_notice_deadline(term_end: date, notice: str | None, deadline: date | None) -> None:
    assert notice_deadline(term_end, notice) == deadline


def test_review_and_reverification_use_the_same_month_arithmetic() -> None:
    for day in (date(2024, 2, 29), date(2026, 1, 31), date(2026, 6, 1)):
        for months in (1, 6, 12):
            assert review_due(day, months) == reverification_due(day, months)
            assert review_due(day, months) == day + relativedelta(months=months)


def test_add_days_saturates() -> None:
    assert add_days(date.max, 1) == date.max
    assert add_days(date.min, -1) == date.min
    assert add_days(date(2026, 2, 28), 1) == date(2026, 3, 1)
