"""Build the context of each document kind from plain register data, in English or Finnish.

Every value is a string (never None): what is optional gets a stated default ("not
specified"), what a document cannot do without raises :class:`MissingDataError` listing exactly
what is missing, so no document ever has holes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pycountry

from transfers.importer.mapping import FINNISH_COUNTRY_NAMES
from transfers.reference import load_reference


class MissingDataError(ValueError):
    def __init__(self, missing: Sequence[str]) -> None:
        super().__init__("missing data: " + ", ".join(missing))
        self.missing = list(missing)


_FI_COUNTRY: dict[str, str] = {}
for _name, _code in FINNISH_COUNTRY_NAMES.items():
    _FI_COUNTRY.setdefault(_code, _name)

LABELS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "controller": "controller",
        "processor": "processor",
        "subprocessor": "sub-processor",
        "joint_controller": "joint controller",
        "occasional": "occasional",
        "systematic": "continuous",
        "unknown": "not specified",
        "yes": "yes",
        "no": "none",
        "lawful": "lawful",
        "at_risk": "lawful with open conditions",
        "unlawful": "unlawful",
        "adequate": "adequate",
        "adequate_with_measures": "adequate with supplementary measures",
        "not_adequate": "not adequate",
        "storage": "storage",
        "remote_access": "remote access",
        "onward_transfer": "onward transfer",
        "open_ended": "until terminated",
        "specific": "The Processor shall not engage another processor without the Controller's prior specific written authorisation.",
        "general": "The Controller gives general written authorisation to the sub-processors listed in Annex III; the Processor informs the Controller of any intended addition or replacement at least {days} days in advance, giving the Controller the opportunity to object.",
        "no_subprocessors": "No sub-processors are authorised.",
        "subprocessors": "{n} sub-processor(s) are authorised, listed below.",
        "module": "Module {m} ({exporter} to {importer})",
        "annex_iii_23": "The importer has the authorisation of the controller for the use of the sub-processors listed below.",
        "annex_iii_other": "Annex III does not apply to this module.",
        "changes": "{n} change(s) since {since}.",
        "no_changes": "No changes since {since}.",
        "added": "added",
        "removed": "removed",
        "whole_register": "all services",
        "not_documented": "not documented",
        "no_art49": "not applicable",
    },
    "fi": {
        "controller": "rekisterinpitäjä",
        "processor": "käsittelijä",
        "subprocessor": "alikäsittelijä",
        "joint_controller": "yhteisrekisterinpitäjä",
        "occasional": "satunnainen",
        "systematic": "jatkuva",
        "unknown": "ei määritelty",
        "yes": "kyllä",
        "no": "ei",
        "lawful": "lainmukainen",
        "at_risk": "lainmukainen, avoimia ehtoja",
        "unlawful": "lainvastainen",
        "adequate": "riittävä",
        "adequate_with_measures": "riittävä täydentävin toimenpitein",
        "not_adequate": "ei riittävä",
        "storage": "tallennus",
        "remote_access": "etäkäyttö",
        "onward_transfer": "edelleensiirto",
        "open_ended": "toistaiseksi voimassa",
        "specific": "Käsittelijä ei saa käyttää toista käsittelijää ilman rekisterinpitäjän ennakkoon antamaa erityistä kirjallista lupaa.",
        "general": "Rekisterinpitäjä antaa yleisen kirjallisen luvan liitteessä III lueteltujen alikäsittelijöiden käyttöön; käsittelijä ilmoittaa aiotuista lisäyksistä tai vaihdoista vähintään {days} päivää etukäteen, jotta rekisterinpitäjä voi vastustaa muutosta.",
        "no_subprocessors": "Alikäsittelijöitä ei ole hyväksytty.",
        "subprocessors": "Hyväksyttyjä alikäsittelijöitä on {n}, ja ne luetellaan alla.",
        "module": "moduuli {m} ({exporter} – {importer})",
        "annex_iii_23": "Tietojen tuojalla on rekisterinpitäjän lupa käyttää alla lueteltuja alikäsittelijöitä.",
        "annex_iii_other": "Liite III ei koske tätä moduulia.",
        "changes": "{n} muutos(ta) {since} jälkeen.",
        "no_changes": "Ei muutoksia {since} jälkeen.",
        "added": "lisätty",
        "removed": "poistettu",
        "whole_register": "kaikki palvelut",
        "not_documented": "ei dokumentoitu",
        "no_art49": "ei sovellu",
    },
}

MECHANISM_FI: Mapping[str, str] = {
    "adequacy": "Euroopan komission tietosuojan riittävyyttä koskeva päätös (45 artikla)",
    "dpf": "EU–US Data Privacy Framework -tietosuojakehys (komission päätös (EU) 2023/1795)",
    "scc_2021": "Euroopan komission vakiosopimuslausekkeet (päätös (EU) 2021/914)",
    "bcr": "sitovat yrityssäännöt (47 artikla)",
    "code_of_conduct": "hyväksytyt käytännesäännöt (40 artikla)",
    "certification": "hyväksytty sertifiointimekanismi (42 artikla)",
    "ad_hoc_clauses": "valvontaviranomaisen hyväksymät sopimuslausekkeet (46 artiklan 3 kohdan a alakohta)",
    "none": "ei siirtoperustetta",
}


def fmt_date(day: date | None, language: str) -> str:
    if day is None:
        return LABELS[language]["unknown"]
    if language == "fi":
        return f"{day.day}.{day.month}.{day.year}"
    return f"{day.day} {day:%B} {day.year}"


def country_name(code: str, language: str) -> str:
    ref = load_reference()
    if language == "fi" and code in _FI_COUNTRY:
        return _FI_COUNTRY[code]
    found = pycountry.countries.get(alpha_2=code)
    if found is not None:
        return str(getattr(found, "common_name", None) or found.name)
    return ref.names.get(code, code)


def mechanism_name(code: str, language: str) -> str:
    if language == "fi" and code in MECHANISM_FI:
        return MECHANISM_FI[code]
    mechanism = load_reference().mechanism(code)
    return mechanism.name if mechanism else code


def label(language: str, key: str | None) -> str:
    if key is None:
        return LABELS[language]["unknown"]
    return LABELS[language].get(key, key)


def text(value: str | None, language: str) -> str:
    return value.strip() if value and value.strip() else LABELS[language]["unknown"]


def joined(values: Sequence[str] | None) -> str:
    return ", ".join(v.replace("_", " ") for v in values or ())


@dataclass(frozen=True, slots=True)
class OrgData:
    name: str
    business_id: str | None
    address: str | None
    country: str
    dpo_name: str | None
    dpo_email: str | None
    supervisory_authority: str | None


@dataclass(frozen=True, slots=True)
class VendorData:
    id: int
    name: str
    legal_name: str | None
    business_id: str | None
    country: str
    role: str


@dataclass(frozen=True, slots=True)
class ProcessingData:
    service: str
    nature: str | None
    purposes: tuple[str, ...]
    data_categories: tuple[str, ...]
    data_subjects: tuple[str, ...]
    special_categories: bool
    criminal_data: bool
    retention: str | None
    measures: str | None


@dataclass(frozen=True, slots=True)
class AgreementData:
    kind: str
    effective_on: date | None
    term_end: date | None
    term: str | None
    auto_renew: bool
    renewal_term: str | None
    notice_period: str | None
    subprocessor_authorisation: str | None
    objection_period_days: int | None


@dataclass(frozen=True, slots=True)
class SubprocessorRow:
    name: str
    country: str
    purpose: str
    mechanism: str


@dataclass(frozen=True, slots=True)
class TransferData:
    id: int
    vendor_name: str
    destination_country: str
    exporter_role: str
    importer_role: str
    mechanism: str
    scc_module: int | None
    data_categories: tuple[str, ...]
    frequency: str | None
    transfer_type: str
    description: str | None
    supplementary_measures: str | None
    verdict: str
    reasons: tuple[Mapping[str, str], ...] = field(default=())
    is_third_country: bool = True
    active: bool = True


@dataclass(frozen=True, slots=True)
class AssessmentData:
    completed_on: date | None
    conclusion: str | None
    supplementary_measures: str | None
    procedural_steps: str | None
    law_and_practice: str | None
    next_review_on: date | None


def _require(pairs: Sequence[tuple[str, Any]]) -> None:
    missing = [
        name for name, value in pairs if value is None or value == "" or value == () or value == []
    ]
    if missing:
        raise MissingDataError(missing)


def common(
    org: OrgData | None, language: str, as_of: date, generated_on: date, template_version: str
) -> dict[str, Any]:
    if org is None:
        raise MissingDataError(["organisation (register our exporting entity first)"])
    _require([("organisation.business_id", org.business_id)])
    dpo = " ".join(x for x in (org.dpo_name, f"<{org.dpo_email}>" if org.dpo_email else None) if x)
    return {
        "generated_on": fmt_date(generated_on, language),
        "as_of": fmt_date(as_of, language),
        "template_version": template_version,
        "org": {
            "name": org.name,
            "business_id": org.business_id or "",
            "address": text(org.address, language),
            "country_name": country_name(org.country, language),
            "dpo": dpo or text(None, language),
            "supervisory_authority": text(org.supervisory_authority, language),
        },
    }


def vendor_ctx(vendor: VendorData, language: str) -> dict[str, str]:
    return {
        "name": vendor.name,
        "legal_name": vendor.legal_name or vendor.name,
        "business_id": text(vendor.business_id, language),
        "country_name": country_name(vendor.country, language),
        "role": label(language, vendor.role),
    }


def processing_ctx(
    p: ProcessingData | None, language: str, prefix: str = "processing"
) -> dict[str, str]:
    if p is None:
        raise MissingDataError(
            [f"{prefix} (describe the processing: purposes, data and data subject categories)"]
        )
    _require(
        [
            (f"{prefix}.purposes", p.purposes),
            (f"{prefix}.data_categories", p.data_categories),
            (f"{prefix}.data_subject_categories", p.data_subjects),
        ]
    )
    sensitive = [
        x for x, flag in (("Art. 9", p.special_categories), ("Art. 10", p.criminal_data)) if flag
    ]
    return {
        "service": p.service,
        "nature": text(p.nature, language),
        "purposes": joined(p.purposes),
        "data_categories": joined(p.data_categories),
        "data_subjects": joined(p.data_subjects),
        "sensitive": ", ".join(sensitive) if sensitive else label(language, "no"),
        "retention": text(p.retention, language),
        "measures": text(p.measures, language),
    }


def _duration(iso: str | None) -> str:
    return iso or ""


def agreement_ctx(a: AgreementData | None, language: str) -> dict[str, str]:
    if a is None:
        raise MissingDataError(["agreement (a DPA or SCC Module 2/3 agreement with this vendor)"])
    lab = LABELS[language]
    if a.subprocessor_authorisation == "general":
        authorisation = lab["general"].format(days=a.objection_period_days or 0)
    elif a.subprocessor_authorisation == "specific":
        authorisation = lab["specific"]
    else:
        raise MissingDataError(["agreement.subprocessor_authorisation (specific or general)"])
    start = fmt_date(a.effective_on, language)
    end = fmt_date(a.term_end, language) if a.term_end else lab["open_ended"]
    if language == "fi":
        term_text = f"Sopimus on voimassa {start} alkaen; nykyinen kausi päättyy: {end}."
        if a.auto_renew:
            term_text += (
                f" Sopimus uusiutuu automaattisesti ({_duration(a.renewal_term or a.term)})"
            )
            term_text += (
                f", ellei sitä irtisanota {_duration(a.notice_period)} ennen kauden päättymistä."
                if a.notice_period
                else "."
            )
        duration = f"{start} – {end}"
    else:
        term_text = f"This agreement is in force from {start}; the current term ends: {end}."
        if a.auto_renew:
            term_text += f" It renews automatically ({_duration(a.renewal_term or a.term)})"
            term_text += (
                f" unless notice is given {_duration(a.notice_period)} before the end of the term."
                if a.notice_period
                else "."
            )
        duration = f"{start} – {end}"
    return {"duration": duration, "authorisation_text": authorisation, "term_text": term_text}


def subprocessor_rows(rows: Sequence[SubprocessorRow], language: str) -> list[dict[str, str]]:
    return [
        {
            "name": r.name,
            "country": country_name(r.country, language),
            "purpose": r.purpose or label(language, None),
            "mechanism": r.mechanism,
        }
        for r in rows
    ]


def dpa_context(
    base: dict[str, Any],
    vendor: VendorData,
    processing: ProcessingData | None,
    agreement: AgreementData | None,
    subprocessors: Sequence[SubprocessorRow],
    language: str,
) -> dict[str, Any]:
    lab = LABELS[language]
    return base | {
        "vendor": vendor_ctx(vendor, language),
        "processing": processing_ctx(processing, language),
        "agreement": agreement_ctx(agreement, language),
        "subprocessors": subprocessor_rows(subprocessors, language),
        "subprocessor_summary": lab["subprocessors"].format(n=len(subprocessors))
        if subprocessors
        else lab["no_subprocessors"],
    }


def scc_context(
    base: dict[str, Any],
    vendor: VendorData,
    processing: ProcessingData | None,
    transfer: TransferData,
    authority: str | None,
    subprocessors: Sequence[SubprocessorRow],
    language: str,
) -> dict[str, Any]:
    if transfer.mechanism != "scc_2021" or transfer.scc_module is None:
        raise MissingDataError(
            [f"transfer {transfer.id}: SCC annexes need mechanism scc_2021 with a module"]
        )
    lab = LABELS[language]
    _require([("organisation.supervisory_authority", authority)])
    module = transfer.scc_module
    return base | {
        "vendor": vendor_ctx(vendor, language),
        "processing": processing_ctx(processing, language),
        "transfer": {
            "module_text": lab["module"].format(
                m=module,
                exporter=label(language, transfer.exporter_role),
                importer=label(language, transfer.importer_role),
            ),
            "exporter_role": label(language, transfer.exporter_role),
            "importer_role": label(language, transfer.importer_role),
            "data_categories": joined(transfer.data_categories),
            "frequency": label(language, transfer.frequency or "unknown"),
            "subject_matter": text(transfer.description, language)
            if transfer.description
            else (processing.service if processing else ""),
            "supplementary_measures": text(transfer.supplementary_measures, language),
        },
        "authority": authority or "",
        "subprocessors": subprocessor_rows(subprocessors, language) if module in (2, 3) else [],
        "annex_iii_note": lab["annex_iii_23"] if module in (2, 3) else lab["annex_iii_other"],
    }


def tia_context(
    base: dict[str, Any],
    vendor: VendorData,
    transfer: TransferData,
    assessment: AssessmentData,
    evaluation_as_of: date,
    language: str,
) -> dict[str, Any]:
    ref = load_reference()
    note = ref.tia_note(transfer.destination_country)
    note_title = getattr(note, "title", "")
    note_text = assessment.law_and_practice or getattr(note, "law", "")
    mechanism = ref.mechanism(transfer.mechanism)
    return base | {
        "vendor": vendor_ctx(vendor, language),
        "transfer": {
            "exporter_role": label(language, transfer.exporter_role),
            "importer_role": label(language, transfer.importer_role),
            "data_categories": joined(transfer.data_categories) or label(language, None),
            "country_name": country_name(transfer.destination_country, language),
            "transfer_type": label(language, transfer.transfer_type),
            "frequency": label(language, transfer.frequency or "unknown"),
            "description": transfer.description or "",
            "mechanism_name": mechanism_name(transfer.mechanism, language),
            "mechanism_basis": (mechanism.legal_basis + "; " + mechanism.citation)
            if mechanism
            else "",
        },
        "assessment": {
            "completed_on": fmt_date(assessment.completed_on, language),
            "conclusion": label(language, assessment.conclusion),
            "supplementary_measures": text(assessment.supplementary_measures, language),
            "procedural_steps": text(assessment.procedural_steps, language),
            "next_review_on": fmt_date(assessment.next_review_on, language),
        },
        "country_note": {
            "title": note_title or country_name(transfer.destination_country, language),
            "text": note_text or label(language, None),
        },
        "evaluation": {
            "as_of": fmt_date(evaluation_as_of, language),
            "verdict": label(language, transfer.verdict),
            "reasons": [
                {"code": r["code"], "message": r["message"], "citation": r["citation"]}
                for r in transfer.reasons
            ],
        },
    }


def subprocessor_list_context(
    base: dict[str, Any],
    scope: str | None,
    rows: Sequence[SubprocessorRow],
    changes: Sequence[Mapping[str, Any]],
    since: date,
    language: str,
) -> dict[str, Any]:
    lab = LABELS[language]
    change_rows = [
        {
            "change": lab[c["change"]],
            "name": c["name"],
            "parent": c["parent"],
            "on": fmt_date(c["on"], language),
        }
        for c in changes
    ]
    summary = (
        lab["changes"].format(n=len(change_rows), since=fmt_date(since, language))
        if change_rows
        else lab["no_changes"].format(since=fmt_date(since, language))
    )
    return base | {
        "scope": scope or lab["whole_register"],
        "subprocessors": subprocessor_rows(rows, language),
        "since": fmt_date(since, language),
        "changes": change_rows,
        "changes_summary": summary,
    }


def privacy_notice_context(
    base: dict[str, Any], transfers: Sequence[TransferData], language: str
) -> dict[str, Any]:
    """Only valid safeguards are ever named: a third-country transfer whose mechanism is unlawful
    today (Privacy Shield, expired SCCs, ...) stops the document until the register is fixed."""
    relevant = [t for t in transfers if t.active and t.is_third_country]
    invalid = [t for t in relevant if t.verdict == "unlawful"]
    if invalid:
        raise MissingDataError(
            [
                f"transfer {t.id} to {t.destination_country} ({t.vendor_name}) has no valid safeguard ({t.mechanism})"
                for t in invalid
            ]
        )
    by_country: dict[str, dict[str, set[str]]] = {}
    for t in relevant:
        entry = by_country.setdefault(
            t.destination_country, {"recipients": set(), "safeguards": set()}
        )
        entry["recipients"].add(t.vendor_name)
        entry["safeguards"].add(mechanism_name(t.mechanism, language))
    destinations = [
        {
            "country": country_name(code, language),
            "recipients": ", ".join(sorted(v["recipients"])),
            "safeguard": "; ".join(sorted(v["safeguards"])),
        }
        for code, v in sorted(by_country.items(), key=lambda item: country_name(item[0], language))
    ]
    return base | {"destinations": destinations}


def record_extract_context(
    base: dict[str, Any], transfers: Sequence[TransferData], language: str
) -> dict[str, Any]:
    rows = []
    for t in transfers:
        if not (t.active and t.is_third_country):
            continue
        documentation = label(language, "no_art49")
        if t.mechanism.startswith("derogation_49_1"):
            documentation = (
                text(t.supplementary_measures, language)
                if t.supplementary_measures
                else label(language, "not_documented")
            )
        rows.append(
            {
                "recipient": t.vendor_name,
                "country": country_name(t.destination_country, language),
                "data": joined(t.data_categories) or label(language, None),
                "safeguard": mechanism_name(t.mechanism, language),
                "verdict": label(language, t.verdict),
                "documentation": documentation,
            }
        )
    return base | {"transfers": rows}
