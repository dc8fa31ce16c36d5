"""Versioned criteria sets (criteria/*.yaml): load, validate, choose by kind and date."""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from dataclasses import field
from pathlib import Path as FsPath
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

from coursereview.errors import CriteriaError, InputError
from coursereview.findings import RULES
from coursereview.intake import MAX_BYTES, Document, parse_head, parse_text, read_bytes
from coursereview.io import content_hash
from coursereview.location import format_path
from coursereview.parsing import exact
from coursereview.records import record
from coursereview.resources import criteria_dir
from coursereview.schema.adapter import flatten
from coursereview.schema.quick import quick_load
from coursereview.vocabulary import BASES, KINDS, LEVELS, SESSION_KINDS, SEVERITIES

# Every rule a criteria set may configure, with the type of its value (declared once, in the findings catalog).
RULE_TYPES: dict[str, str] = {rule.id: rule.value_type for rule in RULES.values()}


# Compiled when first used (an area given by its id or title never needs them): the re module keeps them.
_ID_FIRST = r"^([a-z][a-z0-9-]*)\b(?:\s*[-:\u2013\u2014(]|\s*$)"  # "clerk-role - Role of the Clerk"
_ID_LAST = r"\(([a-z][a-z0-9-]*)\)$"  # "Role of the Clerk (clerk-role)"


def _title_key(title: str) -> str:
    """Return an area title as people's variants of it compare: "Management & Finance" = "management and finance".

    Case, spaces, ``&`` for ``and``, a trailing parenthetical ("Role of the Clerk (technical)")
    and trailing punctuation do not count.
    """
    text = " ".join(title.lower().replace("&", " and ").split())
    end = len(text)  # strip trailing parentheticals from the right, copying nothing: linear however many there are
    while end and text[end - 1] == ")":
        opening = text.rfind("(", 0, end - 1)
        if opening < 0 or text.find(")", opening + 1, end - 1) >= 0:
            break
        end = opening
        while end and text[end - 1] == " ":
            end -= 1
    return text[:end].rstrip(" .:;")


@record
class Rule:
    """One configurable criterion: its value, how sure we are of it, and where it comes from."""

    id: str
    value: Any
    basis: str
    source: str
    severity: str  # from the basis unless the set overrides it
    note: str = ""

    @property
    def provisional(self) -> bool:
        return self.basis == "provisional"


@record
class Area:
    """A curriculum area of the criteria set."""

    id: str
    title: str
    description: str = ""
    topics: tuple[str, ...] = ()
    min_hours: float = 0.0


@record
class Points:
    """How contact hours become designation points for a participant."""

    category: str
    hours_per_point: float
    unit: float
    basis: str
    source: str


@record
class CriteriaSet:
    """A versioned, validated criteria set."""

    id: str
    version: str
    title: str
    effective_from: dt.date
    effective_until: dt.date | None
    source: dict[str, str]
    kinds: tuple[str, ...]
    hour_minutes: int
    counts: dict[str, bool]
    points: Points
    areas: tuple[Area, ...]
    rules: dict[str, Rule]
    sha256: str
    file: str
    description: str = ""
    _area_index: dict[str, Area] = field(default_factory=dict, compare=False, repr=False)
    _title_index: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def ref(self) -> str:
        """Return ``id@version``."""
        return f"{self.id}@{self.version}"

    def rule(self, rule_id: str) -> Rule | None:
        """Return the rule ``rule_id`` when this set applies it, else None."""
        return self.rules.get(rule_id)

    def area(self, area_id: str) -> Area | None:
        """Return the curriculum area ``area_id``, or None."""
        if not self._area_index:
            self._area_index.update({a.id: a for a in self.areas})
        return self._area_index.get(area_id)

    def area_id(self, text: str) -> str | None:
        """Return the id of the area ``text`` names: by id, by title as people type it, or "id - title"; else None.

        "Role of the Clerk", "role of the clerk (technical)" and "Management & Finance" all name their area.
        """
        if self.area(text) is not None:
            return text
        if not self._title_index:
            for a in self.areas:
                self._title_index.update({a.id.lower(): a.id, _title_key(a.title): a.id})
        key = " ".join(text.lower().split())
        if key in self._title_index:
            return self._title_index[key]
        m = re.match(_ID_FIRST, key) or re.search(_ID_LAST, key)
        if m and self.area(m[1]) is not None:
            return m[1]
        return self._title_index.get(_title_key(text))

    def in_force(self, day: dt.date) -> bool:
        """Return whether the set is in force on ``day``."""
        return self.effective_from <= day and (self.effective_until is None or day <= self.effective_until)

    def to_dict(self) -> dict[str, str]:
        """Return the stamp a review carries: id, version and content hash."""
        return {"id": self.id, "version": self.version, "sha256": self.sha256}


