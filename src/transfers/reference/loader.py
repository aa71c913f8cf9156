"""Load, validate and query the versioned legal reference data.

Every legal date, decision and citation the rules engine uses lives in ``data/*.toml``; this
module only parses and indexes them. A reference update is a data change, never a code change
(legal-facts.md, status 2026-11-24). A malformed file fails loudly at load time with
:class:`ReferenceDataError` naming the file and the offending path.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any, Literal, TypeVar

import msgspec

DATA_DIR = Path(__file__).parent / "data"

Confidence = Literal["V", "S", "K", "U"]
Role = Literal["controller", "processor"]
Regime = Literal["eu", "eea_efta", "treated_as_member_state", "not_third_country"]
MechanismKind = Literal["adequacy", "art46", "art48", "art49", "invalidated", "not_eu_tool", "none"]
MechanismRule = Literal[
    "none",
    "adequacy",
    "framework",
    "scc",
    "legacy_scc",
    "bcr",
    "art46_tool",
    "ad_hoc",
    "derogation",
    "compelling_interests",
    "international_agreement",
    "not_eu_tool",
]
AdequacyField = Literal["general", "law_enforcement"]

Citation = Annotated[str, msgspec.Meta(pattern=r"\S")]
Text = Annotated[str, msgspec.Meta(pattern=r"\S")]
CountryCode = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")]
Code = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]*$")]

EEA_REGIMES: frozenset[str] = frozenset({"eu", "eea_efta"})

#: Confidence markers belong in ``confidence`` fields and notes, never in text that the engine
#: puts into a reason a user reads.
MARKER = re.compile(r"\[(?:V|S|K|U)(?:/(?:V|S|K|U))*\]")

_COMMON_MECHANISM_FIELDS: frozenset[str] = frozenset(
    {
        "code",
        "name",
        "name_fi",
        "kind",
        "rule",
        "legal_basis",
        "citation",
        "confidence",
        "source",
        "checked",
        "valid_from",
        "valid_until",
        "invalid_from",
        "invalidation_citation",
        "note",
    }
)
_TIA_FIELDS: frozenset[str] = frozenset({"tia_required", "tia_citation"})

#: The optional mechanism fields each rule reads (besides the common ones, which every rule
#: honours: the dates on which a mechanism can be relied on). The loader refuses a field that the
#: mechanism's rule would not read, so a repeal or condition entered as data is never ignored.
RULE_FIELDS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "none": frozenset(),
        "adequacy": frozenset(),
        "framework": frozenset(
            {
                "countries",
                "hr_coverage_required",
                "reverification_months",
                "reverification_citation",
                "fallback_recommended",
                "fallback_citation",
            }
        ),
        "scc": _TIA_FIELDS
        | {"modules", "art28_modules", "tia_exempt_modules", "tia_exempt_citation"}
        | {"contract_required"},
        "legacy_scc": _TIA_FIELDS
        | {"signed_before", "repeal_citation", "roles", "contract_required"},
        "bcr": _TIA_FIELDS | {"approval_required"},
        "art46_tool": _TIA_FIELDS | {"approval_required"},
        "ad_hoc": _TIA_FIELDS | {"contract_required"},
        "derogation": frozenset({"foreign_order_excluded"}),
        "compelling_interests": frozenset(),
        "international_agreement": frozenset(),
        "not_eu_tool": frozenset(),
    }
)


class ReferenceDataError(ValueError):
    """The reference data is malformed; raised at load time, never during evaluation."""


class _Row(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    pass


class Membership(_Row, frozen=True, kw_only=True):
    """A period in which transfers to ``countries`` are not Chapter V transfers."""

    regime: Regime
    reason_code: Code
    countries: tuple[CountryCode, ...]
    citation: Citation
    citation_fi: str = ""
    confidence: Confidence
    source: Text  # where the fact was checked: Official Journal, Curia, authority, ...
    checked: date  # the day it was last checked in that source
    valid_from: date | None = None
    valid_until: date | None = None
    note: str = ""

    def covers(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_until is None or on <= self.valid_until
        )


class Territory(_Row, frozen=True, kw_only=True):
    """A territorial edge case for the country picker (legal-facts §2.3)."""

    code: CountryCode
    status: Text
    citation: Citation
    citation_fi: str = ""
    confidence: Confidence
    source: Text  # where the fact was checked: Official Journal, Curia, authority, ...
    checked: date  # the day it was last checked in that source
    part_of: CountryCode | None = None


class ExpiryChange(_Row, frozen=True, kw_only=True):
    """One step in the sunset history of an adequacy decision (e.g. UK, legal-facts §3.2)."""

    decided_on: date
    valid_until: date
    citation: Citation
    citation_fi: str = ""
    confidence: Confidence
    source: Text  # where the fact was checked: Official Journal, Curia, authority, ...
    checked: date  # the day it was last checked in that source


class AdequacyDecision(_Row, frozen=True, kw_only=True):
    """A Commission adequacy decision (GDPR Art. 45)."""

    id: Code
    name: Text
    countries: tuple[CountryCode, ...]
    applies_to: AdequacyField
    valid_from: date
    scope_limited: bool
    scope: Text
    citation: Citation
    citation_fi: str = ""
    confidence: Confidence
    source: Text  # where the fact was checked: Official Journal, Curia, authority, ...
    checked: date  # the day it was last checked in that source
    valid_until: date | None = None
    invalid_from: date | None = None
    invalidation_citation: str = ""
    invalidation_citation_fi: str = ""
    scope_limited_until: date | None = None
    expiry_history: tuple[ExpiryChange, ...] = ()
    mechanism: Code = "adequacy"
    note: str = ""

    def limited_on(self, on: date) -> bool:
        """Whether the decision's scope limit applies on ``on`` (a limit may be lifted later)."""
        return self.scope_limited and (
            self.scope_limited_until is None or on <= self.scope_limited_until
        )

    @property
    def expiry_citation(self) -> str:
        """The act that set the current expiry date (latest history step)."""
        return self.expiry_history[-1].citation if self.expiry_history else self.citation


