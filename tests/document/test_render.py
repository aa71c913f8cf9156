"""The renderer's own guarantees, without the database."""

from __future__ import annotations

import pytest

from transfers.document.render import RenderError, builtin_template, document_text, render_docx
from transfers.document.service import sample_context


def test_a_none_in_the_context_is_refused_not_printed() -> None:
    context = sample_context("dpa", "en")
    context["vendor"]["name"] = None
    with pytest.raises(RenderError, match=r"vendor\.name"):
        render_docx(builtin_template("en", "dpa"), context)


def test_a_missing_variable_fails_instead_of_printing_nothing() -> None:
    context = sample_context("dpa", "en")
    del context["processing"]
    with pytest.raises(RenderError):
        render_docx(builtin_template("en", "dpa"), context)


def test_user_text_that_looks_like_a_tag_is_kept_verbatim() -> None:
    context = sample_context("record_extract", "en")
    context["transfers"][0]["recipient"] = "Weird {{ name }} {% Ltd %}"
    text = document_text(render_docx(builtin_template("en", "record_extract"), context))
    assert "Weird {{ name }} {% Ltd %}" in text
