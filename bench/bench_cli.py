"""The `transfers` command as a user runs it (fresh processes), each figure next to a baseline.

- `transfers --help` next to a bare interpreter and one that only imports click;
- `transfers check` (summary + first rows, and --all) next to a fresh process that only fetches
  the rows the check reads (the goal is <= 1.5x of that fetch); the summary evaluates two halves
  of the register at once on a machine with a second core, so it is also timed with
  `--jobs 1` (one process, as --all and --json always run);
- `transfers reminders list --within 365d` (goal < 2 s).

The commands take turns, round after round, so that each ratio compares runs made under the
same load (the machine is shared). Each command is run once first so that bytecode is cached,
as after any installation; with
--no-bytecode every run compiles every module (PYTHONDONTWRITEBYTECODE=1, which is how some
containers run and what made `--help` take 9-16 s). --before PATH times another checkout's
`transfers` (e.g. /work/main/.venv/bin/transfers) on the same register.

Usage: python bench/bench_cli.py [--vendors 10000] [--runs 3] [--before PATH] [--no-bytecode]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._seed import seed

AS_OF = "2026-11-24"
FETCH = """
import asyncio, sys
from sqlalchemy import text
from transfers.db import create_engine
async def main():
    engine = create_engine(url=sys.argv[1])
    async with engine.connect() as c:
        for table in ("vendor", "agreement", "transfer", "assessment", "processing",
                      "vendor_subprocessor"):
            (await c.execute(text(f"SELECT * FROM {table}"))).all()
    await engine.dispose()
asyncio.run(main())
"""


def run_once(args: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t0


def timed_together(
    commands: dict[str, tuple[list[str], dict[str, str]]], runs: int
) -> dict[str, list[float]]:
    """Wall times of each command over ``runs`` rounds, the commands taking turns in each round
    (after one untimed run of each that caches bytecode): on a machine shared with other
    benchmarks, a ratio of two figures is only fair when both saw the same load."""
    for args, env in commands.values():
        run_once(args, env)
    times: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, (args, env) in commands.items():
            times[label].append(run_once(args, env))
    return times


def ratio(times: dict[str, list[float]], label: str, baseline: str) -> str:
    """The median of the per-round ratios (each round's two runs saw the same load; the
    machine's speed drifts between rounds), with their range."""
    found = sorted(a / b for a, b in zip(times[label], times[baseline], strict=True))
    return f"{statistics.median(found):.2f}x (rounds {found[0]:.2f}-{found[-1]:.2f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vendors", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", default=None, help="another `transfers` executable to time")
    parser.add_argument("--no-bytecode", action="store_true")
    args = parser.parse_args()
    url, _ = seed(args.vendors, 5)
    env = {**os.environ, "TRANSFERS_DATABASE_URL": url}
    if args.no_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    python = sys.executable
    here = str(Path(python).parent / "transfers")
    tools = {"now": here} | ({"before": args.before} if args.before else {})
    n = args.runs
    print(f"{args.vendors} vendors, {5 * args.vendors} transfers; medians of {n} rounds")

    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "bare": ([python, "-c", "pass"], env),
        "click": ([python, "-c", "import click"], env),
        "fetch": ([python, "-c", FETCH, url], env),
    }
    for label, exe in tools.items():
        tool_env = env
        if label == "before":
            # Its bytecode goes to /tmp, never into the other checkout.
            tool_env = {**env, "PYTHONPYCACHEPREFIX": "/tmp/transfers-bench-pycache-before"}
        commands[f"{label} help"] = ([exe, "--help"], tool_env)
        commands[f"{label} check"] = ([exe, "check", "--as-of", AS_OF], tool_env)
        if label == "now":
            one = [exe, "check", "--as-of", AS_OF, "--jobs", "1"]
            commands[f"{label} check --jobs 1"] = (one, tool_env)
            commands[f"{label} check --all"] = ([exe, "check", "--as-of", AS_OF, "--all"], tool_env)
        reminders = [exe, "reminders", "list", "--within", "365d", "--as-of", AS_OF]
        commands[f"{label} reminders"] = (reminders, tool_env)
    rounds = timed_together(commands, n)
    t = {label: statistics.median(found) for label, found in rounds.items()}
    print(f"baseline: bare interpreter {t['bare']:.2f} s, import click {t['click']:.2f} s")
    print(f"baseline: a process fetching every row the check reads {t['fetch']:.2f} s")
    for label in tools:
        help_, check, rem = t[f"{label} help"], t[f"{label} check"], t[f"{label} reminders"]
        print(f"[{label}] transfers --help {help_:.2f} s ({help_ / t['click']:.1f}x import click)")
        print(
            f"[{label}] transfers check {check:.2f} s "
            f"({ratio(rounds, f'{label} check', 'fetch')} the fetch); goal <= 1.5x"
        )
        if label == "now":
            single = t[f"{label} check --jobs 1"]
            print(
                f"[{label}] transfers check --jobs 1 (one process) {single:.2f} s "
                f"({ratio(rounds, f'{label} check --jobs 1', 'fetch')})"
            )
            every = t[f"{label} check --all"]
            print(
                f"[{label}] transfers check --all {every:.2f} s "
                f"({ratio(rounds, f'{label} check --all', 'fetch')})"
            )
        print(f"[{label}] transfers reminders list --within 365d {rem:.2f} s; goal < 2 s")


if __name__ == "__main__":
    main()
