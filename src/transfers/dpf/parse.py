"""Read the DPF participant list (CSV or JSON, as downloaded from the DPF website).

Pure: bytes in, participants out. Column names vary between the site's export and copies made
by hand, so each field accepts a few spellings (case, spaces and underscores ignored). What the
sync may store (the participant ID on a vendor, the status in the audit trail) is held to the
API's own rules, so the upload cannot write what ``PATCH /vendors`` would refuse.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any, Final

import msgspec

from transfers.common.fields import SINGLE_LINE, Reference
from transfers.common.problems import CONTROL_CHARACTERS
from transfers.vendor.schemas import DpfParticipantId

_ALIASES: Final = {
    "name": ("organizationname", "organisationname", "organization", "name", "participant"),
    "id": ("participantid", "dpfid", "id", "organizationid"),
    "status": ("status", "participationstatus", "dpfstatus", "active"),
    "hr": ("hrdata", "hr", "coversHR".lower(), "hrcovered"),
    "covered": ("covereddata", "datacovered", "personaldatacovered"),
}
_SUFFIXES: Final = re.compile(
    r"\b(incorporated|inc|llc|l\.l\.c|ltd|limited|corp|corporation|co|company|plc|lp|llp)\b\.?"
)


class ListError(ValueError):
    """The file is not a participant list this reader understands."""


class _Stored(msgspec.Struct):
    """The values a sync may store, with the API's constraints."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=1000, pattern=SINGLE_LINE)]
    participant_id: DpfParticipantId | None
    status: Reference


@dataclass(frozen=True, slots=True)
class Participant:
    name: str
    participant_id: str | None
    active: bool | None  # None: the status is not one of Active / Inactive
    status: str
    hr_covered: bool | None  # None: the file does not say


def normalise(name: str) -> str:
    """Case, accents, punctuation and spacing removed: 'Acme Cloud, Inc.' -> 'acme cloud inc'."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def core_name(name: str) -> str:
    """The name without legal-form suffixes, for similarity only (never for an exact match)."""
    return " ".join(_SUFFIXES.sub(" ", normalise(name)).split())


def _key(header: str) -> str:
    return re.sub(r"[^a-z]", "", header.casefold())


def _field(row: dict[str, Any], field: str) -> Any:
    for alias in _ALIASES[field]:
        if alias in row and row[alias] not in (None, ""):
            return row[alias]
    return None


def _yes(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in {"yes", "y", "true", "1", "x", "hr"}:
        return True
    if text in {"no", "n", "false", "0", "non-hr", "nonhr"}:
        return False
    return None


def _participant(raw: dict[str, Any]) -> Participant | None:
    row = {_key(str(k)): v for k, v in raw.items() if k is not None}
    name = _field(row, "name")
    if name is None or not str(name).strip():
        return None
    status = str(_field(row, "status") or "").strip()
    active = {"active": True, "inactive": False, "true": True, "false": False}.get(
        status.casefold()
    )
    hr = _yes(_field(row, "hr"))
    covered = _field(row, "covered")
    if hr is None and covered is not None:
        parts = {p.strip().casefold() for p in re.split(r"[;,/|]", str(covered)) if p.strip()}
        hr = "hr" in parts or "human resources" in parts
    pid = _field(row, "id")
    return Participant(
        name=" ".join(str(name).split()),
        participant_id=str(pid).strip() if pid is not None else None,
        active=active,
        status=status,
        hr_covered=hr,
    )


def read_list(content: bytes, filename: str) -> list[Participant]:
    """Participants from a CSV or JSON file (by extension, else by the first character)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ListError("The file is not UTF-8 text (CSV or JSON).") from exc
    lower = filename.casefold()
    is_json = lower.endswith(".json") or (
        not lower.endswith(".csv") and text.lstrip()[:1] in ("[", "{")
    )
    rows: list[dict[str, Any]]
    if is_json:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ListError(
                f"The JSON file does not parse: {exc.msg} (line {exc.lineno})."
            ) from exc
        if isinstance(data, dict):
            data = next((v for v in data.values() if isinstance(v, list)), None)
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise ListError("The JSON file must hold a list of participant objects.")
        rows = data
    else:
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        rows = list(csv.DictReader(io.StringIO(text), dialect=dialect))
    participants = []
    for number, row in enumerate(rows, start=2 if not is_json else 1):
        participant = _participant(row)
        if participant is not None:
            _check(participant, f"entry {number}" if is_json else f"line {number}")
            participants.append(participant)
    if not participants:
        raise ListError(
            "No participants found: the file needs an organisation name column "
            "(e.g. 'Organization Name') and a 'Status' column."
        )
    return participants


def _check(participant: Participant, where: str) -> None:
    """Refuse the whole file (nothing is written) at the first value the API would refuse."""
    try:
        msgspec.convert(
            {
                "name": participant.name,
                "participant_id": participant.participant_id,
                "status": participant.status,
            },
            _Stored,
        )
    except msgspec.ValidationError as exc:
        field = str(exc).rpartition("$.")[2].rstrip("`") or "value"
        reason = str(exc).split(" - at ")[0]
        if "matching regex" in reason:
            reason = CONTROL_CHARACTERS
        raise ListError(
            f"The list's {where} ({participant.name[:80]!r}) has a {field} the register "
            f"refuses: {reason}."
        ) from exc
