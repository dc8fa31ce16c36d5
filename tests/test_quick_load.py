"""The validate path's shortcuts give what the general path gives: quick_load what Schema.load does, and the rest."""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError, fields

from coursereview.criteria.sets import _choice_schema, _criteria_schema
from coursereview.intake.text import _BAD_CHAR, parse_text
from coursereview.parsing import clean, parse_time
from coursereview.resources import criteria_dir
from coursereview.schema.quick import _plan, quick_load
from coursereview.schema.submission import Text, TextList, _schema
from coursereview.tally import _clock

ROOT = Path(__file__).resolve().parent.parent
SUBMISSIONS = sorted([*(ROOT / "examples").glob("*.yaml"), *(ROOT / "tests" / "data").rglob("*.yaml")])
SUBMISSIONS = [p for p in SUBMISSIONS if not p.name.endswith(".expected.yaml") and "criteria" not in p.name]
CRITERIA = sorted(criteria_dir().glob("*.yaml"))


def _outcome(load: Any) -> tuple[str, Any]:
    """Return ("ok", result) or ("error", (messages, valid_data)) for one load."""
    try:
        return "ok", load()
    except ValidationError as exc:
        return "error", (exc.messages, exc.valid_data)


def _same(schema: Schema, data: Any, partial: bool | None = None) -> None:
    expected = _outcome(lambda: schema.load(copy.deepcopy(data), partial=partial))
    assert _outcome(lambda: quick_load(schema, copy.deepcopy(data), partial=partial)) == expected


def _data(path: Path) -> dict[str, Any]:
    return parse_text(path.read_bytes(), str(path), schema_id=None).data


def test_the_quick_walk_reads_every_schema_coursereview_loads() -> None:
    """Else the comparisons below would compare marshmallow with itself."""
    for schema in (_schema(), _criteria_schema(), _choice_schema()):
        assert _plan(schema, None) is not None, type(schema).__name__


@pytest.mark.parametrize("path", SUBMISSIONS, ids=[p.name for p in SUBMISSIONS])
def test_each_submission_loads_as_marshmallow_loads_it(path: Path) -> None:
    _same(_schema(), _data(path), partial=False)


@pytest.mark.parametrize("path", CRITERIA, ids=[p.name for p in CRITERIA])
def test_each_criteria_set_loads_as_marshmallow_loads_it(path: Path) -> None:
    data = _data(path)
    _same(_criteria_schema(), data)
    _same(_choice_schema(), data)


BASE = yaml.safe_load((ROOT / "tests" / "data" / "base-institute.yaml").read_text(encoding="utf-8"))
ODD_VALUES = [None, "", "  ", "x", "Basic", "2027-13-45", "8:30", "1300", 1300, 8.3, 0, -1, True, [], ["a", None],
              {}, {"name": "x"}, [{"title": 1}], "\u00a0 padded \u00a0", ["", " x  y ", "\u00a0"], [1, "p1"]]


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    """Return the path of every value inside ``value`` (itself included)."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*path, i))
    return found


def _mutate(data: Any, draw: Any, times: int, keys: list[str]) -> Any:
    """Replace, remove, add or rename a value ``times`` times (added keys are drawn from ``keys``)."""
    for _ in range(times):
        path = draw(st.sampled_from(_paths(data)[1:]))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "remove", "add", "rename"]))
        if action == "replace":
            parent[path[-1]] = copy.deepcopy(draw(st.sampled_from(ODD_VALUES)))  # later draws may change it
        elif action == "remove" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(keys))] = copy.deepcopy(draw(st.sampled_from(ODD_VALUES)))
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(st.sampled_from(keys))] = parent.pop(path[-1])
    return data


SUBMISSION_KEYS = ["nickname", "title", "kind", "areas", "Title", "start"]
CRITERIA_KEYS = ["nickname", "title", "program.min_hours", "session.no_such_rule", "instruction", "lunch", "value",
                 "basis", "minutes", "Government"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_submission_with_odd_values_loads_as_marshmallow_loads_it(draw: st.DataObject) -> None:
    data = _mutate(copy.deepcopy(BASE), draw.draw, draw.draw(st.integers(1, 4)), SUBMISSION_KEYS)
    _same(_schema(), data, partial=False)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CRITERIA), st.data())
def test_a_criteria_set_with_odd_values_loads_as_marshmallow_loads_it(path: Path, draw: st.DataObject) -> None:
    data = _mutate(_data(path), draw.draw, draw.draw(st.integers(1, 3)), CRITERIA_KEYS)
    _same(_criteria_schema(), data)
    _same(_choice_schema(), data)


def test_a_partial_load_is_marshmallows() -> None:
    data = copy.deepcopy(BASE)
    del data["program"]
    _same(_schema(), data, partial=True)


TEXTS = ["Ethics", "  Ethics  in\u00a0the\u202foffice ", "", "   ", "\u00a0", "p1", "Karen Olson, MMC", "line\nbreak"]


@pytest.mark.parametrize("value", [*TEXTS, TEXTS, TEXTS[2:5], ["p1", "p2"]], ids=repr)
def test_text_and_text_list_read_a_string_as_marshmallows_string_and_list_fields_do(value: Any) -> None:
    """Text and TextList read a str (and a list of them) themselves; what they read is what the general path reads."""

    def general(text: str) -> str | None:
        return clean(fields.String()._deserialize(text, None, None)) or None

    if isinstance(value, str):
        assert Text()._deserialize(value, None, None) == general(value)
        value = [value]
    text_list = TextList()
    assert text_list._deserialize(value, None, None) == tuple(
        v for v in fields.List._deserialize(text_list, value, None, None) if v)
    assert text_list._deserialize(value, None, None) == tuple(t for t in map(general, value) if t)


def test_parse_times_shortcut_for_hh_mm_reads_as_the_pattern_does() -> None:
    """A time such as 13:30 is read without the patterns; 13.30 still goes through them and must mean the same."""
    pairs = [f"{h:02d}{{}}{m:02d}" for h in range(100) for m in range(100)]
    pairs += ["\u0660\u0668{}\u0663\u0660", "1\u00b2{}30"]  # Arabic-Indic digits are digits; a superscript is not
    for pair in pairs:
        assert parse_time(pair.format(":")) == parse_time(pair.format(".")), pair


def test_the_tallys_clock_writes_what_strftime_writes() -> None:
    for minute in range(24 * 60):
        time = dt.time(*divmod(minute, 60))
        assert _clock(time) == time.strftime("%H:%M")
    assert _clock(None) == "?"


def test_of_the_characters_check_text_refuses_yamls_reader_admits_only_u0085() -> None:
    """The reader searches plain scalars for them only when the text holds U+0085: any other stops the parse."""
    admitted_by_yaml = re.compile("[\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # YAML 1.1
    assert yaml.reader.Reader.NON_PRINTABLE.pattern.strip("[^]") == admitted_by_yaml.pattern.strip("[]")
    both = [code for code in range(0x110000) if _BAD_CHAR.match(chr(code)) and admitted_by_yaml.match(chr(code))]
    assert both == [0x85]
