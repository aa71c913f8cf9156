"""The register held in each process, invalidated on write.

Every write that can change a verdict records the vendor concerned in ``register_change`` in the
same transaction (database triggers, so no write path can forget it). A request reads the
highest id, one indexed query, and reloads only the vendors written since the snapshot's version:
verdicts are never stale across workers or instances, and an unchanged register costs no
reload. The snapshot caches facts, never answers: every verdict is computed by the engine per
request.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Final

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.infra import marks, probe
from transfers.infra.gc import gc_paused
from transfers.infra.state import dialect_name, held
from transfers.models import RegisterChange
from transfers.reference import Reference
from transfers.register.rows import RegisterRows, VendorRows, build_facts, load_rows
from transfers.rules.chain import Link, engaged_by, engaged_chain, processing_owner
from transfers.rules.facts import VendorFacts
from transfers.rules.status import OwnMemo

#: Past this many changed vendors a full reload is cheaper than a long IN list.
FULL_RELOAD_AFTER: Final = 2000
#: Ids behind the newest whose arrival is still checked (late commits on PostgreSQL).
LOOKBACK: Final = 2000
#: Change-log rows kept by :func:`prune`; a snapshot further behind reloads in full.
KEEP: Final = 50_000
#: Days whose built facts are kept (today, and a few what-if or historical dates).
DAYS_KEPT: Final = 4


@dataclass(slots=True)
class Snapshot:
    """Rows of the whole register at ``version``, plus engine facts built per day."""

    version: int | None = None
    vendors: dict[int, VendorRows] = field(default_factory=dict)
    children: dict[int, list[int]] = field(default_factory=dict)
    parents: dict[int, list[int]] = field(default_factory=dict)
    transfer_vendor: dict[int, int] = field(default_factory=dict)
    links: dict[int, list[Link]] = field(default_factory=dict)  # by parent, in link id order
    links_up: dict[int, list[Link]] = field(default_factory=dict)  # by sub-processor
    days: dict[date, dict[int, VendorFacts]] = field(default_factory=dict)
    memos: dict[tuple[date, str], OwnMemo] = field(default_factory=dict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    loaded: bool = False
    seen: dict[int, int | None] = field(
        default_factory=dict
    )  # change id -> vendor, last LOOKBACK ids

    def fresh(self, version: int, count: int | None) -> bool:
        """Whether the change log's window (the LOOKBACK ids up to ``version``) holds just what
        was seen: ``seen`` is kept to exactly that window (``count`` None: the version alone)."""
        return (
            self.loaded and self.version == version and (count is None or count == len(self.seen))
        )

    def facts(self, as_of: date, vendor_ids: Iterable[int] | None = None) -> dict[int, VendorFacts]:
        """Facts on ``as_of`` of the given vendors (all when None), built once per version."""
        built = self.days.get(as_of)
        if built is None:
            if len(self.days) >= DAYS_KEPT:
                self.days.pop(next(iter(self.days)))
            built = self.days[as_of] = {}
        wanted = self.vendors.keys() if vendor_ids is None else vendor_ids
        missing = [i for i in wanted if i not in built and i in self.vendors]
        if missing:
            # Building tens of thousands of frozen dataclasses triggers cyclic GC passes over
            # every object the snapshot holds; none of them is garbage yet (issue 13 profile).
            with gc_paused():
                built.update(build_facts(self.vendors, self.children, self.parents, as_of, missing))
        return {i: built[i] for i in wanted if i in built}

    def memo(self, as_of: date, reference: Reference) -> OwnMemo:
        """The engine's per-vendor memo for a day and reference (a what-if has its own).

        It holds evaluations of facts this snapshot built; the engine reuses an entry only for
        the very same facts object, so a vendor reloaded after a write is evaluated afresh and
        the others are not (a register-wide view after one write costs one vendor's evaluation).
        """
        key = (as_of, reference.version)
        memo = self.memos.get(key)
        if memo is None:
            if len(self.memos) >= 2 * DAYS_KEPT:
                self.memos.pop(next(iter(self.memos)))
            memo = self.memos[key] = {}
        return memo

    def downstream(self, vendor_id: int) -> set[int]:
        """The vendor and everyone down its sub-processor chain (cycles terminate)."""
        seen = {vendor_id}
        stack = [vendor_id]
        while stack:
            for child in self.children.get(stack.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return seen

    def links_of(self, vendor_id: int) -> list[Link]:
        """The links where the vendor engages a sub-processor, in link id order."""
        return self.links.get(vendor_id, [])

    def engaged_chain(self, tops: Iterable[int], as_of: date) -> dict[int, int]:
        """Vendors reached from ``tops`` through links engaged on ``as_of`` -> their parent
        (:func:`transfers.rules.chain.engaged_chain`)."""
        return engaged_chain(tops, self.links_of, as_of)

    def engaged_by(self, vendor_id: int, as_of: date) -> list[int]:
        """The vendors that engage this one on ``as_of`` through the chain links
        (:func:`transfers.rules.chain.engaged_by`); empty for a vendor only we engage."""
        return engaged_by(self.links_up.get(vendor_id, []), as_of)

    def first_parent(self, vendor_id: int) -> int | None:
        """The vendor that engages this one through its first link (the lowest link id)."""
        up = self.links_up.get(vendor_id)
        return up[0].vendor_id if up else None

    def first_processing(self, vendor_id: int) -> int | None:
        """The id of the vendor's first processing record (the one its documents describe)."""
        rows = self.vendors.get(vendor_id)
        return min((p.id for p in rows.processings), default=None) if rows else None

    def described_processing(self, vendor_id: int) -> int | None:
        """The id of the processing the vendor works for: its own first one, else the one it
        inherits up its chain (:func:`transfers.rules.chain.processing_owner`)."""
        owner = processing_owner(
            vendor_id, lambda v: self.first_processing(v) is not None, self.first_parent
        )
        return None if owner is None else self.first_processing(owner)

    def halves(self) -> tuple[list[int], list[int]]:
        """The vendors in two parts of about equal work (their transfers), each in register
        order and each holding whole sub-processor chains: a vendor's status depends on every
        vendor linked to it, so linked vendors (weakly connected, cycles included) stay together.
        """
        root: dict[int, int] = {}

        def find(i: int) -> int:
            top = i
            while root.get(top, top) != top:
                top = root[top]
            while i != top:  # path compression
                parent = root[i]
                root[i] = top
                i = parent
            return top

        for parent, linked in self.children.items():
            if parent not in self.vendors:
                continue
            for child in linked:
                if child in self.vendors:
                    a, b = find(parent), find(child)
                    if a != b:
                        root[a] = b
        work: dict[int, int] = {}
        for vendor_id, rows in self.vendors.items():
            top = find(vendor_id)
            work[top] = work.get(top, 0) + 1 + len(rows.transfers)
        part: dict[int, int] = {}
        load = [0, 0]
        for top, size in sorted(work.items(), key=lambda item: -item[1]):
            lighter = 0 if load[0] <= load[1] else 1
            part[top] = lighter
            load[lighter] += size
        first: list[int] = []
        second: list[int] = []
        for vendor_id in self.vendors:
            (first if part[find(vendor_id)] == 0 else second).append(vendor_id)
        return first, second

    def _fill(self, loaded: RegisterRows) -> None:
        """Take the rows of the whole register."""
        self.vendors = loaded.vendors
        self.children = loaded.children
        self.parents = loaded.parents
        self.links = loaded.links
        self.links_up = loaded.links_up
        self.transfer_vendor = {
            t.id: vendor_id for vendor_id, rows in loaded.vendors.items() for t in rows.transfers
        }
        self.days = {}
        self.memos = {}

    def _replace(
        self,
        vendor_ids: set[int],
        rows: dict[int, VendorRows],
        children: dict[int, list[int]],
        parents: dict[int, list[int]],
        links: dict[int, list[Link]] | None = None,
        links_up: dict[int, list[Link]] | None = None,
    ) -> None:
        """Swap in freshly loaded rows of ``vendor_ids`` (absent from ``rows``: deleted).

        A link's change records both its vendors, so the links of each changed vendor, as
        parent and as sub-processor, are all in the loaded rows."""
        for vendor_id in vendor_ids:
            old = self.vendors.pop(vendor_id, None)
            if old is not None:
                for t in old.transfers:
                    self.transfer_vendor.pop(t.id, None)
            self.children.pop(vendor_id, None)
            self.parents.pop(vendor_id, None)
            self.links.pop(vendor_id, None)
            self.links_up.pop(vendor_id, None)
        for vendor_id, vendor_rows in rows.items():
            self.vendors[vendor_id] = vendor_rows
            for t in vendor_rows.transfers:
                self.transfer_vendor[t.id] = vendor_id
        for vendor_id in vendor_ids:
            if vendor_id in children:
                self.children[vendor_id] = children[vendor_id]
            if vendor_id in parents:
                self.parents[vendor_id] = parents[vendor_id]
            if links and vendor_id in links:
                self.links[vendor_id] = links[vendor_id]
            if links_up and vendor_id in links_up:
                self.links_up[vendor_id] = links_up[vendor_id]
        # Built facts of the changed vendors, and of their parents (whose chain lists them).
        stale = set(vendor_ids) | {p for v in vendor_ids for p in self.parents.get(v, ())}
        for built in self.days.values():
            for vendor_id in stale:
                built.pop(vendor_id, None)


#: The change log's columns, not the mapped class: a Core select never makes SQLAlchemy
#: configure every mapper, which a one-shot CLI command otherwise paid for (0.04-0.08 s).
_CHANGE: Final = RegisterChange.__table__.c


async def register_version(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.coalesce(func.max(_CHANGE.id), 0))) or 0)


