"""Bulk document jobs: one document kind for many vendors, generated in the background (issue 13).

The job library is procrastinate (:mod:`.queue`): PostgreSQL-native, so any instance's worker
takes jobs deferred by any other; on the embedded SQLite default its in-memory connector runs the
same tasks in the server's own process.
"""
