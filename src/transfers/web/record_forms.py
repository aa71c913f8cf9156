"""The workspace's form fields, built from the one declaration of each record's fields
(:mod:`transfers.common.record_fields`), and the pickers that choose a related record by a
readable label in the UI language, never by its id."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from transfers.common.record_fields import Decl
from transfers.reference import lexicon, load_reference
from transfers.reference.names import vocabulary
from transfers.web.forms import Field
from transfers.web.i18n import N_, _, country_names, current_language
from transfers.web.labels import label
from transfers.web.templating import format_date

Options = tuple[tuple[str, str], ...]


OPTIONS: dict[str, str] = {"1": N_("option 1"), "2": N_("option 2")}


def code_label(code: str, names: str = "") -> str:
    """A code as a form offers it: its word in the lexicon group ``names``, else its label."""
    if code in OPTIONS:
        return _(OPTIONS[code])
    return lexicon.name(names, code, current_language()) if names else label(code)


def countries() -> Options:
    names = country_names(current_language())
    return tuple(sorted(names.items(), key=lambda kv: kv[1]))


def mechanisms() -> Options:
    language = current_language()
    return tuple(
        (m.code, lexicon.mechanism(m.code, language)) for m in load_reference().mechanisms()
    )


def measure_categories() -> Options:
    language = current_language()
    entries = vocabulary()["measure_categories"]
    return tuple((code, names[language]) for code, names in entries.items())


def build_fields(
    decls: Iterable[Decl], sources: Mapping[str, Options] | None = None
) -> list[Field]:
    """The form inputs of ``decls``: labels and help in the UI language, choices from the
    lexicon (codes, the reference data) or from ``sources`` (pickers over the register)."""
    given = dict(sources or {})
    out: list[Field] = []
    for d in decls:
        group = _(d.group) if d.group else ""
        if d.kind == "catalogue":
            legend = _(d.label)
            out.extend(
                Field(f"{d.name}.{code}", text, "textarea", group=legend)
                for code, text in measure_categories()
            )
            continue
        options: Options = ()
        kind: str = d.kind
        if d.kind == "tristate":
            options = (("", _("not known")), ("yes", _("yes")), ("no", _("no")))
        elif d.kind == "select":
            if d.codes:
                options = tuple((c, code_label(c, d.names)) for c in d.codes)
            elif d.source == "countries":
                options = countries()
            elif d.source == "mechanisms":
                options = mechanisms()
            else:
                options = given.get(d.source, ())
            if d.blank:
                empty = _("Choose a country") if d.source == "countries" and d.required else "—"
                options = (("", empty), *options)
        text = _(d.label)
        if d.language:
            text = (
                _("%(label)s, in Finnish") if d.language == "fi" else _("%(label)s, in English")
            ) % {"label": text}
        out.append(
            Field(d.name, text, kind, options, d.required, _(d.help) if d.help else "", group)
        )
    return out


# -- pickers ----------------------------------------------------------------------------------


def agreement_label(a: Any) -> str:
    """ "Vakiolausekkeet 2021, moduuli 2, allekirjoitettu 20.11.2026": kind, module, status and
    day, and the title when it has one."""
    parts = [code_label(a.kind, "agreement_kind")]
    if a.scc_module:
        parts.append(_("module %(n)d") % {"n": a.scc_module})
    if a.status == "signed" and a.signed_on:
        parts.append(_("signed %(day)s") % {"day": format_date(a.signed_on)})
    else:
        parts.append(code_label(a.status, "agreement_status"))
    text = ", ".join(parts)
    text = text[:1].upper() + text[1:]
    title = getattr(a, "title", None)
    return f"{text}: {title}" if title else text


def agreement_options(agreements: Iterable[Any]) -> Options:
    return tuple((str(a.id), agreement_label(a)) for a in agreements)


def fitting_agreement(
    agreements: Iterable[Any], mechanism: str | None, module: int | None, as_of: date
) -> int | None:
    """The agreement a transfer on ``mechanism`` (and SCC ``module``) relies on: of that kind
    and module, not terminated or ended, signed before draft, newest first."""
    if not mechanism:
        return None
    fits = [
        a
        for a in agreements
        if a.kind == mechanism
        and (module is None or a.scc_module in (None, module))
        and a.status != "terminated"
        and not (a.terminated_on and a.terminated_on <= as_of)
        and not (a.ends_on and a.ends_on < as_of)
    ]
    fits.sort(key=lambda a: (a.status == "signed", a.scc_module == module, a.id), reverse=True)
    return fits[0].id if fits else None


def named_options(rows: Iterable[tuple[int, str]]) -> Options:
    return tuple((str(i), name) for i, name in rows)
