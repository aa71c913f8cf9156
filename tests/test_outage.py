"""5xx means the database is down, and says when to retry; the client's own faults are 4xx."""

from __future__ import annotations

import socket
from dataclasses import replace
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy.exc import DataError, DBAPIError

from transfers.app import create_app
from transfers.common.problem_handlers import EXCEPTION_HANDLERS
from transfers.settings import Settings


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


REQUESTS = [
    ("GET", "/api/v1/vendors"),
    ("GET", "/api/v1/vendors/1"),
    ("POST", "/api/v1/vendors"),
    ("PATCH", "/api/v1/vendors/1"),
    ("DELETE", "/api/v1/transfers/1"),
    ("GET", "/api/v1/compliance"),
    ("GET", "/api/v1/exports"),
    ("GET", "/api/v1/calendar-feeds/sometoken/feed.ics"),
]


@pytest.mark.parametrize("url", ["postgresql+asyncpg://transfers@127.0.0.1:{port}/transfers"])
async def test_every_request_is_a_503_with_retry_after_while_postgresql_is_down(url: str) -> None:
    settings = replace(Settings(), database_url=url.format(port=_closed_port()))
    async with AsyncTestClient(app=create_app(settings)) as client:
        for method, path in REQUESTS:
            response = await client.request(
                method,
                path,
                headers={"Authorization": "Bearer tr_whatever", "If-Match": '"1"'},
                json={"name": "x"} if method in {"POST", "PATCH"} else None,
            )
            assert response.status_code == 503, (method, path, response.text)
            assert response.headers["retry-after"].isdigit()
            assert response.json()["type"].endswith("database-unavailable")


class _Orig(Exception):
    def __init__(self, message: str, sqlstate: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("message", "sqlstate", "status"),
    [
        ("value too long for type character varying(200)", "22001", 422),
        ("invalid byte sequence for encoding UTF8: 0x00", "22021", 422),
        ("value out of int32 range", "22003", 400),
        ("duplicate key value violates unique constraint", "23505", 409),
        ("terminating connection due to administrator command", "57P01", 503),
        ("the database system is starting up", "57P03", 503),
    ],
)
async def test_database_errors_are_classified_by_whose_fault_they_are(
    message: str, sqlstate: str, status: int
) -> None:
    request: Any = type("R", (), {"url": type("U", (), {"path": "/api/v1/x"})()})()
    for kind in (DBAPIError, DataError):  # asyncpg's class-22 errors arrive as DataError
        error = kind("INSERT ...", {}, _Orig(message, sqlstate))
        response = EXCEPTION_HANDLERS[kind](request, error)
        assert response.status_code == status, kind
        assert ("Retry-After" in (response.headers or {})) == (status == 503)
