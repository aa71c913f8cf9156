"""Headers every response carries, and access logs that never show a calendar-feed token.

A ``before_send`` hook rather than per-route headers, so that problem responses, 404s from the
router and downloads get them too.
"""

from __future__ import annotations

import logging
import re
from typing import Final

from litestar.types import Message, Scope

SECURITY_HEADERS: Final = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"no-referrer",
    b"cross-origin-opener-policy": b"same-origin",
    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
}
#: API responses hold register data: not stored by caches, not framed, no active content.
API_HEADERS: Final = {
    b"cache-control": b"no-store",
    b"content-security-policy": b"default-src 'none'; frame-ancestors 'none'; sandbox",
}
_CHARSET: Final = re.compile(rb";\s*charset=[^;]*", re.IGNORECASE)


def one_charset(content_type: bytes) -> bytes:
    """Keep the first ``charset`` parameter only (``text/csv; charset=utf-8; charset=utf-8``)."""
    found: list[bytes] = _CHARSET.findall(content_type)
    if len(found) < 2:
        return content_type
    return _CHARSET.sub(b"", content_type) + found[0]


async def security_headers(message: Message, scope: Scope) -> None:
    """A ``before_send`` hook (it sees every response, also the router's 404s and problems
    raised in middleware): adds :data:`SECURITY_HEADERS`, and :data:`API_HEADERS` under /api/,
    never overriding a header the handler set, and leaves one charset per Content-Type."""
    if message["type"] != "http.response.start":
        return
    extra = SECURITY_HEADERS | (API_HEADERS if scope["path"].startswith("/api/") else {})
    headers: list[tuple[bytes, bytes]] = []
    for name, value in message.get("headers", []):
        headers.append((name, one_charset(value) if name.lower() == b"content-type" else value))
    present = {name.lower() for name, _ in headers}
    headers += [(k, v) for k, v in extra.items() if k not in present]
    message["headers"] = headers


_FEED_TOKEN: Final = re.compile(r"(/calendar-feeds/)[^/?\s]+")


class RedactFeedTokens(logging.Filter):
    """A calendar-feed URL is its own credential: access logs show ``/calendar-feeds/***``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _FEED_TOKEN.sub(r"\1***", a) if isinstance(a, str) else a for a in record.args
            )
        elif isinstance(record.msg, str):
            record.msg = _FEED_TOKEN.sub(r"\1***", record.msg)
        return True


def redact_access_logs(*names: str) -> None:
    """Install :class:`RedactFeedTokens` once on each logger (uvicorn's access log by default)."""
    for name in names or ("uvicorn.access",):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactFeedTokens) for f in logger.filters):
            logger.addFilter(RedactFeedTokens())


__all__ = ["RedactFeedTokens", "redact_access_logs", "security_headers"]
