"""Build rules-engine facts from the register and ask the engine.

Reads with Core selects into plain dataclasses: the engine needs no ORM objects, and loading a
register of 10,000 vendors and 50,000 transfers this way takes a fraction of the ORM's time.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date
from typing import Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from transfers import register
from transfers.common.problems import ProblemError, not_found
from transfers.infra.forked import can_fork, in_two
from transfers.infra.gc import gc_paused, settle_heap
from transfers.models import (
    Processing,
    Transfer,
    Vendor,
)
from transfers.reference import load_reference
from transfers.rules.compliance import (
    Compliance,
    Summary,
    merge_summaries,
    register_compliance,
    summarise,
)
from transfers.rules.evaluate import Evaluation, evaluate_transfer
from transfers.rules.facts import TransferFacts, VendorFacts
from transfers.rules.status import VendorStatus, vendor_statuses


async def transfer_services(session: AsyncSession, vendor_id: int) -> dict[int, str]:
    """Transfer id -> the service it serves (its processing's service, else its description):
    what tells two transfers of one vendor to one country apart for a person."""
    rows = await session.execute(
        select(Transfer.id, Processing.service, Transfer.description)
        .outerjoin(Processing, Processing.id == Transfer.processing_id)
        .where(Transfer.vendor_id == vendor_id)
    )
    return {int(i): (svc or text or "").strip() for i, svc, text in rows if svc or text}


async def load_facts(
    session: AsyncSession, vendor_ids: set[int] | None, as_of: date
) -> dict[int, VendorFacts]:
    """Facts on ``as_of`` of the given vendors (the whole register when None), from the
    process's snapshot of the register, brought up to date first."""
    snapshot = await register.current(session)
    return snapshot.facts(as_of, vendor_ids)


importer_role = register.importer_role
_log = logging.getLogger(__name__)


async def children_map(
    session: AsyncSession, vendor_ids: list[int] | None = None
) -> dict[int, list[int]]:
    """Direct sub-processors of the given vendors (of every vendor when None)."""
    snapshot = await register.current(session)
    wanted = snapshot.children.keys() if vendor_ids is None else vendor_ids
    children: dict[int, list[int]] = defaultdict(list)
    children.update({v: list(snapshot.children[v]) for v in wanted if v in snapshot.children})
    return children


async def downstream(session: AsyncSession, vendor_id: int) -> set[int]:
    """The vendor and everyone down its sub-processor chain."""
    return (await register.current(session)).downstream(vendor_id)


async def evaluate_one(
    session: AsyncSession, transfer_id: int, as_of: date
) -> tuple[TransferFacts, Evaluation]:
    snapshot = await register.current(session)
    vendor_id = snapshot.transfer_vendor.get(transfer_id)
    if vendor_id is None:
        raise not_found("Transfer", transfer_id)
    facts = snapshot.facts(as_of, [vendor_id])
    transfer = next(t for t in facts[vendor_id].transfers if t.id == transfer_id)
    return transfer, evaluate_transfer(transfer, as_of, load_reference())


async def status_of(session: AsyncSession, vendor_id: int, as_of: date) -> VendorStatus:
    """A vendor's status, with its whole subprocessor chain evaluated on the same day."""
    snapshot = await register.current(session)
    if vendor_id not in snapshot.vendors:
        raise not_found("Vendor", vendor_id)
    facts = snapshot.facts(as_of, snapshot.downstream(vendor_id))
    return vendor_statuses(facts.values(), as_of, load_reference())[vendor_id]


async def find_vendor_id(
    session: AsyncSession, *, name: str | None, business_id: str | None
) -> int:
    """Procurement asks by name or business ID: exact (case-insensitive) match, never a guess."""
    if not name and not business_id:
        raise ProblemError(
            400, "missing-parameter", "Give name= or business_id= to look a vendor up."
        )
    stmt = select(Vendor.id, Vendor.name)
    if business_id:
        stmt = stmt.where(Vendor.business_id == business_id.strip())
    if name:
        from sqlalchemy import func

        stmt = stmt.where(func.lower(Vendor.name) == " ".join(name.split()).lower())
    rows = (await session.execute(stmt)).all()
    if not rows:
        raise ProblemError(
            404,
            "not-found",
            f"No vendor matches {name or business_id!r}; a vendor not in the register is not approved.",
        )
    if len(rows) > 1:
        raise ProblemError(
            409,
            "ambiguous",
            f"{len(rows)} vendors match; ask by business_id.",
            candidates=[{"id": r.id, "name": r.name} for r in rows],
        )
    return int(rows[0].id)


async def register_view(
    session: AsyncSession, as_of: date, assume_invalid: str | None, assume_from: date | None
) -> Compliance:
    ref = load_reference()
    if assume_from is not None and assume_invalid is None:
        raise ProblemError(
            400,
            "invalid-parameter",
            "from= is the day a mechanism is assumed invalid; give assume_invalid= with it.",
            errors=[{"field": "from", "message": "only with assume_invalid"}],
        )
    if assume_invalid is not None and assume_invalid not in {m.code for m in ref.mechanisms()}:
        raise ProblemError(
            422,
            "validation-error",
            f"Unknown mechanism {assume_invalid!r} for assume_invalid.",
            errors=[{"field": "assume_invalid", "message": "unknown mechanism code"}],
        )
    snapshot = await register.current(session)
    facts = snapshot.facts(as_of)
    # Cyclic GC finds nothing to collect in the engine's frozen dataclasses but scans them all:
    # pausing it around a register-wide evaluation halves the time (issue 13 profile).
    with gc_paused():
        return register_compliance(
            facts.values(),
            as_of,
            assume_invalid=assume_invalid,
            assume_from=assume_from,
            reference=ref,
            memo_for=snapshot.memo,
        )


#: Below this many transfers a register is summarised in one process: forking and the child's
#: answer cost more than half of the evaluation saves (10,000 transfers evaluate in ~0.07 s).
SPLIT_FROM: Final = 20_000


async def register_summary(
    session: AsyncSession, as_of: date, shown: int, *, jobs: int | None = None
) -> Summary:
    """The register's tallies and first ``shown`` problems on ``as_of`` (``transfers check``).

    The same answer as :func:`register_view` cut by :func:`summarise`. With two ``jobs`` (the
    default for a register of :data:`SPLIT_FROM` transfers or more on a machine with a second
    core), the register is evaluated in two halves at once, the second in a forked child (see
    :mod:`transfers.infra.forked`): each half holds whole sub-processor chains, so its tallies
    are exact and simply add up, and only the child's small summary comes back.
    """
    ref = load_reference()
    snapshot = await register.current(session)

    def part(vendor_ids: list[int] | None) -> Summary:
        with gc_paused():
            facts = snapshot.facts(as_of, vendor_ids)
            found = register_compliance(
                facts.values(), as_of, reference=ref, memo_for=snapshot.memo
            )
        return summarise(found, shown)

    if jobs is None:
        jobs = 2 if len(snapshot.transfer_vendor) >= SPLIT_FROM else 1
    if jobs < 2 or not can_fork():
        return part(None)
    first, second = snapshot.halves()
    if not first or not second:
        return part(None)
    here, there = in_two(lambda: part(first), lambda: part(second))
    order = {vendor_id: i for i, vendor_id in enumerate(snapshot.vendors)}
    return merge_summaries((here, there), order, shown)


async def warm(maker: async_sessionmaker[AsyncSession]) -> None:
    """Prune the change log, load the snapshot and evaluate today's register once, in the
    background at start-up.

    A failure here is not fatal (the first request then does the work and reports any error).
    """
    try:
        async with maker() as session:
            pruned = await register.prune(session)  # the change log never grows without end
            await session.commit()
            if pruned:
                _log.info("register change log: %d old rows pruned", pruned)
            snapshot = await register.current(session)
            as_of = date.today()
            ref = load_reference()
            with gc_paused():
                vendor_statuses(
                    snapshot.facts(as_of).values(), as_of, ref, snapshot.memo(as_of, ref)
                )
            settle_heap()
            _log.info("register snapshot warm: %d vendors", len(snapshot.vendors))
    except Exception:
        _log.warning("register snapshot warm-up failed", exc_info=True)
