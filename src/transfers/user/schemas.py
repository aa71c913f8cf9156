"""What the workspace knows about who is logged in."""

from __future__ import annotations

from dataclasses import dataclass

from transfers.auth.schemas import Actor

LANGUAGES = ("fi", "en")


@dataclass(frozen=True, slots=True)
class WebIdentity:
    """The logged-in person behind a request, with the CSRF token bound to their session."""

    user_id: int
    session_id: int
    email: str
    name: str
    role: str
    language: str
    csrf_token: str

    @property
    def actor(self) -> Actor:
        """Recorded in the audit trail as the person's e-mail (unique, unlike names)."""
        return Actor(key_id=None, name=self.email, role=self.role)

    @property
    def can_write(self) -> bool:
        return self.role in ("admin", "legal")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"
