"""Calendar and contract-term arithmetic: the one place the product adds months to a date.

Every caller (terms and notice deadlines of agreements, TIA review cadences, DPF
re-verification, reminders, the rules engine) uses these functions, so that a month-end or a
leap day is handled the same way everywhere. The semantics are dateutil's ``relativedelta``
(months first, clamped to the month's last day, then days); the tests check the fast
arithmetic below against ``relativedelta`` itself. Results saturate at ``date.max`` /
``date.min``: a date typed as 9999-12-01 plus a term is "never", not a 500.

Conventions (one for the whole product):
- a term runs from its start date through ``start + term`` inclusive, with dateutil's
  month-end clamping: a 1-month term from 31 January ends on 28 February (29 in a leap
  year), a 1-year term from 2024-02-29 on 2025-02-28; the agreement is in force on its end date;
- renewals are computed from the anchor in one step, ``start + term + k * renewal`` (or
  ``ends_on + k * renewal`` when the end was given explicitly), never by adding month after
  month: 31 Jan + 1 month renewals end 28 Feb, 31 Mar, 30 Apr, ...;
- the notice deadline is ``term_end - notice_period``: the last day to object or renegotiate
  before an agreement renews by itself;
- durations are stored as ISO 8601 date durations in months and days (``P1Y6M``, ``P90D``);
  weeks become days (``P6W`` -> ``P42D``) because a canonical form cannot mix weeks with others.
"""

from __future__ import annotations

import re
from calendar import isleap
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # imported where a duration is built: the engine's own arithmetic is below
    from dateutil.relativedelta import relativedelta

_ISO = re.compile(
    r"^P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?$"
)
_UNITS = {
    "years": ("y", "yr", "yrs", "year", "years", "vuosi", "vuotta", "vuoden"),
    "months": ("mo", "mos", "month", "months", "kk", "kuukausi", "kuukautta", "kuukauden"),
    "weeks": ("w", "wk", "wks", "week", "weeks", "viikko", "viikkoa", "viikon"),
    "days": ("d", "day", "days", "päivä", "päivää", "päivän", "pv"),
}
_UNIT_OF = {alias: unit for unit, aliases in _UNITS.items() for alias in aliases}
_HUMAN = re.compile(r"(\d+)\s*([a-zäö]+)")
MAX_MONTHS = 100 * 12
"""Longest duration accepted (100 years): a typo such as ``P2000Y`` would overflow ``date``."""
MAX_DAYS = 100 * 366
MAX_RENEWALS = 100_000
"""Safety bound on term-by-term walks; a 1-day renewal reaches 270 years before hitting it."""

_HINT = "use ISO 8601 such as P2Y, P18M, P90D, P6W or words such as '2 years', '3 kuukautta'"


@lru_cache(maxsize=4096)
def _parts(text: str) -> tuple[int, int]:
    """``text`` as (months, days); cached because the same few terms recur across a register."""
    raw = text.strip()
    if not raw:
        raise ValueError(f"A duration must not be empty; {_HINT}.")
    parts: dict[str, int] = {}
    match = _ISO.match(raw.upper())
    if match and any(match.groupdict().values()):
        parts = {k: int(v) for k, v in match.groupdict().items() if v}
    else:
        lowered = raw.lower().replace(",", " ").replace(" and ", " ").replace(" ja ", " ")
        found = _HUMAN.findall(lowered)
        leftover = _HUMAN.sub("", lowered).strip()
        if not found or leftover:
            raise ValueError(f"Cannot read {text!r} as a duration; {_HINT}.")
        for number, word in found:
            unit = _UNIT_OF.get(word)
            if unit is None:
                raise ValueError(
                    f"Unknown unit {word!r} in {text!r}; use years, months, weeks or days."
                )
            parts[unit] = parts.get(unit, 0) + int(number)
    months = 12 * parts.get("years", 0) + parts.get("months", 0)
    days = parts.get("days", 0) + 7 * parts.get("weeks", 0)
    if months == 0 and days == 0:
        raise ValueError(f"The duration {text!r} is zero; a term must be at least one day.")
    if months > MAX_MONTHS or days > MAX_DAYS:
        raise ValueError(f"The duration {text!r} is longer than 100 years; check for a typo.")
    return months, days


def parse_duration(text: str) -> relativedelta:
    """``P2Y``, ``P18M``, ``P1Y6M``, ``P90D``, ``P6W``, or "2 years", "1 year 6 months",
    "6 weeks", "2 vuotta", "3 kuukautta", "90 päivää"; ``ValueError`` for anything else
    (time parts such as ``PT5H``, zero, negative or unknown units)."""
    from dateutil.relativedelta import relativedelta

    months, days = _parts(text)
    return relativedelta(months=months, days=days)


