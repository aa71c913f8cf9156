"""Odd inputs to the workflow endpoints never yield a 500: each gets a 4xx problem body."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api

BODY: dict[str, Any] = {
    "vendor_name": "X Inc.",
    "vendor_country": "US",
    "service": "S",
    "purposes": ["p"],
    "data_categories": ["identity"],
}

PROBES: list[tuple[str, str, Any]] = [
    ("GET", "/api/v1/intake-requests/99999999999", None),
    ("GET", "/api/v1/intake-requests?vendor_id=99999999999", None),
    ("GET", "/api/v1/intake-requests?state=bogus", None),
    ("POST", "/api/v1/intake-requests/99999999999/decision", {"decision": "approve"}),
    ("POST", "/api/v1/intake-requests", {**BODY, "vendor_id": 99999999999}),
    (
        "POST",
        "/api/v1/intake-requests",
        {
            **BODY,
            "expected_start": "9999-12-31",
            "destinations": [
                {"country": "US", "mechanism": "dpf", "dpf_verified_on": "9999-12-01"}
            ],
        },
    ),
    (
        "POST",
        "/api/v1/intake-requests",
        {**BODY, "destinations": [{"country": "US", "mechanism": "x"}]},
    ),
    ("GET", "/api/v1/subprocessor-notices/99999999999", None),
    ("GET", "/api/v1/subprocessor-notices?vendor_id=99999999999", None),
    ("POST", "/api/v1/subprocessor-notices/99999999999/accept", {"version": 1}),
    (
        "POST",
        "/api/v1/subprocessor-notices",
        {
            "vendor_id": 1,
            "change": "added",
            "received_on": "2026-01-01",
            "effective_on": "9999-12-31",
        },
    ),
    ("POST", "/api/v1/dpf/sync", {"file": "x"}),
    ("GET", "/api/v1/vendors/1/status?country=%00", None),
]


@pytest.mark.parametrize(("method", "path", "body"), PROBES)
async def test_odd_workflow_requests_get_a_4xx_problem(
    api: Api, method: str, path: str, body: Any
) -> None:
    response = (
        await api.request(method, path, json=body)
        if body is not None
        else await api.request(method, path)
    )
    assert 400 <= response.status_code < 500, (path, response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
