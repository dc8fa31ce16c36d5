"""Read YAML or JSON text into plain data that remembers where every value came from."""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from typing import Any, NoReturn

import yaml

from coursereview.errors import InputError
from coursereview.intake.document import Document
from coursereview.io import content_hash
from coursereview.location import Location, SourceMap, line_column
from coursereview.vocabulary import SCHEMA_ID

MAX_DEPTH = 32
MAX_ALIASES = 100
MAX_NODES = 100_000  # values in one file, aliases expanded: a 5,000-session program has about 60,000
MAX_EXPANDED = 4 * 1024 * 1024  # characters of text (keys and values) the data may hold once aliases are expanded

_STD = "tag:yaml.org,2002:"
_STR = _STD + "str"
_ALLOWED_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}
_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\Z")
_NULL = {"", "~", "null", "Null", "NULL"}
_NUMBER_START = frozenset("+-.0123456789")  # what an integer or a decimal number (below) starts with
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


def parse_text(raw: bytes, file: str, json_syntax: bool = False, schema_id: str | None = SCHEMA_ID) -> Document:
    """Decode and parse submission bytes; raise InputError with file:line:col on any problem.

    ``schema_id`` is the value the ``schema`` key must have when present (None: not checked).
    """
    sha = content_hash(raw)
    text = decode(raw, file)
    if not text.strip():
        raise InputError(Location(file, 1, 1), "file is empty")
    if json_syntax:
        data = _parse_json(text, file)
        try:
            _, sources, _ = _parse_yaml(text, file)  # JSON is YAML; reuse its marks for locations
        except InputError:
            sources = SourceMap(file)
        check_text(data, (), sources)
    else:
        data, sources, bad = _parse_yaml(text, file)  # the reader checks the text as check_text does
        if bad is not None:
            _refuse(bad[1], sources.value(bad[0]))
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
    data, _, _ = _parse_yaml(decode(raw, file), file, frozenset(keys))
    return data if isinstance(data, dict) else {}


_BAD_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def check_text(value: Any, path: tuple, sources: SourceMap) -> None:
    """Refuse control characters and lone surrogates, even when written as escapes (\\e, \\u0000).

    Every intake (YAML, JSON, a Word form) passes its data through this, whatever the source.
    """
    if isinstance(value, str):
        bad = _BAD_CHAR.search(value)
        if bad:
            _refuse(bad.group(), sources.value(path))
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, path, sources)
            check_text(item, path + (key,), sources)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            check_text(item, path + (i,), sources)


def _refuse(character: str, where: Location) -> NoReturn:
    raise InputError(where, f"character U+{ord(character):04X} is not allowed in text")


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


def _parse_yaml(text: str, file: str, until: frozenset[str] = frozenset()) -> tuple[Any, SourceMap, Any]:
    """Build plain data in one pass over the parser's events (no YAML objects are ever constructed).

    With ``until``, stop once the top-level mapping holds every one of those keys. Return the data,
    where each value came from, and (path, character) for the first text ``check_text`` would refuse.
    """
    sources = SourceMap(file)
    try:
        loader = _Loader(text)  # the pure-Python reader checks every character here
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, file) from None
    try:
        # Of the characters check_text refuses, YAML's reader admits U+0085 alone (a line break): any other in
        # the text stops the parse with a ReaderError. So only where the text holds U+0085 can a plain or
        # single-quoted scalar hold such a character; elsewhere only an escape in double quotes can.
        builder = _Builder(sources, until, search_all=not until and "\x85" in text)
        return builder.build(loader), sources, builder.bad
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
_TAGS = _ALLOWED_TAGS | {None, "!"}  # a node's tag: none, the non-specific "!", or one of the standard ones
_SCALAR, _ALIAS = yaml.ScalarEvent, yaml.AliasEvent
_MAPPING, _SEQUENCE = yaml.MappingStartEvent, yaml.SequenceStartEvent
_MAPPING_END, _SEQUENCE_END = yaml.MappingEndEvent, yaml.SequenceEndEvent
_DOCUMENT, _STREAM_END = yaml.DocumentStartEvent, yaml.StreamEndEvent