def duration_to_iso(delta: relativedelta) -> str:
    """Canonical ISO 8601 form of a date duration: ``P1Y6M``, ``P42D``, ``P1Y10D``."""
    if delta.hours or delta.minutes or delta.seconds or delta.microseconds:
        raise ValueError("A contract term is a date duration; it cannot carry hours or minutes.")
    total_months = delta.years * 12 + delta.months
    if total_months < 0 or delta.days < 0:
        raise ValueError("A contract term cannot be negative.")
    years, months = divmod(total_months, 12)
    out = "P"
    if years:
        out += f"{years}Y"
    if months:
        out += f"{months}M"
    if delta.days:
        out += f"{delta.days}D"
    return out if out != "P" else "P0D"


def normalise_duration(text: str) -> str:
    """Canonical ISO form for storage: "2 years" -> "P2Y", "18 months" -> "P1Y6M"."""
    from dateutil.relativedelta import relativedelta

    months, days = _parts(text)
    return duration_to_iso(relativedelta(months=months, days=days))


_DAYS_IN_MONTH: Final = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@lru_cache(maxsize=16384)
def add_months(day: date, months: int) -> date:
    """``day + relativedelta(months=months)``: whole calendar months, clamped to the month's last
    day (31 Jan + 1 = 28 Feb, 29 Feb 2024 + 12 = 28 Feb 2025), saturating at ``date.max`` /
    ``date.min``. Written out and cached because it runs for every term of every agreement in a
    reminder run, where relativedelta's generality costs ten times as much."""
    if not months:
        return day
    year, month0 = divmod(day.year * 12 + day.month - 1 + months, 12)
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    last = 29 if month0 == 1 and isleap(year) else _DAYS_IN_MONTH[month0]
    return date(year, month0 + 1, min(day.day, last))


def add_days(day: date, days: int) -> date:
    """``day + days``, saturating at ``date.max`` / ``date.min`` instead of raising."""
    if not days:
        return day
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def shift(day: date, months: int = 0, days: int = 0) -> date:
    """``day + relativedelta(months=months, days=days)``: months first, clamped to the month's
    last day, then days; saturating at the ends of the calendar."""
    return add_days(add_months(day, months), days)


def review_due(completed_on: date, cadence_months: int) -> date:
    """When a TIA completed on ``completed_on`` falls due on a cadence of ``cadence_months``
    (EDPB Recommendations 01/2020, step 6): completed 31 January with a monthly cadence is due
    28/29 February; completed 29 February with a yearly one, 28 February."""
    return add_months(completed_on, cadence_months)


def reverification_due(verified_on: date, every_months: int) -> date:
    """Last day a framework certification check (the DPF List, Decision (EU) 2023/1795) stays
    current: ``verified_on`` plus the reference data's re-verification period."""
    return add_months(verified_on, every_months)


