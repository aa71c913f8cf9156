"""The one lexicon: every name a person reads for a code, in English and Finnish.

Pages, reasons, reminder titles, import reports and exports ask here, so that a Finnish page and
a Finnish document name a code (an agreement kind, a verdict, a country, a mechanism) the same
way (issue 21 part 4). The words are reference data (``data/lexicon.toml`` for enumerations,
``mechanisms.toml``, ``country_names.toml``, ``vocabulary.toml``); dates and durations are
written with Babel (CLDR plurals: "1 vuosi", "3 vuotta").
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import cache
from types import MappingProxyType

from babel.dates import format_date as _babel_date
from babel.lists import format_list
from babel.units import format_unit

from transfers.reference import names
from transfers.reference.names import DATA_DIR, NamesError

LANGUAGES = ("en", "fi")
_ISO_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
_UNITS = (("duration-year", 1), ("duration-month", 2), ("duration-week", 3), ("duration-day", 4))

#: Where a bare code is looked up when the caller does not say which list it is from: the
#: first group that knows it wins (``approved`` is a vendor verdict before an intake state).
FLAT_ORDER = (
    "verdict",
    "vendor_verdict",
    "vendor_status",
    "vendor_role",
    "severity",
    "user_role",
    "reminder_state",
    "intake_state",
    "notice_state",
    "agreement_status",
    "transfer_type",
    "frequency",
    "conclusion",
)


@cache
def groups() -> Mapping[str, Mapping[str, Mapping[str, str]]]:
    """Group -> code -> {"en": word, "fi": word}, checked on load (both languages, non-empty)."""
    raw = tomllib.loads((DATA_DIR / "lexicon.toml").read_text(encoding="utf-8"))
    raw.pop("version", None)
    out: dict[str, Mapping[str, Mapping[str, str]]] = {}
    for group, table in raw.items():
        if not isinstance(table, dict):
            raise NamesError(f"lexicon.toml: [{group}] must be a table")
        entries: dict[str, Mapping[str, str]] = {}
        for code, pair in table.items():
            if not (
                isinstance(pair, dict) and all(str(pair.get(x, "")).strip() for x in LANGUAGES)
            ):
                raise NamesError(f"lexicon.toml: {group}.{code} needs non-empty en and fi")
            entries[code] = MappingProxyType({x: pair[x] for x in LANGUAGES})
        out[group] = MappingProxyType(entries)
    return MappingProxyType(out)


def _lang(language: str) -> str:
    return language if language in LANGUAGES else "fi"


def name(group: str, code: str | None, language: str) -> str:
    """The word for ``code`` in ``group``; an unknown code is shown with spaces for
    underscores, so a value added later never breaks a page."""
    if not code:
        return ""
    found = groups().get(group, {}).get(code)
    return found[_lang(language)] if found else code.replace("_", " ")


def known(code: str) -> bool:
    return any(code in groups()[g] for g in FLAT_ORDER if g in groups())


def label(code: str | None, language: str) -> str:
    """A bare code's word, looked up in :data:`FLAT_ORDER`."""
    if not code:
        return ""
    for group in FLAT_ORDER:
        found = groups().get(group, {}).get(code)
        if found:
            return found[_lang(language)]
    return code.replace("_", " ")


def mechanism(code: str | None, language: str) -> str:
    """A transfer mechanism's name (``mechanisms.toml``: ``name``, ``name_fi``)."""
    if not code:
        return ""
    from transfers.reference import load_reference

    found = load_reference().mechanism(code)
    if found is None:
        return code
    return found.name_fi if _lang(language) == "fi" else found.name


def country(code: str | None, language: str) -> str:
    return names.country_name(code, _lang(language)) if code else ""


def term(vocabulary: str, value: str, language: str) -> str:
    return names.term(vocabulary, value, _lang(language))


def terms(vocabulary: str, values: Iterable[str], language: str) -> str:
    """Controlled values as one list in words ("tunnistetiedot, yhteystiedot ja ostohistoria")."""
    words = [term(vocabulary, v, language) for v in values if v]
    return format_list(words, locale=_lang(language)) if words else ""


def day(value: date | datetime | None, language: str) -> str:
    """d.M.yyyy in Finnish (7.1.2026), ISO in English; a time of day as HH:MM after it."""
    if value is None:
        return ""
    text = (
        _babel_date(value, "d.M.yyyy", locale="fi")
        if _lang(language) == "fi"
        else value.date().isoformat()
        if isinstance(value, datetime)
        else value.isoformat()
    )
    if isinstance(value, datetime):
        text += value.strftime(" %H:%M")
    return text


def duration(value: str | None, language: str) -> str:
    """An ISO 8601 date duration in words: ``P1Y6M`` -> "1 vuosi ja 6 kuukautta"; text that is
    not one is returned as typed."""
    if not value:
        return ""
    found = _ISO_DURATION.match(value.strip().upper())
    if not found or not any(found.groups()):
        return value
    locale = _lang(language)
    parts = [
        format_unit(int(found.group(i)), unit, length="long", locale=locale)
        for unit, i in _UNITS
        if found.group(i) and int(found.group(i))
    ]
    return format_list(parts, locale=locale) if parts else value


def citation(text: str | None, language: str) -> str:
    """A legal source in the reader's language: the Finnish variant the reference data keeps
    beside each citation (``citation_fi``, ``legal_basis_fi``, ...), so a Finnish document or
    page names the decision or judgment by its Finnish title. Text the reference does not
    carry (a what-if note a user typed) is returned as given."""
    if not text:
        return ""
    if _lang(language) != "fi":
        return text
    from transfers.reference import load_reference

    return load_reference().citation_fi(text) or text


def cell(text: str) -> str:
    """Text that starts a table cell or a sentence, with a capital first letter ("komission
    päätös ..." -> "Komission päätös ...")."""
    return text[:1].upper() + text[1:]