class RolePair(_Row, frozen=True, kw_only=True):
    exporter_role: Role
    importer_role: Role


class SccModule(_Row, frozen=True, kw_only=True):
    module: int
    exporter_role: Role
    importer_role: Role


class Mechanism(_Row, frozen=True, kw_only=True):
    """A Chapter V transfer mechanism and the dates between which it can be relied on."""

    code: Code
    name: Text
    kind: MechanismKind
    rule: MechanismRule
    name_fi: Text
    legal_basis: Text
    legal_basis_fi: str = ""
    citation: Citation
    citation_fi: str = ""
    confidence: Confidence
    source: Text  # where the fact was checked: Official Journal, Curia, authority, ...
    checked: date  # the day it was last checked in that source
    valid_from: date | None = None
    valid_until: date | None = None
    invalid_from: date | None = None
    invalidation_citation: str = ""
    invalidation_citation_fi: str = ""
    signed_before: date | None = None
    repeal_citation: str = ""
    repeal_citation_fi: str = ""
    countries: tuple[CountryCode, ...] = ()
    roles: tuple[RolePair, ...] = ()
    modules: tuple[SccModule, ...] = ()
    art28_modules: tuple[int, ...] = ()
    tia_required: bool = False
    tia_citation: str = ""
    tia_citation_fi: str = ""
    tia_exempt_modules: tuple[int, ...] = ()
    tia_exempt_citation: str = ""
    tia_exempt_citation_fi: str = ""
    contract_required: bool = False
    approval_required: bool = False
    foreign_order_excluded: bool = False
    hr_coverage_required: bool = False
    reverification_months: int | None = None
    reverification_citation: str = ""
    reverification_citation_fi: str = ""
    fallback_recommended: bool = False
    fallback_citation: str = ""
    fallback_citation_fi: str = ""
    note: str = ""

    def module_roles(self, module: int) -> SccModule | None:
        for entry in self.modules:
            if entry.module == module:
                return entry
        return None

    def module_for(self, exporter_role: str, importer_role: str) -> int | None:
        for entry in self.modules:
            if entry.exporter_role == exporter_role and entry.importer_role == importer_role:
                return entry.module
        return None


