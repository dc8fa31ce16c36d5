"""The review reads as written for its reader: reference, summary, findings grouped in sentences, marks, chart."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import docx
import PIL.Image
import pytest
import yaml

from coursereview import check, load_submission, review_reference
from coursereview.documents import render
from coursereview.documents.chart import chart_bars, chart_layout, hours_chart_png, hours_chart_svg
from coursereview.documents.finding_text import entries, sentence
from coursereview.documents.profile import load_profile
from coursereview.documents.review_context import review_context
from coursereview.review import Review

DATA = Path(__file__).parent / "data"
BASE = DATA / "base-institute.yaml"
CUSTOM = DATA / "criteria-custom.yaml"
EXAMPLES = Path(__file__).parent.parent / "examples"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _review(tmp_path: Path, change=None, criteria: str | None = None, name: str = "program.yaml") -> Review:
    data = yaml.safe_load(BASE.read_text(encoding="utf-8"))
    if change:
        change(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return check(load_submission(path), criteria)


def _off_grid(data: dict) -> None:
    """End three sessions 10 minutes early (H005 three times) and run a special-topics track beside the first."""
    for index, end in ((0, "11:50"), (2, "16:50"), (3, "11:50")):
        data["sessions"][index]["end"] = end
    first = data["sessions"][0]
    data["sessions"].append({**first, "title": "Parallel Workshop", "track": "B", "area": "special-topics",
                             "instructors": ["bob"]})
    first["track"] = "A"


def test_the_reference_is_short_unambiguous_and_stable(tmp_path: Path) -> None:
    one = _review(tmp_path)
    again = _review(tmp_path / "..", name="copy.yaml")  # another name, the same bytes
    other = _review(tmp_path, lambda d: d["program"].update(location="Elsewhere, MN"), name="other.yaml")
    reference = review_reference(one)
    assert reference.startswith("CR-") and len(reference) == 11
    assert set(reference[3:]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")  # no 0 or 1 to read as O or I
    assert review_reference(again) == reference != review_reference(other)
    assert review_reference(check(load_submission(BASE), str(CUSTOM))) == review_reference(check(load_submission(BASE)))


def test_page_1_answers_at_a_glance(tmp_path: Path) -> None:
    review = _review(tmp_path, lambda d: d["program"].pop("certificate"))
    ctx = review_context(review, reviewed=dt.date(2027, 6, 1))
    summary = dict(ctx["summary"])
    assert summary["Verdict"].startswith("Not approvable.")
    assert summary["IIMC decision"] == "Not yet recorded"
    assert summary["Contact hours"] == "40.0" and summary["Points"] == "20.0 CMC Education"
    assert summary["Curriculum areas covered"] == "5 of 6 (at least 4 expected)"
    assert summary["Ethics"].startswith("Yes: ")
    assert summary["Findings"] == "1 error, no warnings, no notes"
    assert summary["Review date"] == "June 1, 2027" and summary["Reference"] == review_reference(review)
    assert ctx["key_findings"]["lines"] == [
        "The program names no certificate or transcript template (Program details: Certificate)."]
    assert "program.yaml" not in str(summary) and review.submission.sha256 not in str(summary)
    assert dict(ctx["audit"])["Submission file"] == "program.yaml"


def test_findings_of_one_code_are_one_finding_listing_its_sessions(tmp_path: Path) -> None:
    review = _review(tmp_path, _off_grid)
    h005 = [f for f in review.findings if f.code == "H005"]
    assert len(h005) == 4  # three shortened, and the track beside the first
    [entry] = [e for e in entries(review, load_profile()) if e.code == "H005"]
    assert entry.heading == "Session not in whole scheduling units, in 4 sessions"
    assert len(entry.sentences) == len(entry.places) == 4 and len(entry.hints) == 1
    assert entry.places[0] == "Session “Forms of Local Government”, Monday, May 17, 2027"
    assert entry.sentences[0] == "The session lasts 230 minutes, not a whole number of 30-minute blocks."
    assert entry.sessions == (0, 2, 3, 15)
    assert entry.rule == "Sessions are scheduled in blocks of 30 minutes."


def test_findings_come_errors_first_then_warnings_then_notes(tmp_path: Path) -> None:
    def mixed(data: dict) -> None:
        _off_grid(data)
        data["program"].pop("certificate")  # error
        data["instructors"].append({"id": "zed", "name": "Zed Unused", "qualifications": "q"})  # warning

    review = _review(tmp_path, mixed)
    severities = [e.severity for e in entries(review, load_profile())]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    assert {"error", "warning", "info"} <= set(severities)
    ctx = review_context(review)
    assert [g["title"].split(" (")[0] for g in ctx["finding_groups"]] == ["Errors", "Warnings", "Notes"]


def test_the_timetable_marks_rows_with_findings_and_says_why_a_track_counts_less(tmp_path: Path) -> None:
    review = _review(tmp_path, _off_grid)
    rows = [row for day in review_context(review)["days"] for row in day["rows"]]
    by_title = {row["cells"][2]: row for row in rows}
    assert by_title["Forms of Local Government"]["cells"][-1] == "H005"
    assert by_title["Forms of Local Government"]["flagged"]
    assert not by_title["Lunch"]["flagged"]
    parallel = by_title["Parallel Workshop"]
    assert parallel["note"].startswith("Track B; ") and "counted once" in parallel["note"]
    assert parallel["cells"][7] == "0.0"  # every minute of it runs alongside track A


def test_areas_say_hours_offered_and_show_required_only_when_set(tmp_path: Path) -> None:
    plain = review_context(_review(tmp_path))["areas"]
    assert plain["headers"] == ["Area", "Hours offered", "Status"] and not plain["required"]
    assert plain["rows"][0][0] == "Public Administration and Government"  # titles, not ids
    custom = review_context(_review(tmp_path, criteria=str(CUSTOM)))["areas"]
    assert custom["headers"] == ["Area", "Hours offered", "Required hours", "Status"]
    assert custom["rows"][0][2] == "10.0" and custom["rows"][1][2] == "—"


def test_sentences_are_for_people() -> None:
    import dataclasses

    profile = load_profile()
    assert sentence("2027-05-17 has 9.0 contact hours", profile) == "May 17, 2027 has 9.0 contact hours."
    assert sentence("no session covers ethics", profile) == "No session covers ethics."
    long_style = dataclasses.replace(profile, date_style="long")
    assert sentence("on 2027-05-17", long_style) == "On 17 May 2027."


def test_a_word_form_finding_says_its_table_row_and_column() -> None:
    from coursereview.checking import read_submission
    from coursereview.criteria import resolve_criteria
    from coursereview.documents.form import build_form

    blank = build_form(resolve_criteria("iimc-institute"), "institute")
    review = check(read_submission(blank, "blank form.docx"))
    assert review.submission.sources.style == "form"
    places = [p for e in entries(review, load_profile()) for p in e.places]
    assert "Program details: Program title (in your form: program table, row “Program title”)" in places
    assert all("blank form.docx" not in p for p in places)


def test_the_docx_right_aligns_numbers_keeps_headers_with_rows_and_leaves_room_to_sign(tmp_path: Path) -> None:
    document = docx.Document(io.BytesIO(render(_review(tmp_path), "docx")))
    for table in document.tables:
        first = table._tbl.tr_lst[0]
        if first.find(f"{W}trPr/{W}tblHeader") is not None:
            assert all(p.find(f"{W}pPr/{W}keepNext") is not None for p in first.iter(f"{W}p"))
        assert all(tr.find(f"{W}trPr/{W}cantSplit") is not None for tr in table._tbl.tr_lst)
    [day] = [t for t in document.tables if t.rows[0].cells[1].text == "Time"][:1]
    hours = day.rows[1].cells[7].paragraphs[0]
    assert hours.alignment is not None and hours.alignment == 2  # right
    rows = day._tbl.tr_lst
    assert all(tr.find(f"{W}tc/{W}p/{W}pPr/{W}keepNext") is not None for tr in rows[:-1])  # a short day stays whole
    assert rows[-1].find(f"{W}tc/{W}p/{W}pPr/{W}keepNext") is None
    [approval] = [t for t in document.tables if t.rows[0].cells[0].text == "Decision"]
    assert approval.rows[5].cells[0].text == "Signature" and approval.rows[5].height.inches >= 0.5


def test_the_chart_shows_every_area_and_its_minimum_and_is_reproducible(tmp_path: Path) -> None:
    review = _review(tmp_path, _off_grid, criteria=str(CUSTOM))
    bars = chart_bars(review)
    assert [b.label for b in bars] == [a.title for a in review.criteria.areas] + [
        "special-topics (not an area of these criteria)"]
    assert bars[0].minimum == 10 and bars[-1].state == "unknown"
    png = hours_chart_png(review)
    assert png.startswith(b"\x89PNG") and hours_chart_png(review) == png
    picture = PIL.Image.open(io.BytesIO(png))
    assert picture.size[0] == round(6.5 * 150) and picture.info["dpi"] == pytest.approx((150, 150), abs=0.05)
    svg = hours_chart_svg(review)
    assert svg.startswith("<svg") and hours_chart_svg(review) == svg
    assert "Public Administration and" in svg and "required minimum" in svg  # text stays text
    assert svg.count('class="chart-label"') == len(bars) and svg.count('class="chart-minimum"') == 1
    assert "special-topics (not an area of these criteria)" in svg


def test_the_chart_bars_are_to_scale_and_coloured_by_state(tmp_path: Path) -> None:
    review = _review(tmp_path, _off_grid, criteria=str(CUSTOM))
    layout = chart_layout(review)
    longest = max(max(bar.hours, bar.minimum) for bar, *_ in layout.rows)
    for bar, _, length, minimum in layout.rows:
        assert length == pytest.approx(624 * bar.hours / longest, abs=0.1)
        assert (minimum is None) == (not bar.minimum)
    picture = PIL.Image.open(io.BytesIO(hours_chart_png(review))).convert("RGB")
    scale = 150 / 96
    for bar, top, length, _ in layout.rows:  # the middle of each bar is painted its state's colour
        if length > 4:
            colour = picture.getpixel((round(length * scale / 2), round((top + 17 + 6) * scale)))
            fills = {"ok": (0x2E, 0x7D, 0x46), "short": (0xC7, 0x77, 0x00), "unknown": (0x8C, 0x8C, 0x8C)}
            assert colour == fills[bar.state]


def test_the_chart_says_which_areas_are_not_covered() -> None:
    review = check(load_submission(EXAMPLES / "not-approvable.yaml"))
    uncovered = [a.title for a in review.criteria.areas if not review.tally.area_minutes.get(a.id)]
    svg = hours_chart_svg(review)
    assert uncovered and svg.count("0.0 h (not covered)") == len(uncovered)
    assert f"{len(review.criteria.areas) - len(uncovered)} of {len(review.criteria.areas)} areas covered" in svg


def test_pillow_is_imported_only_to_draw_a_picture() -> None:
    code = ("import sys; from coursereview import check, load_submission; from coursereview.documents import render; "
            f"r = check(load_submission({str(BASE)!r})); render(r, 'md'); render(r, 'json'); render(r, 'html'); "
            "assert 'PIL' not in sys.modules, 'md, json and html hold no picture'; render(r, 'docx'); "
            "assert 'PIL' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


@pytest.mark.parametrize("fmt", ["docx", "html", "md"])
def test_every_format_says_the_same_things(tmp_path: Path, fmt: str) -> None:
    review = _review(tmp_path, _off_grid)
    data = render(review, fmt)
    text = (" ".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs) + " ".join(
        c.text for t in docx.Document(io.BytesIO(data)).tables for r in t.rows for c in r.cells)
            if fmt == "docx" else data.decode("utf-8"))
    for words in (review_reference(review), "Session not in whole scheduling units, in 4 sessions",
                  "Hours offered", "Monday, May 17, 2027", "Jane Anne Long, Ed.D.", "Points approved"):
        assert words in text, f"{fmt} lacks {words!r}"


def test_the_chart_is_the_same_picture_in_every_process() -> None:
    """Nothing in the picture depends on the process (such as the order of a set of colours)."""
    code = ("import hashlib, sys; from coursereview import check, load_submission; "
            "from coursereview.documents.chart import hours_chart_png; "
            f"print(hashlib.sha256(hours_chart_png(check(load_submission({str(BASE)!r})))).hexdigest())")
    digests = {subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(digests) == 1
