"""Render docxtpl templates safely, and check uploaded templates before accepting them.

Each render gets a fresh ``DocxTemplate`` from the template bytes (a rendered DocxTemplate keeps
its state, so it is never reused), rendered in a sandboxed Jinja environment with autoescape and
StrictUndefined. What does not depend on the context is prepared once per template (by checksum)
and process: the archive check, docxtpl's tag patching and the compiled Jinja templates, which
were 52 % of a render (:class:`Prepared`). Values are XML-escaped (a vendor called ``AT&T <EU>`` cannot corrupt the
document), a template cannot reach Python internals, and a missing variable fails instead of
printing nothing. No context value may be None (the builders state defaults), and the output is
checked: every XML part parses, and no template tag or literal ``None`` is left in the text.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
import threading
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx import Document as load_docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, Template, TemplateError, meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from transfers.document.kinds import KINDS, top_level_names
from transfers.document.limits import LIMITS, BudgetedSandbox, BudgetError, Limits, check_archive

TEMPLATE_DIR = Path(__file__).resolve().parents[3] / "templates"
RENDERED_PART = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$|\.rels$")
W_P = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"
LEFTOVER = re.compile(r"\{\{|\}\}|\{%|%\}|\bNone\b")


class RenderError(ValueError):
    """The template could not be rendered into a valid document."""


def environment(limits: Limits = LIMITS) -> SandboxedEnvironment:
    """A fresh sandbox per render: autoescape, StrictUndefined so a gap fails loudly, and a budget
    on what expressions and loops may build (:class:`~transfers.document.limits.BudgetedSandbox`)."""
    return BudgetedSandbox(limits=limits, autoescape=True, undefined=StrictUndefined)


class CachingSandbox(BudgetedSandbox):
    """The render sandbox of one template: it keeps the Jinja templates it compiled, by source.

    docxtpl compiles the body, each header and footer and each document property with
    ``from_string`` on every render; the compiled code depends on the source alone, so a second
    render of the same template reuses it. The budget counters are reset per render
    (:meth:`begin_render`), so one render's loops never count against the next."""

    def __init__(self, *, limits: Limits = LIMITS, **options: Any) -> None:
        super().__init__(limits=limits, **options)
        self.compiled: dict[str, Template] = {}

    def from_string(
        self,
        source: str | nodes.Template,
        globals: Any = None,
        template_class: type[Template] | None = None,
    ) -> Template:
        if not isinstance(source, str) or globals is not None or template_class is not None:
            return super().from_string(source, globals, template_class)
        template = self.compiled.get(source)
        if template is None:
            template = self.compiled[source] = super().from_string(source)
        return template

    def begin_render(self) -> None:
        self.loop_items = 0


@dataclass
class Prepared:
    """What a template's renders share: the archive was checked, and docxtpl's patched XML and
    the compiled Jinja templates are kept (by source) in the template's own sandbox."""

    environment: CachingSandbox
    patched: dict[str, str] = field(default_factory=dict)
    document: Any = None
    """The template opened by python-docx, never rendered: each render gets a deep copy, which
    costs about half of parsing the package again."""

    def fresh_document(self, template_bytes: bytes) -> Any:
        if self.document is None:
            self.document = load_docx(io.BytesIO(template_bytes))
        return copy.deepcopy(self.document)


_LOCAL = threading.local()
PREPARED_TEMPLATES = 16
"""Templates kept prepared per thread (each a few MB at most). Per thread, because a sandbox
counts the loop items of the render it is in; the render workers have one thread each."""


def prepared(template_bytes: bytes, limits: Limits = LIMITS) -> Prepared:
    """The prepared form of a template, by checksum (the same bytes always prepare alike, so a
    new upload or version is a new entry and a stale one cannot be served)."""
    key = (hashlib.sha256(template_bytes).hexdigest(), limits)
    cache: OrderedDict[tuple[str, Limits], Prepared] | None = getattr(_LOCAL, "prepared", None)
    if cache is None:
        cache = _LOCAL.prepared = OrderedDict()
    found = cache.get(key)
    if found is not None:
        cache.move_to_end(key)
        return found
    check_archive(template_bytes, limits=limits)
    found = Prepared(CachingSandbox(limits=limits, autoescape=True, undefined=StrictUndefined))
    cache[key] = found
    while len(cache) > PREPARED_TEMPLATES:
        cache.popitem(last=False)
    return found


