"""Vendors and their subprocessor chains."""
