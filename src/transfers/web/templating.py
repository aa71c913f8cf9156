"""The workspace's Jinja environment: autoescaped, translated per request, a few filters."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from transfers.reference import load_reference
from transfers.web import i18n
from transfers.web.checklist import field_label
from transfers.web.labels import badge, label

TEMPLATE_DIR = Path(__file__).parent / "templates"


def reason_sentence(reason: Any) -> str:
    """An engine reason in the page's language (issue 14: Finnish pages show Finnish reasons)."""
    from transfers.rules.evaluate import Reason
    from transfers.rules.messages import reason_text

    if isinstance(reason, Reason):
        return reason_text(reason, i18n.current_language())
    return str(getattr(reason, "message", reason))


def format_date(value: date | datetime | None) -> str:
    """Finnish readers expect 24.11.2026; English pages show ISO dates."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(
            "%d.%m.%Y %H:%M" if i18n.current_language() == "fi" else "%Y-%m-%d %H:%M"
        )
    return value.strftime("%d.%m.%Y") if i18n.current_language() == "fi" else value.isoformat()


def shown(value: object) -> str:
    """A value from the audit trail as a person reads it: nothing is a dash, lists are joined."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(shown(v) for v in value)
    if isinstance(value, dict):  # a contact or a scenario: its name, else its values
        return str(value.get("name") or ", ".join(str(v) for v in value.values() if v))
    return str(value)


def mechanism_name(code: str | None) -> str:
    """The reference data's name for a mechanism code (codes stay in the data and the API)."""
    if not code:
        return ""
    found = load_reference().mechanism(code)
    return found.name if found else code


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
    env.globals["current_language"] = i18n.current_language
    env.filters["field_label"] = field_label
    return env


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    env = make_environment()
    return TemplateConfig(engine=JinjaTemplateEngine.from_environment(env))
