"""Every UI string has a Finnish translation, and the committed .mo matches the .po."""

from __future__ import annotations

from typing import Any

from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from transfers.common import record_fields
from transfers.web.i18n import LOCALE_DIR

WEB_DIR = LOCALE_DIR.parent
DECLARATIONS = record_fields.__file__
"""The records' field labels are translated in the workspace catalog too (``make i18n``)."""
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def _msgids() -> set[str]:
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(WEB_DIR), METHODS, OPTIONS, KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    for _line, message, _comments, _context in extract_from_file(
        "python", DECLARATIONS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_ui_string_is_translated_into_finnish() -> None:
    with (LOCALE_DIR / "fi" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f)
    untranslated = sorted(m for m in _msgids() if not getattr(catalog.get(m), "string", None))
    assert untranslated == []


def test_the_compiled_catalog_is_up_to_date() -> None:
    with (LOCALE_DIR / "fi" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        po = {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in read_po(f) if m.id}
    with (LOCALE_DIR / "fi" / "LC_MESSAGES" / "messages.mo").open("rb") as f:
        mo = {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in read_mo(f) if m.id}

    def plain(d: dict[str, Any]) -> dict[str, object]:
        return {k: tuple(v) if isinstance(v, list | tuple) else v for k, v in d.items()}

    assert plain(mo) == plain(po)
