"""Workspace fixtures: people with accounts, and a browser-like client that logs in."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import SYSTEM
from transfers.app import create_app
from transfers.db import session_factory
from transfers.settings import Settings
from transfers.user.service import create_user

PASSWORD = "correct-horse-battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class People:
    legal: str = "laura@example.com"
    procurement: str = "pekka@example.com"
    admin: str = "aino@example.com"


@pytest.fixture
async def people(engine: AsyncEngine) -> People:
    people = People()
    async with session_factory(engine)() as s:
        for role in ("legal", "procurement", "admin"):
            await create_user(
                s,
                email=getattr(people, role),
                name=role.title() + " Person",
                role=role,
                password=PASSWORD,
                actor=SYSTEM,
                language="en",
            )
        await s.commit()
    return people


class Browser:
    """A cookie-keeping client that fills forms the way a person's browser would."""

    def __init__(self, client: AsyncTestClient[Litestar]) -> None:
        self.client = client
        self.client.headers["accept-language"] = "en-GB,en;q=0.8"
        self.csrf = ""

    async def get(self, url: str) -> httpx.Response:
        response = await self.client.get(url, follow_redirects=False)
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    async def post(self, url: str, data: dict[str, str], *, csrf: bool = True) -> httpx.Response:
        body = dict(data)
        if csrf:
            body.setdefault("csrf_token", self.csrf)
        return await self.client.post(url, data=body, follow_redirects=False)

    async def login(self, email: str, password: str = PASSWORD) -> httpx.Response:
        await self.get("/login")
        return await self.post("/login", {"email": email, "password": password})


@pytest.fixture
async def browser(app: Litestar) -> AsyncIterator[Browser]:
    async with AsyncTestClient(app=app) as client:
        yield Browser(client)


@pytest.fixture
async def second_browser(settings: Settings) -> AsyncIterator[Browser]:
    """Another person at another desk: their own app instance (as with a second worker)."""
    async with AsyncTestClient(app=create_app(settings)) as client:
        yield Browser(client)
