"""Contract terms as ISO-8601 durations, computed with dateutil.

Conventions (one for the whole product):
- a term runs from its start date through ``start + term`` inclusive, with dateutil's
  month-end clamping: a 1-month term from 31 January ends on 28 February (29 in a leap
  year), a 1-year term from 2024-02-29 on 2025-02-28;
- renewals are computed from the anchor, ``first_end + k * renewal``, never by adding month
  after month (31 Jan + 1 month renewals end 28 Feb, 31 Mar, 30 Apr, ...);
- the notice deadline is ``term_end - notice_period``: the last day to object or renegotiate
  before an agreement renews by itself.
"""

from __future__ import annotations

import re
from datetime import date

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
MAX_RENEWALS = 10_000


def parse_duration(text: str) -> relativedelta:
    """``P2Y``, ``P18M``, ``P1Y6M``, ``P90D``, ``P6W``, or "2 years", "18 months", "3 kuukautta"."""
    raw = text.strip()
    if not raw:
        raise ValueError(
            "A duration must not be empty; use ISO 8601 such as P2Y or words such as '2 years'."
        )
    match = _ISO.match(raw.upper())
    if match and any(match.groupdict().values()):
        parts = {k: int(v) for k, v in match.groupdict().items() if v}
    else:
        lowered = raw.lower().replace(",", " ").replace(" and ", " ").replace(" ja ", " ")
        found = _HUMAN.findall(lowered)
        leftover = _HUMAN.sub("", lowered).strip()
        if not found or leftover:
            raise ValueError(
                f"Cannot read {text!r} as a duration; use ISO 8601 (P2Y, P18M, P90D) or words such as '2 years'."
            )
        parts = {}
        for number, word in found:
            unit = _UNIT_OF.get(word)
            if unit is None:
                raise ValueError(
                    f"Unknown unit {word!r} in {text!r}; use years, months, weeks or days."
                )
            parts[unit] = parts.get(unit, 0) + int(number)
    delta = relativedelta(
        years=parts.get("years", 0),
        months=parts.get("months", 0),
        days=parts.get("days", 0) + 7 * parts.get("weeks", 0),
    )
    if delta == relativedelta():
        raise ValueError(f"The duration {text!r} is zero; a term must be at least one day.")
    return delta


def duration_to_iso(delta: relativedelta) -> str:
    total_months = delta.years * 12 + delta.months
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
    """Canonical ISO form for storage: "2 years" -> "P2Y", "P6W" -> "P42D"."""
    return duration_to_iso(parse_duration(text))


def _months(delta: relativedelta) -> int:
    return delta.years * 12 + delta.months


def _shift(anchor: date, months: int, days: int) -> date:
    result: date = anchor + relativedelta(months=months, days=days)
    return result


def _ends(
    start: date | None, term: str | None, ends_on: date | None, renewal_term: str | None
) -> tuple[date, int, int] | None:
    """(first end, renewal months, renewal days), or None when there is no end at all."""
    first = term_end(start, term, ends_on)
    if first is None:
        return None
    renewal = renewal_term or term
    if renewal:
        delta = parse_duration(renewal)
        return first, _months(delta), delta.days
    return first, 0, 0


def _end_k(
    start: date | None,
    term: str | None,
    ends_on: date | None,
    months: int,
    days: int,
    first: date,
    k: int,
) -> date:
    """The k-th end, computed in one step from the anchor so month ends never drift: from the
    start date when the term is known (``start + term + k*renewal``), else from ``ends_on``."""
    if k == 0:
        return first
    if ends_on is None and start is not None and term:
        delta = parse_duration(term)
        return _shift(start, _months(delta) + months * k, delta.days + days * k)
    return _shift(first, months * k, days * k)


def term_end(start: date | None, term: str | None, ends_on: date | None) -> date | None:
    """End of the first term (inclusive); an explicit ``ends_on`` wins; None = open-ended."""
    if ends_on is not None:
        return ends_on
    if start is None or not term:
        return None
    delta = parse_duration(term)
    return _shift(start, _months(delta), delta.days)


def current_term_end(
    start: date | None,
    term: str | None,
    ends_on: date | None,
    auto_renew: bool,
    renewal_term: str | None,
    as_of: date,
) -> date | None:
    """End of the term running on ``as_of``; with auto-renewal, rolled forward term by term.

    Without auto-renewal this is the first end even if it has passed (the agreement lapsed).
    """
    ends = _ends(start, term, ends_on, renewal_term)
    if ends is None:
        return None
    first, months, days = ends
    if not auto_renew or first >= as_of or (months == 0 and days == 0):
        return first
    for k in range(1, MAX_RENEWALS):
        end = _end_k(start, term, ends_on, months, days, first, k)
        if end >= as_of:
            return end
    return None


def notice_deadline(end: date, notice_period: str | None) -> date | None:
    """Last day to give notice before ``end`` (``end - notice``)."""
    if not notice_period:
        return None
    result: date = end - parse_duration(notice_period)
    return result


def next_notice_deadline(
    start: date | None,
    term: str | None,
    ends_on: date | None,
    renewal_term: str | None,
    notice_period: str | None,
    as_of: date,
) -> tuple[date, date] | None:
    """First notice deadline on or after ``as_of`` of an auto-renewing agreement, with the term
    end it belongs to. A notice period longer than a term makes the deadline of a later term fall
    before the current term has even started; walking the ends from the anchor handles that."""
    ends = _ends(start, term, ends_on, renewal_term)
    if ends is None or not notice_period:
        return None
    first, months, days = ends
    for k in range(0, MAX_RENEWALS):
        if k and months == 0 and days == 0:
            return None
        end = _end_k(start, term, ends_on, months, days, first, k)
        deadline = notice_deadline(end, notice_period)
        if deadline is not None and deadline >= as_of:
            return deadline, end
    return None
