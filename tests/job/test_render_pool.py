"""The render pool keeps its workers warm and still enforces every budget (issue 9 and 13)."""

from __future__ import annotations

import os

import pytest

from transfers.document.limits import Limits
from transfers.document.render import RenderError, builtin_template, document_text, render_docx
from transfers.document.service import sample_context
from transfers.document.worker import BudgetExceeded, run_limited

POOL = Limits(cpu_seconds=1, wall_seconds=30, concurrent=1)
SPIN = Limits(cpu_seconds=1, wall_seconds=300, concurrent=1)
"""Far more wall-clock than CPU time, so a busy machine still stops the job on its CPU budget."""


def _spin() -> None:
    while True:
        pass


def _fail() -> None:
    raise ValueError("the template's own error")


def test_a_second_job_runs_in_the_same_warm_worker() -> None:
    first = run_limited(os.getpid, limits=POOL)
    assert first != os.getpid()
    assert run_limited(os.getpid, limits=POOL) == first


def test_a_job_over_its_cpu_budget_retires_its_worker_and_the_next_job_runs() -> None:
    before = run_limited(os.getpid, limits=SPIN)
    with pytest.raises(BudgetExceeded, match="CPU"):
        run_limited(_spin, limits=SPIN)
    after = run_limited(os.getpid, limits=SPIN)
    assert after != before


def test_a_failing_job_keeps_the_worker() -> None:
    before = run_limited(os.getpid, limits=POOL)
    with pytest.raises(RenderError, match="own error"):
        run_limited(_fail, limits=POOL)
    assert run_limited(os.getpid, limits=POOL) == before


def test_repeated_renders_of_one_template_give_the_same_document() -> None:
    template = builtin_template("fi", "dpa")
    context = sample_context("dpa", "fi")
    first = run_limited(render_docx, template, context, limits=POOL)
    second = run_limited(render_docx, template, context, limits=POOL)
    assert (
        document_text(first)
        == document_text(second)
        == document_text(render_docx(template, context))
    )
    other = dict(context, vendor=dict(context["vendor"], name="Toinen Oy", legal_name="Toinen Oy"))
    assert "Toinen Oy" in document_text(run_limited(render_docx, template, other, limits=POOL))


def test_a_prepared_template_gets_its_full_loop_budget_on_every_render() -> None:
    """The compiled template is reused, the loop budget is not: each render starts at zero."""
    from tests.document.test_sandbox import _template_with

    budget = Limits(loop_items=1_000)
    template = _template_with("{% for i in range(600) %}{% endfor %}{{ vendor.name }}")
    for _ in range(3):
        assert "Acme" in document_text(render_docx(template, {"vendor": {"name": "Acme"}}, budget))
    greedy = _template_with("{% for i in range(1200) %}{% endfor %}{{ vendor.name }}")
    with pytest.raises(RenderError, match="budget"):
        render_docx(greedy, {"vendor": {"name": "Acme"}}, budget)