class _Builder:
    """Turn a YAML event stream into dicts, lists and scalars, recording where each value starts.

    ``bad`` is set to (path, character) for the first text (a key or a string value, in reading
    order) that holds a character ``check_text`` refuses: the same text, the same path. Only a
    double-quoted scalar can hold a character its source text does not (an escape such as ``\\e``),
    so the others are searched only when ``search_all``: the source text holds such a character.
    """

    def __init__(self, sources: SourceMap, until: frozenset[str] = frozenset(), search_all: bool = True) -> None:
        self.sources = sources
        self.until = until
        self.search_all = search_all
        self.root: Any = _NO_KEY
        self.bad: tuple[tuple, str] | None = None

    def build(self, loader: Any) -> Any:
        """Return the document's data; every event is taken in one loop (a value costs what it must).

        The container being filled is in local variables (its path, whether it is a mapping, the
        key whose value comes next); ``stack`` holds every open container with what its anchor
        needs: (container, path, anchor, values and text size when it began). Each value's place is
        recorded as the parser's mark, made a Location only if it is read (LocationTable).
        """
        file, keys, values = self.sources.file, self.sources.keys.marks, self.sources.values.marks
        until, bad_char, search_all = self.until, _BAD_CHAR.search, self.search_all
        stack: list[tuple[Any, tuple, str | None, int, int]] = []
        anchors: dict[str, tuple[Any, int, int]] = {}  # name -> (value, values in it, text size)
        container: Any = None  # the open container (None: the document itself)
        mapping = False
        here: tuple = ()  # the open container's path
        key: Any = _NO_KEY  # in a mapping: the key just read, whose value comes next
        keypath: tuple = ()
        bad: tuple[tuple, str] | None = None
        documents = nodes = aliases = size = 0  # size: characters of keys and scalar values, aliases expanded
        get_event = loader.get_event
        while True:
            event = get_event()
            kind = event.__class__
            if kind is _SCALAR or kind is _ALIAS or kind is _MAPPING or kind is _SEQUENCE:
                where = event.start_mark
                if mapping and key is _NO_KEY:  # a mapping's key
                    if kind is not _SCALAR:
                        raise InputError(_loc(file, where), "a mapping key must be plain text")
                    key = event.value  # a str, as every scalar's value
                    if key == "<<" and not event.style:
                        raise InputError(_loc(file, where), "YAML merge keys ('<<') are not supported; write the "
                                         "keys out")
                    if key in container:
                        raise InputError(_loc(file, where), f"duplicate key {key!r}")
                    keypath = here + (key,)
                    keys[keypath] = where
                    size += len(key)
                    if bad is None and (search_all or event.style == '"') and bad_char(key):
                        bad = (here, bad_char(key).group())  # type: ignore[union-attr]
                    continue
                if mapping:
                    path = keypath
                elif container is None:
                    path = ()
                else:
                    path = here + (len(container),)
                values[path] = where
                nodes += 1
                if nodes > MAX_NODES:
                    raise InputError(_loc(file, where), f"more than {MAX_NODES} values; the file is too large to "
                                     "check")
                if kind is _ALIAS:
                    aliases += 1
                    if aliases > MAX_ALIASES:
                        raise InputError(_loc(file, where), f"more than {MAX_ALIASES} YAML aliases")
                    if event.anchor not in anchors:
                        raise InputError(_loc(file, where), f"unknown or recursive YAML alias *{event.anchor}")
                    value, count, length = anchors[event.anchor]
                    nodes += count
                    size += length
                    if nodes > MAX_NODES or size > MAX_EXPANDED:
                        raise InputError(_loc(file, where), "YAML aliases expand to too much data")
                elif event.tag not in _TAGS:
                    raise InputError(_loc(file, where), f"YAML tag {event.tag!r} is not allowed")
                elif kind is _SCALAR:
                    text, style = event.value, event.style
                    if style or event.tag == _STR or not (text in _NULL or text in _BOOL or text[0] in _NUMBER_START):
                        value = text  # what _scalar returns for it, known without the call
                    else:
                        value = _scalar(event)
                    size += len(text)
                    if event.anchor:
                        anchors[event.anchor] = (value, 1, len(text))
                    if bad is None and (search_all or style == '"') and value.__class__ is str and bad_char(value):
                        bad = (path, bad_char(value).group())  # type: ignore[union-attr]
                else:
                    if len(stack) >= MAX_DEPTH:
                        raise InputError(_loc(file, where), f"nesting deeper than {MAX_DEPTH} levels")
                    value = {} if kind is _MAPPING else []
                if mapping:
                    container[key] = value
                    key = _NO_KEY
                elif container is None:
                    self.root = value
                else:
                    container.append(value)
                if kind is _MAPPING or kind is _SEQUENCE:
                    stack.append((value, path, event.anchor, nodes, size))
                    container, here, mapping = value, path, kind is _MAPPING
            elif kind is _MAPPING_END or kind is _SEQUENCE_END:
                done, _, anchor, start, begun = stack.pop()
                if anchor:
                    anchors[anchor] = (done, nodes - start, size - begun)
                container, here = stack[-1][:2] if stack else (None, ())
                mapping, key = container.__class__ is dict, _NO_KEY
            elif kind is _DOCUMENT:
                documents += 1
                if documents > 1:
                    raise InputError(_loc(file, event.start_mark), "more than one YAML document; a submission is "
                                     "one document")
            elif kind is _STREAM_END:
                break
            if until and len(stack) == 1 and mapping and key is _NO_KEY and until <= container.keys():
                break
        if self.root is _NO_KEY:
            raise InputError(Location(file, 1, 1), "file is empty")
        self.bad = bad
        return self.root


def _scalar(event: yaml.ScalarEvent) -> Any:
    """Resolve a scalar like YAML 1.2's core schema: times and dates stay text for the schema."""
    value = event.value
    if event.style or event.tag == _STR:
        return value
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if value[0] not in _NUMBER_START:  # not empty: "" is null
        return value
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
