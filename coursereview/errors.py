"""Exceptions for input the tool cannot use at all; the CLI turns each into one line and exit 2."""

from __future__ import annotations

from coursereview.location import Location


class CourseReviewError(Exception):
    """Base class: something the user can fix; ``str()`` is the one line to show."""

    exit_code = 2


class InputError(CourseReviewError):
    """A file cannot be read as a submission (encoding, syntax, size, hostile content)."""

    def __init__(self, location: Location | str, message: str) -> None:
        self.location = location if isinstance(location, Location) else Location(location)
        self.message = message
        super().__init__(f"{self.location}: {message}")


class CriteriaError(CourseReviewError):
    """A criteria set is unknown or invalid."""


class OutputError(CourseReviewError):
    """An output file cannot be written (exists without --force, directory missing, ...)."""
