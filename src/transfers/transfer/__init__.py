"""Transfers of personal data to vendors in destination countries (GDPR Chapter V)."""
