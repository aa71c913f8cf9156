"""A realistic sample register: a Finnish IT-services company and its vendors.

Loaded by `transfers demo` (and by `make run` on an empty database) so that a new user sees
every feature working at once: lawful, at-risk and unlawful transfers, a subprocessor chain two
levels deep, a transfer still on Privacy Shield, one on 2010 SCCs, one on DPF without a fallback,
and agreements about to renew. The register itself is data (``sample_register.toml``); the
loader creates each record through the services, so every validation applies and the audit trail
shows it. Dates are relative to the day it is loaded, so the renewals are always about to fall due.
"""

from __future__ import annotations

from transfers.demo.loader import (
    DEMO_ACTOR,
    SAMPLE_REGISTER,
    SampleRegisterError,
    load_demo,
    read_register,
    register_is_empty,
)

__all__ = [
    "DEMO_ACTOR",
    "SAMPLE_REGISTER",
    "SampleRegisterError",
    "load_demo",
    "read_register",
    "register_is_empty",
]