_MAX: Final = select(func.coalesce(func.max(_CHANGE.id), 0))
_WINDOW: Final = select(func.coalesce(func.max(_CHANGE.id), 0), func.count()).where(
    _CHANGE.id > bindparam("floor")
)


async def _window(session: AsyncSession, floor: int) -> tuple[int, int | None]:
    """(highest id, number of rows above ``floor``), one index lookup per request.

    SQLite has one writer at a time, so ids commit in order and the highest id says it all (no
    count: counting the window was about as dear as the whole bare read it is compared with).
    """
    if dialect_name(session) != "postgresql":
        return int(await session.scalar(_MAX) or 0), None
    row = (await session.execute(_WINDOW, {"floor": floor})).one()
    return int(row[0]), int(row[1])


async def current(session: AsyncSession) -> Snapshot:
    """The snapshot of the engine ``session`` is bound to, brought up to the register's version.

    On PostgreSQL ids are taken when a transaction writes, not when it commits: a slow writer can
    commit id 100 after id 101 was seen. The snapshot therefore remembers the ids it has seen in
    the last :data:`LOOKBACK` ids and also compares how many rows that window holds, so a late
    commit inside the window is found by the same single query.
    """
    if marks.wrote(session):
        # Uncommitted writes of this session must be seen here, and must never reach the
        # shared snapshot (they may be rolled back): read them into a private one.
        private = Snapshot(loaded=True)
        private._fill(await load_rows(session, None))
        return private
    checked = marks.checked(session)
    if checked is not None:
        return checked  # type: ignore[no-any-return]
    snapshot = held(session, "register snapshot", Snapshot)

    def floor_now() -> int:
        return max(0, (snapshot.version or 0) - LOOKBACK)

    # The process's probe answers without the session; it declines before the first load (a
    # one-off CLI command needs no extra connection) and when it cannot reach the database.
    probed = await probe.window(session, floor_now) if snapshot.loaded else None
    if probed is not None and probed[2] == floor_now():
        version, count = probed[0], probed[1]
    else:
        version, count = await _window(session, floor_now())
    if snapshot.fresh(version, count):
        marks.mark_checked(session, snapshot)
        return snapshot
    async with snapshot.lock:
        floor = max(0, (snapshot.version or 0) - LOOKBACK)
        version, count = await _window(session, floor)
        if snapshot.fresh(version, count):
            marks.mark_checked(session, snapshot)
            return snapshot
        changed: set[int] | None = None
        if (
            snapshot.loaded
            and snapshot.version is not None
            and version - snapshot.version <= KEEP - LOOKBACK  # nothing unseen was pruned
        ):
            rows = (
                await session.execute(
                    select(_CHANGE.id, _CHANGE.vendor_id)
                    .where(_CHANGE.id > floor)
                    .order_by(_CHANGE.id)
                )
            ).all()
            present = {i for i, _ in rows}
            unseen = [(i, v) for i, v in rows if i not in snapshot.seen]
            # A seen id that is gone was read inside a transaction that rolled back.
            vanished = [v for i, v in snapshot.seen.items() if i > floor and i not in present]
            changed = {v for _, v in unseen if v is not None} | {
                v for v in vanished if v is not None
            }
            if len(changed) > FULL_RELOAD_AFTER:
                changed = None
            else:
                snapshot.seen = {i: v for i, v in rows}
        if changed is None:
            seen = await session.execute(
                select(_CHANGE.id, _CHANGE.vendor_id).where(_CHANGE.id > max(0, version - LOOKBACK))
            )
            snapshot.seen = {i: v for i, v in seen.all()}
            loaded = await load_rows(session, None)
            snapshot._fill(loaded)
            # Rows committed between the two reads are in the data but not yet in ``seen``:
            # they are reloaded once more on the next request, which is harmless.
            version = max(snapshot.seen, default=version)
        elif changed:
            loaded = await load_rows(session, changed)
            snapshot._replace(
                changed,
                loaded.vendors,
                loaded.children,
                loaded.parents,
                loaded.links,
                loaded.links_up,
            )
        snapshot.version = max(version, max(snapshot.seen, default=0))
        low = snapshot.version - LOOKBACK
        snapshot.seen = {i: v for i, v in snapshot.seen.items() if i > low}
        snapshot.loaded = True
        marks.mark_checked(session, snapshot)
        return snapshot


async def prune(session: AsyncSession, keep: int = KEEP) -> int:
    """Delete change-log rows older than the last ``keep`` ids (the newest always stays, so the
    version never goes back); a snapshot further behind than that reloads in full."""
    version = await register_version(session)
    result = await session.execute(
        delete(RegisterChange).where(RegisterChange.id <= version - keep)
    )
    return int(getattr(result, "rowcount", 0) or 0)