# --- schema ------------------------------------------------------------------------------------


# The numbers a criteria set may give are bounded, so that every one of them can be honoured exactly by the
# arithmetic from minutes to points and shown as written: hours in hundredths, from 0 to MAX_HOURS.
MAX_HOURS = 10_000
MAX_WHOLE = 100_000  # an integer rule's value (minutes, a count of areas)
MAX_ENTRIES = 200  # entries in any one list or mapping of a criteria set (areas, topics, rules, keywords, ...)
MAX_PROBLEMS = 100  # problems check_criteria_file lists one by one


def _is_hundredths(value: float) -> bool:
    return (exact(value) * 100).denominator == 1


def _hundredths(value: float) -> None:
    if not _is_hundredths(value):
        raise ValidationError("give at most two decimal places (hundredths)")


class _RuleSchema(Schema):
    class Meta:
        unknown = RAISE

    value = fields.Raw(required=True, allow_none=False)
    basis = fields.String(required=True, validate=validate.OneOf(BASES))
    source = fields.String(required=True, validate=validate.Length(min=1))
    severity = fields.String(validate=validate.OneOf(SEVERITIES))
    note = fields.String()


class _AreaSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9-]*$"))
    title = fields.String(required=True)
    description = fields.String()
    topics = fields.List(fields.String())
    min_hours = fields.Float(validate=(validate.Range(min=0, max=MAX_HOURS), _hundredths))


class _PointsSchema(Schema):
    class Meta:
        unknown = RAISE

    category = fields.String(required=True)
    hours_per_point = fields.Float(required=True, validate=(validate.Range(min=0.01, max=MAX_HOURS), _hundredths))
    unit = fields.Float(required=True, validate=(validate.Range(min=0.01, max=MAX_HOURS), _hundredths))
    basis = fields.String(required=True, validate=validate.OneOf(BASES))
    source = fields.String(required=True)


class _HourSchema(Schema):
    class Meta:
        unknown = RAISE

    minutes = fields.Integer(required=True, validate=validate.Range(min=1, max=600))


class _CriteriaSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=validate.Regexp(r"^[a-z][a-z0-9-]*$"))
    version = fields.String(required=True, validate=validate.Regexp(r"^[0-9]+(\.[0-9]+)*$"))
    title = fields.String(required=True)
    description = fields.String()
    effective_from = fields.Date(required=True)
    effective_until = fields.Date(allow_none=True)
    source = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    kinds = fields.List(fields.String(validate=validate.OneOf(KINDS)), required=True, validate=validate.Length(min=1))
    hour = fields.Nested(_HourSchema, required=True)
    counts = fields.Dict(keys=fields.String(validate=validate.OneOf(SESSION_KINDS)), values=fields.Boolean(),
                         required=True)
    points = fields.Nested(_PointsSchema, required=True)
    areas = fields.List(fields.Nested(_AreaSchema), required=True, validate=validate.Length(min=1))
    rules = fields.Dict(keys=fields.String(validate=validate.OneOf(sorted(RULE_TYPES))),
                        values=fields.Nested(_RuleSchema), required=True)


def _check_value(rule_id: str, value: Any) -> str | None:
    kind = RULE_TYPES[rule_id]
    whole = isinstance(value, int) and not isinstance(value, bool)  # of any size: compared, never made a float
    numeric = whole or (isinstance(value, float) and math.isfinite(value))
    ok = {
        "number": numeric and 0 <= value <= MAX_HOURS and _is_hundredths(value),
        "integer": whole and 0 <= value <= MAX_WHOLE,
        "flag": value is True,
        "keywords": isinstance(value, list) and bool(value) and all(isinstance(v, str) and v for v in value),
        "level": value in LEVELS,
    }[kind]
    if ok:
        return None
    expected = {
        "number": f"a number of hours (0 to {MAX_HOURS}, at most two decimal places)",
        "integer": f"a whole number (0 to {MAX_WHOLE})",
        "flag": "true (remove the rule to switch it off)",
        "keywords": "a list of words",
        "level": "one of " + ", ".join(LEVELS),
    }[kind]
    return f"value must be {expected}"


