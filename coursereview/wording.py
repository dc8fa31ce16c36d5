"""How numbers and suggestions are written for people: hours, points, criteria values, "did you mean"."""

from __future__ import annotations

import itertools
from collections.abc import Iterable


def fmt(value: float) -> str:
    """Return hours or points for people: ``40.0``, ``37.5``, ``22.33``."""
    text = f"{value:.2f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def number(value: float) -> str:
    """Return a number from a criteria set for people: ``4``, ``30``, ``0.5``, ``37.5`` (no ``4.0``)."""
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return fmt(value)


MAX_CANDIDATES = 500  # did_you_mean compares a word with at most this many choices
MAX_WORD = 100  # ... and only words and choices at most this long (longer ones are not typos of a name)


def did_you_mean(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """Return "did you mean 'x'?" for the choice closest to ``word`` in any case, or None when none is close.

    ``cutoff`` is difflib's similarity ratio (0 to 1) a choice must reach. The work is bounded, since
    a hostile file may list tens of thousands of names: only the first ``MAX_CANDIDATES`` choices are
    compared, and neither a word nor a choice longer than ``MAX_WORD`` characters.
    """
    if len(word) > MAX_WORD:
        return None
    import difflib  # here: a clean submission never asks for a suggestion

    by_lower: dict[str, str] = {}
    for choice in itertools.islice(choices, MAX_CANDIDATES):
        if len(choice) <= MAX_WORD:
            by_lower.setdefault(choice.lower(), choice)
    close = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=cutoff)
    return f"did you mean {by_lower[close[0]]!r}?" if close else None
