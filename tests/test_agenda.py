"""Agendas as people write them: times, ranges, dates, instructors, kinds; what is still ambiguous is a finding."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from coursereview import check, load_submission
from coursereview.cli import main
from coursereview.intake import read_document
from coursereview.intake.agenda import make_id, split_people
from coursereview.parsing import parse_date, parse_time, split_time_range, time_text, twelve_hour

DATA = Path(__file__).parent / "data"
BASE = yaml.safe_load((DATA / "base-institute.yaml").read_text())


@pytest.mark.parametrize(("typed", "time", "twelve"), [
    ("8:30 AM", dt.time(8, 30), False), ("1:15", dt.time(1, 15), True), ("1:15 pm", dt.time(13, 15), False),
    ("13:15", dt.time(13, 15), False), ("08:30", dt.time(8, 30), False), ("8.30", dt.time(8, 30), True),
    ("10:15", dt.time(10, 15), False), ("Noon", dt.time(12, 0), False), ("12 noon", dt.time(12, 0), False),
    ("12:00 noon", dt.time(12, 0), False), ("12:15 AM", dt.time(0, 15), False), ("midnight", dt.time(0, 0), False),
    ("0830", dt.time(8, 30), False), ("8", None, False), ("half past eight", None, False),
])
def test_times_as_people_type_them(typed: str, time: dt.time | None, twelve: bool) -> None:
    assert parse_time(typed) == time
    assert twelve_hour(typed) is twelve


def test_a_time_that_may_be_morning_or_afternoon_keeps_the_doubt_when_written_the_standard_way() -> None:
    assert [time_text(t) for t in ("1:15", "1:15 PM", "8:30 AM", "08:30", "noon", "nope")] == [
        "1:15", "13:15", "08:30", "08:30", "12:00", None]


@pytest.mark.parametrize(("typed", "pair"), [
    ("8:00 - 10:00 AM", ("8:00 AM", "10:00 AM")),
    ("11:00 - 1:00 PM", ("11:00 AM", "1:00 PM")),  # AM/PM written once keeps the range in order
    ("1:00 - 2:30 PM", ("1:00 PM", "2:30 PM")),
    ("8:30 AM to 10:00", ("8:30 AM", "10:00 AM")),
    ("11:30 AM \u2013 1:00", ("11:30 AM", "1:00 PM")),
    ("9 - 10:30 AM", ("9 AM", "10:30 AM")),
    ("Noon - 1:00 PM", ("Noon", "1:00 PM")),
    ("8:00-10:00", ("8:00", "10:00")),
    ("8:30", None), ("9-10", None), ("after lunch", None),
])
def test_a_time_range_in_one_cell(typed: str, pair: tuple[str, str] | None) -> None:
    assert split_time_range(typed) == pair


@pytest.mark.parametrize(("typed", "day"), [
    ("7/12/27", dt.date(2027, 7, 12)), ("7/12/2027", dt.date(2027, 7, 12)), ("7-12-2027", dt.date(2027, 7, 12)),
    ("Tuesday, 7/13/2027", dt.date(2027, 7, 13)), ("July 12, 2027", dt.date(2027, 7, 12)),
    ("2027-07-12", dt.date(2027, 7, 12)), ("2/30/27", None), ("7/12", None), ("7/12-2027", None),
])
def test_dates_as_people_type_them(typed: str, day: dt.date | None) -> None:
    assert parse_date(typed) == day


PEOPLE = {"kolson": "kolson", "karen olson, mmc": "kolson", "karen olson": "kolson", "lchen": "lchen",
          "linda chen": "lchen"}


@pytest.mark.parametrize(("typed", "people"), [
    ("Karen Olson, MMC", ["Karen Olson, MMC"]),
    ("Karen Olson", ["Karen Olson"]),
    ("Linda Chen and Karen Olson", ["Linda Chen", "Karen Olson"]),
    ("Linda Chen & Karen Olson, MMC", ["Linda Chen", "Karen Olson, MMC"]),
    ("Karen Olson, MMC; Linda Chen", ["Karen Olson, MMC", "Linda Chen"]),
    ("Karen Olson, MMC, Linda Chen", ["Karen Olson, MMC", "Linda Chen"]),
    ("kolson, lchen", ["kolson", "lchen"]),
    ("Karen Olson\nLinda Chen", ["Karen Olson", "Linda Chen"]),
    ("Pat Doe, CMC, PhD and Linda Chen", ["Pat Doe, CMC, PhD", "Linda Chen"]),  # unknown, designations kept
    ("Pat Doe, Sam Roe", ["Pat Doe", "Sam Roe"]),
])
def test_presenters_are_split_into_people(typed: str, people: list[str]) -> None:
    assert split_people(typed, PEOPLE) == people


@pytest.mark.parametrize(("name", "ident"), [("Karen Olson, MMC", "karen-olson"), ("Dr. Linda  Chen", "dr-linda-chen"),
                                             ("O'Brien", "o-brien"), (", MMC", None)])
def test_an_id_is_made_from_the_name(name: str, ident: str | None) -> None:
    assert make_id(name) == ident


def _yaml(doc: dict[str, Any]) -> bytes:
    return yaml.safe_dump(doc, sort_keys=False).encode()


def _review(doc: dict[str, Any], criteria: str | None = None) -> Any:
    from coursereview.schema import build_submission

    return check(build_submission(read_document(_yaml(doc), "s.yaml")), criteria)


def _codes(review: Any) -> set[tuple[str, str]]:
    return {(f.code, f.path_text) for f in review.findings}


def test_yaml_sessions_take_the_date_of_the_session_above_and_point_at_it() -> None:
    doc = copy.deepcopy(BASE)
    for s in doc["sessions"][1:3]:
        del s["date"]
    document = read_document(_yaml(doc), "s.yaml")
    assert [s["date"] for s in document.data["sessions"][:3]] == ["2027-05-17"] * 3
    assert document.sources.value(("sessions", 2, "date")) == document.sources.value(("sessions", 0, "date"))
    assert _review(doc).findings == ()


def test_the_first_session_without_a_date_still_needs_one() -> None:
    doc = copy.deepcopy(BASE)
    del doc["sessions"][0]["date"]
    assert ("S002", "sessions[0].date") in _codes(_review(doc))


def test_an_unreadable_date_is_reported_once_not_again_on_each_row_below_it() -> None:
    doc = copy.deepcopy(BASE)
    doc["sessions"][0]["date"] = "Monday"
    for s in doc["sessions"][1:3]:
        del s["date"]
    assert [p for c, p in _codes(_review(doc)) if c in ("S002", "S004")] == ["sessions[0].date"]


def test_a_range_written_as_the_end_gives_both_times() -> None:
    doc = copy.deepcopy(BASE)
    del doc["sessions"][0]["start"]
    doc["sessions"][0]["end"] = "8:00 AM - 12:00 PM"
    review = _review(doc)
    assert review.findings == () and review.submission.sessions[0].start == dt.time(8, 0)


def test_instructors_without_ids_are_named_by_their_names() -> None:
    doc = copy.deepcopy(BASE)
    for person in doc["instructors"]:
        del person["id"]
    for s in doc["sessions"]:
        if "instructors" in s:
            s["instructors"] = ["Ann Author, MMC"] if s["instructors"] == ["ann"] else "Bob Builder"
    review = _review(doc)
    assert review.findings == ()
    assert [i.id for i in review.submission.instructors] == ["ann-author", "bob-builder"]


def test_an_instructor_without_an_id_is_named_without_one_in_findings() -> None:
    doc = copy.deepcopy(BASE)
    doc["instructors"].append({"name": "Cat Unused, CMC", "qualifications": "q"})
    doc["instructors"].append({"name": "Ann Author", "qualifications": "q"})  # ann-author: the same person again
    doc["instructors"][0].pop("id")
    messages = [(f.code, f.message) for f in _review(doc).findings]
    assert ("I002", "instructor 'Cat Unused, CMC' teaches no session") in messages
    assert ("I006", "instructor 'Ann Author' is listed more than once") in messages


def test_an_unknown_presenter_gets_a_did_you_mean_over_ids_and_names() -> None:
    doc = copy.deepcopy(BASE)
    doc["sessions"][0]["instructors"] = "Ann Autor"
    (finding,) = [f for f in _review(doc).findings if f.code == "I001"]
    assert finding.hint == "did you mean 'Ann Author, MMC'?"


def test_an_area_by_title_and_a_did_you_mean_over_titles() -> None:
    doc = copy.deepcopy(BASE)
    doc["sessions"][0]["area"] = "Public Administration and Government"
    doc["sessions"][2]["area"] = "Role of Clerk"
    review = _review(doc)
    assert review.submission.sessions[0].area == "government"
    (finding,) = review.findings
    assert (finding.code, finding.hint) == ("A001", "did you mean 'Role of the Clerk (technical)'?")


# --- what is ambiguous or implausible -----------------------------------------------------------


def test_an_afternoon_time_typed_without_pm_is_not_a_silent_night_session() -> None:
    doc = copy.deepcopy(BASE)
    doc["sessions"][2].update(start="1:00", end="5:00")
    review = _review(doc)
    first, then = [f for f in review.findings if f.severity == "error"], [f for f in review.findings
                                                                           if f.severity == "warning"]
    assert [(f.code, f.hint) for f in first] == [("T005", "did you mean 13:00 to 17:00?")]
    assert review.tally.contact_hours == 36.0  # not counted until it is clear, and the total says so
    assert [f.code for f in then] == ["H002"] and "(line 45: its times need checking: AM or PM?)" in then[0].hint
    line = next(t for t in review.tally.trail if t.index == 2)
    assert line.counted == 0 and "AM or PM" in line.note


def test_an_evening_time_without_pm_out_of_order_offers_the_afternoon_reading() -> None:
    doc = copy.deepcopy(BASE)
    doc["sessions"].insert(3, dict(doc["sessions"][2], title="Evening Roundtable", start="6:00", end="8:00",
                                   instructors=["ann"]))
    review = _review(doc)
    (finding,) = review.findings
    assert (finding.code, finding.path_text) == ("T006", "sessions[3].start")
    assert finding.hint == "did you mean 18:00 to 20:00?"
    assert finding.message == ("'Evening Roundtable' starts at 06:00, before 'Meetings, Minutes and Records Workshop' "
                               "listed above it on the same day (13:00)")


@pytest.mark.parametrize("change", [
    {"start": "06:00", "end": "08:00"},  # a 24-hour time written with its leading zero means the morning
    {"start": "6:00 AM", "end": "8:00 AM"},  # so does a time with AM ... (and it overlaps nothing here)
])
def test_a_morning_session_listed_late_is_no_misreading_when_written_as_morning(change: dict[str, str]) -> None:
    doc = copy.deepcopy(BASE)
    doc["sessions"].insert(3, dict(doc["sessions"][2], title="Early Bird Session", instructors=["ann"], **change))
    doc["sessions"][3]["date"] = "2027-05-18"  # before the 08:00 session of the next day: no overlap
    doc["sessions"][3].update(start="06:00" if "AM" not in change["start"] else "6:00 AM",
                              end="07:30" if "AM" not in change["end"] else "7:30 AM")
    codes = {c for c, _ in _codes(_review(doc))}
    assert not codes & {"T005", "T006"}


def test_a_late_social_event_is_plausible_but_a_late_session_is_not() -> None:
    doc = copy.deepcopy(BASE)
    evening = {"title": "Hospitality Suite", "date": "2027-05-17", "start": "20:00", "end": "23:00", "kind": "social"}
    doc["sessions"].insert(3, evening)
    assert _review(doc).findings == ()
    doc["sessions"][3] = dict(evening, kind="meal", title="Late Dinner")
    assert {c for c, _ in _codes(_review(doc))} == {"T005"}


def test_noon_typed_as_12_15_am_gives_one_finding_and_no_overlap() -> None:
    doc = copy.deepcopy(BASE)
    doc["sessions"][1].update(start="12:15 AM", end="1:00 PM")
    review = _review(doc)
    assert [(f.code, f.hint) for f in review.findings] == [("T005", "did you mean 12:15 to 13:00?")]


def test_an_end_typed_without_pm_before_its_start_offers_the_afternoon_reading() -> None:
    doc = copy.deepcopy(BASE)
    doc["sessions"][2].update(start="11:00", end="1:00")
    doc["sessions"][1].update(start="10:30", end="11:00")
    doc["sessions"][0]["end"] = "10:30"
    (finding,) = [f for f in _review(doc).findings if f.code == "T001"]
    assert finding.hint == "did you mean 13:00?"


# --- meals and kinds ------------------------------------------------------------------------------


@pytest.mark.parametrize(("title", "extra", "flagged"), [
    ("Lunch", {}, True), ("Coffee Break", {}, True), ("Welcome Reception", {}, True), ("Awards Dinner", {}, True),
    ("Breakout: Records", {}, False),  # a whole word only
    ("Lunch and Learn: Records Retention", {"description": "Retention schedules over lunch."}, False),
    ("Working Lunch", {"instructors": ["ann"]}, False),
])
def test_a_meal_or_break_entered_as_a_taught_session(title: str, extra: dict[str, Any], flagged: bool) -> None:
    doc = copy.deepcopy(BASE)
    lunch = doc["sessions"][1]
    del lunch["kind"]
    lunch.update(title=title, **extra)
    review = _review(doc)
    codes = {c for c, _ in _codes(review)}
    if flagged:
        assert codes == {"H008"} and review.tally.contact_hours == 40.0
    else:
        assert "H008" not in codes


def test_criteria_2026_1_keep_their_results_for_empty_days_and_meals_entered_as_sessions() -> None:
    """The new rules are 2026.2's: a review pinned to 2026.1 gives what it always gave."""
    doc = copy.deepcopy(BASE)
    del doc["sessions"][1]["kind"]  # Lunch, kind left empty
    doc["sessions"] = [s for s in doc["sessions"] if s["date"] != "2027-05-19"]  # an empty day
    old = _review(doc, "iimc-institute@2026.1")
    new = _review(doc)
    assert not {c for c, _ in _codes(old)} & {"T007", "H008"}
    assert {"T007", "H008"} <= {c for c, _ in _codes(new)}
    assert {"A005", "D004", "D005", "I005"} <= {c for c, _ in _codes(old)}  # 2026.1: the lunch is taught
    assert old.tally.contact_hours == new.tally.contact_hours + 1


