"""Every rule family emits only the codes it declares, over the shipped examples and generated broken programs."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coursereview import check, load_submission
from coursereview.criteria import CriteriaSet, load_criteria_file, shipped_criteria
from coursereview.findings import CATALOG, Finding
from coursereview.intake import Document
from coursereview.location import SourceMap
from coursereview.review import Review
from coursereview.rules import Context, RuleFunction, families
from coursereview.schema import build_submission
from coursereview.schema.model import Submission
from coursereview.schema.submission import CODES as SCHEMA_CODES

DATA = Path(__file__).parent / "data"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BASE = yaml.safe_load((DATA / "base-institute.yaml").read_text())
CRITERIA = [*shipped_criteria(), load_criteria_file(DATA / "criteria-custom.yaml")]
FAMILIES = families()


def _recording(name: str, rule_check: RuleFunction, seen: list[tuple[str, Finding]]) -> RuleFunction:
    def run(ctx: Context) -> Iterator[Finding]:
        for finding in rule_check(ctx):
            seen.append((name, finding))
            yield finding

    return run


def _judge(submission: Submission, criteria: CriteriaSet) -> tuple[Review, list[tuple[str, Finding]]]:
    """Return the review by ``check`` itself, and which family emitted each of its rule findings."""
    seen: list[tuple[str, Finding]] = []
    wrapped = {name: (codes, _recording(name, rule_check, seen)) for name, (codes, rule_check) in FAMILIES.items()}
    with mock.patch("coursereview.checking.families", lambda: wrapped):
        review = check(submission, criteria)
    return review, seen


def _assert_declared(submission: Submission, criteria: CriteriaSet) -> set[str]:
    """Assert that each finding comes from the stage that declares its code; return the codes found."""
    assert {f.code for f in submission.findings} <= set(SCHEMA_CODES)
    review, seen = _judge(submission, criteria)
    strays = [(name, f.code, f.path_text) for name, f in seen if f.code not in FAMILIES[name][0]]
    assert not strays, f"codes emitted by a family that does not declare them: {strays}"
    assert sorted(review.findings, key=id) == sorted([*submission.findings, *(f for _, f in seen)], key=id)
    return {f.code for f in review.findings}


def test_every_catalog_code_is_declared_by_exactly_one_family_or_the_schema() -> None:
    declared = [*SCHEMA_CODES, *(code for codes, _ in FAMILIES.values() for code in codes)]
    assert sorted(declared) == sorted(CATALOG)  # each once, none missing, none unknown


EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.glob("*.yaml"))


@pytest.mark.parametrize("name", EXAMPLE_FILES)
@pytest.mark.parametrize("criteria", CRITERIA, ids=[c.ref for c in CRITERIA])
def test_examples_under_every_criteria_set(name: str, criteria: CriteriaSet) -> None:
    _assert_declared(load_submission(EXAMPLES / name), criteria)


# --- generated broken programs ---------------------------------------------------------------

_JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 3000), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12), st.sampled_from(["", " ", "25:00", "07:30", "13:00", "2027-02-30", "2027-05-18",
                                           "2026-01-01", "basic", "Advanced", "exam", "break", "meal", "social",
                                           "instruction", "government", "clerk-roll", "ann", "zed", "bad@",
                                           "academy", "association", "institute", "A", "B"]),
    st.lists(st.sampled_from(["ann", "bob", "zed", "Ann", ""]), max_size=3),
    st.dictionaries(st.sampled_from(["x", "title", "id"]), st.text(max_size=4), max_size=2),
)


# Plausible wrong values by key, so that a mutation often breaks a rule rather than only the schema.
_TIMES = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(6, 20), st.sampled_from([0, 10, 15, 30, 45, 50]))
_DATES = st.sampled_from(["2027-05-16", "2027-05-17", "2027-05-19", "2027-05-22", "2026-01-01"])
_TYPED = {
    "start": _TIMES, "end": _TIMES,
    "date": _DATES,
    "email": st.sampled_from(["dana@example.org", "dana at example", "bad@", "x@y"]),
    "id": st.sampled_from(["ann", "bob", "cat"]),
    "instructors": st.lists(st.sampled_from(["ann", "bob", "zed", "Ann"]), max_size=3),
    "area": st.sampled_from(["government", "clerk-role", "management", "clerk-roll", "Role of the Clerk"]),
    "kind": st.sampled_from(["instruction", "exam", "break", "meal", "social", "academy", "association"]),
    "level": st.sampled_from(["basic", "intermediate", "advanced", "Basic", "expert"]),
}


def _value(draw: st.DrawFn, key: object) -> Any:
    """Draw a new value for ``key``: as often a plausible wrong one as plain junk."""
    typed = _TYPED.get(key) if isinstance(key, str) else None
    return draw(typed if typed is not None and draw(st.booleans()) else _JUNK)


def _paths(value: Any, path: tuple = ()) -> Iterator[tuple]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, path + (i,))


def _parent(doc: Any, path: tuple) -> Any:
    for part in path[:-1]:
        doc = doc[part]
    return doc


@st.composite
def broken_programs(draw: st.DrawFn) -> dict:
    """Draw the clean fixture with a few values dropped, replaced by junk, added or sessions copied."""
    doc = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 8))):
        action = draw(st.sampled_from(["drop", "set", "add", "copy-session", "drop-session"]))
        sessions = doc.get("sessions") if isinstance(doc.get("sessions"), list) else []
        if action == "copy-session" and sessions:
            item = copy.deepcopy(draw(st.sampled_from(sessions)))
            if isinstance(item, dict):
                keys = draw(st.sets(st.sampled_from(["start", "end", "date", "track", "kind", "instructors", "area",
                                                     "level"]), max_size=3))
                item.update({key: _value(draw, key) for key in keys})
            sessions.append(item)
            continue
        if action == "drop-session" and len(sessions) > 1:
            del sessions[draw(st.integers(0, len(sessions) - 1))]
            continue
        paths = [p for p in _paths(doc) if p and p != ("schema",)]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(doc, path)
        if action == "drop":
            del parent[path[-1]]
        elif action == "set":
            parent[path[-1]] = _value(draw, "date" if path in (("program", "start"), ("program", "end")) else path[-1])
        elif isinstance(parent[path[-1]], dict):
            parent[path[-1]][draw(st.sampled_from(["titel", "emial", "notes", "kind", "track"]))] = draw(_JUNK)
    return doc


def _document(data: dict) -> Document:
    return Document(data, SourceMap("generated.yaml"), "generated.yaml", "0" * 64)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_programs(), st.sampled_from(CRITERIA))
def test_broken_programs_get_only_declared_codes(data: dict, criteria: CriteriaSet) -> None:
    _assert_declared(build_submission(_document(data)), criteria)


def test_the_generated_programs_reach_most_codes() -> None:
    """Guard the generator: broken programs that seldom break anything would make the test above weak."""
    reached: set[str] = set()

    @settings(max_examples=200, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(broken_programs(), st.sampled_from(CRITERIA))
    def collect(data: dict, criteria: CriteriaSet) -> None:
        reached.update(_assert_declared(build_submission(_document(data)), criteria))

    collect()
    assert len(reached) >= 0.7 * len(CATALOG), sorted(set(CATALOG) - reached)
