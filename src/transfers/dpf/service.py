"""Sync the DPF participant list onto the transfers of vendors that rely on the DPF.

A vendor matches a participant on the participant ID recorded on the vendor, else on its exact
name or legal name (case, accents and punctuation aside); a name match records the ID, so the
next sync matches exactly even after a rename. Anything less is reported with the closest names and their similarity,
never applied: a wrong match would certify the wrong company. Writes go through the transfer
service (validated, audited) and each is also recorded with the file's SHA-256 and date, so the
trail shows which list a certification came from. Never commits: the CLI or request does.
"""

from __future__ import annotations

import difflib
import hashlib
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from transfers.audit.service import record
from transfers.auth.schemas import Actor
from transfers.dpf.parse import Participant, core_name, normalise, read_list
from transfers.dpf.schemas import (
    Candidate,
    Flag,
    RecordedId,
    SyncReport,
    TransferChange,
    Uncertain,
)
from transfers.models import Transfer, Vendor
from transfers.transfer import service as transfer_service
from transfers.transfer.schemas import TransferUpdate
from transfers.vendor import service as vendor_service
from transfers.vendor.schemas import VendorUpdate

SIMILARITY_CUTOFF = 0.85
FIELDS = ("dpf_certified", "dpf_hr_covered", "dpf_verified_on")


def checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


