"""Generate src/transfers/reference/data/country_names.toml once, for review.

English: pycountry's common name where it has one (``South Korea``), else its ISO 3166 name.
Finnish: the Debian iso-codes Finnish translation that pycountry ships, preferring the
translated common name, with the short forms a Finnish contract uses where the ISO name is
formal (OVERRIDES). The generated file is data: after review, edit it, not this script.
"""

from __future__ import annotations

import gettext
from pathlib import Path

import pycountry

OUT = Path(__file__).resolve().parents[1] / "src/transfers/reference/data/country_names.toml"

OVERRIDES: dict[str, tuple[str | None, str | None]] = {
    "RU": ("Russia", "Venäjä"),
    "KR": (None, "Etelä-Korea"),
    "KP": (None, "Pohjois-Korea"),
    "TW": (None, "Taiwan"),
    "IR": (None, "Iran"),
    "MD": (None, "Moldova"),
    "BO": (None, "Bolivia"),
    "VE": (None, "Venezuela"),
    "TZ": (None, "Tansania"),
    "SY": (None, "Syyria"),
    "VA": ("Holy See (Vatican City)", "Vatikaani"),
    "XK": ("Kosovo", "Kosovo"),
    "CD": ("Democratic Republic of the Congo", None),
    "FM": ("Micronesia", "Mikronesia"),
    "PS": ("Palestine", "Palestiina"),
    "VG": ("British Virgin Islands", "Brittiläiset Neitsytsaaret"),
    "VI": ("United States Virgin Islands", "Yhdysvaltain Neitsytsaaret"),
}


def main() -> None:
    fi = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fi"])
    lines = [
        "# One canonical country name per ISO 3166-1 alpha-2 code and language, for documents.",
        "# Generated once by tools/build_country_names.py from pycountry (ISO 3166-1, Debian",
        "# iso-codes Finnish translation), short forms reviewed by hand; edit here, not the script.",
        "# Source: ISO 3166-1; Kotimaisten kielten keskus (Kotus), valtioiden nimet.",
        "",
        'version = "2026-11-26"',
        "",
    ]
    rows: dict[str, tuple[str, str]] = {}
    for country in pycountry.countries:
        common = getattr(country, "common_name", None)
        en = common or country.name
        fi_name = fi.gettext(common) if common and fi.gettext(common) != common else ""
        fi_name = fi_name or fi.gettext(country.name)
        rows[country.alpha_2] = (en, fi_name)
    for code, (en, fi_name) in OVERRIDES.items():
        old = rows.get(code, (code, code))
        rows[code] = (en or old[0], fi_name or old[1])
    for code in sorted(rows):
        en, fi_name = rows[code]
        lines.append(f"[{code}]")
        lines.append(f'en = "{en}"')
        lines.append(f'fi = "{fi_name}"')
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(rows)} countries)")


if __name__ == "__main__":
    main()
