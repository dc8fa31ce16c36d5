"""The shipped examples say what their header comments promise."""

from __future__ import annotations

from pathlib import Path

import pytest

from coursereview import check, load_submission

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# (file, verdict, contact hours, points, codes it must produce)
EXPECTED = [
    ("institute-part1.yaml", "approvable", 40.0, 20.0, set()),
    ("academy.yaml", "approvable", 22.0, 11.0, set()),
    ("association-conference.yaml", "approvable", 12.0, 3.0, set()),
    ("approvable-with-notes.yaml", "approvable-with-notes", 36.0, 18.0, {"H002", "I002", "A004"}),
    ("not-approvable.yaml", "not-approvable", 5.0, 1.0, {"T001", "T002", "A001", "I001", "D003"}),
]


@pytest.mark.parametrize(("name", "verdict", "hours", "points", "codes"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_example(name: str, verdict: str, hours: float, points: float, codes: set[str]) -> None:
    review = check(load_submission(EXAMPLES / name))
    assert review.verdict == verdict
    assert review.tally.contact_hours == hours
    assert review.tally.points == points
    assert {f.code for f in review.findings} == codes  # clean examples produce no finding at all


def test_every_example_is_covered() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.yaml")) == sorted(e[0] for e in EXPECTED)