_DEFAULT_SEVERITY = {"published": "error", "observed": "warning", "provisional": "warning"}


def validate_criteria_data(data: dict[str, Any]) -> list[tuple[tuple, str]]:
    """Return (path, message) for every problem in a criteria set's plain data; empty when valid."""
    return _checked(data)[1]


def _checked(data: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[tuple, str]]]:
    """Return the schema's reading of ``data`` (the set's typed values) and every problem in it."""
    crowded = _crowded(data, ())
    if crowded is not None:  # hundreds of thousands of areas or rules: refused before any schema work
        path, size = crowded
        return {}, [(path, f"{format_path(path) or 'the file'} holds {size} entries; the limit is {MAX_ENTRIES}")]
    schema = _criteria_schema()
    problems: list[tuple[tuple, str]] = []
    loaded: dict[str, Any] = {}
    try:
        loaded = quick_load(schema, data)
    except ValidationError as exc:
        for p in flatten(exc.messages, data, schema):
            message = p.message
            if p.kind == "unknown":
                message = f"unknown key {p.path[-1]!r}; expected one of: {', '.join(p.allowed)}"
            elif p.path[:1] == ("rules",) and len(p.path) == 2 and p.kind == "invalid" and p.path[1] not in RULE_TYPES:
                message = f"unknown rule {p.path[-1]!r}; known rules: {', '.join(sorted(RULE_TYPES))}"
            else:
                message = f"{p.path[-1]}: {message}" if p.path else message
            problems.append((p.path, message))
    rules = data.get("rules")
    for rule_id, rule in (rules.items() if isinstance(rules, dict) else ()):
        if rule_id in RULE_TYPES and isinstance(rule, dict) and "value" in rule:
            error = _check_value(rule_id, rule["value"])
            if error:
                problems.append((("rules", rule_id, "value"), error))
    areas = data.get("areas")
    seen: set[str] = set()
    for i, area in enumerate(areas if isinstance(areas, list) else []):
        area_id = area.get("id") if isinstance(area, dict) else None
        if isinstance(area_id, str):
            if area_id in seen:
                problems.append((("areas", i, "id"), f"duplicate area id {area_id!r}"))
            seen.add(area_id)
    rule_ids = rules if isinstance(rules, dict) else {}
    for i, area in enumerate(areas if isinstance(areas, list) else []):
        if isinstance(area, dict) and area.get("min_hours") and "areas.min_hours" not in rule_ids:
            problems.append((("areas", i, "min_hours"), "min_hours is set but the rule areas.min_hours is absent; "
                             "add it (with its basis and source) so the minimum is applied"))
    until, since = data.get("effective_until"), data.get("effective_from")
    if until is not None and since is not None and str(until) < str(since):
        problems.append((("effective_until",), "effective_until is before effective_from"))
    return loaded, problems


def _crowded(value: Any, path: tuple) -> tuple[tuple, int] | None:
    """Return the path and size of the first list or mapping in ``value`` with more than MAX_ENTRIES entries."""
    if isinstance(value, dict | list):
        if len(value) > MAX_ENTRIES:
            return path, len(value)
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            found = _crowded(item, path + (key,))
            if found is not None:
                return found
    return None


def _read(path: FsPath) -> bytes:
    """Return the bytes of the criteria file ``path``: a regular file within the size limit (CriteriaError if not)."""
    try:
        return read_bytes(path, MAX_BYTES, "criteria file")
    except InputError as exc:
        raise CriteriaError(f"{exc.location}: cannot read criteria set: {exc.message}") from None


def load_criteria_file(path: str | FsPath) -> CriteriaSet:
    """Return the criteria set in ``path``; raise CriteriaError (file:line:col: problem) if invalid.

    A file may not pass itself off as a shipped set: reusing a shipped id@version with other
    content is refused, so a stamp such as ``iimc-institute@2026.1`` always means the same rules.
    """
    path = FsPath(path)
    loaded = _from_bytes(_read(path), str(path))
    for shipped in _shipped():
        if shipped.ref == loaded.ref and shipped.sha256 != loaded.sha256:
            raise CriteriaError(f"{path}: reuses the id and version of the shipped set {shipped.ref} with different "
                                "rules; give it its own id or a new version")
    return loaded


