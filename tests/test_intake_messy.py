"""A form filled the way people and word processors really do it still imports to clean data."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner

from coursereview.checking import check, load_submission
from coursereview.cli import main
from coursereview.criteria import resolve_criteria
from coursereview.intake.form import read_form

SESSION_COLUMNS = ["date", "start", "end", "kind", "title", "area", "level", "instructors", "track", "description",
                   "objectives"]


def _table(document: Any, first: str, second: str) -> Any:
    for table in document.tables:
        cells = table.rows[0].cells
        if cells[0].text.startswith(first) and cells[1].text.startswith(second):
            return table
    raise AssertionError(first)


def _set_fields(table: Any, values: dict[str, str]) -> None:
    for row in table.rows[1:]:
        label = row.cells[0].paragraphs[0].text.split(" (")[0]
        if label in values:
            row.cells[1].text = values[label]


def _set_row(table: Any, r: int, values: dict[str, str]) -> None:
    cells = table.rows[r].cells
    for key, value in values.items():
        cells[SESSION_COLUMNS.index(key)].text = value


def _delete_example(table: Any) -> None:
    """Delete the form's example note and example row, as a director may."""
    for row in table.rows[1:3]:
        row._tr.getparent().remove(row._tr)


@pytest.fixture()
def messy(tmp_path: Path) -> Path:
    blank = tmp_path / "blank.docx"
    assert CliRunner().invoke(main, ["new", "-o", str(blank)]).exit_code == 0
    document = docx.Document(str(blank))
    _set_fields(_table(document, "Provider", ""), {
        "Provider name": "Northwest\u00a0Clerks  Institute", "Institution": "University of Puget Sound",
        "Director name": "Jane Doe, MMC", "Director email": "jdoe@example.edu",
        "Association": "Oregon Association of Municipal Recorders\nWashington Municipal Clerks Association"})
    _set_fields(_table(document, "Program", ""), {
        "Program title": "NWCI 2027", "Kind": "Institute", "Part": "Year 1", "Start date": "July 12, 2027",
        "End date": "7/13/2027", "Delivery": "In person", "Learning assessment": "Plan",
        "Attendance": "Sign-in sheet", "Certificate": "certificate.pdf"})
    people = _table(document, "ID", "Name")
    _delete_example(people)
    for row, (ident, name) in zip(people.rows[1:], [("jdoe", "Jane Doe, MMC"), ("asmith", "Al Smith")],
                                  strict=False):
        row.cells[0].text, row.cells[1].text, row.cells[3].text = ident, name, "Qualified"
    sessions = _table(document, "Date", "Start")
    _delete_example(sessions)
    # row 1: text split across runs, a non-breaking space, titles and names instead of ids, bullets
    _set_row(sessions, 1, {"date": "July 12, 2027", "start": "8:30 AM", "end": "10:00 AM", "kind": "Instruction",
                           "area": "role of the clerk (technical)", "level": "Basic",
                           "instructors": "Jane Doe, MMC; asmith", "description": "Duties",
                           "objectives": "\u2022 Name the duties\n- Describe the office\n"})
    title = sessions.rows[1].cells[SESSION_COLUMNS.index("title")].paragraphs[0]
    for piece in ("The\u00a0Ro", "le of the ", " Clerk"):
        title.add_run(piece)
    # row 2 stays empty; rows 3 and 4 share a date merged down the column
    merged = sessions.cell(3, 0).merge(sessions.cell(4, 0))
    merged.text = "7/12/2027"
    _set_row(sessions, 3, {"start": "10.15", "end": "1130", "title": "Budget Basics",
                           "area": "management \u2013 Management and Finance", "level": "intermediate",
                           "instructors": "Al Smith", "description": "Budgets"})
    _set_row(sessions, 4, {"start": "13:00", "end": "2:00 PM", "title": "Forms of Government",
                           "area": "GOVERNMENT", "level": "basic", "instructors": "asmith", "description": "Forms"})
    # row 5: a lunch row whose title cell is merged across to the last column
    lunch = sessions.cell(5, SESSION_COLUMNS.index("title")).merge(sessions.cell(5, len(SESSION_COLUMNS) - 1))
    lunch.text = "Lunch"
    _set_row(sessions, 5, {"date": "2027-07-12", "start": "12:00", "end": "1:00 PM", "kind": "Meal"})
    # a deleted row, and rows added after the last one
    row = sessions.rows[7]._tr
    row.getparent().remove(row)
    for _ in range(3):
        sessions.add_row()
    _set_row(sessions, len(sessions.rows) - 1, {
        "date": "Tuesday, July 13, 2027", "start": "0830", "end": "11:30", "title": "Records",
        "area": "Role of the Clerk (technical)", "level": "basic", "instructors": "jdoe", "description": "Records",
        "objectives": "1. Retention\n2) Disposal"})
    path = tmp_path / "messy.docx"
    document.save(str(path))
    return path



