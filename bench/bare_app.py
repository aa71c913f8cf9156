"""The baseline: a bare Litestar JSON endpoint with no database, auth or middleware."""

from __future__ import annotations

from litestar import Litestar, get


@get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/vendors/{vendor_id:int}")
async def vendor(vendor_id: int) -> dict[str, object]:
    return {
        "id": vendor_id,
        "name": f"Vendor {vendor_id}",
        "country": "US",
        "role": "processor",
        "status": "approved",
    }


def create_app() -> Litestar:
    return Litestar(route_handlers=[health, vendor])
