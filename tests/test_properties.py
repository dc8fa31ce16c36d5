"""Property tests: random programs never crash the checker, and the hours always add up."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coursereview import check
from coursereview.intake import Document
from coursereview.location import SourceMap
from coursereview.schema import build_submission

AREAS = ["government", "clerk-role", "management", "interpersonal", "professional", "special-topics"]
KINDS = ["instruction", "instruction", "instruction", "exam", "break", "meal", "social"]
START = dt.date(2027, 7, 12)


def _document(data: dict) -> Document:
    return Document(data, SourceMap("random.yaml"), "random.yaml", "0" * 64)


@st.composite
def programs(draw: st.DrawFn, disjoint: bool = False) -> dict:
    """Draw a program; with ``disjoint`` its sessions never overlap (one per slot)."""
    days = draw(st.integers(1, 5))
    sessions = []
    for day in range(days):
        minute = draw(st.integers(6 * 60, 9 * 60))
        for _ in range(draw(st.integers(0, 6))):
            length = draw(st.integers(5, 240))
            if not disjoint:
                minute = draw(st.integers(6 * 60, 20 * 60))
            end = min(minute + length, 23 * 60 + 59)
            if end <= minute:
                break
            session = {
                "title": draw(st.text(min_size=1, max_size=20)),
                "date": (START + dt.timedelta(days=day)).isoformat(),
                "start": f"{minute // 60:02d}:{minute % 60:02d}",
                "end": f"{end // 60:02d}:{end % 60:02d}",
                "kind": draw(st.sampled_from(KINDS)),
                "area": draw(st.sampled_from(AREAS)),
                "instructors": draw(st.lists(st.sampled_from(["a", "b", "c", "zz"]), max_size=2)),
                "level": draw(st.sampled_from(["basic", "intermediate", "advanced"])),
                "description": draw(st.text(max_size=30)),
            }
            if not disjoint and draw(st.booleans()):
                session["track"] = draw(st.sampled_from(["A", "B"]))
            sessions.append(session)
            minute = end + draw(st.integers(0, 60))
    return {
        "schema": "coursereview/submission@1",
        "provider": {"name": "P", "director": {"name": "D", "email": draw(st.sampled_from(["d@x.org", "bad"]))}},
        "program": {"title": "T", "kind": draw(st.sampled_from(["institute", "academy", "association"])),
                    "start": START.isoformat(), "end": (START + dt.timedelta(days=days - 1)).isoformat(),
                    "assessment": draw(st.sampled_from([None, "quiz"]))},
        "instructors": [{"id": i, "name": i.upper()} for i in ("a", "b", "c")],
        "sessions": sessions,
    }


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_checker_never_crashes_and_totals_are_consistent(data: dict) -> None:
    review = check(build_submission(_document(data)))
    assert review.verdict in ("approvable", "approvable-with-notes", "not-approvable")
    tally = review.tally
    assert tally.total_minutes == sum(line.counted for line in tally.trail)
    assert tally.total_minutes == sum(tally.day_minutes.values())
    assert tally.total_minutes <= sum(tally.area_minutes.values())  # areas count hours offered
    assert tally.points >= 0 and (tally.points == 0 or tally.points >= 0.5)
    assert (tally.points * 2).is_integer()
    review.to_dict()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(disjoint=True))
def test_per_area_hours_add_up_to_the_total(data: dict) -> None:
    review = check(build_submission(_document(data)))
    assert sum(review.tally.area_minutes.values()) == review.tally.total_minutes
    assert "T002" not in {f.code for f in review.findings}


_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False),
                     st.text(max_size=12))
_junk = st.recursive(_scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                     max_leaves=20)
_keys = st.sampled_from(["provider", "program", "instructors", "sessions", "schema", "other"])


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_keys, _junk, max_size=5), st.sampled_from(["iimc-institute", "iimc-association"]))
def test_any_plain_data_gives_findings_not_a_crash(data: dict, criteria: str) -> None:
    data["schema"] = "coursereview/submission@1"
    submission = build_submission(_document(data))
    review = check(submission, criteria)
    assert all(f.code and f.message for f in review.findings)


_CELL_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)) | st.sampled_from(
    ["&", "<", ">", "\n", "\x00", "\t", "\u202e", "\x1b", "{", "}", "\ufffe"]), max_size=12)


@given(cells=st.lists(_CELL_TEXT, min_size=3, max_size=3), keep=st.booleans())
@example(cells=["\x000", "a", "b"], keep=False)  # a cell holding the quick path's own separator
@example(cells=["", "", "\x00"], keep=True)
@settings(max_examples=300, deadline=None)
def test_a_row_of_text_is_written_as_cell_by_cell_whatever_the_text(cells: list[str], keep: bool) -> None:
    # rows of printable text take a quick path; any other text (breaks, controls, bidi) the careful one
    from coursereview.word.markup import TableLook, _Rows, _texts

    rows = _Rows([1000, 2000, 3000], TableLook(points=9, spacing=20), align=[None, "right", None])
    expected = rows.start + "".join(f"{start}{_texts(cell)}</w:r></w:p></w:tc>"
                                    for start, cell in zip(rows.text_start[keep], cells, strict=True)) + "</w:tr>"
    assert rows.row(cells, keep_next=keep) == expected
