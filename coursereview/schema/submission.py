"""marshmallow schemas: plain submission data -> typed model, structural problems -> findings."""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import replace
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, pre_load, validate

from coursereview import findings as F
from coursereview import voice
from coursereview.errors import InputError
from coursereview.intake import Document
from coursereview.intake.fields import PROGRAM, PROVIDER
from coursereview.location import SourceMap
from coursereview.parsing import clean, parse_date, parse_time, twelve_hour
from coursereview.schema.adapter import Problem, flatten
from coursereview.schema.model import Director, Instructor, Program, Provider, Session, Submission
from coursereview.schema.quick import quick_load
from coursereview.vocabulary import DELIVERY, KINDS, LEVELS, SESSION_KINDS
from coursereview.wording import Suggestions

CODES = ("S001", "S002", "S003", "S004", "S005")  # the findings the schema stage may emit, as a rule family declares

# The most items each list of a submission may hold: a real program is far below these, and a hostile
# file of hundreds of thousands of items is refused in one line before any schema work is done.
MAX_SESSIONS = 2000  # as many as the sessions table of a Word form may have rows (word.safety.MAX_ROWS)
MAX_INSTRUCTORS = 10_000
MAX_ITEMS = 100  # of any list inside one item: a session's objectives or instructors, the associations

# How hints tell people to write a value, by the source's style (SourceMap.style).
_HINTS = {
    "yaml": {"missing": "add '{key}'", "date": "write dates as YYYY-MM-DD, e.g. 2027-07-12",
             "time": "write times as HH:MM on a 24-hour clock, e.g. 13:30"},
    "form": {"missing": "fill it in", "date": "write dates as month/day/year, e.g. 7/12/2027",
             "time": "write times as 8:30 AM, 1:30 PM or 13:30"},
}


def _one_of(choices: tuple[str, ...]) -> validate.OneOf:
    return validate.OneOf(choices, error="must be one of: " + ", ".join(choices))


