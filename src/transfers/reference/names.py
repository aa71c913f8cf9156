"""Canonical names for documents: one country name per code and language, and the names of the
register's controlled values (data categories, data-subject categories, vendor categories).

Kept apart from :mod:`transfers.reference.loader` (the legal rules) and from the importer's
synonyms: these are the names a document prints, reviewed once in ``data/country_names.toml``
and ``data/vocabulary.toml``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import date
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

DATA_DIR = Path(__file__).parent / "data"
VOCABULARIES = (
    "data_categories",
    "data_subject_categories",
    "vendor_categories",
    "measure_categories",
)


class NamesError(ValueError):
    """A names file is malformed; the message names the file and the entry."""


def _pairs(file: str, section: str, table: object) -> Mapping[str, Mapping[str, str]]:
    if not isinstance(table, dict):
        raise NamesError(f"{file}: [{section}] must be a table")
    out: dict[str, Mapping[str, str]] = {}
    for key, value in table.items():
        if not (
            isinstance(value, dict)
            and all(
                isinstance(value.get(lang), str) and value[lang].strip() for lang in ("en", "fi")
            )
        ):
            raise NamesError(f"{file}: {section}.{key} needs non-empty en and fi names")
        out[key] = MappingProxyType({"en": value["en"], "fi": value["fi"]})
    return MappingProxyType(out)


@cache
def country_names() -> Mapping[str, Mapping[str, str]]:
    """ISO 3166-1 alpha-2 code -> {"en": name, "fi": name}."""
    raw = tomllib.loads((DATA_DIR / "country_names.toml").read_text(encoding="utf-8"))
    raw.pop("version", None)
    return _pairs("country_names.toml", "country", raw)


@cache
def vocabulary() -> Mapping[str, Mapping[str, Mapping[str, str]]]:
    """Vocabulary name -> value code -> {"en": name, "fi": name}."""
    raw = tomllib.loads((DATA_DIR / "vocabulary.toml").read_text(encoding="utf-8"))
    return MappingProxyType(
        {name: _pairs("vocabulary.toml", name, raw.get(name, {})) for name in VOCABULARIES}
    )


def country_name(code: str, language: str) -> str:
    """The canonical name of a country in ``language``; an unknown code is printed as given."""
    names = country_names().get(code.upper())
    return names[language] if names else code


def term(vocabulary_name: str, value: str, language: str) -> str:
    """The name of a controlled value in ``language``; free text is printed as typed."""
    names = vocabulary()[vocabulary_name].get(value) or vocabulary()[vocabulary_name].get(
        value.strip().lower()
    )
    return names[language] if names else value.replace("_", " ")


@cache
def _tia_law() -> Mapping[str, Mapping[str, Any]]:
    raw = tomllib.loads((DATA_DIR / "tia_country_law.toml").read_text(encoding="utf-8"))
    out: dict[str, Mapping[str, Any]] = {}
    for i, entry in enumerate(raw.get("countries", [])):
        for part in ("title", "laws", "reach", "practice"):
            names = entry.get(part)
            if not (isinstance(names, dict) and all(names.get(lang) for lang in ("en", "fi"))):
                raise NamesError(f"tia_country_law.toml: countries[{i}].{part} needs en and fi")
        sources = entry.get("sources")
        if not (
            isinstance(sources, list)
            and sources
            and all(
                isinstance(s, dict)
                and isinstance(s.get("on"), date)
                and all(s.get(lang) for lang in ("en", "fi"))
                for s in sources
            )
        ):
            raise NamesError(
                f"tia_country_law.toml: countries[{i}].sources needs dated sources in en and fi"
            )
        if not isinstance(entry.get("checked"), date):
            raise NamesError(
                f"tia_country_law.toml: countries[{i}] needs the date its sources were checked"
            )
        out[entry["country"]] = MappingProxyType(entry)
    if "default" not in out:
        raise NamesError("tia_country_law.toml: a 'default' entry is required")
    return MappingProxyType(out)


def tia_country_law(country: str, language: str) -> dict[str, Any]:
    """Step 3 of a TIA for ``country`` in ``language``: title, laws, reach, practice and the
    sources as (date, text) pairs, oldest first (the default entry for a country without its
    own). Reach and practice are guidance for the assessor."""
    entry = _tia_law().get(country) or _tia_law()["default"]
    return {
        "title": entry["title"][language],
        "laws": entry["laws"][language],
        "reach": entry["reach"][language],
        "practice": entry["practice"][language],
        "sources": sorted((s["on"], s[language]) for s in entry["sources"]),
        "country": str(entry["country"]),
    }
