"""Import problems and their fixes in the UI language.

The importer reports in English (its API report, the CLI and the logs keep that wording). The
workspace shows each problem it knows in the person's language: every sentence below is the
importer's own wording as a msgid, with the cell's value, column or row as parameters, and its
Finnish is in the catalog. A sentence the table does not know yet is shown as the importer
wrote it.
"""

from __future__ import annotations

import re
from typing import Any, Final

from transfers.web.i18n import N_, _, current_language

#: (the importer's sentence as a pattern, the same sentence as a msgid with named parameters).
_SENTENCES: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(pattern, re.S), msgid)
    for pattern, msgid in (
        # what is wrong
        (
            r"^unknown (?:role|category|status|exporter role|frequency|BCR type|agreement status"
            r"|agreement kind) (?P<value>.+)$",
            N_("%(value)s is not a value of column %(column)s"),
        ),
        (r"^unknown country (?P<value>.+)$", N_("unknown country %(value)s")),
        (r"^(?P<value>.+) is a region, not a country$", N_("%(value)s is a region, not a country")),
        (
            r"^ambiguous mechanism (?P<value>.+): could be (?P<candidates>.+)$",
            N_("ambiguous mechanism %(value)s: could be %(candidates)s"),
        ),
        (r"^unknown mechanism (?P<value>.+)$", N_("unknown mechanism %(value)s")),
        (r"^number (?P<value>.+) is not a date$", N_("number %(value)s is not a date")),
        (r"^(?P<value>.+) is not a real date \(.*\)$", N_("%(value)s is not a real date")),
        (r"^(?P<value>.+) is not a date$", N_("%(value)s is not a date")),
        (r"^(?P<value>.+) is not yes or no$", N_("%(value)s is not yes or no")),
        (
            r"^scc_module (?P<value>.+) is not 1, 2, 3 or 4$",
            N_("scc_module %(value)s is not 1, 2, 3 or 4"),
        ),
        (
            r"^formulas are not imported; paste values \((?P<formula>.*)\)$",
            N_("formulas are not imported; paste values (%(formula)s)"),
        ),
        (
            r"^the cell contains a control character .*$",
            N_(
                "the cell contains a control character (such as NUL) or another character XML "
                "cannot hold (such as U+FFFF), which the register refuses"
            ),
        ),
        (r"^.+ is missing$", N_("%(column)s is missing")),
        (
            r"^required column (?P<wanted>.+) is missing \(headers found: (?P<found>.*)\)$",
            N_("required column %(wanted)s is missing (headers found: %(found)s)"),
        ),
        (r"^two columns mean (?P<name>\w+)$", N_("two columns mean %(name)s")),
        (r"^columns not imported: (?P<names>.+)$", N_("columns not imported: %(names)s")),
        (r"^sheet (?P<sheet>.+) was ignored$", N_("sheet %(sheet)s was ignored")),
        (r"^sheet (?P<sheet>.+) is empty$", N_("sheet %(sheet)s is empty")),
        (
            r"^vendor (?P<vendor>.+) is already on row (?P<row>\d+)$",
            N_("vendor %(vendor)s is already on row %(row)s"),
        ),
        # how to fix it
        (
            r"^Use one of: (?P<values>.+) \(column (?P<name>\w+)\)\.$",
            N_("Use one of: %(values)s (column %(name)s)."),
        ),
        (
            r"^Use an ISO 3166-1 code .*$",
            N_(
                "Use an ISO 3166-1 code (FI, SE, US, GB...) or a country name in English or "
                "Finnish (Germany / Saksa)."
            ),
        ),
        (
            r"^Give one country per row .*$",
            N_(
                "Give one country per row (ISO code such as FI, US, or a name such as Saksa, "
                "Germany); split a multi-country transfer into one row per country."
            ),
        ),
        (
            r"^Write the exact mechanism, one of: (?P<candidates>.+?) \(for SCCs .*$",
            N_(
                "Write the exact mechanism, one of: %(candidates)s (for SCCs give the year, "
                "e.g. 'SCC 2021' or '2021/914')."
            ),
        ),
        (
            r"^Use one of: (?P<values>.+); or a common name such as .*$",
            N_(
                "Use one of: %(values)s; or a common name such as 'SCC 2021', 'DPF', "
                "'adequacy decision', 'BCR', 'IDTA', 'consent'."
            ),
        ),
        (
            r"^Format the cell as a date, .*$",
            N_("Format the cell as a date, or write it as 2026-11-24 or 24.11.2026."),
        ),
        (
            r"^Check the day and month; .*$",
            N_("Check the day and month; write it as 2026-11-24 or 24.11.2026."),
        ),
        (
            r"^Write dates as .*$",
            N_("Write dates as 2026-11-24 or 24.11.2026, or format the cell as a date."),
        ),
        (r"^Write yes or no \(kyllä / ei\)\.$", N_("Write yes or no (kyllä / ei).")),
        (
            r"^Write the module number 1-4 .*$",
            N_(
                "Write the module number 1-4 (1 controller-controller, 2 controller-processor, "
                "3 processor-processor, 4 processor-controller)."
            ),
        ),
        (
            r"^Copy the column and use Paste Special > Values.*$",
            N_("Copy the column and use Paste Special > Values, then save and import again."),
        ),
        (
            r"^Retype the value, .*$",
            N_("Retype the value, or clean the column with Excel's CLEAN() and paste values."),
        ),
        (r"^Fill in (?P<name>\w+) on this row\.$", N_("Fill in %(name)s on this row.")),
        (
            r"^Add a column headed (?P<wanted>.+?) \(also accepted: (?P<spellings>.*)\)\.$",
            N_("Add a column headed %(wanted)s (also accepted: %(spellings)s)."),
        ),
        (r"^Add a column headed (?P<wanted>.+?)\.$", N_("Add a column headed %(wanted)s.")),
        (
            r"^Keep one column for (?P<name>\w+) and delete or rename the other\.$",
            N_("Keep one column for %(name)s and delete or rename the other."),
        ),
        (
            r"^Rename them to a documented column .*$",
            N_("Rename them to a documented column if they should be imported."),
        ),
        (
            r"^Name sheets vendors, .*$",
            N_(
                "Name sheets vendors, agreements, transfers, subprocessors (toimittajat, "
                "sopimukset, siirrot, alikäsittelijät)."
            ),
        ),
        (
            r"^Put the column headers on the first row .*$",
            N_("Put the column headers on the first row and one record per row below."),
        ),
        (
            r"^Keep one row per vendor on the vendors sheet; .*$",
            N_("Keep one row per vendor on the vendors sheet; delete this one or merge them."),
        ),
        (r"^Save the file as 'CSV UTF-8'\.$", N_("Save the file as 'CSV UTF-8'.")),
    )
)


def sentence(text: str, column: str = "") -> str:
    """``text`` (one of the importer's sentences) in the UI language, when it is known."""
    if current_language() == "en" or not text:
        return text
    for pattern, msgid in _SENTENCES:
        found = pattern.match(text)
        if found:
            params = {k: v or "" for k, v in found.groupdict().items()}
            for key in ("wanted",):
                if key in params:
                    params[key] = params[key].replace(" or ", " / ")
            return _(msgid) % {"column": column or "?", **params}
    return text


def problem(item: dict[str, Any]) -> dict[str, Any]:
    """An import problem (as the import report holds it) with its message and fix in the UI
    language."""
    column = str(item.get("column") or "")
    return item | {
        "message": sentence(str(item.get("message") or ""), column),
        "fix": sentence(str(item.get("fix") or ""), column),
    }
