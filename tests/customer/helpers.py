"""A small register of our customers: a helpdesk service run on a Finnish vendor, used by a
Finnish customer (general authorisation, 30 days) and an English one (specific)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests import factories
from tests.conftest import Api

CUSTOMERS = "/api/v1/customers"
CHANGES = "/api/v1/subprocessor-changes"


@dataclass
class World:
    vendor: dict[str, Any]
    processing: dict[str, Any]
    general: dict[str, Any]
    specific: dict[str, Any]
    us: dict[str, Any]
    """A US sub-processor in the register, certified under the Data Privacy Framework."""


async def world(api: Api) -> World:
    vendor = await factories.vendor(
        api, name="Tukipalvelu Oy", country="FI", role="processor", category="support_tooling"
    )
    await factories.agreement(api, vendor["id"])
    processing = await api.create(
        "/api/v1/processings",
        {
            "vendor_id": vendor["id"],
            "service": "Helpdesk",
            "our_role": "processor",
            "controller": "Asiakas Oy",
            "purposes": ["support"],
            "data_categories": ["identity", "contact"],
            "data_subject_categories": ["employees"],
        },
    )
    general = await api.create(
        CUSTOMERS,
        {
            "legal_name": "Asiakas Oy",
            "business_id": "7654321-0",
            "country": "FI",
            "language": "fi",
            "privacy_email": "tietosuoja@asiakas.example",
            "authorisation": "general",
            "objection_period_days": 30,
            "processing_ids": [processing["id"]],
        },
    )
    specific = await api.create(
        CUSTOMERS,
        {
            "legal_name": "Client Ltd",
            "country": "IE",
            "language": "en",
            "privacy_email": "privacy@client.example",
            "dpo_email": "dpo@client.example",
            "authorisation": "specific",
            "processing_ids": [processing["id"]],
        },
    )
    us = await factories.vendor(
        api, name="Ticket Analytics Inc.", country="US", role="subprocessor", status="approved"
    )
    await factories.agreement(api, us["id"])
    await factories.transfer(
        api,
        us["id"],
        exporter_role="processor",
        mechanism="dpf",
        scc_module=None,
        dpf_certified=True,
        dpf_verified_on="2026-10-01",
        data_categories=["identity", "contact"],
    )
    return World(vendor, processing, general, specific, us)


def us_subprocessor(w: World, **overrides: Any) -> dict[str, Any]:
    """Our helpdesk vendor plans to engage the US sub-processor."""
    body: dict[str, Any] = {
        "change": "added",
        "vendor_id": w.vendor["id"],
        "subprocessor_id": w.us["id"],
        "mechanism": "dpf",
        "purpose": "Ticket analytics",
        "safeguard": "Standard contractual clauses",
        "effective_on": "2027-01-15",
    }
    body.update(overrides)
    return body
