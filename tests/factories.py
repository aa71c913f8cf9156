"""Small builders for a realistic register through the public API."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api


async def vendor(api: Api, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Acme Cloud Inc.",
        "country": "US",
        "role": "processor",
        "category": "cloud_hosting",
    }
    body.update(overrides)
    return await api.create("/api/v1/vendors", body)


async def organisation(api: Api, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Palvelu Oy",
        "country": "FI",
        "business_id": "1234567-8",
        "roles": ["controller", "processor"],
        "dpo_email": "dpo@palvelu.example",
    }
    body.update(overrides)
    return await api.create("/api/v1/organisations", body)


async def agreement(api: Api, vendor_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "vendor_id": vendor_id,
        "kind": "dpa",
        "status": "signed",
        "signed_on": "2024-01-15",
        "effective_on": "2024-02-01",
        "term": "P2Y",
        "auto_renew": True,
        "notice_period": "P3M",
    }
    body.update(overrides)
    return await api.create("/api/v1/agreements", body)


async def transfer(api: Api, vendor_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "vendor_id": vendor_id,
        "exporter_role": "controller",
        "destination_country": "US",
        "mechanism": "scc_2021",
        "scc_module": 2,
        "data_categories": ["identity", "contact"],
        "started_on": "2024-02-01",
    }
    body.update(overrides)
    return await api.create("/api/v1/transfers", body)
