"""UI language per request: gettext catalogs (Babel) picked through a context variable.

English is the source language; Finnish comes from ``locale/fi/LC_MESSAGES/messages.mo``
(compiled from the committed ``messages.po``). A context variable, not a global, so concurrent
requests in different languages never see each other's catalog.
"""

from __future__ import annotations

import gettext
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from transfers.reference.names import country_name as canonical_country_name
from transfers.reference.names import country_names as canonical_country_names
from transfers.user.schemas import LANGUAGES

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "fi"

_language: ContextVar[str] = ContextVar("language", default=DEFAULT_LANGUAGE)


@cache
def translations(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(
        "messages", localedir=LOCALE_DIR, languages=[language], fallback=True
    )


def set_language(language: str) -> None:
    _language.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


def current_language() -> str:
    return _language.get()


def _(message: str) -> str:
    return translations(current_language()).gettext(message)


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language()).ngettext(singular, plural, n)


def pick_language(accept_language: str | None) -> str:
    """The first supported language in an Accept-Language header (for people not logged in)."""
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


@cache
def country_names(language: str) -> dict[str, str]:
    """ISO 3166 code -> country name in the UI language: the reference data's canonical names,
    the same as in reasons and documents."""
    return {code: pair[language] for code, pair in canonical_country_names().items()}


def country_name(code: str | None) -> str:
    if not code:
        return ""
    return canonical_country_name(code, current_language())
