"""``python -m transfers.cli``."""

from transfers.cli import run

run()
