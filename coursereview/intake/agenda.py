"""Read an agenda as people write it, the same for YAML, JSON and the Word form: dates, time ranges, instructor names.

- A session without a date takes the date of the session above it (a day's date typed on its
  first row only). The Word form does this itself, because a day heading row may stand between.
- A time range in one cell or value (``8:00 - 10:00 AM``) gives the start and the end.
- An instructor without an id gets one made from the name ("Karen Olson, MMC": ``karen-olson``).
- A session names its instructors by id or by name, with designations ("Karen Olson, MMC" is one
  person), several joined by commas, "and", "&", ";" or new lines; each becomes its id.

What cannot be read stays as it was typed, so that the schema and the rules report it at its place.
Every value made here is located where the value it comes from was typed, and listed in
``SourceMap.derived``.
"""

from __future__ import annotations

import re
from typing import Any

from coursereview.intake.document import Document
from coursereview.location import SourceMap
from coursereview.parsing import clean, parse_time, split_time_range

# Compiled when first used (instructors named by id never need them): the re module keeps them.
_DESIGNATION = r"^(?:[A-Z][A-Z.\-]{1,9}|Ph\.?\s?D\.?|Ed\.?\s?D\.?|Esq\.?|Jr\.?|Sr\.?)$"
_JOINS = r"\s+(?:and|&)\s+|\s*&\s*"  # re.IGNORECASE
_ID_CHARS = re.compile(r"[^a-z0-9]+")


def read_agenda(document: Document) -> Document:
    """Return ``document`` with its sessions and instructors read as people write them (see the module)."""
    data, sources = document.data, document.sources
    people = _give_ids(data.get("instructors"), sources)
    ids = set(people.values())
    sessions = data.get("sessions")
    if not isinstance(sessions, list):
        return document
    above: tuple[Any, tuple] | None = None  # the last date given, and its path
    for i, item in enumerate(sessions):
        if not isinstance(item, dict):
            continue
        if sources.style != "form":
            above = _carry_date(item, ("sessions", i), above, sources)
        _split_range(item, ("sessions", i), sources)
        _name_instructors(item, ("sessions", i), people, ids, sources)
    return document


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())  # str.strip() drops no-break spaces too


def _carry_date(item: dict[str, Any], path: tuple, above: tuple[Any, tuple] | None,
                sources: SourceMap) -> tuple[Any, tuple] | None:
    """Give ``item`` the date above it when it has none; return the date the next session would take."""
    if not _blank(item.get("date")):
        return item["date"], (*path, "date")
    if above is not None:
        _derive(item, (*path, "date"), above[0], sources.value(above[1]), sources)
    return above


def _split_range(item: dict[str, Any], path: tuple, sources: SourceMap) -> None:
    """Read a range such as ``8:00 - 10:00 AM`` written as the start (or as the end, the start left empty)."""
    start, end = item.get("start"), item.get("end")
    if pair := _range(start):
        item["start"] = pair[0]
        if _blank(end):
            _derive(item, (*path, "end"), pair[1], sources.value((*path, "start")), sources)
    elif (pair := _range(end)) and _blank(start):
        item["end"] = pair[1]
        _derive(item, (*path, "start"), pair[0], sources.value((*path, "end")), sources)


_RANGE_WORD = re.compile("-|\u2013|\u2014|to|til", re.IGNORECASE)  # what a range has and a single time has not


def _range(value: Any) -> tuple[str, str] | None:
    if not isinstance(value, str) or not _RANGE_WORD.search(value):
        return None  # the usual case, decided without parsing
    if _blank(value) or parse_time(value) is not None:
        return None
    return split_time_range(value)


def _derive(item: dict[str, Any], path: tuple, value: Any, where: Any, sources: SourceMap) -> None:
    """Set ``item``'s value at ``path`` (its last key) to one the reader made, located at ``where``."""
    item[path[-1]] = value
    sources.values[path] = where
    sources.derived.add(path)


def make_id(name: str) -> str | None:
    """Return the instructor id made from a name: "Karen Olson, MMC" -> ``karen-olson`` (None for no name)."""
    before = clean(name).split(",")[0]
    ident = _ID_CHARS.sub("-", before.lower()).strip("-")
    return ident or None


