"""Shared pieces of the command line: one-line failures with the right exit code."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from coursereview.errors import CourseReviewError

F = TypeVar("F", bound=Callable[..., Any])


class Fail(click.ClickException):
    """A failure the user can fix: printed as one line on stderr, exit 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(self.format_message(), err=True)


def one_line_errors(func: F) -> F:
    """Turn the library's errors into one line on stderr and exit 2, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CourseReviewError as exc:
            raise Fail(str(exc)) from None
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


CRITERIA_HELP = "Judge by this criteria set: a shipped id, id@version, or a criteria YAML file."
