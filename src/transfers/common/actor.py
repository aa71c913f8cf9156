"""Who is acting: the shared kernel's, because the audit trail records it and authentication
resolves it (kept here, neither package needs the other)."""

from __future__ import annotations

import msgspec


class Actor(msgspec.Struct, frozen=True):
    """Who is calling: resolved from the bearer key or the session, recorded in the audit trail."""

    key_id: int | None
    name: str
    role: str

    @property
    def label(self) -> str:
        return self.name
