"""Contract term arithmetic on its edges: month ends, leap years, renewals from the anchor,
notice periods longer than a term."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta

from transfers.rules.calendar import (
    current_term_end,
    duration_to_iso,
    next_notice_deadline,
    normalise_duration,
    notice_deadline,
    notice_deadlines,
    parse_duration,
    shift,
    term_end,
    term_ends,
)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("P2Y", "P2Y"),
        ("p18m", "P1Y6M"),
        ("P1Y6M", "P1Y6M"),
        ("P90D", "P90D"),
        ("P6W", "P42D"),
        ("2 years", "P2Y"),
        ("1 year 6 months", "P1Y6M"),
        ("18 months", "P1Y6M"),
        ("90 days", "P90D"),
        ("6 weeks", "P42D"),
        ("2 vuotta", "P2Y"),
        ("3 kuukautta", "P3M"),
        ("90 päivää", "P90D"),
    ],
)
def test_durations_normalise_to_iso(text: str, iso: str) -> None:
    assert normalise_duration(text) == iso


@pytest.mark.parametrize(
    "text", ["", "two years", "P", "P0D", "5 fortnights", "2 years and then some", "PT5H"]
)
def test_bad_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("start", "term", "end"),
    [
        (date(2026, 1, 31), "P1M", date(2026, 2, 28)),
        (date(2024, 1, 31), "P1M", date(2024, 2, 29)),
        (date(2024, 2, 29), "P1Y", date(2025, 2, 28)),
        (date(2024, 2, 29), "P4Y", date(2028, 2, 29)),
        (date(2026, 1, 1), "P2Y", date(2028, 1, 1)),
        (date(2026, 3, 31), "P90D", date(2026, 6, 29)),
    ],
)
def test_term_end_is_month_end_safe(start: date, term: str, end: date) -> None:
    assert term_end(start, term, None) == end


def test_explicit_end_wins_and_open_ended_is_none() -> None:
    assert term_end(date(2026, 1, 1), "P1Y", date(2026, 6, 30)) == date(2026, 6, 30)
    assert term_end(date(2026, 1, 1), None, None) is None


@pytest.mark.parametrize(
    ("as_of", "end"),
    [
        (date(2026, 2, 28), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 4, 30)),
        (date(2026, 5, 1), date(2026, 5, 31)),
        (date(2027, 2, 1), date(2027, 2, 28)),
    ],
)
def test_monthly_renewals_are_computed_from_the_anchor(as_of: date, end: date) -> None:
    assert current_term_end(date(2026, 1, 31), "P1M", None, True, None, as_of) == end


def test_renewal_across_several_terms_and_a_different_renewal_term() -> None:
    start = date(2020, 3, 15)
    assert current_term_end(start, "P2Y", None, True, None, date(2026, 11, 24)) == date(2028, 3, 15)
    assert current_term_end(start, "P2Y", None, True, "P1Y", date(2026, 11, 24)) == date(
        2027, 3, 15
    )
    assert current_term_end(start, "P2Y", None, False, None, date(2026, 11, 24)) == date(
        2022, 3, 15
    )


def test_notice_deadline() -> None:
    assert notice_deadline(date(2027, 5, 31), "P3M") == date(2027, 2, 28)
    assert notice_deadline(date(2027, 5, 31), None) is None


def test_next_notice_deadline_with_notice_longer_than_a_term() -> None:
    # Monthly renewals from 31 Jan with three months' notice: the terms end 28 Feb, 31 Mar,
    # 30 Apr, 31 May, 30 Jun; on 1 March the next deadline is 30 March, for the term ending
    # 30 June, which has not even started yet.
    found = next_notice_deadline(date(2026, 1, 31), "P1M", None, None, "P3M", date(2026, 3, 1))
    assert found == (date(2026, 3, 30), date(2026, 6, 30))


def test_next_notice_deadline_rolls_to_the_next_term_once_passed() -> None:
    start = date(2025, 1, 15)
    assert next_notice_deadline(start, "P1Y", None, None, "P2M", date(2025, 11, 15)) == (
        date(2025, 11, 15),
        date(2026, 1, 15),
    )
    assert next_notice_deadline(start, "P1Y", None, None, "P2M", date(2025, 11, 16)) == (
        date(2026, 11, 15),
        date(2027, 1, 15),
    )


@pytest.mark.parametrize("text", ["P200Y", "1300 months", "P40000D", "-P1Y", "1.5 years"])
def test_absurd_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_duration_to_iso_round_trips_and_refuses_time_parts() -> None:
    assert duration_to_iso(parse_duration("1 year, 6 months and 10 days")) == "P1Y6M10D"
    assert duration_to_iso(relativedelta(months=24)) == "P2Y"
    with pytest.raises(ValueError):
        duration_to_iso(relativedelta(hours=5))
    with pytest.raises(ValueError):
        duration_to_iso(relativedelta(months=-1))


@pytest.mark.parametrize(
    ("as_of", "end"),
    [
        (date(2025, 1, 1), date(2025, 2, 28)),
        (date(2025, 3, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2027, 2, 28)),
        (date(2027, 3, 1), date(2028, 2, 29)),
        (date(2028, 3, 1), date(2029, 2, 28)),
    ],
)
def test_yearly_renewals_from_a_leap_day_return_to_29_february(as_of: date, end: date) -> None:
    assert current_term_end(date(2024, 2, 29), "P1Y", None, True, None, as_of) == end


def test_renewals_from_an_explicit_end_are_anchored_on_it() -> None:
    ends = term_ends(
        date(2025, 1, 1),
        "P1Y",
        date(2026, 1, 31),
        "P1M",
        since=date(2026, 1, 1),
        until=date(2026, 5, 31),
    )
    assert ends == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
    ]


def _naive_end(start: date, term: str, renewal: str, as_of: date) -> date:
    """Reference: walk every term from the anchor, one k at a time."""
    t, r = parse_duration(term), parse_duration(renewal)
    k = 0
    while True:
        end: date = start + relativedelta(
            months=(t.years * 12 + t.months) + k * (r.years * 12 + r.months),
            days=t.days + k * r.days,
        )
        if end >= as_of:
            return end
        k += 1


@pytest.mark.parametrize(
    ("term", "renewal"),
    [("P1M", "P1M"), ("P1Y", "P3M"), ("P90D", "P90D"), ("P2Y", "P1Y1M15D"), ("P1M", "P1D")],
)
def test_jumping_to_the_current_term_matches_walking_every_term(term: str, renewal: str) -> None:
    starts = [date(2019, 1, 28) + timedelta(days=n) for n in range(0, 40)] + [date(2020, 2, 29)]
    for start in starts:
        for as_of in (date(2020, 3, 1), date(2024, 2, 29), date(2031, 12, 31)):
            assert current_term_end(start, term, None, True, renewal, as_of) == _naive_end(
                start, term, renewal, as_of
            ), (start, as_of)


def test_next_notice_deadline_on_the_deadline_itself_is_that_deadline() -> None:
    assert next_notice_deadline(
        date(2025, 1, 15), "P1Y", None, None, "P2M", date(2025, 11, 15)
    ) == (
        date(2025, 11, 15),
        date(2026, 1, 15),
    )


def test_notice_longer_than_a_yearly_term() -> None:
    # Yearly renewals from 1 July 2025 with 18 months' notice: to stop the renewal of
    # 1 July 2027 notice must be given by 1 January 2026, inside the first term.
    found = next_notice_deadline(date(2025, 7, 1), "P1Y", None, None, "P18M", date(2025, 8, 1))
    assert found == (date(2026, 1, 1), date(2027, 7, 1))
    assert notice_deadlines(
        date(2025, 7, 1),
        "P1Y",
        None,
        None,
        "P18M",
        since=date(2025, 8, 1),
        until=date(2028, 12, 31),
    ) == [
        (date(2026, 1, 1), date(2027, 7, 1)),
        (date(2027, 1, 1), date(2028, 7, 1)),
        (date(2028, 1, 1), date(2029, 7, 1)),
    ]


def test_notice_deadlines_shared_by_two_term_ends_are_listed_once() -> None:
    # Daily renewals with one month's notice: the ends 30 and 31 March both clamp back to
    # 28 February.
    pairs = notice_deadlines(
        date(2026, 3, 1),
        "P1D",
        None,
        None,
        "P1M",
        since=date(2026, 2, 27),
        until=date(2026, 3, 1),
    )
    assert pairs == [
        (date(2026, 2, 27), date(2026, 3, 27)),
        (date(2026, 2, 28), date(2026, 3, 28)),
        (date(2026, 3, 1), date(2026, 4, 1)),
    ]


def test_a_fixed_term_without_renewal_has_one_end_and_one_notice() -> None:
    assert term_ends(
        date(2026, 1, 1), None, date(2026, 6, 30), None, since=date.min, until=date.max
    ) == [date(2026, 6, 30)]
    assert next_notice_deadline(None, None, date(2026, 6, 30), None, "P30D", date(2026, 5, 31)) == (
        date(2026, 5, 31),
        date(2026, 6, 30),
    )
    assert (
        next_notice_deadline(None, None, date(2026, 6, 30), None, "P30D", date(2026, 6, 1)) is None
    )


@pytest.mark.parametrize(
    ("day", "months", "days", "expected"),
    [
        (date(2026, 1, 31), 1, 0, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, 0, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, 0, date(2025, 2, 28)),
        (date(2026, 3, 31), -1, 0, date(2026, 2, 28)),
        (date(2026, 12, 31), 2, 0, date(2027, 2, 28)),
        (date(2026, 1, 15), -13, 0, date(2024, 12, 15)),
        (date(2026, 1, 31), 1, 1, date(2026, 3, 1)),
        (date(2026, 3, 1), 0, -1, date(2026, 2, 28)),
    ],
)
def test_shift_is_relativedelta_months_then_days(
    day: date, months: int, days: int, expected: date
) -> None:
    assert shift(day, months, days) == expected
    assert day + relativedelta(months=months, days=days) == expected