def check_criteria_file(path: str | FsPath) -> list[str]:
    """Return one line per problem in the criteria file ``path`` (empty when it is valid).

    Raise CriteriaError when the file cannot be read or is not YAML/JSON at all.
    """
    path = FsPath(path)
    raw = _read(path)
    try:
        document = parse_text(raw, str(path), path.suffix.lower() == ".json", schema_id=None)
    except InputError as exc:
        raise CriteriaError(str(exc)) from None
    located = [(document.sources.key(p), m) for p, m in validate_criteria_data(document.data)]
    lines = [f"{where}: {message}" for where, message in sorted(located, key=lambda x: x[0].sort_key())]
    if len(lines) > MAX_PROBLEMS:
        lines[MAX_PROBLEMS:] = [f"{path}: and {len(lines) - MAX_PROBLEMS} more problems, not listed one by one"]
    return lines


def _from_bytes(raw: bytes, name: str) -> CriteriaSet:
    return _build(_parsed(raw, name))


def _parsed(raw: bytes, name: str) -> Document:
    try:
        return parse_text(raw, name, name.lower().endswith(".json"), schema_id=None)
    except InputError as exc:
        raise CriteriaError(str(exc)) from None


def _build(document: Document) -> CriteriaSet:
    """Return the criteria set in ``document``; raise CriteriaError with the first problem (and how many more)."""
    data, problems = _checked(document.data)
    if problems:
        path, message = problems[0]
        more = f" (and {len(problems) - 1} more; run 'coursereview criteria check')" if len(problems) > 1 else ""
        raise CriteriaError(f"{document.sources.key(path)}: {message}{more}")
    rules = {
        rule_id: Rule(
            id=rule_id,
            value=r["value"],
            basis=r["basis"],
            source=r["source"],
            severity=r.get("severity", _DEFAULT_SEVERITY[r["basis"]]),
            note=r.get("note", ""),
        )
        for rule_id, r in data["rules"].items()
    }
    return CriteriaSet(
        id=data["id"],
        version=data["version"],
        title=data["title"],
        description=data.get("description", ""),
        effective_from=data["effective_from"],
        effective_until=data.get("effective_until"),
        source=dict(data["source"]),
        kinds=tuple(data["kinds"]),
        hour_minutes=data["hour"]["minutes"],
        counts={k: data["counts"].get(k, False) for k in SESSION_KINDS},
        points=Points(**data["points"]),
        areas=tuple(
            Area(a["id"], a["title"], a.get("description", ""), tuple(a.get("topics", ())), a.get("min_hours", 0.0))
            for a in data["areas"]
        ),
        rules=rules,
        sha256=document.sha256,
        file=document.file,
    )


_CHOICE = ("id", "version", "kinds", "effective_from", "effective_until")  # what choosing a set reads


@functools.cache
def _criteria_schema() -> Schema:
    """Return the criteria schema (made once: a schema copies its fields; it keeps nothing between loads)."""
    return _CriteriaSchema()


@functools.cache
def _choice_schema() -> Schema:
    """Return the criteria schema reduced to the values that choose a set (made once: a schema copies its fields)."""
    return _CriteriaSchema(only=_CHOICE, unknown=EXCLUDE)


class _Shipped:
    """A criteria file shipped with coursereview: the values that choose it, read from the start of the file.

    Only as much of the file is parsed as holds those values, and they are read by the same
    schema as the whole set. The whole set is parsed, validated and built only when it is chosen
    or listed: a run that judges one submission builds one set. A file whose choosing values are
    invalid is built at once, so that it fails as it always did.
    """

    def __init__(self, raw: bytes, file: str) -> None:
        self.raw, self.file = raw, file
        self._set: CriteriaSet | None = None
        try:
            choice = quick_load(_choice_schema(), parse_head(raw, file, _CHOICE))
        except (ValidationError, InputError):
            _build(_parsed(raw, file))  # the whole set fails on the same values: raise CriteriaError with its problem
            raise
        self.id: str = choice["id"]
        self.version: str = choice["version"]
        self.kinds: tuple[str, ...] = tuple(choice["kinds"])
        self.effective_from: dt.date = choice["effective_from"]
        self.effective_until: dt.date | None = choice.get("effective_until")

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def sha256(self) -> str:
        return content_hash(self.raw)

    @property
    def criteria(self) -> CriteriaSet:
        """Return the validated set (parsed and built on first use)."""
        if self._set is None:
            self._set = _build(_parsed(self.raw, self.file))
        return self._set

    def in_force(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_until is None or day <= self.effective_until)


