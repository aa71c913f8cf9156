"""Generated documents as a reader gets them: every kind in both languages converted to PDF by
a real LibreOffice, then checked page by page with pypdf (A4, text on every page, no table
header broken inside a word). CI installs LibreOffice (.ci/run); without it the test skips."""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.document.test_templates import LICENTIA_PROCESSING, context
from transfers.document.kinds import KINDS, LANGUAGES
from transfers.document.render import builtin_template, render_docx

A4 = (595.3, 841.9)  # points
TOLERANCE = 2.0


def _builder() -> Any:
    script = Path(__file__).resolve().parents[2] / "tools" / "build_templates.py"
    spec = importlib.util.spec_from_file_location("build_templates_pdf", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def _header_words(language: str, kind: str) -> set[str]:
    """Words of every table header of the template (those long enough to be split); a word
    counts as broken when the PDF shows it cut by a line break (``Vastaanottaj\\na``)."""
    builder = _builder()
    _, blocks = builder.TEMPLATES[(language, kind)]
    words: set[str] = set()
    for block in blocks:
        if isinstance(block, builder.Table):
            for header in block.headers:
                words |= {w for w in re.findall(r"[\w-]+", header) if len(w) >= 6}
    return words


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui)")
    folder = tmp_path_factory.mktemp("pdf")
    sources = []
    for kind in KINDS:
        for language in LANGUAGES:
            variants = {kind: context(kind, language)}
            if kind == "dpa":
                sub = dataclasses.replace(
                    LICENTIA_PROCESSING, our_role="processor", controller="Customer Oy"
                )
                variants["dpa_art28_4"] = context(kind, language, processing=sub)
            for name, ctx in variants.items():
                path = folder / f"{name}-{language}.docx"
                path.write_bytes(render_docx(builtin_template(language, kind), ctx))
                sources.append(path)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{folder}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *map(str, sources),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return {p.stem: p.with_suffix(".pdf") for p in sources}


def test_every_kind_in_both_languages_converts_to_clean_a4(pdfs: dict[str, Path]) -> None:
    assert len(pdfs) == len(KINDS) * len(LANGUAGES) + 2
    for name, pdf in pdfs.items():
        assert pdf.exists(), f"{name} was not converted"
        reader = PdfReader(pdf)
        kind, language = name.rsplit("-", 1)
        kind = "dpa" if kind == "dpa_art28_4" else kind
        words = _header_words(language, kind)
        text = ""
        for number, page in enumerate(reader.pages, start=1):
            size = sorted((float(page.mediabox.width), float(page.mediabox.height)))
            assert abs(size[0] - A4[0]) < TOLERANCE and abs(size[1] - A4[1]) < TOLERANCE, (
                f"{name} page {number} is {size}, not A4"
            )
            page_text = page.extract_text() or ""
            body = re.sub(r"(Page|Sivu) \d+ / \d+", "", page_text).strip()
            assert len(body) > 80, f"{name} page {number} has no text of its own"
            text += page_text + "\n"
        broken = sorted(
            w
            for w in words
            if any(
                re.search(re.escape(w[:k]) + r"-?\s+" + re.escape(w[k:]), text)
                for k in range(2, len(w))
                if w[k - 1] != "-"  # a line may break after a hyphen the word has
            )
        )
        assert not broken, f"{name}: table header words split inside a word: {broken}"
        if kind == "record_extract":
            first = reader.pages[0].mediabox
            assert float(first.width) > float(first.height), "wide tables go landscape"
