"""Sub-processor chains: which engagement counts on a day, who reaches whom through the engaged
links, and whose processing a sub-processor without one of its own works for.

Pure: plain ids and dates in, plain answers out. The register read model
(:mod:`transfers.register.snapshot`) holds the links and processings these rules read; documents
and the engine ask it, so the rules exist once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Link:
    """A sub-processor link as stored: ``vendor_id`` engages ``subprocessor_id`` from
    ``engaged_on`` (unknown: always) until ``ended_on`` (its last day is the one before)."""

    id: int
    vendor_id: int
    subprocessor_id: int
    engaged_on: date | None = None
    ended_on: date | None = None
    notified_on: date | None = None
    """The day the link was recorded (the processor told us): when a link has no engagement
    date, the day a sub-processor list can date its addition by."""


def engaged(link: Link, as_of: date) -> bool:
    """Whether the engagement counts on ``as_of``: it has started (or has no recorded start)
    and has not ended. A sub-processor is engaged on the day its engagement starts and no
    longer on the day it ends (GDPR Art. 28(2): customers are told of the change of processor
    with effect from those dates)."""
    started = link.engaged_on is None or link.engaged_on <= as_of
    return started and (link.ended_on is None or link.ended_on > as_of)


def engaged_by(links_up: Sequence[Link], as_of: date) -> list[int]:
    """The vendors that engage a sub-processor on ``as_of`` through ``links_up`` (the links
    where it is the sub-processor, in link id order); when none is engaged that day, every
    vendor that ever engaged it. Empty: nobody but us engages it (GDPR Art. 28(2) and (4): a
    processor we did not engage is its engaging processor's to contract with)."""
    now = [link.vendor_id for link in links_up if engaged(link, as_of)]
    return list(dict.fromkeys(now or [link.vendor_id for link in links_up]))


def engaged_chain(
    tops: Iterable[int], links_of: Callable[[int], Sequence[Link]], as_of: date
) -> dict[int, int]:
    """Every vendor reached from ``tops`` through links engaged on ``as_of`` -> the parent it
    receives the data from (the first engaged link, in link order, that reaches it on a walk
    from the tops; the tops themselves are not keys unless reached from another top).
    ``links_of(vendor)``: the links where ``vendor`` is the parent, in link id order. Cycles
    terminate."""
    top_ids = set(tops)
    parent_of: dict[int, int] = {}
    seen = set(top_ids)
    stack = list(top_ids)
    while stack:
        node = stack.pop()
        for link in links_of(node):
            if not engaged(link, as_of):
                continue
            if link.subprocessor_id not in seen:
                seen.add(link.subprocessor_id)
                stack.append(link.subprocessor_id)
            parent_of.setdefault(link.subprocessor_id, node)
    return parent_of


def processing_owner(
    vendor_id: int, has_own: Callable[[int], bool], first_parent: Callable[[int], int | None]
) -> int | None:
    """The vendor whose processing ``vendor_id`` works for: itself when it has a processing of
    its own, else the nearest vendor up its chain that has one, following each vendor's first
    parent link (the lowest link id); None when no one up the chain has one. A sub-processor
    processes on its processor's behalf and for its purposes (GDPR Art. 28(4)), so without a
    record of its own it is described by its parent's. Cycles terminate."""
    if has_own(vendor_id):
        return vendor_id
    seen = {vendor_id}
    node = vendor_id
    while True:
        up = first_parent(node)
        if up is None or up in seen:
            return None
        if has_own(up):
            return up
        seen.add(up)
        node = up