def test_an_invalid_session_kind_counts_as_neither_teaching_nor_contact_time() -> None:
    doc = copy.deepcopy(BASE)
    doc["sessions"][1].update(kind="lecture", title="Break", end="12:15")  # a 15-minute break typed as a lecture
    review = _review(doc)
    (finding,) = review.findings
    assert (finding.code, finding.path_text) == ("S003", "sessions[1].kind")
    assert finding.hint == "did you mean 'break'? Until it is corrected, the session counts no hours"
    assert review.tally.contact_hours == 40.0


# --- the command line: examples after install, the small items ----------------------------------------


def test_example_source_writes_the_shipped_submission(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["example", "academy", "--source", "-o", "academy.yaml"])
    assert result.exit_code == 0, result.output
    from coursereview.checking import example_source

    assert (tmp_path / "academy.yaml").read_bytes() == example_source("academy")
    assert runner.invoke(main, ["validate", "academy.yaml"]).exit_code == 0
    again = runner.invoke(main, ["example", "academy", "--source", "-o", "academy.yaml"])
    assert again.exit_code == 2 and "already exists" in again.stderr
    wrong = runner.invoke(main, ["example", "academy", "--source", "-o", "academy.docx"])
    assert wrong.exit_code == 2 and "name the file academy.yaml" in wrong.stderr
    nameless = runner.invoke(main, ["example", "--source"])
    assert nameless.exit_code == 2 and "name the example" in nameless.stderr
    printed = runner.invoke(main, ["example", "academy", "--source"])
    assert printed.stdout.encode() == example_source("academy")


