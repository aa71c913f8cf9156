"""One import, as the API and the CLI both run it: read the sheet, then apply it through the
domain services inside the caller's transaction.

A dry run is the real import rolled back, never a separate validation: the services' rules and
the register's current content decide, so "valid" from a dry run means the import will pass.
The caller commits only when the report is ``ok`` and it is not a dry run.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from transfers.auth.schemas import Actor
from transfers.importer.parse import DEFAULT_MAX_BYTES, Interrupt
from transfers.importer.validate import ImportPlan, plan_import
from transfers.importer.writer import Progress, apply_plan
from transfers.infra.gc import gc_paused


@dataclass(slots=True)
class ImportReport:
    """What an import did or would do; ``stage`` says where problems were found: ``sheet``
    (reading the file) or ``register`` (the services' rules and the register's content)."""

    dry_run: bool
    rows: dict[str, int]
    problems: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    stage: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "complete": self.ok,
            "rows": self.rows,
            "problems": self.problems,
            "warnings": self.warnings,
        } | ({"counts": self.counts} if self.ok else {})


def plan_counts(plan: ImportPlan) -> dict[str, int]:
    return {
        "vendors": len(plan.vendors),
        "agreements": len(plan.agreements),
        "transfers": len(plan.transfers),
    }


async def run_import(
    session: AsyncSession,
    content: bytes,
    *,
    filename: str,
    actor: Actor,
    dry_run: bool,
    max_bytes: int = DEFAULT_MAX_BYTES,
    interrupt: Interrupt | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Read ``content`` and apply it in ``session``'s transaction; never commits. The caller
    rolls back unless the report is ``ok`` and this is not a dry run.

    Cyclic GC is paused throughout: the sheet's cells, the plan's rows and the services'
    batches are tens of thousands of live objects, none of them garbage, and each collection
    pass walked them all (10k vendors + 30k transfers from CSV: 7.5 s -> 5.2 s of CPU).
    """
    with gc_paused():
        return await _run_import(
            session,
            content,
            filename=filename,
            actor=actor,
            dry_run=dry_run,
            max_bytes=max_bytes,
            interrupt=interrupt,
            progress=progress,
        )


async def _run_import(
    session: AsyncSession,
    content: bytes,
    *,
    filename: str,
    actor: Actor,
    dry_run: bool,
    max_bytes: int,
    interrupt: Interrupt | None,
    progress: Progress | None,
) -> ImportReport:
    plan = await asyncio.to_thread(
        plan_import, content, filename=filename, max_bytes=max_bytes, interrupt=interrupt
    )
    report = ImportReport(
        dry_run=dry_run,
        rows=plan_counts(plan),
        problems=[asdict(p) for p in plan.problems],
        warnings=[asdict(w) for w in plan.warnings],
    )
    if not plan.complete:
        report.stage = "sheet"
        return report
    result = await apply_plan(session, plan, actor, progress=progress)
    if result.problems:
        report.stage = "register"
        report.problems = [asdict(p) for p in result.problems]
        return report
    report.counts = result.as_dict()
    return report
