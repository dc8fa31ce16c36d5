"""How findings speak the input's language: YAML keys and 24-hour times, or the Word form's rows, columns and "8:30 AM".

Every message and hint a provider reads names a value the way the file they wrote names it
(``SourceMap.style``: "yaml" for YAML and JSON, "form" for a Word form), numbers sessions and
instructors from 1, and never mentions a command-line option.
"""

from __future__ import annotations

import datetime as dt

from coursereview.location import Path, SourceMap, format_path

FORM = "form"
_ITEMS = {"sessions": "session", "instructors": "instructor"}


def is_form(sources: SourceMap) -> bool:
    """Return whether ``sources`` comes from a Word form (else from YAML or JSON)."""
    return sources.style == FORM


def clock(time: dt.time | None, style: str) -> str:
    """Return a time of day as the input writes it: ``13:30`` in YAML, ``1:30 PM`` on the Word form."""
    if time is None:
        return "?"
    if style != FORM:
        return time.strftime("%H:%M")
    return f"{(time.hour - 1) % 12 + 1}:{time.minute:02d} {'PM' if time.hour >= 12 else 'AM'}"


def day(date: dt.date | None, style: str) -> str:
    """Return a date as the input writes it: ``2027-07-12`` in YAML, ``7/12/2027`` (US order) on the Word form."""
    if date is None:
        return "?"
    return f"{date.month}/{date.day}/{date.year}" if style == FORM else date.isoformat()


def name(sources: SourceMap, path: Path) -> str:
    """Return how the input names the value at ``path``, quoted: ``'End date'`` (form), ``'end' of session 6`` (YAML).

    Items of the sessions and instructors lists are numbered from 1, as people count them.
    """
    path = tuple(path)
    if path in sources.labels:
        return repr(sources.labels[path])
    if len(path) >= 2 and path[0] in _ITEMS and isinstance(path[1], int):
        item = f"{_ITEMS[path[0]]} {path[1] + 1}"
        return f"{format_path(path[2:])!r} of {item}" if path[2:] else item
    return repr(format_path(path))


def add(sources: SourceMap, path: Path, what: str = "") -> str:
    """Return the hint to give the value at ``path``: ``add 'area': ...`` (YAML), ``fill in "Area": ...`` (form)."""
    path = tuple(path)
    rest = f": {what}" if what else ""
    label = sources.labels.get(path) if is_form(sources) else None
    if label:
        return f'fill in "{label}"{rest}'
    return f"add '{path[-1]}'{rest}"


def listing(sources: SourceMap, key: str) -> str:
    """Return how the input names one of its lists: ``'instructors'`` in YAML, ``the instructors table`` on the form."""
    return f"the {key} table" if is_form(sources) else f"'{key}'"


def place(sources: SourceMap, path: Path) -> str:
    """Return where the value at ``path`` is, briefly: ``line 80`` in YAML, ``sessions table, row 7`` on the form."""
    location = sources.value(path)
    if location.where:
        return location.where
    return f"line {location.line}" if location.line is not None else location.file
