"""Contract terms of agreements: re-exported from ``transfers.rules.calendar``, where all term and
month arithmetic lives (one copy, so a month-end is handled the same way everywhere)."""

from __future__ import annotations

from transfers.rules.calendar import (
    MAX_DAYS,
    MAX_MONTHS,
    MAX_RENEWALS,
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

__all__ = [
    "MAX_DAYS",
    "MAX_MONTHS",
    "MAX_RENEWALS",
    "current_term_end",
    "duration_to_iso",
    "next_notice_deadline",
    "normalise_duration",
    "notice_deadline",
    "notice_deadlines",
    "parse_duration",
    "shift",
    "term_end",
    "term_ends",
]