class ReasonSource(_Row, frozen=True, kw_only=True):
    """Citation for a reason code that no single mechanism or decision carries."""

    citation: Citation
    citation_fi: str = ""
    confidence: Confidence
    source: Text  # where the fact was checked: Official Journal, Curia, authority, ...
    checked: date  # the day it was last checked in that source
    note: str = ""


class HrVocabulary(_Row, frozen=True, kw_only=True):
    """Controlled values that make a transfer "HR data" (DPF Supplemental Principle III.9)."""

    categories: tuple[Code, ...]
    data_subjects: tuple[Code, ...]
    citation: Citation
    citation_fi: str = ""
    confidence: Confidence
    source: Text  # where the fact was checked: Official Journal, Curia, authority, ...
    checked: date  # the day it was last checked in that source

    def hr_values(self, categories: Iterable[str], data_subjects: Iterable[str]) -> list[str]:
        """The HR values found among ``categories`` and ``data_subjects`` (case-insensitive)."""
        found = [c for c in categories if _code(c) in self.categories]
        found += [d for d in data_subjects if _code(d) in self.data_subjects]
        return found


@lru_cache(maxsize=4096)
def _code(value: str) -> str:
    """A free value folded to the vocabulary's spelling: "Former employees" -> former_employees.

    Cached: the same few category names recur on every transfer of a register-wide evaluation."""
    return re.sub(r"[^a-z0-9]+", "_", value.strip().lower()).strip("_")


def cited_fields(fact: msgspec.Struct) -> Iterable[tuple[str, str, str]]:
    """(field, English, Finnish) of every citation a fact carries (``legal_basis`` and each
    ``*citation``, with its ``*_fi`` companion), the expiry history's steps included."""
    for name in fact.__struct_fields__:
        if name == "legal_basis" or name.endswith("citation"):
            yield name, getattr(fact, name), getattr(fact, f"{name}_fi")
    for step in getattr(fact, "expiry_history", ()):
        yield from cited_fields(step)


class TiaPolicy(_Row, frozen=True, kw_only=True):
    required_from: date
    citation: Citation
    citation_fi: str = ""
    confidence: Confidence
    source: Text  # where the fact was checked: Official Journal, Curia, authority, ...
    checked: date  # the day it was last checked in that source


class Art28Policy(_Row, frozen=True, kw_only=True):
    agreement_kinds: tuple[Code, ...]
    citation: Citation
    citation_fi: str = ""
    confidence: Confidence
    source: Text  # where the fact was checked: Official Journal, Curia, authority, ...
    checked: date  # the day it was last checked in that source


class TiaNote(_Row, frozen=True, kw_only=True):
    """Law-and-practice note for a TIA (EDPB Recommendations 01/2020, step 3)."""

    country: str
    title: Text
    law: Text
    practice: Text
    citation: Citation
    citation_fi: str = ""
    confidence: Confidence
    source: Text  # where the fact was checked: Official Journal, Curia, authority, ...
    checked: date  # the day it was last checked in that source


class _File(_Row, frozen=True, kw_only=True):
    version: Text
    status_date: date


class _CountriesFile(_File, frozen=True, kw_only=True):
    names: dict[CountryCode, Text]
    memberships: tuple[Membership, ...]
    names_fi: dict[CountryCode, Text] = {}
    territories: tuple[Territory, ...] = ()


class _AdequacyFile(_File, frozen=True, kw_only=True):
    decisions: tuple[AdequacyDecision, ...]


class _MechanismsFile(_File, frozen=True, kw_only=True):
    mechanisms: tuple[Mechanism, ...]


class _RulesFile(_File, frozen=True, kw_only=True):
    tia: TiaPolicy
    art28: Art28Policy
    hr_data: HrVocabulary
    reasons: dict[Code, ReasonSource]


class _TiaNotesFile(_File, frozen=True, kw_only=True):
    notes: tuple[TiaNote, ...]


_F = TypeVar("_F", bound=_File)


