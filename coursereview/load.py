"""Read a YAML or JSON submission into plain data that remembers where every value came from."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

import yaml

from coursereview.errors import InputError
from coursereview.location import Location, SourceMap

SCHEMA_ID = "coursereview/submission@1"
MAX_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 32
MAX_ALIASES = 100
MAX_NODES = 100_000

_STD = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "merge")}
_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\Z")
_NULL = {"", "~", "null", "Null", "NULL"}
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


@dataclass(frozen=True)
class Document:
    """Plain data (dicts, lists, str, int, float, bool, None) with its source map and hash."""

    data: dict[str, Any]
    sources: SourceMap
    file: str
    sha256: str


def load_document(path: str | FsPath) -> Document:
    """Return the plain data of a submission file (.yaml, .yml, .json or .docx)."""
    path = FsPath(path)
    name = str(path)
    if path.suffix.lower() == ".docx":
        from coursereview.intake_docx import read_form  # imported lazily: pulls in python-docx

        return read_form(path)
    raw = read_bytes(path)
    return parse_text(raw, name, json_syntax=path.suffix.lower() == ".json")


def read_bytes(path: FsPath, limit: int = MAX_BYTES) -> bytes:
    """Return the bytes of ``path``, refusing missing, special and oversized files."""
    name = str(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise InputError(name, "not a regular file")
        if size > limit:
            raise InputError(name, f"file is {_size(size)}; the limit for a submission is {_size(limit)}")
        with path.open("rb") as fh:
            raw = fh.read(limit + 1)
    except FileNotFoundError:
        raise InputError(name, "no such file") from None
    except IsADirectoryError:
        raise InputError(name, "is a directory, not a file") from None
    except PermissionError:
        raise InputError(name, "permission denied") from None
    if len(raw) > limit:
        raise InputError(name, f"file is larger than the limit of {_size(limit)}")
    return raw


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
    if not isinstance(data, dict):
        raise InputError(
            Location(file, 1, 1),
            "the top level must be a mapping with keys such as 'schema', 'provider', 'program', 'sessions'",
        )
    if schema_id is not None and data.get("schema", schema_id) != schema_id:
        raise InputError(
            sources.value(("schema",)), f"unknown schema {data['schema']!r}; this version reads {schema_id!r}"
        )
    return Document(data, sources, file, sha)


def decode(raw: bytes, file: str) -> str:
    """Return ``raw`` decoded as UTF-8 (a UTF-8 byte-order mark is dropped)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(Location(file, 1, 1), "file is UTF-16 encoded; save it as UTF-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = raw[exc.start]
        raise InputError(
            Location(file, line, column), f"invalid UTF-8 (byte 0x{byte:02X}); save the file as UTF-8"
        ) from None


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MiB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KiB"


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
    if _depth(data) > MAX_DEPTH:
        raise InputError(Location(file, 1, 1), f"nesting deeper than {MAX_DEPTH} levels")
    return data


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _find_key(text: str, key: str) -> tuple[int, int]:
    """Return line, column of the second occurrence of ``"key":`` in JSON text (best effort)."""
    hits = [m.start() for m in re.finditer(re.escape(json.dumps(key)) + r"\s*:", text)]
    pos = hits[1] if len(hits) > 1 else (hits[0] if hits else 0)
    return text.count("\n", 0, pos) + 1, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


# --- YAML ------------------------------------------------------------------------------------


class _Composer(yaml.SafeLoader):
    """A SafeLoader used only to compose nodes, with bounds on aliases and nesting."""

    def __init__(self, stream: str, file: str) -> None:
        super().__init__(stream)
        self.file = file
        self.aliases = 0
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise InputError(_loc(self.file, self.peek_event().start_mark), f"more than {MAX_ALIASES} YAML aliases")
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                where = _loc(self.file, self.peek_event().start_mark)
                raise InputError(where, f"nesting deeper than {MAX_DEPTH} levels")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _loc(file: str, mark: Any) -> Location:
    return Location(file, mark.line + 1, mark.column + 1)


def _parse_yaml(text: str, file: str) -> tuple[Any, SourceMap]:
    try:
        loader = _Composer(text, file)  # the reader checks every character here
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, file) from None
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        location = _loc(file, mark) if mark else Location(file, 1, 1)
        if mark is not None and mark.index < len(text) and text[mark.index] == "\t":
            raise InputError(location, "tab character in indentation; YAML must be indented with spaces") from None
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(location, f"invalid YAML: {problem}") from None
    except yaml.reader.ReaderError as exc:
        raise _reader_error(exc, text, file) from None
    finally:
        loader.dispose()
    if node is None:
        raise InputError(Location(file, 1, 1), "file is empty")
    sources = SourceMap(file)
    budget = [MAX_NODES]
    return _convert(node, (), sources, budget), sources


def _reader_error(exc: yaml.reader.ReaderError, text: str, file: str) -> InputError:
    line = text.count("\n", 0, exc.position) + 1
    column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(exc.character)
    return InputError(Location(file, line, column), f"control character U+{code:04X} is not allowed in YAML")


def _convert(node: Any, path: tuple, sources: SourceMap, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise InputError(_loc(sources.file, node.start_mark), "YAML aliases expand to too much data")
    if node.tag not in _ALLOWED_TAGS:
        raise InputError(_loc(sources.file, node.start_mark), f"YAML tag {node.tag!r} is not allowed")
    sources.values[path] = _loc(sources.file, node.start_mark)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError(_loc(sources.file, key_node.start_mark), "a mapping key must be plain text")
            key = str(key_node.value)
            if key in out:
                raise InputError(_loc(sources.file, key_node.start_mark), f"duplicate key {key!r}")
            sources.keys[path + (key,)] = _loc(sources.file, key_node.start_mark)
            out[key] = _convert(value_node, path + (key,), sources, budget)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), sources, budget) for i, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.ScalarNode) -> Any:
    """Resolve a scalar like YAML 1.2's core schema: times and dates stay text for the schema."""
    value = node.value
    if node.style is not None or node.tag == _STD + "str":
        return value
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    return value