class _PreparedDocx(DocxTemplate):  # type: ignore[misc]
    """A fresh DocxTemplate whose tag patching (a pure function of the XML) is remembered."""

    def __init__(self, template_bytes: bytes, ready: Prepared) -> None:
        super().__init__(io.BytesIO(template_bytes))
        self._ready = ready

    def patch_xml(self, src_xml: str) -> str:
        patched = self._ready.patched.get(src_xml)
        if patched is None:
            patched = self._ready.patched[src_xml] = str(super().patch_xml(src_xml))
        return patched


_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@lru_cache(maxsize=64)
def read_template(path: Path) -> bytes:
    """Template bytes, cached by path (the bytes, never a DocxTemplate object)."""
    return path.read_bytes()


def builtin_template(language: str, kind: str) -> bytes:
    """The built-in template ``templates/{language}/{kind}.docx``."""
    return read_template(TEMPLATE_DIR / language / f"{kind}.docx")


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


def parse_parts(docx_bytes: bytes, *, all_parts: bool = False, what: str = "document") -> str:
    """Parse the XML parts (all of them, or those docxtpl renders); returns the body text.

    After a render only the parts docxtpl writes need parsing (body, headers, footers, notes,
    relationships): the others (styles, theme, numbering, ...) are copied from the template or
    re-serialised by python-docx from a parsed tree, so no value can break them, and every part
    of an uploaded template is parsed once when it is validated. Parsing every part on each
    render would add about 13 ms to a 35-45 ms render."""
    text = ""
    try:
        archive = zipfile.ZipFile(io.BytesIO(docx_bytes))
    except zipfile.BadZipFile as exc:
        raise RenderError(f"the {what} is not a valid .docx: {exc}") from exc
    with archive:
        for name in archive.namelist():
            if not (RENDERED_PART.match(name) or (all_parts and name.endswith((".xml", ".rels")))):
                continue
            try:
                root = etree.fromstring(archive.read(name), _SAFE_XML)
            except etree.XMLSyntaxError as exc:
                raise RenderError(f"the {what} has invalid XML in {name}: {exc}") from exc
            if name == "word/document.xml":
                text = "\n".join("".join(p.itertext()) for p in root.iter(W_P))
    return text


def check_output(
    docx_bytes: bytes, context_strings: list[str] | None = None, *, all_parts: bool = False
) -> None:
    """The XML parts parse, and the body has no leftover tag (``{{``, ``{%``, ``}}``, ``%}``)
    or literal ``None`` that did not come from a context value itself."""
    text = parse_parts(docx_bytes, all_parts=all_parts, what="rendered document")
    for value in context_strings or []:
        text = text.replace(value, "")
    leftover = LEFTOVER.search(text)
    if leftover:
        raise RenderError(
            f"the rendered document still contains {leftover.group(0)!r} (a template tag or an "
            "unset value)"
        )


def _stamp(doc: DocxTemplate, context: dict[str, Any], created: datetime | None) -> None:
    """Internal metadata (generator, template version, register date) goes to the document
    properties, where a reviewer finds it and a recipient does not read it as contract text.
    The author is our organisation, whose document it is; created and modified are the
    generation time, not the template's."""
    props = doc.docx.core_properties
    props.comments = (
        f"Generated by transfers on {context.get('generated_on', '')} from the register as of "
        f"{context.get('as_of', '')}; template {context.get('template_version', '')}."
    )
    org = context.get("org")
    author = str(org.get("name") or "") if isinstance(org, dict) else ""
    props.author = props.last_modified_by = author or "transfers"
    if created is not None:
        when = created.astimezone(UTC).replace(microsecond=0, tzinfo=None)
        props.created = props.modified = when
        props.revision = 1


