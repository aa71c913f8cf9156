"""Security headers on every response, one charset, no feed token in access logs, and the last
admin key kept."""

from __future__ import annotations

import logging

import pytest

from tests.conftest import Api
from transfers.common.headers import RedactFeedTokens, one_charset

EXPECTED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/api/v1/vendors", "legal"),  # a 200
        ("/api/v1/vendors", None),  # a 401 problem
        ("/api/v1/vendors/424242", "legal"),  # a 404 problem
        ("/api/v1/nowhere", "legal"),  # the router's 404
        ("/health", None),
        ("/api/v1/exports?format=csv", "legal"),
    ],
)
async def test_every_response_carries_security_headers(
    api: Api, path: str, role: str | None
) -> None:
    response = await api.get(path, role=role)
    for name, value in EXPECTED.items():
        assert response.headers[name] == value, (path, name)
    if path.startswith("/api/"):
        assert response.headers["cache-control"] == "no-store"
        assert "sandbox" in response.headers["content-security-policy"]
    assert response.headers["content-type"].lower().count("charset") <= 1


async def test_csv_export_and_calendar_feed_have_one_charset(api: Api) -> None:
    csv = await api.get("/api/v1/exports", params={"format": "csv"})
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    feed = await api.post("/api/v1/calendar-feeds", json={"owner": "dpo@example.com"})
    assert feed.status_code == 201, feed.text
    got = await api.get(feed.json()["url"].split("127.0.0.1:8000")[-1], role=None)
    assert got.status_code == 200
    assert got.headers["content-type"] == "text/calendar; charset=utf-8"


def test_one_charset_keeps_the_first() -> None:
    assert one_charset(b"text/csv; charset=utf-8; charset=utf-8") == b"text/csv; charset=utf-8"
    assert one_charset(b"application/json") == b"application/json"


def test_feed_tokens_are_redacted_from_access_logs() -> None:
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/api/v1/calendar-feeds/tok_SECRET123/feed.ics", "1.1", 200),
        None,
    )
    assert RedactFeedTokens().filter(record)
    assert "SECRET" not in record.getMessage()
    assert "/api/v1/calendar-feeds/***/feed.ics" in record.getMessage()


def test_the_app_installs_the_redaction_on_uvicorn_s_access_log(api: Api) -> None:
    assert any(isinstance(f, RedactFeedTokens) for f in logging.getLogger("uvicorn.access").filters)


async def test_the_last_active_admin_key_cannot_be_revoked_through_the_api(api: Api) -> None:
    keys = (await api.get("/api/v1/keys", role="admin")).json()
    items = keys["items"] if isinstance(keys, dict) else keys
    admin = next(k for k in items if k["role"] == "admin" and k["revoked_at"] is None)
    refused = await api.post(f"/api/v1/keys/{admin['id']}/revoke", role="admin")
    assert refused.status_code == 409, refused.text
    assert refused.json()["type"].endswith("last-admin-key")
    assert (await api.get("/api/v1/vendors", role="admin")).status_code == 200
    second = await api.post("/api/v1/keys", json={"name": "backup", "role": "admin"}, role="admin")
    assert second.status_code == 201, second.text
    revoked = await api.post(f"/api/v1/keys/{admin['id']}/revoke", role="admin")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
