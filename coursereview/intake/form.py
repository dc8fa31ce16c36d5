"""Read a filled-in Word form (.docx) into the same plain data as the YAML loader, with table/row/column locations."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coursereview.errors import InputError
from coursereview.intake.agenda import read_agenda
from coursereview.intake.document import Document
from coursereview.intake.fields import EXAMPLE_MARK, INSTRUCTORS, PROGRAM, PROVIDER, SESSIONS, Field, example_text
from coursereview.io import content_hash, read_bytes
from coursereview.location import Location, SourceMap
from coursereview.parsing import clean, parse_date, time_text
from coursereview.vocabulary import SCHEMA_ID
from coursereview.word import PLACEHOLDER
from coursereview.word.reader import Row, read_tables
from coursereview.word.safety import MAX_FILE

# Other words people use for a column or row label (normalised: lower case, before any parenthesis).
_ALIASES = {
    "sessions": {"day": "date", "from": "start", "begin": "start", "start time": "start", "time": "start",
                 "times": "start", "to": "end",
                 "finish": "end", "end time": "end", "type": "kind", "session": "title", "session title": "title",
                 "curriculum area": "area", "presenter": "instructors", "presenters": "instructors",
                 "speaker": "instructors", "speakers": "instructors", "instructor": "instructors",
                 "learning objectives": "objectives", "content": "description"},
    "instructors": {"instructor id": "id", "instructor": "name", "presenter": "name", "title": "position",
                    "qualification": "qualifications"},
    "provider": {"name": "name", "provider": "name", "director": "director.name", "email": "director.email",
                 "phone": "director.phone", "associations": "association"},
    "program": {"title": "title", "program": "title", "criteria": "criteria", "start": "start", "end": "end",
                "assessment": "assessment", "program kind": "kind", "year": "part"},
}
_FIELDS = {"provider": PROVIDER, "program": PROGRAM, "instructors": INSTRUCTORS, "sessions": SESSIONS}
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u00b7\u2013\u25aa\u25e6]|\d{1,2}[.)])\s+")
_HEADER_ROWS = 3  # the header row is looked for among a table's first rows (a caption row may sit above it)
_NEEDED = {"sessions": ("date", "start", "end", "title"), "instructors": ("id", "name")}


@dataclass(frozen=True)
class _Table:
    """A form table found in the document: what it holds, its column fields and its rows of cell text."""

    name: str  # provider | program | instructors | sessions
    label: str  # how locations name it: "sessions table" (or "sessions table 2" when split)
    columns: tuple[Field | None, ...]  # per grid column (column tables only)
    rows: tuple[tuple[int, Row], ...]  # (row number below the header, the row)


def read_form(path: str | Path) -> Document:
    """Return the submission in a filled-in coursereview Word form as plain data with its source map."""
    path = Path(path)
    return read_form_bytes(read_bytes(path, MAX_FILE), str(path))


def read_form_bytes(raw: bytes, name: str) -> Document:
    """Return the submission in the Word form ``raw`` (named ``name`` in messages) as plain data."""
    tables = _find_tables(read_tables(raw, name), name)
    if not tables:
        raise InputError(name, "no coursereview form tables found (provider, program, instructors, sessions); "
                               "start from a blank coursereview form ('coursereview new' makes one)")
    sources = SourceMap(name, style="form")
    sources.values[()] = Location(name)
    data: dict[str, Any] = {"schema": SCHEMA_ID}
    for kind in ("provider", "program"):
        for table in (t for t in tables if t.name == kind):
            data[kind] = _read_fields(table, data.get(kind, {}), sources, name)
    for kind in ("instructors", "sessions"):
        found = [t for t in tables if t.name == kind]
        if not found:
            continue
        items: list[dict[str, Any]] = []
        sources.values[(kind,)] = Location(name, where=f"{kind} table")
        for table in found:
            _read_rows(table, items, sources, name)
        data[kind] = items
    return read_agenda(Document(data, sources, name, content_hash(raw)))


# --- finding the form's tables ------------------------------------------------------------------


def _norm(text: str) -> str:
    """Return a label as compared: lower case, before any parenthesis, without stars and colons."""
    return clean(text.split("(")[0]).lower().strip(" *:").strip()


def _field_for(kind: str, label: str) -> Field | None:
    key = _norm(label)
    if not key:
        return None
    alias = _ALIASES[kind].get(key)
    for f in _FIELDS[kind]:
        if key in (f.label.lower(), ".".join(f.path), f.key.replace("_", " ")) or alias == ".".join(f.path):
            return f
    return None


def _find_tables(grids: list[list[Row]], name: str) -> list[_Table]:
    """Return the form tables among ``grids``; refuse a document whose sessions or instructors table lost its header."""
    found: list[_Table] = []
    near: dict[str, tuple[int, set[str]]] = {}  # kind -> (table number, the kind's columns its best row has)
    for number, rows in enumerate(grids, 1):
        table = _classify(rows)
        if isinstance(table, _Table):
            found.append(table)
        else:
            for kind, keys in table.items():
                near.setdefault(kind, (number, keys))
    for kind, (number, keys) in near.items():
        if not any(t.name == kind for t in found):
            has = ", ".join(f.label for f in _FIELDS[kind] if f.key in keys)
            lacks = ", ".join(f'"{f.label}"' for f in _FIELDS[kind] if f.key in _NEEDED[kind] and f.key not in keys)
            raise InputError(name, f"no {kind} table found: table {number} has {kind} columns ({has}) but none "
                                   f"of its first {_HEADER_ROWS} rows names the columns {lacks}; keep the form's "
                                   "header row")
    counts = {t.name: sum(1 for u in found if u.name == t.name) for t in found}
    numbered: dict[str, int] = {}
    out = []
    for t in found:
        if counts[t.name] > 1:
            numbered[t.name] = numbered.get(t.name, 0) + 1
            t = _Table(t.name, f"{t.name} table {numbered[t.name]}", t.columns, t.rows)
        out.append(t)
    return out


def _classify(rows: list[Row]) -> _Table | dict[str, set[str]]:
    """Return the form table these rows make, else the columns found in tables that look like one but lack some.

    The header row is the first of the first _HEADER_ROWS rows that names a form table; only
    caption rows (one text at most, such as "Sessions of the 2027 Institute") may sit above it.
    """
    near: dict[str, set[str]] = {}
    for h, row in enumerate(rows[:_HEADER_ROWS]):
        if h and len(set(rows[h - 1].own().values())) > 1:
            break  # the row above is data, not a caption: the header is not further down
        header = row.cells
        if not header:
            continue
        first = _norm(header[0])
        if first in ("provider", "program") or (len(header) == 2 and first in ("field", "item")):
            kind = first if first in ("provider", "program") else _guess_field_table(rows[h:])
            if kind:
                return _Table(kind, f"{kind} table", (), tuple(enumerate(rows[h + 1:], 1)))
            continue
        for kind, needed in _NEEDED.items():
            columns = tuple(_field_for(kind, text) for text in header)
            keys = {f.key for f in columns if f}
            if set(needed) <= keys:
                repeated = _norm_row(header)  # a table split across pages repeats its header row
                body_rows = tuple((n, r) for n, r in enumerate(rows[h + 1:], 1)
                                  if not (r.cells and _norm(r.cells[0]) == repeated[0]
                                          and _norm_row(r.cells) == repeated))
                return _Table(kind, f"{kind} table", columns, _without_example(columns, body_rows))
            if len(keys) >= 3 and kind not in near:
                near[kind] = keys
    return near


def _without_example(columns: tuple[Field | None, ...],
                     rows: tuple[tuple[int, Row], ...]) -> tuple[tuple[int, Row], ...]:
    """Return ``rows`` without the form's example note and example row, numbered from the row after them.

    The example row is the one right under the note (EXAMPLE_MARK) while every cell still holds
    the example's text; typed over, it is the director's first row. Its Area cell is not
    compared, as the form shows the area by the title its criteria set gives it.
    """
    if not rows or not rows[0][1].single or not " ".join(rows[0][1].cells[0].split()).startswith(EXAMPLE_MARK):
        return rows
    skip = 2 if len(rows) > 1 and _is_example(columns, rows[1][1]) else 1
    start = rows[skip - 1][0]
    return tuple((n - start, row) for n, row in rows[skip:])


def _is_example(columns: tuple[Field | None, ...], row: Row) -> bool:
    cells = [*row.cells, *[""] * len(columns)]
    return all(" ".join(cells[i].split()) == example_text(f, {})
               for i, f in enumerate(columns) if f and f.kind != "area")


def _norm_row(row: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_norm(c) for c in row)


def _guess_field_table(rows: list[Row]) -> str | None:
    labels = [r.cells[0] for r in rows[1:] if r.cells]
    score = {k: sum(1 for label in labels if _field_for(k, label)) for k in ("provider", "program")}
    best = max(score, key=lambda k: score[k])
    return best if score[best] >= 2 else None


# --- values ---------------------------------------------------------------------------------------


def _read_fields(table: _Table, into: dict[str, Any], sources: SourceMap, file: str) -> dict[str, Any]:
    """Read a two-column label/value table into ``into`` (provider or program).

    Every field's row is located and labelled even when its answer is empty, so that a finding
    about a missing value names the row ('program table, row "End date"') and the form's label.
    """
    kind = table.name
    sources.values.setdefault((kind,), Location(file, where=table.label))
    _label_fields(kind, sources)
    for _number, row in table.rows:
        cells = row.cells
        if not cells:
            continue
        label = clean(cells[0].splitlines()[0]) if cells[0] else ""  # a second line holds the form's help text
        text = "\n".join(c for c in cells[1:] if c).strip()
        f = _field_for(kind, label)
        if f is None:
            if not text or not _norm(label):
                continue
            path: tuple[str, ...] = (re.sub(r"\W+", "_", _norm(label)).strip("_") or "field",)  # S001
            sources.labels[(kind, *path)] = label.split("(")[0].strip()
            value: Any = clean(text)
        else:
            path = f.path
            value = _convert(f, text)
        where = Location(file, where=f'{table.label}, row "{f.label if f else label.split("(")[0].strip()}"')
        for depth in range(1, len(path) + 1):
            sources.values.setdefault((kind, *path[:depth]), where)  # an empty row still says where it is
        if value is None:
            continue
        target: dict[str, Any] = into
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = value
        sources.values[(kind, *path)] = where
        sources.keys[(kind, *path)] = where
        if isinstance(value, list):
            for i in range(len(value)):
                sources.values[(kind, *path, i)] = where
    return into


def _label_fields(kind: str, sources: SourceMap, prefix: tuple = ()) -> None:
    """Label the values of a ``kind`` table (at ``prefix``, e.g. a row's item) by the form's words."""
    fields = _FIELDS[kind]
    for f in fields:
        sources.labels[(kind, *prefix, *f.path)] = f.label
        parent = f.path[:-1]
        if parent:  # a group such as the director: named by its required rows
            members = [g.label for g in fields if g.path[:-1] == parent]
            required = [g.label for g in fields if g.path[:-1] == parent and g.need == "required"]
            sources.labels[(kind, *prefix, *parent)] = " and ".join(required or members)


def _read_rows(table: _Table, items: list[dict[str, Any]], sources: SourceMap, file: str) -> None:
    """Append one item per row of a column table (instructors or sessions) that holds one.

    Skipped: empty rows, rows whose only text continues a vertical merge from above (a date
    merged down into spare rows) and rows that are one cell merged across the table (a caption
    or a day heading). A session whose Date cell is empty takes the date above it, as agendas
    are written: the date of the row above, or of the day heading above (a heading that is no
    date, such as "Day one", gives none).
    """
    kind = table.name
    # per column with a field: its number, field, key, and its values so far by their text (see _LISTS)
    columns: list[tuple[int, Field, str, dict[str, Any] | None]] = [
        (i, f, f.key, None if f.kind in _LISTS else {}) for i, f in enumerate(table.columns) if f]
    read = {i for i, *_ in columns}
    labels = _row_labels(kind)
    above: tuple[Any, Location] | None = None  # the date the rows below take, and where it was typed
    for number, row in table.rows:
        own = row.own()
        if row.single:
            day = parse_date(next(iter(own.values()), None))
            above = (day.isoformat(), Location(file, where=f"{table.label}, row {number}")) if day else None
            continue
        if read.isdisjoint(own):
            continue
        texts = row.cells
        cells = [(column, texts[column[0]].strip()) for column in columns if column[0] < len(texts)]
        index = len(items)
        item: dict[str, Any] = {}
        at = f"{table.label}, row {number}"
        sources.values[(kind, index)] = Location(file, where=at)
        for path, label in labels:
            sources.labels[(kind, index, *path)] = label
        if above and any(key == "date" and not text for (_, _, key, _), text in cells):
            item["date"] = above[0]
            sources.values[(kind, index, "date")] = above[1]
            sources.derived.add((kind, index, "date"))
        for (_, f, key, memo), text in cells:
            if memo is None:
                value = _convert(f, text)
            elif text in memo:
                value = memo[text]
            else:
                value = memo[text] = _convert(f, text)
            where = Location(file, where=f'{at}, column "{f.label}"')
            if value is None or key in item:
                sources.values.setdefault((kind, index, key), where)  # an empty cell still says where it is
                continue
            item[key] = value
            sources.values[(kind, index, key)] = where
            sources.keys[(kind, index, key)] = where
            if isinstance(value, list):
                for i in range(len(value)):
                    sources.values[(kind, index, key, i)] = where
            if key == "date":
                above = (value, where)
        items.append(item)


# kinds whose value may be a list, made anew for each cell (an item's list may be changed); the others are
# converted once per column and text, as a program's sessions repeat their dates, times and levels
_LISTS = ("lines", "names")


def _row_labels(kind: str) -> list[tuple[tuple[str, ...], str]]:
    """Return the labels ``_label_fields`` gives a row's values, by their path below the row, in the order it does."""
    scratch = SourceMap("")
    _label_fields(kind, scratch)
    return [((*path[1:],), label) for path, label in scratch.labels.items()]


def _convert(f: Field, text: str) -> Any:
    """Return the plain value for a cell's text; None when empty. What cannot be read passes through.

    Dates and times are written the standard way (a time that may be morning or afternoon, such
    as 1:15, stays as typed: see ``parsing.time_text``); the instructors are left as typed, for
    ``intake.agenda`` to read the same way as in YAML.
    """
    if f.kind == "lines":
        items = [clean(_BULLET.sub("", line)) for line in text.splitlines()]
        return [i for i in items if i] or None
    if f.kind == "names":
        items = [clean(i) for i in re.split(r"[;\n]", text) if clean(i)]
        return None if not items else items[0] if len(items) == 1 else items
    if f.kind == "ids":
        return text.strip() or None
    value = clean(text)
    if not value or value == PLACEHOLDER:  # a dropdown's "Choose…" turned into plain text by some program
        return None
    if f.kind == "date":
        day = parse_date(value)
        return day.isoformat() if day else value
    if f.kind == "time":
        return time_text(value) or value
    if f.kind == "part":
        m = re.fullmatch(r"(?:part|year)?\s*(\d{1,3})", value, re.IGNORECASE)
        return int(m[1]) if m else value
    if f.kind == "choice":
        lowered = value.lower()
        for candidate in (lowered, lowered.replace(" ", "-"), lowered.replace("-", "")):
            if candidate in f.choices:
                return candidate
        return value
    return value