class Choice(fields.String):
    """One of a fixed set of lower-case words, read case-insensitively (``Basic`` is ``basic``)."""

    def __init__(self, choices: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(validate=_one_of(choices), **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        return clean(text).lower()


def is_blank(value: Any) -> bool:
    """Return whether ``value`` is no value at all: null, or a string of only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())  # strip() drops what clean() drops


class Text(fields.String):
    """A string field that also takes numbers (people type ``title: 2027``) and trims spaces."""

    @staticmethod
    def read(text: str) -> str | None:
        """Return what the field reads from the string ``text``: its words, or None when it has none."""
        return " ".join(text.split()) or None  # clean(text), written out: it runs for most values of a file

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str | None:  # type: ignore[override]
        if value.__class__ is str:  # the usual case; what fields.String makes of a str is the str
            return " ".join(value.split()) or None  # Text.read(value), written out
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        return Text.read(super()._deserialize(value, attr, data, **kwargs))


class TextList(fields.List):
    """A list of strings that also takes one string (``instructors: jdoe``)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Text(), **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> tuple[str, ...]:  # type: ignore[override]
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            value = [value]
        if value.__class__ is list:  # the usual case, a list of str: each read as the inner Text field reads it
            texts = []
            for item in value:
                if item.__class__ is not str:
                    break
                if text := " ".join(item.split()):  # Text.read(item), written out
                    texts.append(text)
            else:
                return tuple(texts)
        return tuple(v for v in super()._deserialize(value, attr, data, **kwargs) if v)


class LooseDate(fields.Field):
    """A date as people write it: ``2027-07-12``, ``7/12/2027``, ``July 12, 2027``."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        parsed = parse_date(value)
        if parsed is None:
            raise ValidationError("not a date")
        return parsed


class LooseTime(fields.Field):
    """A time of day as people write it: ``13:00``, ``8:30 AM``, ``8.30``, ``0830``."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        parsed = parse_time(value)
        if parsed is None:
            raise ValidationError("not a time of day")
        return parsed


class DateOrYear(fields.Field):
    """When something happened, as precisely as people know it: a date (as LooseDate reads it) or a year."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        day = parse_date(value)
        if day is not None:
            return day.isoformat()
        text = clean(str(value)) if isinstance(value, str | int) and not isinstance(value, bool) else ""
        if text.isdigit() and len(text) == 4 and 1800 <= int(text) <= 2200:
            return text
        raise ValidationError("not a date or a year")


class _Strict(Schema):
    class Meta:
        unknown = RAISE

    @pre_load
    def _drop_nulls(self, data: Any, **kwargs: Any) -> Any:
        """Treat ``key:`` with no value (or only spaces) as absent, as a person filling in a template means it."""
        if isinstance(data, dict):  # is_blank, written out: it runs for every value
            return {k: v for k, v in data.items() if not (v is None or (isinstance(v, str) and not v.strip()))}
        return data


class DirectorSchema(_Strict):
    name = Text(required=True)
    email = Text(required=True)
    phone = Text()

    @post_load
    def _make(self, data: dict, **kwargs: Any) -> Director:
        return Director(**data)


class ProviderSchema(_Strict):
    name = Text(required=True)
    institution = Text()
    director = fields.Nested(DirectorSchema, required=True)
    association = TextList()
    recognized = DateOrYear()
    coordinator = Text()
    time_to_graduate = Text()

    @post_load
    def _make(self, data: dict, **kwargs: Any) -> Provider:
        return Provider(**data)


class ProgramSchema(_Strict):
    title = Text(required=True)
    kind = Choice(KINDS, required=True)
    part = fields.Integer(validate=validate.Range(1, 9, error="must be a part number from 1 to 9"))
    criteria = Text()
    start = LooseDate(required=True)
    end = LooseDate(required=True)
    location = Text()
    delivery = Choice(DELIVERY)
    assessment = Text()
    attendance = Text()
    makeup = Text()
    certificate = Text()

    @post_load
    def _make(self, data: dict, **kwargs: Any) -> Program:
        return Program(**data)


class InstructorSchema(_Strict):
    id = Text()  # the intake makes one from the name when it is left out
    name = Text(required=True)
    position = Text()
    qualifications = Text()


class SessionSchema(_Strict):
    title = Text(required=True)
    date = LooseDate(required=True)
    start = LooseTime(required=True)
    end = LooseTime(required=True)
    kind = Choice(SESSION_KINDS)
    area = Text()
    instructors = TextList()
    level = Choice(LEVELS)
    description = Text()
    objectives = TextList()
    track = Text()


class SubmissionSchema(_Strict):
    schema = fields.String()
    provider = fields.Nested(ProviderSchema, required=True)
    program = fields.Nested(ProgramSchema, required=True)
    instructors = fields.List(fields.Nested(InstructorSchema))
    sessions = fields.List(fields.Nested(SessionSchema), required=True)


def build_submission(document: Document) -> Submission:
    """Return the typed Submission for ``document``; schema problems become its findings.

    The model is built even when parts are wrong: a bad value is left out (and reported), so the
    rules can still judge everything else in the same run.
    """
    _check_sizes(document)
    schema = _schema()
    suggest = Suggestions()
    data = document.data  # read as it is; pruning (below) works on a copy, never on the document
    positions = {key: list(range(len(data[key]))) for key in _LISTS if isinstance(data.get(key), list)}
    problems: list[Problem] = []
    for attempt in range(6):
        try:
            loaded = quick_load(schema, data, partial=False) if attempt == 0 else schema.load(data, partial=True)
            break
        except ValidationError as exc:
            if data is document.data:
                data = copy.deepcopy(data)
            found = flatten(exc.messages, data, schema)
            if attempt == 0:
                problems = found
            for p in sorted(found, key=_item_order, reverse=True):  # later items first: deleting keeps indexes
                _prune(data, p.path, positions)
    else:  # pragma: no cover - pruning removes every bad value, so a later pass always loads
        loaded = {}
    instructors = tuple(
        Instructor(index=i, **item)
        for i, item in zip(positions.get("instructors", ()), loaded.get("instructors", ()), strict=False)
    )
    invalid = {p.path for p in problems if p.kind == "invalid"}
    raw_sessions = document.data.get("sessions")
    sessions = tuple(
        _session(i, item, raw_sessions[i] if isinstance(raw_sessions, list) else {}, invalid)
        for i, item in zip(positions.get("sessions", ()), loaded.get("sessions", ()), strict=False)
    )
    program = loaded.get("program") or Program()
    guess = _likely_kind(document.data, invalid)
    if guess:  # judged by its likely reading, which the finding about it names
        program = replace(program, kind=guess)
    return Submission(
        provider=loaded.get("provider") or Provider(),
        program=program,
        instructors=instructors,
        sessions=sessions,
        sources=document.sources,
        file=document.file,
        sha256=document.sha256,
        findings=tuple(_finding(p, document, suggest, guess) for p in problems
                       if not (p.path in document.sources.derived and p.kind == "invalid")),
    )


def _check_sizes(document: Document) -> None:
    """Refuse (InputError, one line) a list longer than its limit: sessions, instructors, or a list inside one."""
    data = document.data
    for key, limit in (("sessions", MAX_SESSIONS), ("instructors", MAX_INSTRUCTORS)):
        items = data.get(key)
        if isinstance(items, list) and len(items) > limit:
            raise InputError(document.sources.value((key,)),
                             f"{len(items)} {key}; the limit is {limit} (split the program into parts)")
    found = _long_list(data)
    if found is not None:
        path, value = found
        where, label = document.sources.value(path), document.sources.label(path)
        raise InputError(where, f"{label} lists {len(value)} items; the limit is {MAX_ITEMS}")


def _long_list(data: dict[str, Any]) -> tuple[tuple, list] | None:
    """Return (path, list) for the first list longer than MAX_ITEMS inside one item, else None.

    The items are the provider, the program, each instructor and each session, in that order;
    within one, its keys' order and the mappings inside it.
    """
    for key in ("provider", "program"):
        if isinstance(data.get(key), dict) and (found := _long_in(data[key], (key,))) is not None:
            return found
    for key in _LISTS:
        items = data.get(key)
        for i, item in enumerate(items if isinstance(items, list) else ()):
            if isinstance(item, dict) and (found := _long_in(item, (key, i))) is not None:
                return found
    return None


def _long_in(mapping: dict[str, Any], path: tuple) -> tuple[tuple, list] | None:
    for key, value in mapping.items():
        if isinstance(value, list):
            if len(value) > MAX_ITEMS:
                return path + (key,), value
        elif isinstance(value, dict) and (found := _long_in(value, path + (key,))) is not None:
            return found
    return None


@functools.cache
def _schema() -> SubmissionSchema:
    """Return the one schema instance (it holds no state between loads; making one per lookup is slow)."""
    return SubmissionSchema()


def _session(index: int, item: dict[str, Any], raw: Any, invalid: set[tuple]) -> Session:
    """Return the Session of a loaded ``item``, with what the typed values alone do not say.

    A time written as on a 12-hour clock without AM or PM is marked ``unmarked`` (it may be meant
    in the afternoon); a kind that is no session kind is kept as typed, so that the session counts
    as neither taught nor contact time (its finding says why), instead of falling back to instruction.
    """
    raw = raw if isinstance(raw, dict) else {}
    unmarked = tuple(key for key in ("start", "end") if key in item and twelve_hour(raw.get(key)))
    extra: dict[str, Any] = {"unmarked": unmarked} if unmarked else {}
    if ("sessions", index, "kind") in invalid:
        typed = raw.get("kind")
        extra["kind"] = clean(str(typed)).lower() if isinstance(typed, str | int | float) else "unreadable"
    return Session(index=index, **item, **extra)


def _likely_kind(data: Any, invalid: set[tuple]) -> str | None:
    """Return the program kind an unreadable ``program.kind`` most likely means ("CMC Institute": institute)."""
    if ("program", "kind") not in invalid:
        return None
    typed = _raw(data, ("program", "kind"))
    return _likely(typed, KINDS, {}) if isinstance(typed, str) else None


# Words people write for a session's kind, and the kind each most likely means.
_SESSION_KIND_WORDS = {
    **dict.fromkeys(("lecture", "workshop", "class", "seminar", "panel", "keynote", "session", "presentation",
                     "training", "course", "plenary", "roundtable", "general session", "breakout", "talk",
                     "discussion", "teaching", "taught"), "instruction"),
    **dict.fromkeys(("test", "quiz", "assessment", "examination", "final exam"), "exam"),
    **dict.fromkeys(("lunch", "luncheon", "breakfast", "dinner", "supper", "food"), "meal"),
    **dict.fromkeys(("break", "coffee", "coffee break", "rest", "pause", "refreshments", "recess"), "break"),
    **dict.fromkeys(("reception", "networking", "banquet", "tour", "party", "social event"), "social"),
}


def _titled(title: Any) -> str | None:
    """Return the kind a session's title names when it is no taught session ("Coffee Break": break), else None."""
    if not isinstance(title, str):
        return None
    for word in re.findall(r"[a-z]+", title.lower()):
        kind = _SESSION_KIND_WORDS.get(word)
        if kind and kind != "instruction":
            return kind
    return None


def _likely(typed: str, choices: tuple[str, ...], words: dict[str, str]) -> str | None:
    """Return the choice ``typed`` most likely means: a word people use for it, the one choice it names, a close one."""
    text = clean(typed).lower()
    if text in words:
        return words[text]
    named = [c for c in choices if re.search(rf"\b{re.escape(c)}\b", text)]
    if len(named) == 1:
        return named[0]
    import difflib  # here: a clean submission never asks for a close match

    close = difflib.get_close_matches(text, choices, n=1, cutoff=0.6)
    return close[0] if close else None


_LISTS = ("instructors", "sessions")


def _item_order(problem: Problem) -> tuple[str, int]:
    path = problem.path
    return (str(path[0]) if path else "", path[1] if len(path) > 1 and isinstance(path[1], int) else -1)


def _prune(data: Any, path: tuple, positions: dict[str, list[int]]) -> None:
    """Remove the value at ``path`` so that the next load pass can go past it.

    A whole instructor or session that is not a mapping is dropped (it was reported once, and
    inventing an empty one would only add findings about it); ``positions`` keeps the original
    index of every item that stays, so paths still point into the file.
    """
    if not path:
        return
    if len(path) == 2 and path[0] in positions and isinstance(path[1], int):
        items, index = data.get(path[0]), positions[path[0]]
        if isinstance(items, list) and 0 <= path[1] < len(items):  # paths use the current list's indexes
            del items[path[1]], index[path[1]]
        return
    parent = data
    for part in path[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return
    last = path[-1]
    if isinstance(parent, dict):
        parent.pop(last, None)
    elif isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
        del parent[last]


def _field_for(path: tuple) -> fields.Field | None:
    schema: Schema | None = _schema()
    field = None
    for part in path:
        if isinstance(part, int):
            continue
        if schema is None or part not in schema.fields:
            return None
        field = schema.fields[part]
        inner = field.inner if isinstance(field, fields.List) else field
        schema = inner.schema if isinstance(inner, fields.Nested) else None
    return field


def _raw(data: Any, path: tuple) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _finding(p: Problem, document: Document, suggest: Suggestions, kind_guess: str | None = None) -> F.Finding:
    sources = document.sources
    key = str(p.path[-1]) if p.path else "document"
    hints = _HINTS.get(sources.style, _HINTS["yaml"])
    if p.kind == "unknown":
        return _unknown(p, sources, key, suggest)
    if p.kind == "missing":
        style = hints if p.path in sources.labels else _HINTS["yaml"]  # a path the source has no place for
        return F.make("S002", p.path, sources.key(p.path), field=voice.name(sources, p.path),
                      hint=style["missing"].format(key=key))
    field = _field_for(p.path)
    raw = _raw(document.data, p.path)
    location = sources.value(p.path)
    if isinstance(field, LooseDate):
        return F.make("S004", p.path, location, value=raw, hint=hints["date"])
    if isinstance(field, LooseTime):
        return F.make("S005", p.path, location, value=raw, hint=hints["time"])
    name = voice.name(sources, p.path)
    detail = p.message.rstrip(".")
    if isinstance(field, DateOrYear):
        return F.make("S003", p.path, location, hint=hints["date"] + ", or the year alone", field=name, detail=detail)
    hint = ""
    if p.path == ("program", "kind") and kind_guess:
        article = "an" if kind_guess[0] in "aeiou" else "a"
        hint = (f"did you mean {kind_guess!r}? Until it is corrected, the program is judged as {article} "
                f"{kind_guess} program")
    elif p.path[:1] == ("sessions",) and key == "kind" and isinstance(raw, str):
        title = _raw(document.data, (*p.path[:-1], "title"))
        likely = _titled(title) or _likely(raw, SESSION_KINDS, _SESSION_KIND_WORDS)
        hint = (f"did you mean {likely!r}? " if likely else "") + "Until it is corrected, the session counts no hours"
    else:
        for validator in getattr(field, "validators", ()):
            if isinstance(validator, validate.OneOf) and isinstance(raw, str):
                hint = suggest(raw, [str(c) for c in validator.choices], cutoff=0.5) or ""
    return F.make("S003", p.path, location, hint=hint, field=name, detail=detail)


_FORM_ROWS = {"provider": PROVIDER, "program": PROGRAM}


def _unknown(p: Problem, sources: SourceMap, key: str, suggest: Suggestions) -> F.Finding:
    """Return the finding about a key the schema does not know: a YAML key, or a row the Word form does not have."""
    table = p.path[0] if len(p.path) == 2 else None
    if voice.is_form(sources) and table in _FORM_ROWS:
        label = sources.labels.get(p.path, key)
        rows = [f.label for f in _FORM_ROWS[table]]
        named = {f.key.replace("_", " "): f.label for f in _FORM_ROWS[table]} | {row: row for row in rows}
        import difflib  # here: a clean submission never asks for a close match

        close = difflib.get_close_matches(label.lower(), list(named), n=1, cutoff=0.6)
        hint = f"did you mean {named[close[0]]!r}?" if close else f"the {table} table's rows are: " + ", ".join(rows)
        return F.make("S001", p.path, sources.key(p.path), hint=hint, what="row", key=label)
    hint = suggest(key, p.allowed) or "allowed here: " + ", ".join(p.allowed)
    return F.make("S001", p.path, sources.key(p.path), hint=hint, what="key", key=key)
