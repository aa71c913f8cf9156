"""Upload routes take their body limit from the app's ``Settings``, not from the environment
at import time: a route marks itself with ``opt=UPLOAD`` and ``create_app`` applies the limit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from litestar import Litestar

UPLOAD: Final[dict[str, Any]] = {"upload": True}


def apply_upload_limit(app: Litestar, max_bytes: int) -> None:
    """Set ``max_bytes`` as the body limit of every handler marked with ``UPLOAD``.

    Controllers hand Litestar a copy of each handler, so this touches this app only.
    """
    for route in app.routes:
        for handler in getattr(route, "route_handlers", ()):
            if handler.opt.get("upload"):
                handler.request_max_body_size = max_bytes
