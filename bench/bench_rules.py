"""Register-wide evaluation of 10,000 vendors x 5 transfers, and the status endpoint's throughput.

Prints:
1. the rules engine over in-memory facts next to a plain-Python loop over the same inputs (a
   loop that only looks each transfer's mechanism up in a dict of validity dates: the least any
   evaluator must do); the ratio is the cost of the full rule set with reasons and citations;
2. the same register evaluated from the database (load facts + engine), SQLite by default;
3. GET /api/v1/vendors/{id}/status requests/s next to a bare Litestar endpoint, same run.

Usage: uv run python bench/bench_rules.py [--vendors N] [--seconds S] [--no-http]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _load import load, server
from _seed import MECHANISMS, seed

from transfers.compliance.service import load_facts
from transfers.db import create_engine, session_factory
from transfers.reference import load_reference
from transfers.rules.compliance import register_compliance
from transfers.rules.facts import AgreementFacts, AssessmentFacts, TransferFacts, VendorFacts
from transfers.rules.status import vendor_statuses

AS_OF = date(2026, 11, 24)


def synthetic(vendors: int, per_vendor: int) -> list[VendorFacts]:
    rng = random.Random(7)
    out = []
    tid = 0
    for vid in range(1, vendors + 1):
        transfers = []
        for _ in range(per_vendor):
            tid += 1
            dest, mech, module = rng.choice(MECHANISMS)
            transfers.append(
                TransferFacts(
                    id=tid,
                    destination_country=dest,
                    exporter_role="processor" if module == 3 else "controller",
                    importer_role="processor",
                    mechanism=mech,
                    scc_module=module,
                    contracts=(
                        AgreementFacts(
                            tid,
                            mech,
                            module,
                            "signed",
                            date(2019, 5, 1) if mech == "scc_2010" else date(2023, 1, 1),
                            None,
                            None,
                        ),
                    ),
                    data_categories=("identity", "contact"),
                    frequency="systematic",
                    adequacy_scope_confirmed=True,
                    dpf_certified=True,
                    dpf_hr_covered=None,
                    dpf_verified_on=date(2026, 3, 1),
                    bcr_approval_ref=None,
                    fallback_mechanism="scc_2021" if rng.random() < 0.5 else None,
                    started_on=date(2022, 1, 1),
                    ended_on=None,
                    assessments=(
                        AssessmentFacts(
                            tid, date(2025, 1, 1), "adequate_with_measures", date(2027, 1, 1)
                        ),
                    )
                    if rng.random() < 0.5
                    else (),
                )
            )
        out.append(
            VendorFacts(
                id=vid,
                name=f"Vendor {vid}",
                role="processor",
                status="approved",
                agreements=(
                    AgreementFacts(
                        vid, "dpa", None, "signed", date(2022, 1, 1), date(2022, 1, 1), None
                    ),
                ),
                transfers=tuple(transfers),
                subprocessor_ids=(vid + 1,) if vid % 10 == 1 and vid < vendors else (),
            )
        )
    return out


def plain_loop(register: list[VendorFacts]) -> dict[int, str]:
    """The baseline: one dict lookup and a date comparison per transfer, no reasons."""
    ref = load_reference()
    valid_until = {m.code: getattr(m, "invalid_from", None) for m in ref.mechanisms()}
    out = {}
    for vendor in register:
        worst = "lawful"
        for t in vendor.transfers:
            until = valid_until.get(t.mechanism)
            if until is not None and until <= AS_OF:
                worst = "unlawful"
        out[vendor.id] = worst
    return out


def timed(fn, *args, repeat: int = 3):  # type: ignore[no-untyped-def]
    best = float("inf")
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn(*args)
        best = min(best, time.perf_counter() - t0)
    return best, result


async def from_database(url: str) -> tuple[float, float, int]:
    engine = create_engine(url=url)
    try:
        async with session_factory(engine)() as session:
            t0 = time.perf_counter()
            facts = await load_facts(session, None, AS_OF)
            loaded = time.perf_counter() - t0
            t1 = time.perf_counter()
            register_compliance(facts.values(), AS_OF)
            evaluated = time.perf_counter() - t1
        return loaded, evaluated, sum(len(f.transfers) for f in facts.values())
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vendors", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args()

    register = synthetic(args.vendors, 5)
    load_reference()
    base_s, _ = timed(plain_loop, register)
    engine_s, statuses = timed(vendor_statuses, register, AS_OF)
    full_s, compliance = timed(register_compliance, register, AS_OF, repeat=1)
    n = 5 * args.vendors
    print(f"in memory, {args.vendors} vendors x 5 transfers ({n} transfers), as of {AS_OF}:")
    print(f"  plain-Python loop        {base_s * 1000:8.1f} ms  ({n / base_s:>10,.0f} transfers/s)")
    print(
        f"  engine: vendor statuses  {engine_s * 1000:8.1f} ms  ({n / engine_s:>10,.0f} transfers/s)  ratio x{engine_s / base_s:.1f}"
    )
    print(
        f"  engine: register view   {full_s * 1000:8.1f} ms  (counts {compliance.counts}, vendors {compliance.vendor_counts})"
    )
    assert len(statuses) == args.vendors

    t0 = time.perf_counter()
    url, key = seed(args.vendors, 5)
    print(f"seeded {args.vendors} vendors, {n} transfers in {time.perf_counter() - t0:.1f} s")
    loaded, evaluated, count = asyncio.run(from_database(url))
    print(
        f"from the database: load facts {loaded * 1000:.0f} ms + evaluate {evaluated * 1000:.0f} ms for {count} transfers"
    )

    if args.no_http:
        return
    with server("bench.bare_app:create_app") as bare:
        baseline = load(
            "bare Litestar GET /vendors/{id}",
            bare,
            lambda r: f"/vendors/{r.randint(1, args.vendors)}",
            concurrency=args.concurrency,
            duration=args.seconds,
        )
    env = {"TRANSFERS_DATABASE_URL": url, "TRANSFERS_DB_POOL_SIZE": str(args.concurrency)}
    with server("transfers.app:create_app", env) as app:
        status = load(
            "transfers GET /vendors/{id}/status",
            app,
            lambda r: f"/api/v1/vendors/{r.randint(1, args.vendors)}/status?as_of=2026-11-24",
            headers={"Authorization": f"Bearer {key}"},
            concurrency=args.concurrency,
            duration=args.seconds,
        )
    print(baseline.row())
    print(status.row())
    print(f"ratio status/bare: {status.rps / baseline.rps:.3f} of the throughput")


if __name__ == "__main__":
    main()