def _areas_read(sessions: list[dict]) -> list[dict]:
    """Return ``sessions`` with area titles read as ids, as the check reads them under the criteria set."""
    chosen = resolve_criteria(None, "institute", None)
    return [{**s, "area": chosen.area_id(s["area"]) or s["area"]} if s.get("area") else s for s in sessions]


EXPECTED_SESSIONS = [
    {"date": "2027-07-12", "start": "08:30", "end": "10:00", "kind": "instruction", "title": "The Role of the Clerk",
     "area": "clerk-role", "level": "basic", "instructors": ["jdoe", "asmith"], "description": "Duties",
     "objectives": ["Name the duties", "Describe the office"]},
    {"date": "2027-07-12", "start": "10:15", "end": "11:30", "title": "Budget Basics", "area": "management",
     "level": "intermediate", "instructors": ["asmith"], "description": "Budgets"},
    {"date": "2027-07-12", "start": "13:00", "end": "14:00", "title": "Forms of Government", "area": "government",
     "level": "basic", "instructors": ["asmith"], "description": "Forms"},
    {"date": "2027-07-12", "start": "12:00", "end": "13:00", "kind": "meal", "title": "Lunch"},
    {"date": "2027-07-13", "start": "08:30", "end": "11:30", "title": "Records", "area": "clerk-role",
     "level": "basic", "instructors": ["jdoe"], "description": "Records", "objectives": ["Retention", "Disposal"]},
]


def test_every_tolerated_variant_imports_cleanly(messy: Path) -> None:
    data = read_form(messy).data
    assert data["provider"]["name"] == "Northwest Clerks Institute"
    assert data["provider"]["association"] == ["Oregon Association of Municipal Recorders",
                                               "Washington Municipal Clerks Association"]
    program = data["program"]
    assert (program["kind"], program["part"], program["start"], program["end"], program["delivery"]) == (
        "institute", 1, "2027-07-12", "2027-07-13", "in-person")
    assert _areas_read(data["sessions"]) == EXPECTED_SESSIONS


def test_messy_form_locations_count_rows_as_the_user_sees_them(messy: Path) -> None:
    sources = read_form(messy).sources
    assert sources.value(("sessions", 1, "start")).where == 'sessions table, row 3, column "Start"'
    assert sources.value(("sessions", 4, "title")).where == 'sessions table, row 62, column "Title"'
    assert sources.value(("program", "start")).where == 'program table, row "Start date"'


def test_unreadable_values_become_findings_at_the_cell(tmp_path: Path, messy: Path) -> None:
    document = docx.Document(str(messy))
    sessions = _table(document, "Date", "Start")
    sessions.rows[4].cells[SESSION_COLUMNS.index("end")].text = "after lunch"
    sessions.rows[1].cells[SESSION_COLUMNS.index("area")].text = "Basket weaving"
    broken = tmp_path / "broken.docx"
    document.save(str(broken))
    findings = {(f.code, str(f.location).split(": ", 1)[1]) for f in check(load_submission(broken)).findings}
    assert ("S005", 'sessions table, row 4, column "End"') in findings
    assert ("A001", 'sessions table, row 1, column "Area"') in findings
    result = CliRunner().invoke(main, ["validate", str(broken)])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_instructor_names_with_commas_map_to_ids(tmp_path: Path, messy: Path) -> None:
    data = copy.deepcopy(read_form(messy).data)
    assert data["sessions"][0]["instructors"] == ["jdoe", "asmith"]


