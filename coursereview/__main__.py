"""Run the command line: ``python -m coursereview``, and the `coursereview` console script (``run``)."""

from __future__ import annotations

import atexit
import os
import sys

from coursereview.cli import main


def run() -> None:
    """Run the `coursereview` program: the console script and ``python -m coursereview``.

    A command ends with SystemExit (click's way); when nothing is left to do at exit the process
    then ends at once rather than tearing the interpreter down, which would cost a fast command
    such as validate about 15 ms, a sixth of its run (see ``_end_now``).
    """
    try:
        main(prog_name="coursereview")
    except SystemExit as done:
        _end_now(done.code)
        raise


def _end_now(code: object) -> None:
    """End the process with exit status ``code`` now, skipping the interpreter's teardown, if that loses nothing.

    That is: the status is a number (or None); no other thread runs; nothing is registered to run
    at exit (multiprocessing, weakref finalizers, coverage and logging all register); and stdout
    and stderr flush cleanly. Every file a command writes is closed before it returns. Otherwise
    return, and the caller exits the ordinary way.
    """
    if code is not None and not isinstance(code, int):
        return
    threading = sys.modules.get("threading")  # never imported: no other thread
    if threading is not None and threading.active_count() > 1:
        return
    if getattr(atexit, "_ncallbacks", lambda: 1)() or sys.flags.inspect:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    os._exit(code or 0)


if __name__ == "__main__":
    run()
