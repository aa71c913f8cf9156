"""The workspace's Jinja environment: autoescaped, translated per request, a few filters."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from transfers.reference import lexicon, load_reference
from transfers.reference.names import vocabulary
from transfers.web import i18n
from transfers.web.checklist import field_label
from transfers.web.labels import badge, label

TEMPLATE_DIR = Path(__file__).parent / "templates"


def cite(text: str | None) -> str:
    """A legal source in the page's language (the reference data's Finnish title)."""
    return lexicon.citation(text, i18n.current_language())


def reason_sentence(reason: Any) -> str:
    """An engine reason in the page's language (issue 14: Finnish pages show Finnish reasons)."""
    from transfers.rules.evaluate import Reason
    from transfers.rules.messages import reason_text

    if isinstance(reason, Reason):
        return reason_text(reason, i18n.current_language())
    return str(getattr(reason, "message", reason))


def format_date(value: date | datetime | None) -> str:
    """Finnish readers expect 7.1.2026 (the lexicon's one date format); English pages show ISO."""
    return lexicon.day(value, i18n.current_language())


def duration(value: str | None) -> str:
    """A stored ISO duration in words: ``P3Y`` -> "3 vuotta" / "3 years"."""
    return lexicon.duration(value, i18n.current_language())


def named(code: str | None, group: str) -> str:
    """``{{ a.kind|named("agreement_kind") }}``: a code of one lexicon group."""
    return lexicon.name(group, code, i18n.current_language())


def terms(values: list[str] | tuple[str, ...] | str | None, vocabulary: str) -> str:
    """Controlled values (data categories...) in words, as one list."""
    if not values:
        return ""
    items = [values] if isinstance(values, str) else list(values)
    return lexicon.terms(vocabulary, items, i18n.current_language())


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def shown(value: object) -> str:
    """A value from the audit trail as a person reads it: nothing is a dash, lists are joined,
    dates as the page writes them, codes as their words (the lexicon's)."""
    if value is None or value == "":
        return "—"
    if value is True or value is False:
        return i18n._("yes") if value else i18n._("no")
    if isinstance(value, list | tuple):
        return ", ".join(shown(v) for v in value)
    if isinstance(value, dict):  # a contact or a scenario: its name, else its values
        return str(value.get("name") or ", ".join(str(v) for v in value.values() if v))
    text = str(value)
    language = i18n.current_language()
    if _ISO_DAY.match(text):
        try:
            return lexicon.day(date.fromisoformat(text), language)
        except ValueError:
            return text
    if lexicon.known(text):
        return lexicon.label(text, language)
    for group in ("agreement_kind", "subprocessor_authorisation"):
        if text in lexicon.groups()[group]:
            return lexicon.name(group, text, language)
    if load_reference().mechanism(text) is not None:
        return lexicon.mechanism(text, language)
    if text in vocabulary()["data_categories"]:
        return lexicon.term("data_categories", text, language)
    if re.fullmatch(r"P(\d+[YMWD])+", text):
        return lexicon.duration(text, language)
    return text


def field_name(name: str) -> str:
    """A record's field as the change history names it."""
    return lexicon.name("field", name, i18n.current_language())


def mechanism_name(code: str | None) -> str:
    """The reference data's name for a mechanism code in the page's language (codes stay in
    the data and the API)."""
    return lexicon.mechanism(code, i18n.current_language())


def reminder_title(reminder: Any) -> str:
    """A reminder's title in the page's language, from its key and parameters."""
    from transfers.rules.messages import deadline_title

    params = getattr(reminder, "title_params", None) or {}
    return deadline_title(
        getattr(reminder, "title_key", ""),
        params.items(),
        i18n.current_language(),
        str(getattr(reminder, "title", "")),
    )


def make_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n._, ngettext=i18n.ngettext, newstyle=True
    )
    env.filters["country"] = i18n.country_name
    env.filters["day"] = format_date
    env.filters["label"] = label
    env.filters["badge"] = badge
    env.filters["shown"] = shown
    env.filters["mechanism"] = mechanism_name
    env.filters["reason"] = reason_sentence
    env.filters["cite"] = cite
    env.filters["duration"] = duration
    env.filters["named"] = named
    env.filters["terms"] = terms
    env.filters["reminder_title"] = reminder_title
    env.filters["field_name"] = field_name
    env.globals["current_language"] = i18n.current_language
    env.filters["field_label"] = field_label
    return env


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    env = make_environment()
    return TemplateConfig(engine=JinjaTemplateEngine.from_environment(env))
