"""The helpers every stage shares: did-you-mean, offset to line and column, instructional sessions."""

from __future__ import annotations

import copy
import time
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from coursereview import check, load_submission
from coursereview.criteria import resolve_criteria
from coursereview.location import line_column
from coursereview.rules.instructors import SUGGEST_AT_MOST
from coursereview.wording import MAX_CANDIDATES, did_you_mean

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(("word", "choices", "cutoff", "hint"), [
    ("emial", ["name", "email", "phone"], 0.6, "did you mean 'email'?"),
    ("EMAIL", ["name", "email"], 0.6, "did you mean 'email'?"),  # any case
    ("jdoe", ["JDoe", "asmith"], 0.6, "did you mean 'JDoe'?"),  # the choice as it is written
    ("Intermediat", ("basic", "intermediate", "advanced"), 0.5, "did you mean 'intermediate'?"),
    ("zzz", ["email", "name"], 0.6, None),
    ("clerk", ["clerk-role", "government"], 0.6, "did you mean 'clerk-role'?"),
    ("clerk", ["clerk-role-and-duties"], 0.6, None),
    ("clerk", ["clerk-role-and-duties"], 0.3, "did you mean 'clerk-role-and-duties'?"),
    ("x", [], 0.6, None),
], ids=["typo", "case", "mixed-case-choice", "choice", "nothing-close", "prefix", "cutoff-refuses",
        "cutoff-accepts", "no-choices"])
def test_did_you_mean(word: str, choices: list[str], cutoff: float, hint: str | None) -> None:
    assert did_you_mean(word, choices, cutoff=cutoff) == hint


def test_did_you_mean_compares_a_bounded_number_of_choices() -> None:
    names = [f"instructor-{i:06d}" for i in range(50_000)] + ["zebra"]
    assert did_you_mean("instructor-000010x", names) == "did you mean 'instructor-000010'?"
    assert did_you_mean("zebr", names) is None  # beyond the first MAX_CANDIDATES
    assert did_you_mean("zebr", names[-MAX_CANDIDATES:]) == "did you mean 'zebra'?"
    assert did_you_mean("a" * 10_000, ["a" * 10_000]) is None  # no one mistypes a name that long


def test_many_unknown_instructors_among_many_listed_get_a_bounded_number_of_suggestions(tmp_path: Path) -> None:
    doc = yaml.safe_load((DATA / "base-institute.yaml").read_text())
    doc["instructors"] += [{"id": f"p{i:05d}", "name": f"P {i}", "qualifications": "q"} for i in range(5_000)]
    first = doc["sessions"][0]
    doc["sessions"] = [dict(copy.deepcopy(first), title=f"S {i}", date=f"2027-05-{17 + i % 5}",
                            instructors=[f"x{i:05d}", "x00000"]) for i in range(500)]
    path = tmp_path / "crowded.yaml"
    path.write_text(yaml.safe_dump(doc))
    began = time.perf_counter()
    review = check(load_submission(path))
    hints = [f.hint for f in review.findings if f.code == "I001"]
    assert len(hints) == 1000  # x00000 is named in every session, twice in the first
    assert hints.count("did you mean 'p00000'?") == 501  # compared once, told every time
    assert sum(h.startswith("did you mean") for h in hints) == 501 + SUGGEST_AT_MOST - 1
    last = next(f for f in review.findings if f.code == "I001" and f.path_text == "sessions[499].instructors[0]")
    assert last.hint == "add them to 'instructors'"
    assert time.perf_counter() - began < 30


@pytest.mark.parametrize(("text", "offset", "where"), [
    ("abc", 0, (1, 1)),
    ("abc", 2, (1, 3)),
    ("ab\ncd", 3, (2, 1)),
    ("ab\ncd", 4, (2, 2)),
    ("ab\n\n\nxyz", 7, (4, 3)),
    (b"ab\n\xc3\xa9x", 5, (2, 3)),  # bytes count as bytes
    ("ab\n\u00e9x", 4, (2, 2)),  # text counts characters
])
def test_line_column(text: str | bytes, offset: int, where: tuple[int, int]) -> None:
    assert line_column(text, offset) == where


def test_a_taught_session_needs_a_presenter_whatever_counts_as_contact_time(tmp_path: Path) -> None:
    doc = yaml.safe_load((DATA / "base-institute.yaml").read_text())
    doc["sessions"][0]["instructors"] = []  # an instruction session
    doc["sessions"][2]["kind"] = "exam"  # contact time under the shipped sets, but not taught
    doc["sessions"][2]["instructors"] = []
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(doc))
    review = check(load_submission(path))
    assert [f.path_text for f in review.findings if f.code == "I005"] == ["sessions[0]"]


def test_the_calculation_trail_names_the_kinds_the_criteria_set_does_not_count(tmp_path: Path) -> None:
    submission = load_submission(DATA / "base-institute.yaml")
    shipped = resolve_criteria("iimc-institute")
    assert "breaks, meals and social events count 0)" in check(submission, shipped).tally.steps()[0]
    strict = replace(shipped, counts=dict(shipped.counts, exam=False))
    assert "exams, breaks, meals and social events count 0)" in check(submission, strict).tally.steps()[0]
    generous = replace(shipped, counts=dict.fromkeys(shipped.counts, True))
    assert "every kind of session counts)" in check(submission, generous).tally.steps()[0]
