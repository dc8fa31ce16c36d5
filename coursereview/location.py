"""Structured locations: a data path into a submission and where it sits in the source file."""

from __future__ import annotations

import re
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Protocol

from coursereview.records import record

Path = tuple  # e.g. ("sessions", 3, "end")


def format_path(path: Path) -> str:
    """Return the display form of a data path: ``("sessions", 3, "end")`` -> ``sessions[3].end``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def line_column(text: str | bytes, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of ``offset`` in ``text`` (in bytes when ``text`` is bytes)."""
    if isinstance(text, bytes):
        return text.count(b"\n", 0, offset) + 1, offset - text.rfind(b"\n", 0, offset)
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def _natural(text: str) -> tuple:
    """Return ``text`` as a key in which numbers compare as numbers ("row 8" before "row 60")."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


@record
class Location:
    """Where a value sits: a text file's line and column, or a place in a Word form."""

    file: str
    line: int | None = None
    column: int | None = None
    where: str | None = None  # e.g. 'sessions table, row 7, column "End"'

    def __init__(self, file: str, line: int | None = None, column: int | None = None, where: str | None = None) -> None:
        # Written out (a record's own __init__ takes any fields): the YAML reader makes two per value it reads.
        object.__setattr__(self, "__dict__", {"file": file, "line": line, "column": column, "where": where})

    def __str__(self) -> str:
        if self.where:
            return f"{self.file}: {self.where}"
        if self.line is not None:
            return f"{self.file}:{self.line}:{self.column or 1}"
        return self.file

    def sort_key(self) -> tuple:
        """Return a key that orders by file, then line and column, or by table and row number."""
        return (self.file, self.line or 0, self.column or 0, _natural(self.where or ""))


class Mark(Protocol):
    """A place in a text as a parser marks it (a YAML parser's marks are): 0-based line and column."""

    line: int
    column: int


class LocationTable(MutableMapping[Path, Location]):
    """Locations by data path, each made when it is first read: a mapping of paths to Locations.

    A text file's reader records where each of its thousands of values starts, and a check reads a
    few dozen of those places: making a Location for each would cost a fifth of reading the file.
    So a reader may record a place in ``marks``, the table's own dict, as its parser's Mark (in the
    table's ``file``); reading that entry makes it a Location, once. Every other use is that of an
    ordinary mapping, in the order the entries were made.
    """

    __slots__ = ("file", "marks")

    def __init__(self, file: str = "") -> None:
        self.file = file
        self.marks: dict[Path, Location | Mark] = {}

    def __getitem__(self, path: Path) -> Location:
        entry = self.marks[path]
        if not isinstance(entry, Location):
            entry = self.marks[path] = Location(self.file, entry.line + 1, entry.column + 1)
        return entry

    def __setitem__(self, path: Path, location: Location) -> None:
        self.marks[path] = location

    def __delitem__(self, path: Path) -> None:
        del self.marks[path]

    def __contains__(self, path: object) -> bool:
        return path in self.marks

    def __iter__(self) -> Iterator[Path]:
        return iter(self.marks)

    def __len__(self) -> int:
        return len(self.marks)

    def __repr__(self) -> str:
        return repr(dict(self.items()))


@dataclass
class SourceMap:
    """Locations of every value (and every mapping key) in one loaded document.

    Keys are data paths. ``values[path]`` is where the value starts; ``keys[path]`` is where the
    key naming it starts (used for unknown-key findings). Lookups fall back to the nearest
    ancestor, so a finding about a missing field points at the mapping that lacks it.
    ``labels[path]`` is how the source names a value when that is not its data path (a Word
    form's "End date"); ``style`` says how the source writes values ("yaml", or "form" for a
    Word form), so that hints can say how to write them there. ``derived`` holds the paths of
    values the reader made rather than read (a date carried down from the row above, an id made
    from a name); their location is where the value they come from was typed. ``values`` and
    ``keys`` are LocationTables: a reader of text records its places there as marks.
    """

    file: str
    values: LocationTable = field(default_factory=LocationTable)
    keys: LocationTable = field(default_factory=LocationTable)
    labels: dict[Path, str] = field(default_factory=dict)
    style: str = "yaml"
    derived: set[Path] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.values.file = self.keys.file = self.file  # the file of every Location the tables make

    def value(self, path: Path) -> Location:
        """Return the location of the value at ``path`` (or of its nearest located ancestor)."""
        return self._nearest(self.values, tuple(path))

    def key(self, path: Path) -> Location:
        """Return the location of the key naming ``path``, else of its value."""
        path = tuple(path)
        if path in self.keys:
            return self.keys[path]
        return self.value(path)

    def label(self, path: Path) -> str:
        """Return how the source names the value at ``path``: its label, else the data path's display form."""
        path = tuple(path)
        return self.labels.get(path) or format_path(path)

    def _nearest(self, table: LocationTable, path: Path) -> Location:
        while path:
            if path in table:
                return table[path]
            path = path[:-1]
        return table.get((), Location(self.file, 1, 1))
