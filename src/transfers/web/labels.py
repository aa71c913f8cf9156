"""Display words for the register's codes, from the one lexicon (``reference/lexicon``).

The codes themselves (``at_risk``, ``cloud_hosting``) stay in the data; the pages show the
lexicon's words in the page's language. A code with no word (e.g. a verdict the engine adds
later) is shown with spaces for underscores and a neutral badge, so a new value never breaks a
page.
"""

from __future__ import annotations

from transfers.reference import lexicon
from transfers.reference.names import vocabulary
from transfers.web.i18n import current_language

BADGES: dict[str, str] = {
    "lawful": "ok",
    "approved": "ok",
    "ready": "ok",
    "at_risk": "warn",
    "conditional": "warn",
    "proposed": "warn",
    "unlawful": "bad",
    "blocked": "bad",
    "in_review": "warn",
    "suspended": "bad",
}


def label(code: str | None) -> str:
    if code is None:
        return ""
    language = current_language()
    if lexicon.known(code):
        return lexicon.label(code, language)
    if code in vocabulary()["vendor_categories"]:
        return lexicon.term("vendor_categories", code, language)
    return code.replace("_", " ")


def named(group: str, code: str | None) -> str:
    """A code of a named lexicon group (``agreement_kind``, ``document_kind``...)."""
    return lexicon.name(group, code, current_language())


def badge(code: str | None) -> str:
    """CSS class of a status or verdict badge; unknown values are neutral."""
    return BADGES.get(code or "", "neutral")
