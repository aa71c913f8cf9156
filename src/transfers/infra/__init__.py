"""The speed devices, behind one door.

Every device that makes a read fast without changing its answer lives here, so the domain
packages read as plain queries over a session and can be changed without learning them:

- :mod:`.fetch`: one way to read a statement; it picks the connection (a SQLite side
  connection on the loop's thread, a PostgreSQL autocommit pool, or the session).
- :mod:`.probe`: the register version read without the request's session.
- :mod:`.cache`: the one cache of things computed from the register, keyed by the register
  version and dropped with the engine (:mod:`.state`).
- :mod:`.marks`: the session listeners that tell whether a session has written (its reads then
  bypass every cache) or already checked the register version.
- :mod:`.gc`: cyclic GC paused around register-wide work, and the heap settled after warm-up.
- :mod:`.forked`: a register-wide evaluation split over two cores.

``tests/test_layering.py`` checks that no module outside this package (and ``db.py``, the app,
the CLI) imports ``gc``, forks, or reaches for the database engine of a session.
"""
