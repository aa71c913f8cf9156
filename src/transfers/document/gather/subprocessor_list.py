"""The list of sub-processors we engage for our customers' data (GDPR Art. 28(2), 28(4)),
with the changes since a date: a new version reports what differs from the one before."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from transfers.common.problems import invalid, not_found
from transfers.document import context as ctx
from transfers.document.gather import _parts as parts
from transfers.document.gather import _reads as reads
from transfers.document.gather._base import Gathered, Request
from transfers.document.stale import Used
from transfers.models import Document, Vendor

LIST_FIELDS = ("legal_name", "name", "address", "country", "purpose", "mechanism", "tier")


async def gather_subprocessor_list(session: AsyncSession, request: Request, used: Used) -> Gathered:
    """A first version reports the changes since ``since`` (default 1 January); a new version
    exactly those since the version before it: engagements dated after it, and every row that
    differs from what it listed, field by field."""
    as_of, language, previous = request.as_of, request.language, request.previous
    base = request.base(await parts.organisation(session, None, used))
    tops, scope = await processor_scope(session, request.vendor_id)
    # A processor of ours that another of them engages is listed once, under the vendor that
    # engages it ("via X"), not also as a direct sub-processor of ours.
    reached = used.snapshot.engaged_chain(tops, as_of)
    tops = {t for t in tops if t not in reached} or tops
    rows = await parts.chain_rows(session, tops, as_of, language, used, include_tops=True)
    previous_on = _previous_on(previous)
    period_start = request.since or date(as_of.year, 1, 1)
    scope_ids = set(tops)
    for top in tops:
        scope_ids |= used.snapshot.downstream(top)
    if previous_on is not None:
        changes = [
            c
            for c in await engagement_changes(session, scope_ids, previous_on, as_of, used)
            if c.on > previous_on
        ]
    else:
        changes = await engagement_changes(session, scope_ids, period_start, as_of, used)
    listed = _listed(rows, language)
    if previous is not None and "listed" in previous.snapshot:
        changes = _merge_changes(
            changes,
            _list_changes(
                previous.snapshot.get("listed") or {},
                listed,
                request.changed_on or as_of,
                language,
            ),
        )
    kept = {
        "vendor_id": request.vendor_id,
        "since": period_start.isoformat(),
        "rows": len(rows),
        "listed": listed,
    }
    return ctx.subprocessor_list_context(
        base,
        scope,
        rows,
        changes,
        period_start,
        language,
        objection_days=request.options.objection_days,
        previous_on=previous_on,
    ), kept


def _previous_on(previous: Document | None) -> date | None:
    """The date of the version before (its ``as_of``), when there is one."""
    if previous is None:
        return None
    stored = (previous.snapshot or {}).get("as_of")
    if isinstance(stored, str):
        return date.fromisoformat(stored)
    return previous.as_of if isinstance(previous.as_of, date) else None


async def processor_scope(
    session: AsyncSession, vendor_id: int | None
) -> tuple[set[int], str | None]:
    """The vendors we engage for processing we do as our customers' processor (their
    sub-processors); processors we use for our own purposes are not. With ``vendor_id``, that
    vendor alone (it must be one of them)."""
    found = await reads.processor_vendors(session)
    if vendor_id is None:
        return set(found), None
    if vendor_id not in found:
        vendor = await reads.row(session, Vendor, vendor_id)
        if vendor is None:
            raise not_found("Vendor", vendor_id)
        raise invalid(
            f"{vendor.name} processes no data we process as a processor, so it is not our "
            "customers' sub-processor.",
            field="vendor_id",
        )
    return {vendor_id}, found[vendor_id]


async def engagement_changes(
    session: AsyncSession, scope_ids: set[int], since: date, as_of: date, used: Used
) -> list[ctx.ChangeRow]:
    """Engagements that started or ended (or will) since ``since`` under vendors in
    ``scope_ids``: the dates come from the chain links in the register read model (a link
    without an engagement date is dated the day it was recorded), not from when a row was
    typed in."""
    links = sorted(
        (link for vid in scope_ids for link in used.snapshot.links_of(vid)), key=lambda k: k.id
    )
    found = await reads.vendors(
        session, {i for link in links for i in (link.vendor_id, link.subprocessor_id)}
    )
    names = {vid: parts.legal(v) or "" for vid, v in found.items()}
    out: list[ctx.ChangeRow] = []
    for link in links:
        started = link.engaged_on or link.notified_on
        for on, change in ((started, "added"), (link.ended_on, "removed")):
            if on is not None and on >= since:
                planned = on > as_of
                out.append(
                    ctx.ChangeRow(
                        f"{change}_planned" if planned else change,
                        names.get(link.subprocessor_id, ""),
                        names.get(link.vendor_id, ""),
                        on,
                    )
                )
    return sorted(out, key=lambda r: (r.on, r.name))


def _listed(rows: list[ctx.SubprocessorRow], language: str) -> dict[str, dict[str, Any]]:
    """What a sub-processor list showed, per vendor id: the next version reports the
    difference as its changes (Art. 28(2): customers are told of every addition or removal)."""
    return {
        str(r.vendor_id): {
            "name": r.name,
            "legal_name": r.legal_name or r.name,
            "address": r.address or "",
            "country": r.country,
            "purpose": r.purpose,
            "mechanism": r.mechanism,
            "tier": ctx.tier_text(r.depth, r.parent, language, "list"),
            "parent": r.parent,
        }
        for r in rows
        if r.vendor_id is not None
    }


def _list_changes(
    before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]], on: date, language: str
) -> list[ctx.ChangeRow]:
    """Sub-processors added, removed or changed between two versions of the list, dated
    ``on`` (the day the chain changed)."""
    out: list[ctx.ChangeRow] = []
    for key in sorted(set(before) | set(after), key=int):
        old, new = before.get(key), after.get(key)
        if old is None and new is not None:
            out.append(ctx.ChangeRow("added", _entity(new), new.get("parent") or "", on))
        elif new is None and old is not None:
            out.append(ctx.ChangeRow("removed", _entity(old), old.get("parent") or "", on))
        elif old is not None and new is not None:
            labels = ctx.LABELS[language]
            detail = "; ".join(
                f"{labels[f'field_{f}']}: {_shown(f, old.get(f), language)} → "
                f"{_shown(f, new.get(f), language)}"
                for f in LIST_FIELDS
                if f in old and old.get(f) != new.get(f)
            )
            if detail:
                out.append(
                    ctx.ChangeRow("changed", _entity(new), new.get("parent") or "", on, detail)
                )
    return out


def _entity(listed: dict[str, Any]) -> str:
    return str(listed.get("legal_name") or listed.get("name") or "")


def _shown(field: str, value: Any, language: str) -> str:
    if field == "country" and value:
        return ctx.country_name(str(value), language)
    if field == "mechanism" and value:
        return ctx.mechanism_name(str(value), language)
    return str(value or "\u2013")


def _merge_changes(dated: list[ctx.ChangeRow], diffed: list[ctx.ChangeRow]) -> list[ctx.ChangeRow]:
    """Engagement dates from the chain links plus the differences from the previous version,
    once each."""
    seen = {(c.change, c.name, c.on) for c in dated}
    merged = dated + [c for c in diffed if (c.change, c.name, c.on) not in seen]
    return sorted(merged, key=lambda c: (c.on, c.name))
