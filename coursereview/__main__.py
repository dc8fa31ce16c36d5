"""Run the command line with ``python -m coursereview``."""

from coursereview.cli import main

main(prog_name="coursereview")