def _merge_across(table: Any, r: int, text: str) -> None:
    merged = table.cell(r, 0).merge(table.cell(r, len(table.columns) - 1))
    merged.text = text


def test_a_caption_row_above_the_header_keeps_the_sessions(tmp_path: Path, messy: Path) -> None:
    document = docx.Document(str(messy))
    sessions = _table(document, "Date", "Start")
    header = sessions.rows[0]._tr
    header.addprevious(copy.deepcopy(sessions.rows[2]._tr))  # an empty row, made the caption
    _merge_across(sessions, 0, "Sessions of the 2027 Institute")
    captioned = tmp_path / "captioned.docx"
    document.save(str(captioned))
    form = read_form(captioned)
    assert _areas_read(form.data["sessions"]) == EXPECTED_SESSIONS
    assert form.sources.value(("sessions", 1, "start")).where == 'sessions table, row 3, column "Start"'


def test_day_headings_and_dates_merged_into_spare_rows_are_not_sessions(tmp_path: Path, messy: Path) -> None:
    document = docx.Document(str(messy))
    sessions = _table(document, "Date", "Start")
    _merge_across(sessions, 2, "Monday, July 12, 2027")  # the empty row 2 becomes a day heading
    last = len(sessions.rows) - 1  # "Records" on July 13; merge its date down into two spare rows below it
    for _ in range(2):
        sessions.add_row()
    sessions.cell(last, 0).merge(sessions.cell(last + 2, 0)).text = "7/13/2027"
    sessions.rows[4].cells[0].text = ""  # the merged date of rows 3 and 4 removed: the heading's date applies
    tidy = tmp_path / "tidy.docx"
    document.save(str(tidy))
    form = read_form(tidy)
    assert _areas_read(form.data["sessions"]) == EXPECTED_SESSIONS
    assert form.sources.value(("sessions", 1, "date")).where == "sessions table, row 2"
    findings = check(load_submission(tidy)).findings
    assert not [f for f in findings if f.path[:1] == ("sessions",) and f.code.startswith(("S", "I", "D"))]


def test_a_day_heading_that_is_no_date_sets_no_date(tmp_path: Path, messy: Path) -> None:
    document = docx.Document(str(messy))
    sessions = _table(document, "Date", "Start")
    _merge_across(sessions, 2, "Day one")
    sessions.rows[4].cells[0].text = ""
    tidy = tmp_path / "tidy.docx"
    document.save(str(tidy))
    codes = {(f.code, f.path_text) for f in check(load_submission(tidy)).findings}
    assert ("S002", "sessions[1].date") in codes
    assert len(read_form(tidy).data["sessions"]) == len(EXPECTED_SESSIONS)


def test_a_sessions_table_without_its_header_row_is_a_clear_error(tmp_path: Path, messy: Path) -> None:
    document = docx.Document(str(messy))
    sessions = _table(document, "Date", "Start")
    sessions.rows[0].cells[SESSION_COLUMNS.index("end")].text = "Until"
    sessions.rows[0].cells[SESSION_COLUMNS.index("title")].text = "Topic"
    broken = tmp_path / "broken.docx"
    document.save(str(broken))
    result = CliRunner().invoke(main, ["validate", str(broken)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no sessions table found: table 5 has sessions columns" in lines[0], result.stderr
    assert 'names the columns "End", "Title"' in lines[0]


@pytest.mark.parametrize(("typed", "area"), [
    ("Role of the Clerk", "clerk-role"),
    ("role of the clerk (Technical)", "clerk-role"),
    ("Management & Finance", "management"),
    ("  management  AND finance. ", "management"),
    ("Interpersonal & Communication Skills", "interpersonal"),
    ("Basket weaving", "Basket weaving"),
], ids=["no-parenthetical", "parenthetical-case", "ampersand", "case-spaces-dot", "ampersand-2", "unknown"])
def test_area_titles_as_people_type_them(tmp_path: Path, messy: Path, typed: str, area: str) -> None:
    document = docx.Document(str(messy))
    _table(document, "Date", "Start").rows[1].cells[SESSION_COLUMNS.index("area")].text = typed
    path = tmp_path / "areas.docx"
    document.save(str(path))
    assert check(load_submission(path)).submission.sessions[0].area == area  # titles are read by the criteria set
