"""docs/document-context.md is the template authors' contract: it must say what the code does."""

from __future__ import annotations

from pathlib import Path

from transfers.document.kinds import context_reference_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "document-context.md"


def test_the_published_context_reference_is_the_generated_one() -> None:
    assert context_reference_markdown() in DOC.read_text(encoding="utf-8"), (
        "regenerate docs/document-context.md (the command is at its top)"
    )