@dataclass(frozen=True, slots=True)
class CountryRow:
    """One line of the country listing (API and CLI), on the reference's status date."""

    code: str
    name: str
    status: Literal["eu", "eea_efta", "treated_as_member_state", "not_third_country", "third"]
    adequacy: str | None
    note: str
    citation: str
    confidence: str
    source: str = ""
    checked: date | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Reference:
    """Immutable, indexed legal reference data of one version."""

    version: str
    status_date: date
    tia_policy: TiaPolicy
    art28_policy: Art28Policy
    hr_data: HrVocabulary
    names: Mapping[str, str]
    names_fi: Mapping[str, str]
    memberships: tuple[Membership, ...]
    territories: Mapping[str, Territory]
    decisions: tuple[AdequacyDecision, ...]
    reasons: Mapping[str, ReasonSource]
    tia_notes: Mapping[str, TiaNote]
    citations_fi: Mapping[str, str]
    _mechanisms: Mapping[str, Mechanism]
    _memberships_by_country: Mapping[str, tuple[Membership, ...]]
    _adequacy_by_country: Mapping[str, AdequacyDecision]

    def membership(self, country: str, on: date) -> Membership | None:
        """The period in which ``country`` is not a third country on ``on``, if any."""
        for period in self._memberships_by_country.get(country, ()):
            if period.covers(on):
                return period
        return None

    def is_eea(self, country: str, on: date) -> bool:
        """Whether ``country`` is an EU or EEA EFTA state (or EU territory) on ``on``."""
        period = self.membership(country, on)
        return period is not None and period.regime in EEA_REGIMES

    def is_third_country(self, country: str, on: date) -> bool:
        """Whether a transfer to ``country`` on ``on`` engages GDPR Chapter V."""
        return self.membership(country, on) is None

    def adequacy_for(self, country: str) -> AdequacyDecision | None:
        """The general (not law-enforcement) adequacy decision for ``country``, any dates."""
        return self._adequacy_by_country.get(country)

    def adequacy_decisions(self) -> tuple[AdequacyDecision, ...]:
        return self.decisions

    def mechanism(self, code: str) -> Mechanism | None:
        return self._mechanisms.get(code)

    def mechanisms(self) -> tuple[Mechanism, ...]:
        return tuple(self._mechanisms.values())

    def reason_source(self, code: str) -> ReasonSource:
        """Citation for a reason code; a missing one is a data defect caught by the test suite."""
        return self.reasons[code]

    def citation_fi(self, citation: str) -> str | None:
        """The Finnish variant of a citation the reference data carries (``*_fi`` beside it);
        a citation joined from several (``"A; B"``) is translated part by part. ``None`` for
        text the reference does not carry (a what-if note typed by a user)."""
        found = self.citations_fi.get(citation)
        if found is not None or "; " not in citation:
            return found
        parts = citation.split("; ")
        for cut in range(len(parts) - 1, 0, -1):
            head = self.citations_fi.get("; ".join(parts[:cut]))
            tail = self.citation_fi("; ".join(parts[cut:])) if head is not None else None
            if head is not None and tail is not None:
                return f"{head}; {tail}"
        return None

    def tia_note(self, country: str) -> TiaNote:
        return self.tia_notes.get(country) or self.tia_notes["default"]

    def covers_art28(self, kind: str, scc_module: int | None) -> bool:
        """Whether an agreement of ``kind`` is an Art. 28(3) contract (legal-facts §5.1)."""
        if kind in self.art28_policy.agreement_kinds:
            return True
        mechanism = self._mechanisms.get(kind)
        return (
            mechanism is not None
            and scc_module is not None
            and scc_module in mechanism.art28_modules
        )

    def countries(self) -> tuple[CountryRow, ...]:
        """Every country the reference knows, with its status on the status date."""
        rows = []
        for code in sorted(self.names):
            period = self.membership(code, self.status_date)
            decision = self.adequacy_for(code)
            territory = self.territories.get(code)
            fact: Membership | AdequacyDecision | Territory | Mechanism
            if period is not None:
                status: Any = period.regime
                fact, note = period, period.note
            elif decision is not None:
                status = "third"
                fact, note = decision, decision.scope
            elif territory is not None:
                status = "third"
                fact, note = territory, ""
            else:
                status = "third"
                fact = self._mechanisms["none"]
                note = "Third country without an adequacy decision."
            if territory is not None:
                note = territory.status
            rows.append(
                CountryRow(
                    code=code,
                    name=self.names[code],
                    status=status,
                    adequacy=decision.citation if decision is not None else None,
                    note=note,
                    citation=fact.citation,
                    confidence=fact.confidence,
                    source=fact.source,
                    checked=fact.checked,
                )
            )
        return tuple(rows)

    def with_invalidation(
        self, mechanism: str, invalid_from: date, citation: str | None = None
    ) -> Reference:
        """A what-if copy in which ``mechanism`` (and any adequacy decision relied on through it)
        is unusable from ``invalid_from``. An earlier real invalidation date is kept."""
        target = self._mechanisms.get(mechanism)
        if target is None:
            raise KeyError(f"unknown mechanism {mechanism!r}")
        why = citation or f"What-if: {target.name} assumed invalid from {invalid_from.isoformat()}"
        why_fi = citation or (
            f"Entä jos -tarkastelu: siirtoperusteen ”{target.name_fi}” oletetaan olevan "
            f"pätemätön {invalid_from.day}.{invalid_from.month}.{invalid_from.year} alkaen"
        )

        def earliest(current: date | None) -> date:
            return invalid_from if current is None else min(current, invalid_from)

        mechanisms = dict(self._mechanisms)
        mechanisms[mechanism] = msgspec.structs.replace(
            target,
            invalid_from=earliest(target.invalid_from),
            invalidation_citation=target.invalidation_citation
            if target.invalid_from is not None and target.invalid_from <= invalid_from
            else why,
            invalidation_citation_fi=target.invalidation_citation_fi
            if target.invalid_from is not None and target.invalid_from <= invalid_from
            else why_fi,
        )
        decisions = tuple(
            msgspec.structs.replace(
                d,
                invalid_from=earliest(d.invalid_from),
                invalidation_citation=d.invalidation_citation
                if d.invalid_from is not None and d.invalid_from <= invalid_from
                else why,
                invalidation_citation_fi=d.invalidation_citation_fi
                if d.invalid_from is not None and d.invalid_from <= invalid_from
                else why_fi,
            )
            if d.mechanism == mechanism
            else d
            for d in self.decisions
        )
        return _index(
            version=f"{self.version}+what-if:{mechanism}@{invalid_from.isoformat()}",
            status_date=self.status_date,
            tia_policy=self.tia_policy,
            art28_policy=self.art28_policy,
            hr_data=self.hr_data,
            names=self.names,
            names_fi=self.names_fi,
            memberships=self.memberships,
            territories=self.territories,
            decisions=decisions,
            reasons=self.reasons,
            tia_notes=self.tia_notes,
            mechanisms=mechanisms,
        )