async def sync(
    session: AsyncSession,
    content: bytes,
    *,
    filename: str,
    list_date: date,
    apply: bool,
    actor: Actor,
) -> SyncReport:
    """Compare (and with ``apply``, write) the list against every current DPF transfer.

    Raises :class:`transfers.dpf.parse.ListError` for a file that is not a participant list.
    """
    participants = read_list(content, filename)
    digest = checksum(content)
    exact: dict[str, list[Participant]] = defaultdict(list)
    by_id: dict[str, Participant] = {}
    for p in participants:
        exact[normalise(p.name)].append(p)
        if p.participant_id:
            by_id[p.participant_id.casefold()] = p
    cores = defaultdict(list)
    for p in participants:
        cores[core_name(p.name)].append(p)

    rows = (
        await session.execute(
            select(Transfer, Vendor.name, Vendor.legal_name, Vendor.dpf_participant_id)
            .join(Vendor, Vendor.id == Transfer.vendor_id)
            .where(
                Transfer.mechanism == "dpf",
                or_(Transfer.ended_on.is_(None), Transfer.ended_on >= list_date),
            )
            .order_by(Vendor.name, Transfer.id)
        )
    ).all()
    by_vendor: dict[int, list[Transfer]] = defaultdict(list)
    names: dict[int, tuple[str, str | None, str | None]] = {}
    for transfer, name, legal_name, known_id in rows:
        by_vendor[transfer.vendor_id].append(transfer)
        names[transfer.vendor_id] = (name, legal_name, known_id)

    changes: list[TransferChange] = []
    flagged: list[Flag] = []
    uncertain: list[Uncertain] = []
    recorded: list[RecordedId] = []
    unchanged = 0
    for vendor_id, transfers in by_vendor.items():
        name, legal_name, known_id = names[vendor_id]
        if known_id:
            match = by_id.get(known_id.casefold())
            if match is None:
                flagged.append(
                    Flag(
                        vendor_id,
                        name,
                        "missing",
                        f"The vendor's DPF participant ID {known_id} is not on the list: its "
                        "transfers cannot rely on the DPF unless the list is out of date.",
                    )
                )
                continue
            found = [match]
        else:
            keys = {normalise(n) for n in (name, legal_name) if n}
            found = [p for k in keys for p in exact.get(k, [])]
        if len({(p.name, p.participant_id) for p in found}) > 1:
            uncertain.append(
                Uncertain(
                    vendor_id,
                    name,
                    [Candidate(p.name, p.participant_id, 1.0) for p in found],
                    "Several participants carry this name; check the right one by hand.",
                )
            )
            continue
        if not found:
            close = _close(name, legal_name, cores)
            if close:
                uncertain.append(
                    Uncertain(
                        vendor_id,
                        name,
                        close,
                        "No participant has exactly this name; a similar name is not proof. "
                        "Check on the DPF List and record the participant's ID on the vendor "
                        "(dpf_participant_id), or its exact legal name.",
                    )
                )
            else:
                flagged.append(
                    Flag(
                        vendor_id,
                        name,
                        "missing",
                        "Not on the DPF participant list: its transfers cannot rely on the DPF "
                        "unless the list is out of date or the name differs.",
                    )
                )
            continue
        participant = found[0]
        if not known_id and participant.participant_id:
            recorded.append(RecordedId(vendor_id, name, participant.participant_id))
            if apply:
                vendor = await vendor_service.get_vendor(session, vendor_id)
                await vendor_service.update_vendor(
                    session,
                    vendor,
                    VendorUpdate(dpf_participant_id=participant.participant_id),
                    actor,
                )
        if participant.active is None:
            flagged.append(
                Flag(
                    vendor_id,
                    name,
                    "status_unknown",
                    f"The list gives status {participant.status!r}, neither Active nor Inactive.",
                )
            )
            continue
        target: dict[str, Any] = {
            "dpf_certified": participant.active,
            "dpf_verified_on": list_date,
        }
        if participant.active and participant.hr_covered is not None:
            target["dpf_hr_covered"] = participant.hr_covered
        if not participant.active:
            flagged.append(
                Flag(
                    vendor_id,
                    name,
                    "inactive",
                    f"{participant.name} is on the list as inactive: it may no longer receive "
                    "data under the DPF.",
                )
            )
        for transfer in transfers:
            before = {k: getattr(transfer, k) for k in target}
            if before == target:
                unchanged += 1
                continue
            changes.append(
                TransferChange(
                    transfer.id,
                    vendor_id,
                    name,
                    participant.name,
                    {k: _plain(v) for k, v in before.items()},
                    {k: _plain(v) for k, v in target.items()},
                )
            )
            if apply:
                await transfer_service.update_transfer(
                    session, transfer, TransferUpdate(**target), actor
                )
                await record(
                    session,
                    actor,
                    "dpf_sync",
                    "transfer",
                    transfer.id,
                    None,
                    {
                        "file": filename,
                        "sha256": digest,
                        "list_date": list_date.isoformat(),
                        "participant": participant.name,
                        "participant_id": participant.participant_id,
                        "status": participant.status,
                    },
                )
    report = SyncReport(
        applied=apply,
        filename=filename,
        sha256=digest,
        list_date=list_date,
        participants=len(participants),
        vendors_on_dpf=len(by_vendor),
        changes=changes,
        unchanged=unchanged,
        recorded_ids=recorded,
        flagged=flagged,
        uncertain=uncertain,
    )
    if apply:
        await record(
            session,
            actor,
            "dpf_sync",
            "dpf_list",
            None,
            None,
            {
                "file": filename,
                "sha256": digest,
                "list_date": list_date.isoformat(),
                "changed_transfers": [c.transfer_id for c in changes],
                "flagged": [(f.vendor_id, f.issue) for f in flagged],
                "uncertain": [u.vendor_id for u in uncertain],
            },
        )
    return report


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _close(
    name: str, legal_name: str | None, cores: dict[str, list[Participant]]
) -> list[Candidate]:
    best: dict[tuple[str, str | None], float] = {}
    for own in {core_name(n) for n in (name, legal_name) if n}:
        for match in difflib.get_close_matches(own, list(cores), n=3, cutoff=SIMILARITY_CUTOFF):
            score = round(difflib.SequenceMatcher(None, own, match).ratio(), 3)
            for p in cores[match]:
                key = (p.name, p.participant_id)
                best[key] = max(best.get(key, 0.0), score)
    ranked = sorted(best.items(), key=lambda kv: -kv[1])[:3]
    return [Candidate(n, pid, score) for (n, pid), score in ranked]
