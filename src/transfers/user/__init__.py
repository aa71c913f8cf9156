"""Workspace accounts: people log in with e-mail and password; machines keep API keys."""