@cache
def load_reference() -> Reference:
    """The packaged reference data, parsed and validated once per process."""
    return load_reference_from(DATA_DIR)


def load_reference_from(directory: Path) -> Reference:
    """Parse and validate the five reference files in ``directory`` (uncached)."""
    countries = _read(directory, "countries.toml", _CountriesFile)
    adequacy = _read(directory, "adequacy.toml", _AdequacyFile)
    mechanisms = _read(directory, "mechanisms.toml", _MechanismsFile)
    rules = _read(directory, "rules.toml", _RulesFile)
    notes = _read(directory, "tia_notes.toml", _TiaNotesFile)
    files: dict[str, _File] = {
        "countries.toml": countries,
        "adequacy.toml": adequacy,
        "mechanisms.toml": mechanisms,
        "rules.toml": rules,
        "tia_notes.toml": notes,
    }
    errors = _validate(files, countries, adequacy, mechanisms, rules, notes)
    if errors:
        raise ReferenceDataError(
            f"invalid reference data in {directory}:\n  " + "\n  ".join(errors)
        )
    return _index(
        version=countries.version,
        status_date=countries.status_date,
        tia_policy=rules.tia,
        art28_policy=rules.art28,
        hr_data=rules.hr_data,
        names=countries.names,
        names_fi=countries.names_fi,
        memberships=countries.memberships,
        territories={t.code: t for t in countries.territories},
        decisions=adequacy.decisions,
        reasons=rules.reasons,
        tia_notes={n.country: n for n in notes.notes},
        mechanisms={m.code: m for m in mechanisms.mechanisms},
    )


