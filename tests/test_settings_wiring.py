"""Limits come from the ``Settings`` handed to ``create_app``, not from the environment at import
time: an app built with a small upload limit refuses a larger upload, and one built with the
key cache off sees a revocation made elsewhere at once."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Api, Database
from transfers.settings import Settings

TEMPLATES = "/api/v1/document-templates"
LIMIT = 8192


@pytest.fixture
def settings(db: Database) -> Settings:
    return replace(
        Settings(),
        database_url=db.url,
        db_pool_size=5,
        max_upload_bytes=LIMIT,
        auth_cache_seconds=0,
    )


async def test_upload_limit_is_the_apps_setting(api: Api) -> None:
    def upload(size: int) -> dict[str, object]:
        return {
            "data": {"kind": "dpa", "language": "en"},
            "files": {"file": ("t.docx", b"x" * size, "application/octet-stream")},
        }

    too_big = await api.post(TEMPLATES, **upload(LIMIT * 2))
    assert too_big.status_code == 413
    assert too_big.headers["content-type"].startswith("application/problem+json")
    within = await api.post(TEMPLATES, **upload(LIMIT // 4))
    assert within.status_code == 422  # read and judged (not a DOCX), not refused for its size


async def test_key_cache_off_sees_a_revocation_made_elsewhere(
    api: Api, engine: AsyncEngine
) -> None:
    assert (await api.get("/api/v1/vendors", role="admin")).status_code == 200
    async with engine.begin() as conn:  # as another process (the CLI) would revoke it
        await conn.execute(
            text("UPDATE api_key SET revoked_at = CURRENT_TIMESTAMP WHERE name = 'admin-key'")
        )
    assert (await api.get("/api/v1/vendors", role="admin")).status_code == 401
