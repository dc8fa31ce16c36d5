"""Frozen records: ``@record`` makes a class what ``@dataclass(frozen=True)`` makes it, without compiling code.

``dataclasses.dataclass`` writes the source of six methods for every frozen class (``__init__``,
``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``, ``__delattr__``) and compiles each one
when the module is imported: about 1 ms a class, some 20 ms for the two dozen classes a
`coursereview validate` run imports, twice what starting Python costs. A record's methods are
ordinary functions shared by every record, so defining one costs what reading its fields costs.

A record is a dataclass in every way the code and the standard library see: ``dataclasses.fields``,
``replace``, ``asdict`` and ``is_dataclass`` work on it, and it compares, hashes, prints and refuses
assignment exactly as a frozen dataclass does (only its ``__dataclass_params__`` say which methods
dataclasses itself wrote: none). The features it does not implement (``__post_init__``, ``InitVar``,
``ClassVar``, keyword-only fields, fields left out of ``__init__``) are refused when the class is defined.
"""

from __future__ import annotations

import dataclasses
import reprlib
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")

_FACTORY = object()  # in a record's template of values: the field's default_factory makes its value


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls: type[T]) -> type[T]:
    """Return ``cls`` made a frozen dataclass whose methods are shared functions rather than compiled code."""
    if not cls.__doc__:
        raise TypeError(f"{cls.__qualname__}: a record says what it holds in a docstring")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__qualname__}: a record has no __post_init__; use @dataclass(frozen=True)")
    own = [name for name in ("__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__") if name in vars(cls)]
    if own:
        raise TypeError(f"{cls.__qualname__}: a record's {', '.join(own)} are the record's own; use @dataclass")
    # Fields, defaults as class attributes, __match_args__ and __dataclass_fields__; no code is generated.
    dataclasses.dataclass(init=False, repr=False, eq=False)(cls)
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]  # a dataclass now
    for f in fields:
        if not f.init or f.kw_only is True:
            raise TypeError(f"{cls.__qualname__}.{f.name}: a record's fields are all given to __init__, by position "
                            "or by keyword")
    if len(fields) != len(cls.__dataclass_fields__):  # type: ignore[attr-defined]  # an InitVar or a ClassVar
        raise TypeError(f"{cls.__qualname__}: a record has no InitVar or ClassVar pseudo-fields")
    names = tuple(f.name for f in fields)
    required = [f.name for f in fields if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING]
    if tuple(required) != names[:len(required)]:  # what dataclass's __init__ refuses
        later = next(name for name in required if names.index(name) >= len(required))
        raise TypeError(f"non-default argument {later!r} follows default argument")
    compared = tuple(f.name for f in fields if f.compare)
    hashed = tuple(f.name for f in fields if (f.compare if f.hash is None else f.hash))
    shown = tuple(f.name for f in fields if f.repr)
    template = {f.name: (f.default if f.default is not dataclasses.MISSING
                         else _FACTORY if f.default_factory is not dataclasses.MISSING else dataclasses.MISSING)
                for f in fields}
    factories = tuple((f.name, f.default_factory) for f in fields if f.default_factory is not dataclasses.MISSING)
    if "__init__" not in vars(cls):
        cls.__init__ = _init(cls, names, template, factories)  # type: ignore[method-assign]
    cls.__repr__ = _repr(shown)  # type: ignore[method-assign]
    cls.__eq__ = _eq(compared)  # type: ignore[method-assign, assignment]
    cls.__hash__ = _hash(hashed)  # type: ignore[method-assign, assignment]
    cls.__setattr__, cls.__delattr__ = _frozen(cls, names)  # type: ignore[method-assign, assignment]
    for method in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__"):
        function = vars(cls)[method]
        function.__qualname__ = f"{cls.__qualname__}.{method}"
    return cls


def _init(cls: type, names: tuple[str, ...], template: dict[str, Any],
          factories: tuple[tuple[str, Callable[[], Any]], ...]) -> Callable[..., None]:
    """Return the ``__init__`` of a record with fields ``names``: by position or keyword, defaults filled in."""
    count = len(names)
    allowed = frozenset(names)
    required = sum(value is dataclasses.MISSING for value in template.values())  # the first fields, as in a dataclass
    by_keyword = [frozenset(names[n:required]) for n in range(count + 1)]  # still to come after n positional ones
    set_dict = object.__setattr__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        values = template.copy()
        if args:
            if len(args) > count:
                _bind(cls, names, template, args, kwargs)
            values.update(zip(names, args, strict=False))  # the first len(args) fields
        if kwargs:
            if not allowed.issuperset(kwargs) or (args and not kwargs.keys().isdisjoint(names[:len(args)])):
                _bind(cls, names, template, args, kwargs)
            values.update(kwargs)
        if not kwargs.keys() >= by_keyword[len(args)]:  # a required field given neither way
            _bind(cls, names, template, args, kwargs)
        for name, factory in factories:
            if values[name] is _FACTORY:
                values[name] = factory()
        set_dict(self, "__dict__", values)

    return __init__


def _bind(cls: type, names: tuple[str, ...], template: dict[str, Any], args: tuple, kwargs: dict[str, Any]) -> None:
    """Raise the TypeError that a dataclass's ``__init__`` raises for ``args`` and ``kwargs``, which do not fit.

    Only a wrong call comes here, so here alone a function with the record's signature is compiled
    (as dataclasses compiles one for every class), to be called and to say what is wrong in Python's words.
    """
    parameters = ", ".join(name if template[name] is dataclasses.MISSING else f"{name}=None" for name in names)
    namespace: dict[str, Any] = {}
    exec(f"def __init__(self, {parameters}): pass", {}, namespace)  # noqa: S102 (field names are identifiers)
    signature = namespace["__init__"]
    signature.__qualname__ = f"{cls.__qualname__}.__init__"
    signature(None, *args, **kwargs)
    raise TypeError(f"{cls.__qualname__}.__init__() got arguments it does not take")  # pragma: no cover


def _repr(shown: tuple[str, ...]) -> Callable[[Any], str]:
    """Return the ``__repr__`` of a record showing the fields ``shown``, as a dataclass's shows them."""

    @reprlib.recursive_repr()
    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{self.__class__.__qualname__}({inner})"

    return __repr__


def _eq(compared: tuple[str, ...]) -> Callable[[Any, object], bool]:
    """Return the ``__eq__`` of a record: same class and equal ``compared`` fields, in order."""

    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is self.__class__:
            mine, theirs = [getattr(self, name) for name in compared], [getattr(other, name) for name in compared]
            return tuple(mine) == tuple(theirs)
        return NotImplemented

    return __eq__


def _hash(hashed: tuple[str, ...]) -> Callable[[Any], int]:
    """Return the ``__hash__`` of a record: the hash of the tuple of its ``hashed`` fields."""

    def __hash__(self: Any) -> int:
        return hash(tuple([getattr(self, name) for name in hashed]))

    return __hash__


def _frozen(cls: Any, names: tuple[str, ...]) -> tuple[Callable[[Any, str, Any], None], Callable[[Any, str], None]]:
    """Return the ``__setattr__`` and ``__delattr__`` that refuse to change a record's fields."""

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return __setattr__, __delattr__
