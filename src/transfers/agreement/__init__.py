"""Agreements with vendors: terms, renewals, notice periods and attachments."""