def _read(directory: Path, name: str, schema: type[_F]) -> _F:
    path = directory / name
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ReferenceDataError(f"{path}: missing reference file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ReferenceDataError(f"{path}: {exc}") from exc
    try:
        return msgspec.convert(raw, schema)
    except msgspec.ValidationError as exc:
        raise ReferenceDataError(f"{path}: {exc}") from exc


def _index(
    *,
    version: str,
    status_date: date,
    tia_policy: TiaPolicy,
    art28_policy: Art28Policy,
    hr_data: HrVocabulary,
    names: Mapping[str, str],
    names_fi: Mapping[str, str],
    memberships: tuple[Membership, ...],
    territories: Mapping[str, Territory],
    decisions: tuple[AdequacyDecision, ...],
    reasons: Mapping[str, ReasonSource],
    tia_notes: Mapping[str, TiaNote],
    mechanisms: Mapping[str, Mechanism],
) -> Reference:
    by_country: dict[str, list[Membership]] = {}
    for period in memberships:
        for country in period.countries:
            by_country.setdefault(country, []).append(period)
    adequacy = {c: d for d in decisions if d.applies_to == "general" for c in d.countries}
    facts: list[msgspec.Struct] = [tia_policy, art28_policy, hr_data, *memberships]
    facts += [*territories.values(), *decisions, *reasons.values(), *tia_notes.values()]
    facts += mechanisms.values()
    citations_fi = {en: fi for fact in facts for _, en, fi in cited_fields(fact) if en and fi}
    return Reference(
        version=version,
        status_date=status_date,
        tia_policy=tia_policy,
        art28_policy=art28_policy,
        hr_data=hr_data,
        names=MappingProxyType(dict(names)),
        names_fi=MappingProxyType(dict(names_fi)),
        memberships=memberships,
        territories=MappingProxyType(dict(territories)),
        decisions=decisions,
        reasons=MappingProxyType(dict(reasons)),
        tia_notes=MappingProxyType(dict(tia_notes)),
        citations_fi=MappingProxyType(citations_fi),
        _mechanisms=MappingProxyType(dict(mechanisms)),
        _memberships_by_country=MappingProxyType({k: tuple(v) for k, v in by_country.items()}),
        _adequacy_by_country=MappingProxyType(adequacy),
    )


def _validate(
    files: Mapping[str, _File],
    countries: _CountriesFile,
    adequacy: _AdequacyFile,
    mechanisms: _MechanismsFile,
    rules: _RulesFile,
    notes: _TiaNotesFile,
) -> list[str]:
    """Cross-file and semantic checks that a schema cannot express."""
    errors: list[str] = []
    versions = {(f.version, f.status_date) for f in files.values()}
    if len(versions) != 1:
        errors.append(f"files disagree on version/status_date: {sorted(map(str, versions))}")

    known = set(countries.names)

    def check_countries(where: str, codes: Iterable[str]) -> None:
        for code in codes:
            if code not in known:
                errors.append(f"{where}: country {code!r} has no entry in countries.toml [names]")

    def check_order(where: str, start: date | None, end: date | None) -> None:
        if start is not None and end is not None and end < start:
            errors.append(f"{where}: ends ({end}) before it starts ({start})")

    by_country: dict[str, list[Membership]] = {}
    for i, period in enumerate(countries.memberships):
        where = f"countries.toml memberships[{i}]"
        check_countries(where, period.countries)
        check_order(where, period.valid_from, period.valid_until)
        for country in period.countries:
            by_country.setdefault(country, []).append(period)
    for country, periods in by_country.items():
        ordered = sorted(periods, key=lambda p: p.valid_from or date.min)
        for before, after in itertools.pairwise(ordered):
            if (
                before.valid_until is None
                or after.valid_from is None
                or after.valid_from <= before.valid_until
            ):
                errors.append(f"countries.toml: membership periods of {country} overlap")
    check_countries("countries.toml names_fi", countries.names_fi)
    for territory in countries.territories:
        check_countries(f"countries.toml territory {territory.code}", [territory.code])
        if territory.part_of is not None:
            check_countries(f"countries.toml territory {territory.code}", [territory.part_of])

    defaults = Mechanism(
        code="x",
        name="x",
        name_fi="x",
        kind="none",
        rule="none",
        legal_basis="x",
        citation="x",
        confidence="K",
        source="x",
        checked=date.min,
    )
    for m in mechanisms.mechanisms:
        allowed = _COMMON_MECHANISM_FIELDS | RULE_FIELDS[m.rule]
        for name in m.__struct_fields__:
            if name.removesuffix("_fi") not in allowed and getattr(m, name) != getattr(
                defaults, name
            ):
                errors.append(
                    f"mechanisms.toml {m.code}: field {name!r} is not read by rule {m.rule!r}; "
                    "a value here would be silently ignored"
                )
        for name in ("name", "legal_basis", "citation", "invalidation_citation"):
            if MARKER.search(getattr(m, name)):
                errors.append(
                    f"mechanisms.toml {m.code}: {name} carries a confidence marker; "
                    "use the confidence field"
                )
    for d in adequacy.decisions:
        for name in ("name", "scope", "citation", "invalidation_citation"):
            if MARKER.search(getattr(d, name)):
                errors.append(
                    f"adequacy.toml {d.id}: {name} carries a confidence marker; "
                    "use the confidence field"
                )
        if d.scope_limited_until is not None and not d.scope_limited:
            errors.append(f"adequacy.toml {d.id}: scope_limited_until needs scope_limited")
    for code, name in countries.names.items():
        if MARKER.search(name):
            errors.append(f"countries.toml names.{code} carries a confidence marker")

    mechanism_codes = {m.code for m in mechanisms.mechanisms}
    if len(mechanism_codes) != len(mechanisms.mechanisms):
        errors.append("mechanisms.toml: duplicate mechanism code")
    if "none" not in mechanism_codes:
        errors.append("mechanisms.toml: a mechanism with code 'none' is required")
    for m in mechanisms.mechanisms:
        where = f"mechanisms.toml {m.code}"
        check_countries(where, m.countries)
        check_order(where, m.valid_from, m.valid_until)
        check_order(where, m.valid_from, m.invalid_from)
        if m.invalid_from is not None and not m.invalidation_citation.strip():
            errors.append(f"{where}: invalid_from needs an invalidation_citation")
        if m.kind == "invalidated" and m.invalid_from is None:
            errors.append(f"{where}: kind 'invalidated' needs invalid_from")
        if m.rule == "framework" and (not m.countries or m.valid_from is None):
            errors.append(f"{where}: rule 'framework' needs countries and valid_from")
        if m.rule == "legacy_scc" and (
            m.valid_from is None
            or m.signed_before is None
            or m.valid_until is None
            or not m.roles
            or not m.repeal_citation.strip()
        ):
            errors.append(
                f"{where}: rule 'legacy_scc' needs valid_from, signed_before, valid_until, "
                "roles and repeal_citation"
            )
        if m.rule == "scc":
            numbers = [entry.module for entry in m.modules]
            if not numbers or len(set(numbers)) != len(numbers) or m.valid_from is None:
                errors.append(f"{where}: rule 'scc' needs valid_from and unique modules")
            if not set(m.art28_modules) <= set(numbers):
                errors.append(f"{where}: art28_modules must be listed modules")
            if not set(m.tia_exempt_modules) <= set(numbers):
                errors.append(f"{where}: tia_exempt_modules must be listed modules")
            if m.tia_exempt_modules and not m.tia_exempt_citation.strip():
                errors.append(f"{where}: tia_exempt_modules needs a tia_exempt_citation")
        if m.reverification_months is not None and (
            m.reverification_months < 1 or not m.reverification_citation.strip()
        ):
            errors.append(f"{where}: reverification_months needs a positive value and a citation")
        if m.fallback_recommended and not m.fallback_citation.strip():
            errors.append(f"{where}: fallback_recommended needs a fallback_citation")

    ids = [d.id for d in adequacy.decisions]
    if len(set(ids)) != len(ids):
        errors.append("adequacy.toml: duplicate decision id")
    general: dict[str, str] = {}
    for d in adequacy.decisions:
        where = f"adequacy.toml {d.id}"
        check_countries(where, d.countries)
        check_order(where, d.valid_from, d.valid_until)
        if d.mechanism not in mechanism_codes:
            errors.append(f"{where}: unknown mechanism {d.mechanism!r}")
        if d.invalid_from is not None and not d.invalidation_citation.strip():
            errors.append(f"{where}: invalid_from needs an invalidation_citation")
        if d.expiry_history:
            steps = [step.decided_on for step in d.expiry_history]
            if steps != sorted(steps):
                errors.append(f"{where}: expiry_history must be in decision order")
            if d.expiry_history[-1].valid_until != d.valid_until:
                errors.append(f"{where}: valid_until must equal the latest expiry_history step")
        if d.applies_to == "general":
            for country in d.countries:
                if country in general:
                    errors.append(
                        f"{where}: {country} already has general decision {general[country]!r}"
                    )
                general[country] = d.id

    for kind in rules.art28.agreement_kinds:
        if kind in mechanism_codes:
            errors.append(f"rules.toml art28: {kind!r} is a mechanism; use art28_modules")
    _check_finnish(errors, countries, adequacy, mechanisms, rules, notes)
    if "default" not in {n.country for n in notes.notes}:
        errors.append("tia_notes.toml: a note with country = 'default' is required")
    for n in notes.notes:
        if n.country != "default" and not re.fullmatch(r"[A-Z]{2}", n.country):
            errors.append(f"tia_notes.toml: bad country {n.country!r}")
        elif n.country != "default":
            check_countries(f"tia_notes.toml {n.country}", [n.country])
    return errors


def _check_finnish(
    errors: list[str],
    countries: _CountriesFile,
    adequacy: _AdequacyFile,
    mechanisms: _MechanismsFile,
    rules: _RulesFile,
    notes: _TiaNotesFile,
) -> None:
    """Every citation has its Finnish variant, and one English citation one Finnish one: a
    Finnish document or page prints the ``*_fi`` text, never the English (issue 27)."""
    facts: list[tuple[str, msgspec.Struct]] = [
        (f"countries.toml memberships[{i}]", m) for i, m in enumerate(countries.memberships)
    ]
    facts += [(f"countries.toml territory {t.code}", t) for t in countries.territories]
    facts += [(f"adequacy.toml {d.id}", d) for d in adequacy.decisions]
    facts += [(f"mechanisms.toml {m.code}", m) for m in mechanisms.mechanisms]
    facts += [("rules.toml tia", rules.tia), ("rules.toml art28", rules.art28)]
    facts += [("rules.toml hr_data", rules.hr_data)]
    facts += [(f"rules.toml reasons.{code}", r) for code, r in rules.reasons.items()]
    facts += [(f"tia_notes.toml {n.country}", n) for n in notes.notes]
    seen: dict[str, str] = {}
    for where, fact in facts:
        for name, en, fi in cited_fields(fact):
            if en.strip() and not fi.strip():
                errors.append(f"{where}: {name} has no Finnish variant ({name}_fi)")
            elif fi.strip() and not en.strip():
                errors.append(f"{where}: {name}_fi has no English {name}")
            elif MARKER.search(fi):
                errors.append(f"{where}: {name}_fi carries a confidence marker")
            elif en and seen.setdefault(en, fi) != fi:
                errors.append(f"{where}: {name} {en!r} has two Finnish variants")
