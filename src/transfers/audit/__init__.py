"""Append-only audit trail of register changes."""