def render_docx(
    template_bytes: bytes,
    context: dict[str, Any],
    limits: Limits = LIMITS,
    *,
    created: datetime | None = None,
) -> bytes:
    """Render ``context`` into the template; raises :class:`RenderError` with a clear message
    when the template is over its size budget, fails in the sandbox, or the output is not a
    valid, complete document. Untrusted templates run this in a worker process
    (:mod:`transfers.document.worker`)."""
    values = [v for v in _strings(context) if LEFTOVER.search(v)]
    ready = prepared(template_bytes, limits)
    try:
        doc = _PreparedDocx(template_bytes, ready)
        doc.docx = ready.fresh_document(template_bytes)
        ready.environment.begin_render()
        doc.render(context, jinja_env=ready.environment, autoescape=True)
    except BudgetError as exc:
        raise RenderError(f"the template is over its budget: {exc}") from exc
    except SecurityError as exc:
        raise RenderError(f"the template tried something the sandbox forbids: {exc}") from exc
    except TemplateError as exc:
        raise RenderError(f"the template could not be rendered: {exc}") from exc
    except (zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError) as exc:
        raise RenderError(f"not a valid .docx template: {exc}") from exc
    _stamp(doc, context, created)
    out = io.BytesIO()
    doc.save(out)
    data = out.getvalue()
    check_archive(data, limits=limits, what="rendered document")
    check_output(data, values)
    return data


def template_source(template_bytes: bytes) -> str:
    """The Jinja source docxtpl renders: the body, headers and footers, after its tag patching."""
    tpl = DocxTemplate(io.BytesIO(template_bytes))
    docx = load_docx(io.BytesIO(template_bytes))
    source = tpl.patch_xml(tpl.xml_to_string(docx.element.body))
    for rel in docx.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and rel.target_part.blob:
            source += tpl.patch_xml(tpl.xml_to_string(parse_xml(rel.target_part.blob)))
    return str(source)


def _private_access(tree: nodes.Template) -> list[str]:
    """Attribute or item names starting with "_" (``__class__``, ``_sa_instance_state``): the
    way out of a template into Python internals; refused even in branches a test render skips."""
    found: list[str] = []
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        name: object = None
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            name = node.arg.value
        if isinstance(name, str) and name.startswith("_") and name not in found:
            found.append(name)
    return found


def validate_template(
    template_bytes: bytes,
    kind: str,
    sample_context: dict[str, Any] | None = None,
    limits: Limits = LIMITS,
) -> list[str]:
    """Problems with an uploaded template (an empty list means acceptable): not a .docx,
    a syntax error, access to Python internals, variables outside the documented context of
    ``kind`` (:mod:`transfers.document.kinds`), or a failing test render in the sandbox
    against ``sample_context`` (default: :func:`transfers.document.context.sample_context`)."""
    if kind not in KINDS:
        return [f"unknown document kind {kind!r}; use one of {', '.join(KINDS)}"]
    try:
        check_archive(template_bytes, limits=limits)
        parse_parts(template_bytes, all_parts=True, what="template")
    except RenderError as exc:
        return [str(exc)]
    env = environment(limits)
    try:
        tree = env.parse(template_source(template_bytes))
    except (zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError) as exc:
        return [f"not a valid .docx file: {exc}"]
    except TemplateError as exc:
        return [f"template syntax error: {exc}"]
    private = _private_access(tree)
    if private:
        return [
            "the template reaches for Python internals ("
            + ", ".join(repr(p) for p in private)
            + "); only the documented context variables may be used"
        ]
    documented = top_level_names(kind)
    problems = [
        f"undeclared variable {name!r}: the {kind} context has {', '.join(sorted(documented))}"
        for name in sorted(meta.find_undeclared_variables(tree) - documented)
    ]
    if problems:
        return problems
    if sample_context is None:
        from transfers.document.context import sample_context as build_sample

        sample_context = build_sample(kind, "en")
    try:
        render_docx(template_bytes, sample_context, limits)
    except RenderError as exc:
        problems.append(str(exc))
    return problems
