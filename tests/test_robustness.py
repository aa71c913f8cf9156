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


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 1000 + b"]" * 1000,
        b'{"name": ' + b'{"a": ' * 1000 + b"1" + b"}" * 1000 + b"}",
        b'{"name": "x", "notes": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ],
    ids=["array-1000", "object-1000", "array-100000"],
)
async def test_deeply_nested_json_is_a_400(api: Api, body: bytes) -> None:
    before = (await api.get("/api/v1/vendors")).json()["total"]
    for path in ("/api/v1/vendors", "/api/v1/transfers"):
        response = await api.post(path, content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, (path, response.status_code, response.text[:300])
        assert response.headers["content-type"].startswith("application/problem+json")
    assert (await api.get("/api/v1/vendors")).json()["total"] == before


@pytest.mark.parametrize(
    "body",
    [
        b'{"name": "Acme \xff", "country": "FI", "role": "processor"}',
        b'{"name": "Acme \xed\xa0\x80", "country": "FI", "role": "processor"}',
        b'{"name": "\xc3", "country": "FI", "role": "processor"}',
    ],
    ids=["invalid byte", "encoded surrogate", "truncated sequence"],
)
async def test_a_json_body_that_is_not_utf8_is_a_400_and_changes_nothing(
    api: Api, body: bytes
) -> None:
    """Issue 22: invalid UTF-8 inside a JSON string came out as a 500."""
    response = await api.post(
        "/api/v1/vendors", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"].endswith(":malformed-body")
    assert (await api.get("/api/v1/vendors")).json()["total"] == 0
