"""Run the command line with ``python -m coursereview``."""

from coursereview.cli import run

run()