class _Schedule:
    """The ends of an agreement's terms, each computed in one step from the anchor."""

    __slots__ = ("anchor", "days", "first", "months", "renew_days", "renew_months")

    def __init__(
        self,
        effective_on: date | None,
        term: str | None,
        ends_on: date | None,
        renewal_term: str | None,
    ) -> None:
        if ends_on is not None or effective_on is None or not term:
            anchor, months, days = ends_on, 0, 0
        else:
            anchor = effective_on
            months, days = _parts(term)
        renewal = renewal_term or term
        self.renew_months, self.renew_days = _parts(renewal) if renewal else (0, 0)
        self.anchor, self.months, self.days = anchor, months, days
        self.first = None if anchor is None else self.end(0)

    @property
    def renews(self) -> bool:
        return bool(self.renew_months or self.renew_days)

    def end(self, k: int) -> date:
        """End of the (k+1)-th term: ``anchor + term + k * renewal`` with month-end clamping."""
        assert self.anchor is not None
        return shift(
            self.anchor, self.months + k * self.renew_months, self.days + k * self.renew_days
        )

    def first_at_or_after(self, day: date) -> int:
        """Smallest k whose end is on or after ``day`` (needs ``renews``).

        Jumps close to the answer first: a renewal of m months and d days is at most
        31m + d days long (plus up to 3 days won back from a clamped anchor), so
        ``gap // length - 1`` never overshoots; a few steps forward finish the walk.
        """
        assert self.first is not None
        gap = (day - self.first).days
        if gap <= 0:
            return 0
        k = max(0, gap // (31 * self.renew_months + self.renew_days) - 1)
        for _ in range(MAX_RENEWALS):
            if self.end(k) >= day:
                return k
            k += 1
        raise ValueError("Too many renewals; check the term and renewal term.")


def term_end(effective_on: date | None, term: str | None, ends_on: date | None) -> date | None:
    """Last day in force of the first term: ``effective_on + term`` (inclusive, month-end
    clamped); an explicit ``ends_on`` wins; None when open-ended."""
    return _Schedule(effective_on, term, ends_on, None).first


def current_term_end(
    effective_on: date | None,
    term: str | None,
    ends_on: date | None,
    auto_renew: bool,
    renewal_term: str | None,
    as_of: date,
) -> date | None:
    """End of the term running on ``as_of``; with auto-renewal, rolled forward term by term from
    the anchor (``renewal_term`` defaults to ``term``) to the first end on or after ``as_of``.

    Without auto-renewal this is the first end even if it has passed (the agreement lapsed).
    """
    schedule = _Schedule(effective_on, term, ends_on, renewal_term)
    first = schedule.first
    if first is None or not auto_renew or not schedule.renews or first >= as_of:
        return first
    return schedule.end(schedule.first_at_or_after(as_of))


def notice_deadline(term_end: date, notice_period: str | None) -> date | None:
    """Last day to give notice before ``term_end`` (``term_end - notice``, month-end clamped)."""
    if not notice_period:
        return None
    months, days = _parts(notice_period)
    return shift(term_end, -months, -days)


def next_notice_deadline(
    effective_on: date | None,
    term: str | None,
    ends_on: date | None,
    renewal_term: str | None,
    notice_period: str | None,
    as_of: date,
) -> tuple[date, date] | None:
    """First notice deadline on or after ``as_of`` of an auto-renewing agreement, with the term
    end it belongs to; None when there is no notice period or no end.

    A notice period longer than a term puts the deadline for a later term before the current
    term has even started (monthly renewals, three months' notice): the walk starts at the
    term running on ``as_of`` (earlier ends have earlier deadlines) and moves forward until a
    deadline has not yet passed. Only call this for agreements that renew by themselves.
    """
    if not notice_period:
        return None
    schedule = _Schedule(effective_on, term, ends_on, renewal_term)
    if schedule.first is None:
        return None
    months, days = _parts(notice_period)
    if not schedule.renews:
        end = schedule.first
        deadline = shift(end, -months, -days)
        return (deadline, end) if deadline >= as_of else None
    k = schedule.first_at_or_after(as_of)
    for _ in range(MAX_RENEWALS):
        end = schedule.end(k)
        deadline = shift(end, -months, -days)
        if deadline >= as_of:
            return deadline, end
        k += 1
    raise ValueError("Too many renewals; check the term, renewal term and notice period.")


def term_ends(
    effective_on: date | None,
    term: str | None,
    ends_on: date | None,
    renewal_term: str | None,
    *,
    since: date,
    until: date,
) -> list[date]:
    """Ends of the successive terms of an auto-renewing agreement that fall in
    ``[since, until]``, each from the anchor (for calendars and reminder horizons)."""
    schedule = _Schedule(effective_on, term, ends_on, renewal_term)
    if schedule.first is None:
        return []
    if not schedule.renews:
        return [schedule.first] if since <= schedule.first <= until else []
    out: list[date] = []
    k = schedule.first_at_or_after(since)
    while len(out) < MAX_RENEWALS:
        end = schedule.end(k)
        if end > until:
            break
        out.append(end)
        k += 1
    return out


def notice_deadlines(
    effective_on: date | None,
    term: str | None,
    ends_on: date | None,
    renewal_term: str | None,
    notice_period: str | None,
    *,
    since: date,
    until: date,
) -> list[tuple[date, date]]:
    """(notice deadline, term end) pairs whose deadline falls in ``[since, until]``, in order.

    Two term ends may share a deadline when renewals are shorter than the month-end clamp of
    the notice period (daily renewals, one month's notice); the earlier term end is kept.
    """
    found = next_notice_deadline(effective_on, term, ends_on, renewal_term, notice_period, since)
    if found is None or found[0] > until:
        return []
    assert notice_period is not None
    schedule = _Schedule(effective_on, term, ends_on, renewal_term)
    months, days = _parts(notice_period)
    out = [found]
    if not schedule.renews:
        return out
    k = schedule.first_at_or_after(found[1]) + 1
    while len(out) < MAX_RENEWALS:
        end = schedule.end(k)
        deadline = shift(end, -months, -days)
        if deadline > until:
            break
        if deadline != out[-1][0]:
            out.append((deadline, end))
        k += 1
    return out
