"""Read YAML or JSON text into plain data that remembers where every value came from."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection
from typing import Any

import yaml

from coursereview.errors import InputError
from coursereview.intake.document import Document
from coursereview.location import Location, SourceMap, line_column
from coursereview.vocabulary import SCHEMA_ID

MAX_DEPTH = 32
MAX_ALIASES = 100
MAX_NODES = 100_000  # values in one file, aliases expanded: a 5,000-session program has about 60,000
MAX_EXPANDED = 4 * 1024 * 1024  # characters of text (keys and values) the data may hold once aliases are expanded

_STD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}
_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\Z")
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


def parse_text(raw: bytes, file: str, json_syntax: bool = False, schema_id: str | None = SCHEMA_ID) -> Document:
    """Decode and parse submission bytes; raise InputError with file:line:col on any problem.

    ``schema_id`` is the value the ``schema`` key must have when present (None: not checked).
    """
    sha = hashlib.sha256(raw).hexdigest()
    text = decode(raw, file)
    if not text.strip():
        raise InputError(Location(file, 1, 1), "file is empty")
    if json_syntax:
        data = _parse_json(text, file)
        try:
            _, sources = _parse_yaml(text, file)  # JSON is YAML; reuse its marks for locations
        except InputError:
            sources = SourceMap(file)
    else:
        data, sources = _parse_yaml(text, file)
    check_text(data, (), sources)
    if not isinstance(data, dict):
        keys = "'schema', 'provider', 'program', 'sessions'" if schema_id == SCHEMA_ID else "'id', 'version', 'rules'"
        raise InputError(Location(file, 1, 1), f"the top level must be a mapping with keys such as {keys}")
    if schema_id is not None and data.get("schema", schema_id) != schema_id:
        raise InputError(
            sources.value(("schema",)), f"unknown schema {data['schema']!r}; this version reads {schema_id!r}"
        )
    return Document(data, sources, file, sha)


def parse_head(raw: bytes, file: str, keys: Collection[str]) -> dict[str, Any]:
    """Return the top-level mapping of the YAML ``raw``, read only as far as it takes to hold all of ``keys``.

    What is read is read as ``parse_text`` reads it (an InputError for a problem in it); what
    follows the last of ``keys`` is neither read nor checked. A key the file lacks makes it read
    the whole mapping. Not a mapping: an empty dict.
    """
    data, _ = _parse_yaml(decode(raw, file), file, frozenset(keys))
    return data if isinstance(data, dict) else {}


_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def check_text(value: Any, path: tuple, sources: SourceMap) -> None:
    """Refuse control characters and lone surrogates, even when written as escapes (\\e, \\u0000).

    Every intake (YAML, JSON, a Word form) passes its data through this, whatever the source.
    """
    if isinstance(value, str):
        bad = _BAD_CHAR.search(value)
        if bad:
            raise InputError(sources.value(path), f"character U+{ord(bad.group()):04X} is not allowed in text")
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, path, sources)
            check_text(item, path + (key,), sources)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_text(item, path + (i,), sources)


def decode(raw: bytes, file: str) -> str:
    """Return ``raw`` decoded as UTF-8 (a UTF-8 byte-order mark is dropped)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(Location(file, 1, 1), "file is UTF-16 encoded; save it as UTF-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = raw[exc.start]
        location = Location(file, *line_column(raw, exc.start))
        raise InputError(location, f"invalid UTF-8 (byte 0x{byte:02X}); save the file as UTF-8") from None


# --- JSON ------------------------------------------------------------------------------------


def _parse_json(text: str, file: str) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise _DuplicateKey(key)
            out[key] = value
        return out

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise InputError(Location(file, exc.lineno, exc.colno), f"invalid JSON: {exc.msg}") from None
    except _DuplicateKey as exc:
        where = _find_key(text, exc.key)
        raise InputError(Location(file, *where), f"duplicate key {exc.key!r}") from None
    except RecursionError:
        raise InputError(Location(file, 1, 1), f"nesting deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # a number with thousands of digits
        raise InputError(Location(file, 1, 1), f"invalid JSON: {exc}") from None
    if _depth(data) > MAX_DEPTH:
        raise InputError(Location(file, 1, 1), f"nesting deeper than {MAX_DEPTH} levels")
    if _count(data) > MAX_NODES:
        raise InputError(Location(file, 1, 1), f"more than {MAX_NODES} values; the file is too large to check")
    return data


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _find_key(text: str, key: str) -> tuple[int, int]:
    """Return line, column of the second occurrence of ``"key":`` in JSON text (best effort)."""
    hits = [m.start() for m in re.finditer(re.escape(json.dumps(key)) + r"\s*:", text)]
    pos = hits[1] if len(hits) > 1 else (hits[0] if hits else 0)
    return line_column(text, pos)


def _count(value: Any) -> int:
    """Return how many values ``value`` holds, itself included (keys are not counted)."""
    count, todo = 0, [value]
    while todo:
        item = todo.pop()
        count += 1
        if isinstance(item, dict):
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return count


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


# --- YAML ------------------------------------------------------------------------------------


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's C parser when installed


def _loc(file: str, mark: Any) -> Location:
    return Location(file, mark.line + 1, mark.column + 1)


def _parse_yaml(text: str, file: str, until: frozenset[str] = frozenset()) -> tuple[Any, SourceMap]:
    """Build plain data in one pass over the parser's events (no YAML objects are ever constructed).

    With ``until``, stop once the top-level mapping holds every one of those keys.
    """
    sources = SourceMap(file)
    try:
        loader = _Loader(text)  # the pure-Python reader checks every character here
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, file) from None
    try:
        return _Builder(sources, until).build(loader), sources
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, file) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        location = _loc(file, mark) if mark else Location(file, 1, 1)
        if mark is not None and mark.index < len(text) and text[mark.index] == "\t":
            raise InputError(location, "tab character in indentation; YAML must be indented with spaces") from None
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(location, f"invalid YAML: {problem}") from None
    finally:
        loader.dispose()


