"""What is missing to make a requested transfer lawful, read off the engine's reasons.

No law lives here: each line restates a reason the engine gave (by its stable ``key``), in the
words procurement uses. A reason without a short wording falls back to the engine's own
sentence, so a new rule shows up here without a code change.
"""

from __future__ import annotations

from collections.abc import Iterable

from transfers.reference import Reference
from transfers.rules.evaluate import Reason

#: Reasons that are the answer "nothing is needed" rather than something missing.
_NO_MECHANISM_NEEDED = {
    "not_third_country": "destination needs no mechanism (EEA)",
    "adequacy_in_force": "destination needs no mechanism (adequacy)",
    "adequacy_by_operation_of_law": "destination needs no mechanism (adequacy)",
}

_SHORT = {
    "dpa_missing": "needs a DPA (Art. 28 agreement)",
    "framework_hr_not_covered": "DPF certification must cover HR data",
    "framework_certification_unknown": "confirm the importer is on the DPF List",
    "framework_not_certified": "the importer is not DPF-certified: another mechanism is needed",
    "framework_verification_missing": "record the date the DPF List was checked",
    "framework_verification_stale": "check the DPF List again",
    "fallback_missing": "keep SCCs and a TIA ready as a fallback",
}


def _contract(reason: Reason, ref: Reference) -> str:
    code = str(reason.params.get("mechanism") or "")
    mechanism = ref.mechanism(code)
    name = mechanism.name if mechanism is not None else code
    module = reason.params.get("module")
    return f"{name}{f' module {module}' if module else ''}"


def needs_of(reasons: Iterable[Reason], ref: Reference) -> list[str]:
    """Short, de-duplicated needs for one transfer or vendor, in the engine's order."""
    out: list[str] = []
    contract: str | None = None
    tia = False
    for r in reasons:
        if r.key in _NO_MECHANISM_NEEDED and r.severity == "info":
            out.append(_NO_MECHANISM_NEEDED[r.key])
        elif r.severity == "info":
            continue
        elif r.key in ("contract_missing", "contract_not_signed"):
            contract = _contract(r, ref)
        elif r.key == "tia_missing":
            tia = True
        elif r.key == "scc_module_missing":
            out.append(f"needs an SCC module (module {r.params.get('fitting') or '?'} fits)")
        elif r.key in _SHORT:
            out.append(_SHORT[r.key])
        elif r.key.startswith("transfer_") or r.key.startswith("vendor_not_approved"):
            continue  # a transfer summary on the vendor level repeats the per-transfer needs
        else:
            out.append(r.message)
    if contract is not None:
        out.insert(0, f"needs signed {contract}{' + TIA' if tia else ''}")
    elif tia:
        out.insert(0, "needs a TIA")
    return list(dict.fromkeys(out))
