"""The baseline for reads: a bare Litestar app doing one ORM get of a vendor row from the same
database, with a pool sized like the real app's and nothing else (no auth, no audit, no
problem mapping). Ratios against it say what the product costs over the stack itself."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar, get
from litestar.exceptions import NotFoundException

from transfers.db import create_engine, session_factory
from transfers.models import Vendor
from transfers.settings import Settings


def create_app() -> Litestar:
    settings = Settings(
        database_url=os.environ["TRANSFERS_DATABASE_URL"],
        db_pool_size=int(os.environ.get("TRANSFERS_DB_POOL_SIZE", "16")),
    )
    engine = create_engine(settings)
    sessions = session_factory(engine)

    @get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @get("/vendors/{vendor_id:int}")
    async def vendor(vendor_id: int) -> dict[str, object]:
        async with sessions() as session:
            row = await session.get(Vendor, vendor_id)
            if row is None:
                raise NotFoundException()
            return {
                "id": row.id,
                "name": row.name,
                "country": row.country,
                "role": row.role,
                "status": row.status,
            }

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    return Litestar(route_handlers=[health, vendor], lifespan=[lifespan])
