"""The web workspace: server-rendered pages on the same services as the API."""