def _key(text: str) -> str:
    return clean(text).lower()


def _give_ids(instructors: Any, sources: SourceMap) -> dict[str, str]:
    """Give an id to each instructor who has a name but no id; return what a session may call each one by.

    The lookup maps (in lower case) every id, full name and name without its designations to the id.
    """
    people: dict[str, str] = {}
    if not isinstance(instructors, list):
        return people
    for i, item in enumerate(instructors):
        if not isinstance(item, dict):
            continue
        name = item.get("name")
        if _blank(item.get("id")) and isinstance(name, str) and (made := make_id(name)):
            _derive(item, ("instructors", i, "id"), made, sources.value(("instructors", i, "name")), sources)
        ident = item.get("id")
        if not isinstance(ident, str) or not clean(ident):
            continue
        ident = clean(ident)
        if isinstance(name, str) and clean(name):
            people.setdefault(_key(name), ident)
            people.setdefault(_key(name.split(",")[0]), ident)
        people[_key(ident)] = ident
    return people


def _name_instructors(item: dict[str, Any], path: tuple, people: dict[str, str], ids: set[str],
                      sources: SourceMap) -> None:
    """Replace a session's instructors (text or a list) by their ids, one per person named."""
    value = item.get("instructors")
    if isinstance(value, list) and all(isinstance(v, str) and v in ids for v in value):
        return  # the usual case in YAML: a list of the instructors' ids
    if isinstance(value, str):
        given = [(value, sources.value((*path, "instructors")))]
    elif isinstance(value, list):
        given = [(v, sources.value((*path, "instructors", j))) for j, v in enumerate(value)]
    else:
        return
    found: list[tuple[Any, Any]] = []
    for text, where in given:
        if isinstance(text, str):
            found += [(people.get(_key(person), person), where) for person in split_people(text, people)]
        else:
            found.append((text, where))  # not text: the schema reports it
    if isinstance(value, list) and [v for v, _ in found] == value:
        return
    item["instructors"] = [v for v, _ in found]
    key = (*path, "instructors")
    for j in range(max(len(found), len(value) if isinstance(value, list) else 0)):
        sources.values.pop((*key, j), None)
    for j, (_, where) in enumerate(found):
        sources.values[(*key, j)] = where


def split_people(text: str, people: dict[str, str]) -> list[str]:
    """Return the people named in ``text``: known ids and names whole, then split at ; and new lines, "and", commas.

    A comma followed by a designation (MMC, CMC, PhD, Jr. ...) does not split: "Karen Olson, MMC"
    is one person. Names that are not known are returned as written, designations included.
    """
    if _key(text) in people:
        return [clean(text)]
    out: list[str] = []
    for chunk in re.split(r"[;\n]+", text):
        chunk = clean(chunk)
        if not chunk:
            continue
        if _key(chunk) in people:
            out.append(chunk)
            continue
        for part in re.split(_JOINS, chunk, flags=re.IGNORECASE):
            part = clean(part)
            if part:
                out += [part] if _key(part) in people else _comma_names(part, people)
    return out


_NAME_PARTS = 6  # comma-separated pieces one person's name may have: "Ann Author, MMC, CMC" has three


def _comma_names(text: str, people: dict[str, str]) -> list[str]:
    """Split ``text`` at commas into names, keeping known names and designations with their person."""
    pieces = [clean(p) for p in text.split(",") if clean(p)]
    out: list[str] = []
    i = 0
    while i < len(pieces):  # no known name is looked for across more than _NAME_PARTS pieces: linear in the pieces
        for j in range(min(len(pieces), i + _NAME_PARTS), i, -1):  # the longest run of pieces naming someone known
            if _key(", ".join(pieces[i:j])) in people:
                name, i = ", ".join(pieces[i:j]), j
                break
        else:
            name, i = pieces[i], i + 1
        known = _key(name) in people
        while i < len(pieces) and re.match(_DESIGNATION, pieces[i]):
            if not known:
                name = f"{name}, {pieces[i]}"
            i += 1
        out.append(name)
    return out

