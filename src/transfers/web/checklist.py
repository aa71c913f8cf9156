"""What a document needs and where to fill it in: the document refusal's missing facts
(``missing-data`` problems: ``agreement.subprocessor_authorisation``, ``transfer 5.scc_module``)
as a checklist in the UI language, each item a link to the form and field that fills it. No page
shows the field paths themselves."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from transfers.common.record_fields import declared
from transfers.web.i18n import N_, _

RECORD_NAMES: dict[str, str] = {
    "vendor": N_("Vendor"),
    "organisation": N_("Our organisation"),
    "processing": N_("Processing"),
    "agreement": N_("Data processing agreement"),
    "transfer": N_("Transfer"),
    "assessment": N_("Transfer impact assessment"),
    "link": N_("Sub-processor"),
}
WHOLE_RECORD: dict[str, str] = {
    "organisation": N_("Record our organisation (name, business ID, address)"),
    "processing": N_("Record what the vendor processes for us (a processing)"),
    "agreement": N_("Record the data processing agreement (Art. 28)"),
}
ALIASES: dict[tuple[str, str], str] = {
    ("processing", "measures"): "technical_measures",
}
"""Names in the documents' refusals that are not the form field's own."""

_FIELD = re.compile(r"^(?P<record>[a-z_]+)(?: (?P<id>\d+))?(?:\.(?P<field>[a-z_]+))?(?: \(.*\))?$")
_TEXT = re.compile(
    r"^(?P<record>[a-z_]+)(?: (?P<id>\d+)| “[^”]*”)?: (?P<field>translations\.[a-z]{2}\.[a-z_]+)"
)
"""A text a document in another language needs: ``processing “Web analytics”:
translations.fi.service``."""
_SAFEGUARD = re.compile(r"^transfer (?P<id>\d+) to .* has no valid safeguard")


@dataclass(frozen=True, slots=True)
class Targets:
    """Which records a document about one vendor reads, so that an item can link to the form
    that fills it (None: the record does not exist yet, the link opens a new one)."""

    vendor_id: int
    processing_id: int | None = None
    organisation_id: int | None = None
    agreement_id: int | None = None
    assessment_id: int | None = None


@dataclass(frozen=True, slots=True)
class Item:
    text: str
    href: str


def field_label(record: str, name: str | None) -> str:
    """A record's field as a person reads it (its form label), never its path."""
    if not name:
        return _(RECORD_NAMES.get(record, N_("Record")))
    decl = declared(record, ALIASES.get((record, name), name))
    if not decl or not decl.label:
        return name.replace("_", " ")
    if decl.language and decl.name == name:
        text = _("%(label)s, in Finnish") if decl.language == "fi" else _("%(label)s, in English")
        return text % {"label": _(decl.label)}
    return _(decl.label)


def _href(record: str, record_id: int | None, field: str | None, t: Targets) -> str:
    anchor = f"#f-{field}" if field else ""
    if record == "vendor":
        return f"/vendors/{t.vendor_id}/edit{anchor}"
    if record == "transfer" and record_id:
        return f"/transfers/{record_id}/edit{anchor}"
    if record == "organisation":
        if t.organisation_id:
            return f"/organisations/{t.organisation_id}/edit{anchor}"
        return "/organisations/new"
    if record == "processing":
        if t.processing_id:
            return f"/processings/{t.processing_id}/edit{anchor}"
        return f"/vendors/{t.vendor_id}/processings/new"
    if record == "agreement":
        if t.agreement_id:
            return f"/agreements/{t.agreement_id}/edit{anchor}"
        return f"/vendors/{t.vendor_id}/agreements/new"
    if record == "assessment" and t.assessment_id:
        return f"/assessments/{t.assessment_id}/edit{anchor}"
    return f"/vendors/{t.vendor_id}"


def checklist(missing: Iterable[str], targets: Targets) -> list[Item]:
    """One item per missing fact, in the refusal's order, each once."""
    items: list[Item] = []
    for entry in missing:
        found = _SAFEGUARD.match(entry)
        text_of = _TEXT.match(entry)
        if text_of:
            record, field = text_of["record"], text_of["field"]
            record_id = int(text_of["id"]) if text_of["id"] else None
            where = _(RECORD_NAMES.get(record, N_("Record")))
            text = f"{where}: {field_label(record, field)}"
            item = Item(text, _href(record, record_id, field, targets))
        elif found:
            transfer_id = int(found["id"])
            text = _("Transfer %(id)d: choose a valid transfer mechanism") % {"id": transfer_id}
            item = Item(text, _href("transfer", transfer_id, "mechanism", targets))
        elif match := _FIELD.match(entry):
            record, field = match["record"], match["field"]
            record_id = int(match["id"]) if match["id"] else None
            name = ALIASES.get((record, field or ""), field)
            if (
                name is None
                and record in WHOLE_RECORD
                and _href(record, record_id, None, targets).endswith("/new")
            ):
                text = _(WHOLE_RECORD[record])
            else:
                where = _(RECORD_NAMES.get(record, N_("Record")))
                if record_id:
                    where = f"{where} #{record_id}"
                text = f"{where}: {field_label(record, name)}" if name else where
            item = Item(text, _href(record, record_id, name, targets))
        else:
            continue
        if item not in items:
            items.append(item)
    return items
