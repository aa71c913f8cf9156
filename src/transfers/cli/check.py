"""The register at a glance: `transfers check` and `transfers reference`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from transfers.cli._base import (
    SHOWN,
    _parse_day,
    console,
    fail,
    main,
    new_table,
    print_rows,
    read_only_pass,
    run_in_session,
    stream_lines,
)

if TYPE_CHECKING:
    pass


@main.command()
@click.option(
    "--as-of", "as_of", default=None, help="Evaluate on this day (YYYY-MM-DD; default today)"
)
@click.option(
    "--assume-invalid", default=None, help="What-if: treat this mechanism code as invalid"
)
@click.option("--from", "from_", default=None, help="What-if: invalid from this day")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON")
@click.option(
    "--limit", default=SHOWN, show_default=True, help="Problem rows shown after the summary"
)
@click.option("--all", "show_all", is_flag=True, help="Every problem, one tab-separated line each")
@click.option(
    "--jobs",
    type=click.IntRange(1, 2),
    default=None,
    help="Processes for the summary: 2 evaluates two halves of the register at once "
    "(default: 2 from 20,000 transfers when a second core is free)",
)
def check(
    as_of: str | None,
    assume_invalid: str | None,
    from_: str | None,
    as_json: bool,
    limit: int,
    show_all: bool,
    jobs: int | None,
) -> None:
    """Evaluate every transfer; exit 1 when anything is unlawful (for cron).

    Prints a summary and the first problems; --all streams every problem as plain lines."""
    read_only_pass()
    from transfers.common.problems import ProblemError
    from transfers.compliance.service import register_summary, register_view
    from transfers.rules.compliance import summarise

    day = _parse_day(as_of)
    since = _parse_day(from_) if from_ else None
    shown = max(limit, 0)
    summary_only = not (as_json or show_all or assume_invalid or from_)

    async def work(session: Any) -> Any:
        if summary_only:
            return await register_summary(session, day, shown, jobs=jobs)
        return await register_view(session, day, assume_invalid, since)

    try:
        result = run_in_session(work, read_only=True)
    except ProblemError as exc:
        fail(exc.detail)
    if as_json:
        import msgspec

        from transfers.compliance.schemas import compliance_read

        shown = len(result.problems) if show_all else shown
        click.echo(msgspec.json.encode(compliance_read(result, limit=shown)).decode())
    elif summary_only:
        _print_check(result, day, shown, show_all=False)
    else:
        summary = summarise(result, sys.maxsize if show_all else shown)
        _print_check(summary, day, shown, show_all, result.what_if)
    if result.counts["unlawful"]:
        sys.exit(1)


def _problem_cells(p: Any) -> tuple[str, ...]:
    return (
        p.verdict,
        p.vendor_name,
        str(p.transfer_id),
        p.destination_country,
        p.mechanism,
        "; ".join(r.code for r in p.reasons if r.severity != "info"),
    )


def _print_check(summary: Any, day: Any, limit: int, show_all: bool, what_if: Any = None) -> None:
    """A :class:`~transfers.rules.compliance.Summary`: the tallies, then the first problems
    (every one with --all, as plain lines) and reliances on invalidated mechanisms."""
    counts = summary.counts
    vendors = ", ".join(f"{k} {v}" for k, v in sorted(summary.vendor_counts.items()))
    click.echo(
        f"{day} (reference {summary.reference_version}): {counts['lawful']} lawful, "
        f"{counts['at_risk']} at risk, {counts['unlawful']} unlawful active transfers "
        f"({summary.inactive} inactive); vendors: {vendors or 'none'}"
    )
    problems = summary.problems
    columns = ("verdict", "vendor", "transfer", "to", "mechanism", "reasons")
    if show_all:
        stream_lines(_problem_cells(p) for p in problems)
    elif problems and limit > 0:
        print_rows(columns, [_problem_cells(p) for p in problems[:limit]])
        if summary.problems_total > limit:
            click.echo(
                f"... {summary.problems_total - limit} more problems (--all lists every one)"
            )
    for row in summary.invalidated:
        click.echo(
            f"still relying on {row.mechanism}: {row.vendor_name} "
            f"(transfer {row.transfer_id}, {row.destination_country})"
        )
    if what_if is not None:
        w = what_if
        names = ", ".join(n.vendor_name for n in w.newly_blocked) or "none"
        click.echo(
            f"what if {w.mechanism} fell on {w.invalid_from}: newly blocked vendors: {names}"
        )


@main.command()
@click.option("--json", "as_json", is_flag=True)
def reference(as_json: bool) -> None:
    """Print the legal reference data (countries and mechanisms) with sources."""
    import msgspec

    from transfers.reference import load_reference

    ref = load_reference()
    if as_json:
        click.echo(
            msgspec.json.encode(
                {
                    "version": ref.version,
                    "countries": list(ref.countries()),
                    "mechanisms": list(ref.mechanisms()),
                }
            ).decode()
        )
        return
    console.print(f"[bold]Legal reference {ref.version}[/bold]")

    def cited(citation: str, confidence: str) -> str:
        """An unconfirmed fact is never printed as settled law (issue 26)."""
        return f"{citation} (unconfirmed)" if confidence == "U" else citation

    mech = new_table("code", "kind", "valid from", "invalid from", "citation", "source, checked")
    for m in ref.mechanisms():
        mech.add_row(
            m.code,
            m.kind,
            str(m.valid_from or ""),
            str(m.invalid_from or m.valid_until or ""),
            cited(m.citation, m.confidence),
            f"{m.source}, {m.checked}",
        )
    console.print(mech)
    countries = new_table("code", "name", "status", "citation", "source, checked")
    for c in ref.countries():
        countries.add_row(
            c.code, c.name, c.status, cited(c.citation, c.confidence), f"{c.source}, {c.checked}"
        )
    console.print(countries)
