"""Vendor intake: procurement asks, the rules engine pre-checks, legal decides (issue 12)."""
