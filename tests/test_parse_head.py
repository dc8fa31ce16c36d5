"""Reading only the head of a YAML file: the same values as a whole parse, and nothing after them."""

from __future__ import annotations

import datetime as dt

import pytest

from coursereview.criteria import sets as criteria_sets
from coursereview.errors import InputError
from coursereview.intake import parse_head, parse_text

HEAD = b"""id: demo
version: "1.2"
kinds: [institute, academy]
effective_from: 2020-01-01
"""


def test_the_head_holds_the_values_a_whole_parse_gives() -> None:
    whole = HEAD + b"rules:\n  x: {value: 1}\n"
    head = parse_head(whole, "demo.yaml", ("id", "version", "kinds", "effective_from"))
    assert head == {k: v for k, v in parse_text(whole, "demo.yaml", schema_id=None).data.items() if k != "rules"}


def test_what_follows_the_last_key_is_not_read() -> None:
    broken_after = HEAD + b"rules: [unclosed\n  - {\n"
    with pytest.raises(InputError):
        parse_text(broken_after, "demo.yaml", schema_id=None)
    assert parse_head(broken_after, "demo.yaml", ("id", "kinds"))["kinds"] == ["institute", "academy"]


def test_a_missing_key_reads_the_whole_mapping_and_a_problem_before_the_keys_is_reported() -> None:
    assert parse_head(HEAD, "demo.yaml", ("id", "effective_until")) == parse_text(HEAD, "d", schema_id=None).data
    with pytest.raises(InputError, match="duplicate key 'id'"):
        parse_head(b"id: a\nid: b\nversion: '1'\n", "demo.yaml", ("version",))


def test_judging_one_submission_builds_one_shipped_set(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    build = criteria_sets._build

    def counted(document: object) -> criteria_sets.CriteriaSet:
        result = build(document)  # type: ignore[arg-type]
        built.append(result.ref)
        return result

    monkeypatch.setattr(criteria_sets, "_build", counted)
    criteria_sets._shipped.cache_clear()
    try:
        chosen = criteria_sets.resolve_criteria(None, "institute", dt.date(2027, 5, 17))
        assert built == [chosen.ref]
        assert len(criteria_sets.shipped_criteria()) == len(criteria_sets._shipped()) == len(set(built))
    finally:
        criteria_sets._shipped.cache_clear()
