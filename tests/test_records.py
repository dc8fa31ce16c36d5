"""A record behaves as the frozen dataclass it stands for: the same class written both ways, compared."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest

from coursereview.location import Location
from coursereview.records import record


@record
class Slot:
    """A record with a required field, plain defaults, a factory and a field left out of comparisons."""

    index: int
    title: str | None = None
    tags: tuple[str, ...] = ()
    notes: dict[str, int] = field(default_factory=dict)
    cache: dict[str, int] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class SlotDataclass:
    """The same fields as ``Slot``, made by dataclasses."""

    index: int
    title: str | None = None
    tags: tuple[str, ...] = ()
    notes: dict[str, int] = field(default_factory=dict)
    cache: dict[str, int] = field(default_factory=dict, compare=False, repr=False)


def _both(*args: Any, **kwargs: Any) -> tuple[Slot, SlotDataclass]:
    return Slot(*args, **kwargs), SlotDataclass(*args, **kwargs)


def _outcome(action: Any) -> tuple[str, str]:
    try:
        return "value", repr(action())
    except Exception as exc:  # noqa: BLE001 (the exception is the outcome compared)
        return type(exc).__name__, str(exc).replace("SlotDataclass", "Slot")


CALLS = [((1,), {}), ((1, "Ethics"), {}), ((), {"index": 2, "tags": ("a",)}), ((3,), {"notes": {"x": 1}}),
         ((), {}), ((1,), {"index": 2}), ((1,), {"nope": 2}), (tuple(range(9)), {}), ((1, "t", ()), {"title": "u"})]


@pytest.mark.parametrize(("args", "kwargs"), CALLS, ids=[str(c) for c in CALLS])
def test_a_record_is_made_and_refused_as_the_dataclass_is(args: tuple, kwargs: dict[str, Any]) -> None:
    mine = _outcome(lambda: Slot(*args, **kwargs))
    theirs = _outcome(lambda: SlotDataclass(*args, **kwargs))
    assert mine[0] == theirs[0]
    assert mine[1].replace("SlotDataclass", "Slot") == theirs[1].replace("SlotDataclass", "Slot")


def test_a_record_compares_hashes_and_prints_as_the_dataclass_does() -> None:
    a, a_dc = _both(1, "Ethics", ("x",))
    b, b_dc = _both(1, "Ethics", ("x",))
    a.cache["seen"] = 1  # compare=False: not part of equality
    assert (a == b) is (a_dc == b_dc) is True
    assert (a == Slot(2)) is (a_dc == SlotDataclass(2)) is False
    assert a != a_dc and a.__eq__(a_dc) is NotImplemented
    assert repr(a) == repr(a_dc).replace("SlotDataclass", "Slot")
    assert {Location("f", 1, 2): 1}[Location("f", 1, 2)] == 1
    assert hash(Location("f", 1, 2)) == hash(dataclasses.astuple(Location("f", 1, 2)))
    with pytest.raises(TypeError, match="unhashable"):
        hash(a)  # a dict field: unhashable, as the dataclass is
    with pytest.raises(TypeError, match="unhashable"):
        hash(a_dc)


def test_a_record_refuses_assignment_and_deletion_as_the_dataclass_does() -> None:
    for value in _both(1):
        with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'title'"):
            value.title = "x"  # type: ignore[misc]
        with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'other'"):
            value.other = "x"  # type: ignore[attr-defined]
        with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'title'"):
            del value.title  # type: ignore[misc]


def test_a_record_works_with_dataclasses_copy_and_pickle() -> None:
    slot = Slot(1, "Ethics", notes={"a": 1})
    assert dataclasses.is_dataclass(slot)
    assert [f.name for f in dataclasses.fields(Slot)] == [f.name for f in dataclasses.fields(SlotDataclass)]
    assert dataclasses.replace(slot, title="Records") == Slot(1, "Records", notes={"a": 1})
    assert dataclasses.asdict(slot) == dataclasses.asdict(SlotDataclass(1, "Ethics", notes={"a": 1}))
    assert Slot.__match_args__ == SlotDataclass.__match_args__
    assert Slot.title is None and "notes" not in vars(Slot)  # defaults as class attributes, factories not
    assert Slot(1).notes is not Slot(1).notes  # a fresh value from the factory each time
    assert copy.deepcopy(slot) == slot and pickle.loads(pickle.dumps(slot)) == slot
    assert Slot.__init__.__qualname__ == "Slot.__init__" and Slot.__doc__.startswith("A record")
    match slot:
        case Slot(1, title):
            assert title == "Ethics"
        case _:
            pytest.fail("a record matches by position as a dataclass does")


def test_location_writes_its_own_init_and_is_still_the_record() -> None:
    assert Location("f", 3) == Location(file="f", line=3, column=None, where=None)
    assert dataclasses.replace(Location("f", 3, 4), where="row 7") == Location("f", 3, 4, "row 7")
    assert repr(Location("f", 3, 4)) == "Location(file='f', line=3, column=4, where=None)"


def _define(body: dict[str, Any], annotations: dict[str, Any], doc: str | None = "A test record.") -> type:
    return record(type("Bad", (), {"__doc__": doc, "__annotations__": annotations, **body}))


@pytest.mark.parametrize(("body", "annotations", "doc", "message"), [
    ({}, {"a": "int"}, None, "docstring"),
    ({"__post_init__": lambda self: None}, {"a": "int"}, "Doc.", "__post_init__"),
    ({"__eq__": lambda self, other: True}, {"a": "int"}, "Doc.", "__eq__"),
    ({"a": field(init=False, default=0)}, {"a": "int"}, "Doc.", "__init__"),
    ({"a": field(kw_only=True, default=0)}, {"a": "int"}, "Doc.", "__init__"),
    ({}, {"a": "int", "b": dataclasses.InitVar(int)}, "Doc.", "InitVar"),
    ({}, {"a": "int", "b": ClassVar[int]}, "Doc.", "ClassVar"),
    ({"a": 0}, {"a": "int", "b": "int"}, "Doc.", "non-default argument 'b' follows default argument"),
], ids=["no docstring", "post_init", "own eq", "init=False", "kw_only", "InitVar", "ClassVar", "default first"])
def test_what_a_record_does_not_do_is_refused_when_it_is_defined(body: dict[str, Any], annotations: dict[str, Any],
                                                                  doc: str | None, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        _define(body, annotations, doc)
