"""Display labels for the register's codes, marked for translation.

The codes themselves (``at_risk``, ``cloud_hosting``) stay in the data; the pages show these
words. A code with no label (e.g. a verdict the engine adds later) is shown as it is, with a
neutral badge, so a new value never breaks a page.
"""

from __future__ import annotations

from transfers.web.i18n import N_, _

LABELS: dict[str, str] = {
    "lawful": N_("lawful"),
    "at_risk": N_("at risk"),
    "unlawful": N_("unlawful"),
    "approved": N_("approved"),
    "conditional": N_("conditional"),
    "blocked": N_("blocked"),
    "ready": N_("ready"),
    "proposed": N_("proposed"),
    "offboarded": N_("offboarded"),
    "in_review": N_("in review"),
    "suspended": N_("suspended"),
    "cloud_hosting": N_("cloud hosting"),
    "device_warranty": N_("device warranty"),
    "software_licence": N_("software licence"),
    "logistics": N_("logistics"),
    "insurance": N_("insurance"),
    "marketing_events": N_("marketing and events"),
    "payment": N_("payment"),
    "support_tooling": N_("support tooling"),
    "other": N_("other"),
    "processor": N_("processor"),
    "subprocessor": N_("subprocessor"),
    "controller": N_("controller"),
    "joint_controller": N_("joint controller"),
    "admin": N_("admin"),
    "legal": N_("legal"),
    "procurement": N_("procurement"),
    "open": N_("open"),
    "acknowledged": N_("acknowledged"),
    "snoozed": N_("snoozed"),
    "done": N_("done"),
    "error": N_("error"),
    "warning": N_("warning"),
    "info": N_("info"),
}

BADGES: dict[str, str] = {
    "lawful": "ok",
    "approved": "ok",
    "ready": "ok",
    "at_risk": "warn",
    "conditional": "warn",
    "proposed": "warn",
    "unlawful": "bad",
    "blocked": "bad",
    "in_review": "warn",
    "suspended": "bad",
}


def label(code: str | None) -> str:
    if code is None:
        return ""
    message = LABELS.get(code)
    return _(message) if message else code.replace("_", " ")


def badge(code: str | None) -> str:
    """CSS class of a status or verdict badge; unknown values are neutral."""
    return BADGES.get(code or "", "neutral")
