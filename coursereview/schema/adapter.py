"""Turn marshmallow's nested error messages into flat problems with data paths."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from marshmallow import Schema, fields

from coursereview.records import record


@record
class Problem:
    """One schema problem: ``kind`` is 'unknown' (key not in the schema), 'missing' or 'invalid'."""

    path: tuple
    kind: str
    message: str
    allowed: tuple[str, ...] = ()  # the keys the schema accepts where an unknown key was found


def flatten(messages: Any, data: Any, schema: Schema) -> list[Problem]:
    """Return one Problem per leaf of marshmallow's ``messages`` for ``data`` loaded by ``schema``."""
    return list(_walk(messages, data, schema, ()))


def _walk(messages: Any, data: Any, schema: Schema | None, path: tuple) -> Iterator[Problem]:
    if not isinstance(messages, dict):
        yield Problem(path, "invalid", _text(messages))
        return
    for key, sub in messages.items():
        if key == "_schema":
            yield Problem(path, "invalid", _text(sub))
        elif isinstance(key, int):
            item = data[key] if isinstance(data, list) and 0 <= key < len(data) else None
            yield from _walk(sub, item, schema, path + (key,))
        elif schema is not None and key in schema.fields:
            value = data.get(key) if isinstance(data, dict) else None
            present = not (value is None or (isinstance(value, str) and not value.strip()))  # blank is missing
            field = schema.fields[key]
            if isinstance(field, fields.Dict) and isinstance(sub, dict):
                yield from _walk_dict(sub, data.get(key) if present else None, field, path + (key,))
            elif isinstance(sub, dict):
                yield from _walk(sub, data.get(key) if present else None, _nested(schema.fields[key]), path + (key,))
            else:
                yield Problem(path + (key,), "invalid" if present else "missing", _text(sub))
        else:
            allowed = tuple(sorted(schema.fields)) if schema is not None else ()
            yield Problem(path + (key,), "unknown", "unknown key", allowed)


def _walk_dict(messages: dict, data: Any, field: fields.Dict, path: tuple) -> Iterator[Problem]:
    """Unpack marshmallow's errors for a Dict field: ``{entry: {"key": [...], "value": ...}}``."""
    value_schema = _nested(field.value_field) if field.value_field is not None else None
    for entry, sub in messages.items():
        if not isinstance(sub, dict):
            yield Problem(path, "invalid", _text(sub))
            continue
        if "key" in sub:
            yield Problem(path + (entry,), "invalid", _text(sub["key"]))
        if "value" in sub:
            item = data.get(entry) if isinstance(data, dict) else None
            yield from _walk(sub["value"], item, value_schema, path + (entry,))


def _text(messages: Any) -> str:
    if isinstance(messages, list):
        return "; ".join(_text(m) for m in messages)
    if isinstance(messages, dict):
        return "; ".join(_text(m) for m in messages.values())
    return str(messages)


def _nested(field: fields.Field) -> Schema | None:
    if isinstance(field, fields.List):
        field = field.inner
    if isinstance(field, fields.Nested):
        schema = field.schema
        return schema if isinstance(schema, Schema) else None
    return None
