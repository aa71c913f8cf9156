"""Odd inputs never yield a 500: each gets a 4xx problem body."""

from __future__ import annotations

import pytest

from tests.conftest import Api

PROBES = [
    ("GET", "/api/v1/vendors/99999999999999999999"),
    ("GET", "/api/v1/vendors/-1"),
    ("GET", "/api/v1/vendors?limit=0"),
    ("GET", "/api/v1/vendors?limit=100000"),
    ("GET", "/api/v1/vendors?offset=-5"),
    ("GET", "/api/v1/vendors?status=bogus"),
    ("GET", "/api/v1/transfers/1/evaluation?as_of=2026-02-30"),
    ("GET", "/api/v1/transfers/99999999999/evaluation"),
    ("GET", "/api/v1/vendors/99999999999/status"),
    ("GET", "/api/v1/compliance?as_of=yesterday"),
    ("GET", "/api/v1/reminders?within=99999d"),
    ("GET", "/api/v1/audit?since=not-a-date"),
    ("GET", "/api/v1/agreements/99999999999/attachments"),
    ("PATCH", "/api/v1/vendors/99999999999"),
    ("DELETE", "/api/v1/transfers/99999999999"),
    ("GET", "/api/v1/calendar-feeds/%00%01/feed.ics"),
    ("GET", "/api/v1/nowhere"),
    ("PUT", "/api/v1/vendors"),
]


@pytest.mark.parametrize(("method", "path"), PROBES)
async def test_odd_requests_get_a_4xx_problem(api: Api, method: str, path: str) -> None:
    kwargs = {"json": {"name": "x", "version": 1}} if method in {"PATCH", "PUT"} else {}
    response = await api.request(method, path, **kwargs)
    assert 400 <= response.status_code < 500, (path, response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_wrong_content_type_and_huge_numbers_in_bodies(api: Api) -> None:
    as_form = await api.post(
        "/api/v1/vendors",
        content=b"name=x",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert 400 <= as_form.status_code < 500
    huge = await api.post(
        "/api/v1/transfers",
        json={
            "vendor_id": 10**30,
            "exporter_role": "controller",
            "destination_country": "US",
            "mechanism": "dpf",
        },
    )
    assert 400 <= huge.status_code < 500, huge.text
    array = await api.post("/api/v1/vendors", json=[1, 2, 3])
    assert array.status_code == 400
