"""API keys, roles and the authentication middleware."""
