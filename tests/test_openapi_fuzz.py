"""schemathesis against every operation of the OpenAPI document, on SQLite and PostgreSQL.

Fails on any 5xx and on any response that does not match the document (status, headers, body).
The number of examples per operation is bounded (``TRANSFERS_FUZZ_EXAMPLES``, default 8) so the
run fits in a few minutes; raise it for a deeper search.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from litestar import Litestar
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import SYSTEM, Database
from transfers.app import create_app
from transfers.auth.service import create_key
from transfers.db import create_engine, session_factory
from transfers.settings import Settings

EXAMPLES = int(os.environ.get("TRANSFERS_FUZZ_EXAMPLES", "8"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


async def _admin_key(url: str) -> str:
    engine = create_engine(url=url)
    try:
        async with session_factory(engine)() as session:
            _, secret = await create_key(session, name="fuzz", role="admin", actor=SYSTEM)
            await session.commit()
    finally:
        await engine.dispose()
    return secret


@pytest.fixture(scope="module")
def fuzz_app(database: Database) -> Iterator[tuple[Litestar, str]]:
    """One app per backend for the whole module (schemathesis keeps an app's lifespan open)."""
    asyncio.run(database.reset())
    secret = asyncio.run(_admin_key(database.url))
    yield create_app(replace(Settings(), database_url=database.url, db_pool_size=2)), secret


def _run(operation: Any, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        case.call_and_validate(checks=CHECKS, headers=headers)

    check()


def test_every_operation_matches_its_openapi_and_never_5xx(
    fuzz_app: tuple[Litestar, str],
) -> None:
    app, secret = fuzz_app
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    headers = {"Authorization": f"Bearer {secret}"}
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            _run(operation, headers)
        except (Exception, BaseExceptionGroup) as exc:  # every operation's failure, not the first
            failures.append(f"{operation.label}: {exc}"[:3000])
    assert operations > 50
    assert not failures, f"{len(failures)} of {operations} operations failed:\n\n" + "\n\n".join(
        failures
    )
