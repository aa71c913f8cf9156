"""What is missing to make a requested transfer lawful, read off the engine's reasons.

No law lives here: each need restates a reason the engine gave (by its stable ``key``), in the
words procurement uses. A need is a key and parameters (issue 21 part 4): the API's ``needs``
are the English sentences, and a page renders :func:`need_text` in its own language, so nothing
translates an English sentence back. A reason without a short wording keeps the engine's own
reason (``reason`` key), rendered by the reasons' own Finnish templates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

import msgspec

from transfers.reference import Reference, lexicon
from transfers.rules.evaluate import Reason
from transfers.rules.messages import reason_text


class Need(msgspec.Struct, frozen=True):
    """One thing missing: ``key`` picks the wording, ``params`` fill it in (codes, not words)."""

    key: str
    params: dict[str, Any] = {}


#: Reasons that are the answer "nothing is needed" rather than something missing.
_NO_MECHANISM_NEEDED = {
    "not_third_country": "no_mechanism_eea",
    "adequacy_in_force": "no_mechanism_adequacy",
    "adequacy_by_operation_of_law": "no_mechanism_adequacy",
}

_SHORT = {
    "dpa_missing": "dpa",
    "framework_hr_not_covered": "dpf_hr",
    "framework_certification_unknown": "dpf_confirm",
    "framework_not_certified": "dpf_not_certified",
    "framework_verification_missing": "dpf_check_date",
    "framework_verification_stale": "dpf_check_again",
    "fallback_missing": "fallback",
}

TEXTS: Final[Mapping[str, Mapping[str, str]]] = {
    "en": {
        "no_mechanism_eea": "destination needs no mechanism (EEA)",
        "no_mechanism_adequacy": "destination needs no mechanism (adequacy)",
        "dpa": "needs a DPA (Art. 28 agreement)",
        "dpf_hr": "DPF certification must cover HR data",
        "dpf_confirm": "confirm the importer is on the DPF List",
        "dpf_not_certified": "the importer is not DPF-certified: another mechanism is needed",
        "dpf_check_date": "record the date the DPF List was checked",
        "dpf_check_again": "check the DPF List again",
        "fallback": "keep SCCs and a TIA ready as a fallback",
        "tia": "needs a TIA",
        "scc_module": "needs an SCC module (module {fitting} fits)",
        "contract": "needs signed {contract}",
        "contract_module": "needs signed {contract} module {module}",
        "contract_tia": "needs signed {contract} + TIA",
        "contract_module_tia": "needs signed {contract} module {module} + TIA",
    },
    "fi": {
        "no_mechanism_eea": "kohde ei tarvitse siirtoperustetta (ETA)",
        "no_mechanism_adequacy": "kohde ei tarvitse siirtoperustetta (riittävyyspäätös)",
        "dpa": "tarvitaan käsittelysopimus (28 artikla)",
        "dpf_hr": "DPF-sertifioinnin on katettava henkilöstötiedot",
        "dpf_confirm": "varmista, että vastaanottaja on DPF-listalla",
        "dpf_not_certified": "vastaanottaja ei ole DPF-sertifioitu: tarvitaan toinen siirtoperuste",
        "dpf_check_date": "kirjaa päivä, jolloin DPF-lista tarkistettiin",
        "dpf_check_again": "tarkista DPF-lista uudelleen",
        "fallback": "pidä vakiosopimuslausekkeet ja siirtovaikutusten arviointi valmiina varalle",
        "tia": "tarvitaan siirtovaikutusten arviointi",
        "scc_module": "tarvitaan vakiosopimuslausekkeiden moduuli (moduuli {fitting} sopii)",
        "contract": "tarvitaan allekirjoitettu sopimus: {contract}",
        "contract_module": "tarvitaan allekirjoitettu sopimus: {contract}, moduuli {module}",
        "contract_tia": "tarvitaan allekirjoitettu sopimus: {contract} + siirtovaikutusten arviointi",
        "contract_module_tia": (
            "tarvitaan allekirjoitettu sopimus: {contract}, moduuli {module} "
            "+ siirtovaikutusten arviointi"
        ),
    },
}


def need_text(need: Need, language: str) -> str:
    """The need as a sentence in ``language`` (names from the lexicon)."""
    lang = language if language in TEXTS else "en"
    if need.key == "reason":
        reason = Reason(
            code=str(need.params.get("code", "")),
            severity=need.params.get("severity", "error"),
            message=str(need.params.get("message", "")),
            citation="",
            confidence="K",
            key=str(need.params.get("reason_key", "")),
            params=dict(need.params.get("reason_params") or {}),
        )
        return reason_text(reason, lang)
    params = dict(need.params)
    if "mechanism" in params:
        params["contract"] = lexicon.mechanism(str(params["mechanism"]), lang)
    return TEXTS[lang][need.key].format(**params)


def _contract(reason: Reason) -> dict[str, Any]:
    out: dict[str, Any] = {"mechanism": str(reason.params.get("mechanism") or "")}
    if reason.params.get("module"):
        out["module"] = reason.params["module"]
    return out


def needs_of(reasons: Iterable[Reason], ref: Reference) -> list[Need]:
    """Short, de-duplicated needs for one transfer or vendor, in the engine's order."""
    del ref  # names are the lexicon's, in the reader's language
    out: list[Need] = []
    contract: dict[str, Any] | None = None
    tia = False
    for r in reasons:
        if r.key in _NO_MECHANISM_NEEDED and r.severity == "info":
            out.append(Need(_NO_MECHANISM_NEEDED[r.key]))
        elif r.severity == "info":
            continue
        elif r.key in ("contract_missing", "contract_not_signed"):
            contract = _contract(r)
        elif r.key == "tia_missing":
            tia = True
        elif r.key == "scc_module_missing":
            out.append(Need("scc_module", {"fitting": r.params.get("fitting") or "?"}))
        elif r.key in _SHORT:
            out.append(Need(_SHORT[r.key]))
        elif r.key.startswith("transfer_") or r.key.startswith("vendor_not_approved"):
            continue  # a transfer summary on the vendor level repeats the per-transfer needs
        else:
            out.append(
                Need(
                    "reason",
                    {
                        "code": r.code,
                        "severity": r.severity,
                        "message": r.message,
                        "reason_key": r.key,
                        "reason_params": dict(r.params),
                    },
                )
            )
    if contract is not None:
        key = "contract" + ("_module" if "module" in contract else "") + ("_tia" if tia else "")
        out.insert(0, Need(key, contract))
    elif tia:
        out.insert(0, Need("tia"))
    unique: dict[str, Need] = {}
    for need in out:
        unique.setdefault(need_text(need, "en"), need)
    return list(unique.values())
