"""Load data through a marshmallow schema's own fields and hooks, without marshmallow's bookkeeping, when it is valid.

``Schema.load`` spends about half its time on bookkeeping that only matters when something is
wrong: an error store, a getter closure and a try block per field, the processor lookup, the
validators wrapped anew in ``And`` for every value. ``quick_load`` walks the same fields in the
same order and calls the same code for every value (each field's ``_deserialize`` with the
arguments ``Schema.load`` gives it, then its validators; the schema's pre_load and post_load
hooks), so a valid document loads to exactly what ``Schema.load`` returns. At the first sign of
a problem (a ValidationError, a missing required key, an unknown key, anything it does not
handle itself) it stops and returns ``schema.load(data)``: the same result, or the same
ValidationError with every message, as marshmallow alone.
"""

from __future__ import annotations

import weakref
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, missing
from marshmallow.decorators import POST_LOAD, PRE_LOAD, VALIDATES, VALIDATES_SCHEMA


class _Unsure(Exception):
    """The data may not be valid, or the schema does something the quick walk does not: ask marshmallow."""


def quick_load(schema: Schema, data: Any, partial: bool | None = None) -> Any:
    """Return ``schema.load(data, partial=partial)``, walking the schema's fields directly while the data is valid.

    ``partial`` may be None or False (required fields are required): a partial load is marshmallow's.
    """
    plan = _plan(schema, None) if not partial else None
    if plan is not None:
        try:
            return plan.load(data, partial)
        except (_Unsure, ValidationError):
            pass
    return schema.load(data, partial=partial)


class _Plan:
    """How the quick walk loads one schema: its fields in order, how each is read, its hooks."""

    __slots__ = ("schema", "unknown", "fields", "names", "required", "before", "after")

    def __init__(self, schema: Schema, unknown: str) -> None:
        self.schema, self.unknown = schema, unknown
        self.fields: list[tuple[str, fields.Field, str, Any]] = []  # name, field, how (leaf/nested/list), sub-plan
        self.names = frozenset(schema.load_fields)
        self.required = tuple(name for name, f in schema.load_fields.items() if f.required)
        self.before = [getattr(schema, name) for name, _, _ in schema._hooks[PRE_LOAD]]
        self.after = [getattr(schema, name) for name, _, _ in schema._hooks[POST_LOAD]]

    def load(self, data: Any, partial: bool | None) -> Any:
        """Return what marshmallow's ``load`` of this schema returns for ``data`` (raise _Unsure if unsure).

        ``partial`` is the load's (None or False); marshmallow hands it to every field and hook as given.
        """
        if partial is None and self.schema.partial is False:  # marshmallow's load takes the schema's own
            partial = False
        for hook in self.before:
            data = hook(data, many=False, partial=partial, unknown=self.unknown)
        if data.__class__ is not dict:
            raise _Unsure
        if self.unknown == RAISE and not self.names.issuperset(data):
            raise _Unsure
        for name in self.required:
            if name not in data:
                raise _Unsure
        result: dict[str, Any] = {}
        for name, field, how, sub in self.fields:
            if name not in data:
                continue  # not required: marshmallow leaves it out (no field has a load_default)
            value = data[name]
            if value is None:  # null is the value itself where the field allows it (no validator sees it)
                if not field.allow_none:
                    raise _Unsure  # refused ("Field may not be null."): marshmallow says so
                result[name] = None
                continue
            if how == "leaf":
                value = field._deserialize(value, name, data) if partial is None else \
                    field._deserialize(value, name, data, partial=partial)
            elif how == "nested":
                value = sub.load(value, partial)
            elif how == "mapping":  # a Dict: each key and value read by its field, as Mapping._deserialize does
                if value.__class__ is not dict:
                    raise _Unsure
                key_field, value_field, value_plan = sub
                mapped = {}
                for key, item in value.items():
                    if key is None or item is None:
                        raise _Unsure
                    key = _read(key_field, key, partial)
                    if value_plan is None:
                        item = _read(value_field, item, partial)
                    else:
                        item = value_plan.load(item, partial)
                        for validator in value_field.validators:
                            validator(item)
                    mapped[key] = item
                value = mapped
            else:  # a list of nested items
                if value.__class__ is not list:
                    raise _Unsure
                inner = field.inner  # type: ignore[attr-defined]
                items = []
                for item in value:
                    if item is None:
                        raise _Unsure
                    item = sub.load(item, partial)
                    for validator in inner.validators:
                        validator(item)
                    items.append(item)
                value = items
            for validator in field.validators:
                validator(value)
            result[name] = value
        for hook in self.after:
            result = hook(result, many=False, partial=partial, unknown=self.unknown)
        return result


def _read(field: fields.Field, value: Any, partial: bool | None) -> Any:
    """Return what ``field`` reads from ``value`` inside a Dict or List (no key, no data), its validators passed."""
    value = field._deserialize(value, None, None) if partial is None else \
        field._deserialize(value, None, None, partial=partial)
    for validator in field.validators:
        validator(value)
    return value


_PLANS: weakref.WeakKeyDictionary[Schema, dict[str | None, _Plan | None]] = weakref.WeakKeyDictionary()


def _plan(schema: Schema, unknown: str | None) -> _Plan | None:
    """Return the plan for ``schema`` (loaded with ``unknown``, None: its own), or None when the walk cannot load it."""
    plans = _PLANS.setdefault(schema, {})
    if unknown not in plans:
        plans[unknown] = None  # while it is made: a schema nested in itself is left to marshmallow
        plans[unknown] = _make_plan(schema, unknown or schema.unknown)
    return plans[unknown]


def _make_plan(schema: Schema, unknown: str) -> _Plan | None:
    hooks = schema._hooks
    if schema.many or schema.partial not in (None, False) or unknown not in (RAISE, EXCLUDE):
        return None
    if hooks[VALIDATES] or hooks[VALIDATES_SCHEMA]:
        return None
    for tag in (PRE_LOAD, POST_LOAD):
        if any(many or options.get("pass_original") for _, many, options in hooks[tag]):
            return None
    plan = _Plan(schema, unknown)
    for name, field in schema.load_fields.items():
        if field.data_key is not None or field.attribute is not None or field.load_default is not missing \
                or field.pre_load or field.post_load:
            return None
        how: str = "leaf"
        sub: Any = None
        if type(field) is fields.Nested:
            how, sub = "nested", _nested_plan(field)
        elif type(field) is fields.Dict and field.key_field is not None and field.value_field is not None:
            how, sub = "mapping", _mapping_plan(field)
        elif type(field) is fields.List and type(field.inner) is fields.Nested:
            how, sub = "list", _nested_plan(field.inner)
            inner = field.inner
            if sub is None or inner.data_key is not None or inner.pre_load or inner.post_load or inner.allow_none:
                return None
        if how != "leaf" and sub is None:
            return None
        plan.fields.append((name, field, how, sub))
    return plan


def _nested_plan(field: fields.Nested) -> _Plan | None:
    if field.many or not isinstance(field.schema, Schema):
        return None
    return _plan(field.schema, field.unknown)


def _mapping_plan(field: fields.Dict) -> tuple[fields.Field, fields.Field, _Plan | None] | None:
    """Return the Dict's key field, value field and the value's plan (None: a value is read by its field's code)."""
    key_field, value_field = field.key_field, field.value_field
    if key_field is None or value_field is None or any(f.pre_load or f.post_load for f in (key_field, value_field)):
        return None
    if type(value_field) is not fields.Nested:
        return key_field, value_field, None
    value_plan = _nested_plan(value_field)
    return (key_field, value_field, value_plan) if value_plan is not None else None
