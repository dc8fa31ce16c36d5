"""Shared pieces of the command line: the exit codes (one exception class each) and the register options."""

from __future__ import annotations

import errno
import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from coursereview.errors import CourseReviewError

if TYPE_CHECKING:
    from coursereview.documents.profile import Profile
from coursereview.staff import DEFAULT_DB
from coursereview.wording import shown

F = TypeVar("F", bound=Callable[..., Any])


class Fail(click.ClickException):
    """A failure the user can fix: printed as one line on stderr, exit 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(shown(self.format_message()), err=True)  # it may quote a file name or a value: no escapes


class _Quiet(click.ClickException):
    """The end of a command that has printed its result already: show nothing more, exit ``exit_code``."""

    def __init__(self) -> None:
        super().__init__("")

    def show(self, file: Any = None) -> None:
        pass


class Failed(_Quiet):
    """Exit 1: the input was read and judged, and it fails; the output has said why.

    Not approvable, warned under --strict, or a criteria file with problems.
    """

    exit_code = 1


class Unreadable(_Quiet):
    """Exit 2: some input could not be read; each one has said why on stderr."""

    exit_code = 2


class Interrupted(click.ClickException):
    """Exit 130 (as a shell reports Ctrl-C): stopped by the user; says "interrupted" on stderr."""

    exit_code = 130

    def __init__(self) -> None:
        super().__init__("interrupted")

    def show(self, file: Any = None) -> None:
        click.echo(self.format_message(), err=True)


def end_with(code: int) -> None:
    """End the command with the library's outcome ``code`` (0 pass, 1 fails, 2 unreadable) through its class."""
    if code == 1:
        raise Failed()
    if code == 2:
        raise Unreadable()
    if code:
        raise ValueError(f"no exit status class for outcome {code}")


def one_line_errors(func: F) -> F:
    """Turn the library's errors into one line on stderr and exit 2, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            try:
                return func(*args, **kwargs)
            finally:
                sys.stdout.flush()  # here, not at exit: a full disk must be reported like any other failure
        except CourseReviewError as exc:
            raise Fail(str(exc)) from None
        except KeyboardInterrupt:
            raise Interrupted() from None
        except OSError as exc:
            if exc.errno not in _OUTPUT_FAILED:
                raise
            _discard_stdout()
            raise Fail(f"cannot write the output: {exc.strerror or exc}") from None

    return wrapper  # type: ignore[return-value]


# Standard output could not take what was written (``> /dev/full``, a full disk or quota, a device error).
# A closed pipe (EPIPE, as in ``| head``) is left to click, which ends quietly as a pipeline expects.
_OUTPUT_FAILED = {errno.ENOSPC, errno.EIO, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _discard_stdout() -> None:
    """Point standard output at the null device, so that what is still buffered cannot fail again at exit."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (a test runner's buffer)
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, fd)
    finally:
        os.close(null)


CRITERIA_HELP = "Judge by this criteria set: a shipped id, id@version, or a criteria YAML file."

DB_HELP = "The decision register (SQLite). Default: coursereview.db here, or $COURSEREVIEW_DB."


def db_option(help: str = DB_HELP) -> Callable[[F], F]:
    """Return the --db option: None when neither --db nor $COURSEREVIEW_DB is given (see ``register_path``)."""
    return click.option("--db", "db", metavar="PATH", envvar="COURSEREVIEW_DB", default=None, show_envvar=True,
                        help=help)


def register_path(db: str | None) -> str:
    """Return the register a command records into: the one given, else coursereview.db here."""
    if db == "":
        raise Fail("--db: give the path of the decision register")
    return db or DEFAULT_DB


def register_to_read(db: str | None) -> str | None:
    """Return the register a reading command uses, or None when the default one does not exist.

    A register named with --db or $COURSEREVIEW_DB must exist: a typo must not read as "no decision".
    """
    if db is None:
        return DEFAULT_DB if Path(DEFAULT_DB).exists() else None
    if not Path(register_path(db)).exists():
        raise Fail(f"{db}: no such decision register")
    return db


PROFILE_HELP = ("The organisation profile (YAML) whose letterhead, contact facts, signatory and date style the "
                "document carries. Default: $COURSEREVIEW_PROFILE, else IIMC's Education Department.")


def profile_option(shipped_as_none: bool = False) -> Callable[[F], F]:
    """Return the --profile option of every command that writes a document: the loaded Profile, checked at once.

    With ``shipped_as_none`` the shipped profile is given as None (the library's default) and is
    read only if a document is written: `batch` with nothing to redo never reads it.
    """
    callback = _named_profile if shipped_as_none else _load_profile
    return click.option("--profile", "profile", metavar="FILE", envvar="COURSEREVIEW_PROFILE", show_envvar=True,
                        default=None, callback=callback, help=PROFILE_HELP)


def _named_profile(ctx: click.Context, param: click.Parameter, value: str | None) -> Profile | None:
    """Return the profile named by --profile or $COURSEREVIEW_PROFILE, or None when neither names one."""
    return _load_profile(ctx, param, value) if value else None


def _load_profile(ctx: click.Context, param: click.Parameter, value: str | None) -> Profile:
    """Return the profile named by --profile or $COURSEREVIEW_PROFILE (the shipped one when neither is given)."""
    from coursereview.documents.profile import load_profile

    try:
        return load_profile(value or None)
    except CourseReviewError as exc:
        raise Fail(f"cannot use the profile: {exc}") from None
