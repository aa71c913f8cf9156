"""Pieces every domain shares: problem details, pagination, audit snapshots, field types."""
