"""Render docxtpl templates safely, and check uploaded templates before accepting them.

Each render gets a fresh DocxTemplate from cached bytes and a fresh sandboxed Jinja environment
with autoescape and StrictUndefined: values are XML-escaped (a vendor called ``AT&T <EU>`` cannot
corrupt the document), a template cannot reach Python internals, and a missing variable fails
instead of printing nothing. No context value may be None (builders state defaults), and the
output is checked: every XML part parses, and no template tag is left in the text.
"""

from __future__ import annotations

import io
import re
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx import Document as load_docx
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from transfers.document.kinds import CONTEXT

TEMPLATE_DIR = Path(__file__).resolve().parents[3] / "templates"
RENDERED_PART = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$|\.rels$")
W_P = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"
LEFTOVER = re.compile(r"\{\{|\}\}|\{%|%\}")


class RenderError(ValueError):
    """The template could not be rendered into a valid document."""


def environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


@lru_cache(maxsize=64)
def builtin_template(language: str, kind: str) -> bytes:
    return (TEMPLATE_DIR / language / f"{kind}.docx").read_bytes()


def document_text(docx_bytes: bytes) -> str:
    """All paragraph and table-cell text, in order (what a reader sees)."""
    doc = load_docx(io.BytesIO(docx_bytes))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _strings(value: Any, path: str = "") -> list[str]:
    """Every string in a context; refuses None so that no document ever prints "None"."""
    if value is None:
        raise RenderError(
            f"context value {path or 'root'} is None: the context builder must state a default"
        )
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, f"{path}.{k}" if path else str(k))]
    if isinstance(value, list | tuple):
        return [s for i, v in enumerate(value) for s in _strings(v, f"{path}[{i}]")]
    return [str(value)]


def check_output(docx_bytes: bytes, context_strings: list[str] | None = None) -> None:
    text = ""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        for name in archive.namelist():
            # Only the parts docxtpl renders can be broken by a value (body, headers, footers,
            # notes, relationships); styles and themes are copied from the template untouched.
            if RENDERED_PART.match(name):
                try:
                    root = etree.fromstring(archive.read(name))
                except etree.XMLSyntaxError as exc:
                    raise RenderError(
                        f"the rendered document has invalid XML in {name}: {exc}"
                    ) from exc
                if name == "word/document.xml":
                    text = "\n".join("".join(p.itertext()) for p in root.iter(W_P))
    for strings in context_strings or []:
        text = text.replace(strings, "")
    leftover = LEFTOVER.search(text)
    if leftover:
        raise RenderError(
            f"the rendered document still contains the template tag {leftover.group(0)!r}"
        )


def render_docx(template: bytes, context: dict[str, Any]) -> bytes:
    values = [v for v in _strings(context) if LEFTOVER.search(v)]
    doc = DocxTemplate(io.BytesIO(template))
    try:
        doc.render(context, jinja_env=environment(), autoescape=True)
    except SecurityError as exc:
        raise RenderError(f"the template tried something the sandbox forbids: {exc}") from exc
    except TemplateError as exc:
        raise RenderError(f"the template could not be rendered: {exc}") from exc
    out = io.BytesIO()
    doc.save(out)
    data = out.getvalue()
    check_output(data, values)
    return data


def validate_template(template: bytes, kind: str, sample_context: dict[str, Any]) -> list[str]:
    """Problems with an uploaded template (empty list = acceptable): not a DOCX, variables
    outside the documented context, or a failing test render in the sandbox."""
    try:
        doc = DocxTemplate(io.BytesIO(template))
        variables = doc.get_undeclared_template_variables(jinja_env=environment())
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        return [f"not a valid .docx file: {exc}"]
    except TemplateError as exc:
        return [f"template syntax error: {exc}"]
    documented = set(CONTEXT[kind])
    problems = [
        f"undeclared variable {name!r}: the {kind} context has {', '.join(sorted(documented))}"
        for name in sorted(variables - documented - {"row"})
    ]
    if problems:
        return problems
    try:
        render_docx(template, sample_context)
    except RenderError as exc:
        problems.append(str(exc))
    return problems
