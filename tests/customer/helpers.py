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
    return World(vendor, processing, general, specific)


def us_subprocessor(vendor_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "change": "added",
        "vendor_id": vendor_id,
        "name": "Ticket Analytics Inc.",
        "country": "US",
        "mechanism": "scc_2021",
        "scc_module": 3,
        "purpose": "Ticket analytics",
        "safeguard": "Standard contractual clauses",
        "effective_on": "2027-01-15",
    }
    body.update(overrides)
    return body