def test_criteria_source_writes_the_shipped_set_to_start_from(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["criteria", "show", "iimc-association", "--source", "-o", "mine.yaml"]).exit_code == 0
    assert runner.invoke(main, ["criteria", "check", "mine.yaml"]).exit_code == 0


def test_history_with_the_default_register_names_it(tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(main, ["example", "academy", "--source", "-o", "academy.yaml"])
    runner.invoke(main, ["example", "not-approvable", "--source", "-o", "other.yaml"])
    assert runner.invoke(main, ["decide", "academy.yaml", "--approve", "--reviewer", "R"]).exit_code == 0
    result = runner.invoke(main, ["history", "other.yaml"])
    assert result.stdout == "no decisions recorded in coursereview.db for other.yaml\n"


def test_a_batch_path_that_does_not_exist_is_listed_and_an_empty_folder_writes_nothing(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(main, ["batch", "nothing-here/", "-o", "out", "-j", "1"])
    assert missing.exit_code == 2 and "nothing-here: no such file" in missing.stderr
    rows = json.loads((tmp_path / "out" / "summary.json").read_text())["submissions"]
    assert [r["status"] for r in rows] == ["could not read"]
    (tmp_path / "empty").mkdir()
    empty = runner.invoke(main, ["batch", "empty/", "-o", "out2", "-j", "1"])
    assert empty.exit_code == 2 and not (tmp_path / "out2").exists()


def test_import_keeps_a_time_that_may_be_morning_or_afternoon_as_typed(tmp_path: Path) -> None:
    from test_clerk_cases import CASE_DIR, type_into_form

    form = type_into_form(CASE_DIR / "01-afternoon-without-pm.yaml", tmp_path / "form.docx")
    assert CliRunner().invoke(main, ["import", str(form), "-o", "out.yaml"]).exit_code == 0
    imported = yaml.safe_load((tmp_path / "out.yaml").read_text())
    assert [(s["start"], s["end"]) for s in imported["sessions"]] == [("08:30", "12:00"), ("12:00", "13:00"),
                                                                      ("1:15", "5:15")]
    assert {f.code for f in check(load_submission(tmp_path / "out.yaml")).findings} == {"T005"}