def _reader_error(exc: yaml.reader.ReaderError, text: str, file: str) -> InputError:
    code = exc.character if isinstance(exc.character, int) else ord(exc.character)
    location = Location(file, *line_column(text, exc.position))
    return InputError(location, f"control character U+{code:04X} is not allowed in YAML")


_NO_KEY = object()


class _Frame:
    __slots__ = ("container", "path", "key", "anchor", "start", "size")

    def __init__(self, container: Any, path: tuple, anchor: str | None, start: int, size: int) -> None:
        self.container, self.path, self.key, self.anchor = container, path, _NO_KEY, anchor
        self.start, self.size = start, size  # nodes and text size when the container began


class _Builder:
    """Turn a YAML event stream into dicts, lists and scalars, recording where each value starts."""

    def __init__(self, sources: SourceMap, until: frozenset[str] = frozenset()) -> None:
        self.sources = sources
        self.until = until
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int, int]] = {}  # name -> (value, values in it, text size)
        self.nodes = 0
        self.aliases = 0
        self.size = 0  # characters of keys and scalar values, aliases expanded
        self.root: Any = _NO_KEY

    def build(self, loader: Any) -> Any:
        documents = 0
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise InputError(self._at(event), "more than one YAML document; a submission is one document")
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                frame = self.stack.pop()
                if frame.anchor:
                    self.anchors[frame.anchor] = (frame.container, self.nodes - frame.start, self.size - frame.size)
            elif isinstance(event, yaml.NodeEvent):
                self._node(event)
            if self.until and len(self.stack) == 1 and self._holds_until(self.stack[0]):
                return self.root
        if self.root is _NO_KEY:
            raise InputError(Location(self.sources.file, 1, 1), "file is empty")
        return self.root

    def _holds_until(self, top: _Frame) -> bool:
        return top.key is _NO_KEY and isinstance(top.container, dict) and self.until <= top.container.keys()

    def _at(self, event: Any) -> Location:
        return _loc(self.sources.file, event.start_mark)

    def _node(self, event: Any) -> None:
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.container, dict) and top.key is _NO_KEY:
            if not isinstance(event, yaml.ScalarEvent):
                raise InputError(self._at(event), "a mapping key must be plain text")
            key = str(event.value)
            if key == "<<" and not event.style:
                raise InputError(self._at(event), "YAML merge keys ('<<') are not supported; write the keys out")
            if key in top.container:
                raise InputError(self._at(event), f"duplicate key {key!r}")
            top.key = key
            self.sources.keys[top.path + (key,)] = self._at(event)
            self.size += len(key)
            return
        if top is None:
            path: tuple = ()
        elif isinstance(top.container, dict):
            path = top.path + (top.key,)
        else:
            path = top.path + (len(top.container),)
        self.sources.values[path] = self._at(event)
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise InputError(self._at(event), f"more than {MAX_NODES} values; the file is too large to check")
        if isinstance(event, yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise InputError(self._at(event), f"more than {MAX_ALIASES} YAML aliases")
            if event.anchor not in self.anchors:
                raise InputError(self._at(event), f"unknown or recursive YAML alias *{event.anchor}")
            value, nodes, size = self.anchors[event.anchor]
            self.nodes += nodes
            self.size += size
            if self.nodes > MAX_NODES or self.size > MAX_EXPANDED:
                raise InputError(self._at(event), "YAML aliases expand to too much data")
            self._attach(top, value)
            return
        tag = event.tag
        if tag not in (None, "!") and tag not in _ALLOWED_TAGS:
            raise InputError(self._at(event), f"YAML tag {tag!r} is not allowed")
        if isinstance(event, yaml.ScalarEvent):
            value = _scalar(event)
            self._attach(top, value)
            self.size += len(event.value)
            if event.anchor:
                self.anchors[event.anchor] = (value, 1, len(event.value))
            return
        if len(self.stack) >= MAX_DEPTH:
            raise InputError(self._at(event), f"nesting deeper than {MAX_DEPTH} levels")
        container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
        self._attach(top, container)
        self.stack.append(_Frame(container, path, event.anchor, self.nodes, self.size))

    def _attach(self, top: _Frame | None, value: Any) -> None:
        if top is None:
            self.root = value
        elif isinstance(top.container, dict):
            top.container[top.key] = value
            top.key = _NO_KEY
        else:
            top.container.append(value)


def _scalar(event: yaml.ScalarEvent) -> Any:
    """Resolve a scalar like YAML 1.2's core schema: times and dates stay text for the schema."""
    value = event.value
    if event.style or event.tag == _STD + "str":
        return value
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    try:
        if _INT.match(value):
            return Int(value)
        if _FLOAT.match(value):
            return Float(value)
    except ValueError:  # more digits than Python will convert: keep the text, the schema reports it
        return value
    return value


class _KeepsText:
    """A number that remembers how it was typed: ``1300`` or ``8.30`` may be a time of day."""

    text: str

    def __new__(cls, text: str) -> _KeepsText:
        self = super().__new__(cls, text)  # type: ignore[call-arg]
        self.text = text
        return self


class Int(_KeepsText, int):
    """An integer read from YAML, with the text it was typed as."""


class Float(_KeepsText, float):
    """A decimal number read from YAML, with the text it was typed as."""
