"""Contract term arithmetic on its edges: month ends, leap years, renewals from the anchor,
notice periods longer than a term."""

from __future__ import annotations

from datetime import date

import pytest

from transfers.agreement.terms import (
    current_term_end,
    next_notice_deadline,
    normalise_duration,
    notice_deadline,
    parse_duration,
    term_end,
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