@functools.cache
def _shipped() -> tuple[_Shipped, ...]:
    sets: dict[str, _Shipped] = {}  # id@version -> set; several versions of one id are several files
    for entry in sorted(criteria_dir().iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".yaml", ".yml")):
            loaded = _Shipped(entry.read_bytes(), f"criteria/{entry.name}")
            if loaded.ref in sets:
                raise CriteriaError(f"{loaded.file}: {loaded.ref} is also shipped as {sets[loaded.ref].file}; "
                                    "give the newer file a new version")
            sets[loaded.ref] = loaded
    return tuple(sorted(sets.values(), key=lambda s: (s.id, _version_key(s.version))))


def criteria_source(criteria: CriteriaSet) -> bytes:
    """Return the YAML text of ``criteria`` as shipped (or as its file holds it), to start a set of one's own from.

    Raise CriteriaError when its file cannot be read or no longer holds the same set.
    """
    shipped = next((s for s in _shipped() if s.ref == criteria.ref and s.sha256 == criteria.sha256), None)
    try:  # a file of one's own is read as any criteria file is: a regular file within the size limit
        raw = (criteria_dir() / FsPath(shipped.file).name).read_bytes() if shipped else _read(FsPath(criteria.file))
    except OSError as exc:
        raise CriteriaError(f"{criteria.file}: cannot read criteria set: {exc.strerror or exc}") from None
    if content_hash(raw) != criteria.sha256:
        raise CriteriaError(f"{criteria.file}: changed since it was read; show it again")
    return raw


def shipped_criteria() -> list[CriteriaSet]:
    """Return every criteria set shipped with coursereview, sorted by id and version (read once)."""
    return [s.criteria for s in _shipped()]


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def resolve_criteria(ref: str | None = None, kind: str | None = None, on: dt.date | None = None,
                     shipped_only: bool = False) -> CriteriaSet:
    """Return the criteria set to judge by.

    ``ref`` is a file path, an ``id`` or ``id@version``; without it the set is chosen by program
    ``kind`` and the program's start date ``on`` (the newest version in force that day).
    ``shipped_only`` refuses files (a submission may name only a shipped set).
    """
    if ref and (ref.endswith((".yaml", ".yml", ".json")) or FsPath(ref).is_file()):
        if shipped_only:
            raise CriteriaError(f"program.criteria {ref!r}: a submission may name a shipped set (id or id@version) "
                                "only; a criteria file of one's own is for reviewers")
        return load_criteria_file(ref)
    sets = _shipped()
    if ref:
        set_id, _, version = ref.partition("@")
        matches = [s for s in sets if s.id == set_id and (not version or s.version == version)]
        if not matches:
            known = ", ".join(sorted({s.ref for s in sets}))
            raise CriteriaError(f"unknown criteria set {ref!r}; known sets: {known}")
        in_force = [s for s in matches if on is None or s.in_force(on)]
        return (in_force or matches)[-1].criteria
    if kind not in KINDS:
        raise CriteriaError(f"cannot choose a criteria set for program kind {kind!r}; give --criteria")
    candidates = [s for s in sets if kind in s.kinds]
    in_force = [s for s in candidates if on is None or s.in_force(on)]
    if not in_force:
        raise CriteriaError(f"no shipped criteria set for kind {kind!r} is in force on {on}")
    return in_force[-1].criteria


def criteria_sha256(ref: str) -> str:
    """Return the SHA-256 of the set ``resolve_criteria(ref)`` returns, without parsing or validating it.

    For a shipped set, of its file as shipped; for a file of one's own, of the file as it is now
    (it is read and built only if it is then used). Raise CriteriaError as ``resolve_criteria`` does.
    """
    if ref.endswith((".yaml", ".yml", ".json")) or FsPath(ref).is_file():
        return load_criteria_file(ref).sha256
    set_id, _, version = ref.partition("@")
    matches = [s for s in _shipped() if s.id == set_id and (not version or s.version == version)]
    if not matches:
        return resolve_criteria(ref).sha256  # raises the same CriteriaError
    return matches[-1].sha256
