"""The Word form round trip: new -> fill with python-docx -> import/validate gives the example's data and findings."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from coursereview.checking import check, load_submission
from coursereview.cli import main
from coursereview.intake import load_document
from coursereview.intake.fields import EXAMPLE_MARK, INSTRUCTORS, PROGRAM, PROVIDER, SESSIONS, Field
from coursereview.intake.form import read_form
from coursereview.parsing import clean, parse_date, parse_time

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))

FIXTURE: dict[str, Any] = {
    "schema": "coursereview/submission@1",
    "provider": {
        "name": "Northwest Clerks Institute",
        "institution": "University of Puget Sound",
        "director": {"name": "Jane Doe, MMC", "email": "jdoe@example.edu", "phone": "253-555-0100"},
        "association": ["Oregon Association of Municipal Recorders", "Washington Municipal Clerks Association"],
        "recognized": "1985", "coordinator": "Sam Lee, slee@example.edu", "time_to_graduate": "3 years",
    },
    "program": {
        "title": "Northwest Clerks Institute 2027, Year 1", "kind": "institute", "part": 1,
        "start": "2027-07-12", "end": "2027-07-13", "location": "Tacoma, WA", "delivery": "in-person",
        "assessment": "Knowledge transfer plan approved by the director",
        "attendance": "Sign-in sheet each morning and afternoon", "makeup": "Assignment set by the director",
        "certificate": "certificate-template.pdf",
    },
    "instructors": [
        {"id": "jdoe", "name": "Jane Doe, MMC", "position": "City Clerk, City of Example",
         "qualifications": "20 years as clerk; IIMC Academy faculty"},
        {"id": "asmith", "name": "Al Smith", "position": "Professor of Public Administration",
         "qualifications": "PhD in public administration"},
        {"id": "unused", "name": "Una Used", "qualifications": "Records manager"},
    ],
    "sessions": [
        {"title": "The Role of the Municipal Clerk", "date": "2027-07-12", "start": "08:30", "end": "10:00",
         "area": "clerk-role", "instructors": ["jdoe"], "level": "basic", "description": "Duties under state law",
         "objectives": ["Name the statutory duties", "Describe the office"]},
        {"title": "Break", "date": "2027-07-12", "start": "10:00", "end": "10:15", "kind": "break"},
        {"title": "Forms of Government", "date": "2027-07-12", "start": "10:15", "end": "12:00",
         "area": "government", "instructors": ["asmith", "jdoe"], "level": "intermediate",
         "description": "Council-manager and mayor-council forms"},
        {"title": "Lunch", "date": "2027-07-12", "start": "12:00", "end": "13:00", "kind": "meal"},
        {"title": "Ethics for Clerks", "date": "2027-07-12", "start": "13:00", "end": "15:00", "area": "professional",
         "instructors": ["jdoe"], "level": "basic", "description": "Ethics in public service", "track": "A"},
        {"title": "Budget Basics", "date": "2027-07-12", "start": "13:00", "end": "14:00", "area": "mystery-area",
         "instructors": ["asmith"], "level": "basic", "description": "Reading a budget", "track": "B"},
        {"title": "Records Management", "date": "2027-07-13", "start": "08:00", "end": "11:30", "area": "clerk-role",
         "instructors": ["nobody"], "level": "basic", "description": "Retention schedules"},
    ],
}


def normalise(data: dict[str, Any]) -> dict[str, Any]:
    """Return submission data as the importer writes it: ISO dates, HH:MM times, lists where lists go."""
    data = copy.deepcopy(data)
    data["schema"] = "coursereview/submission@1"
    tables = {"provider": PROVIDER, "program": PROGRAM}
    for name, fields in tables.items():
        section = data.get(name) or {}
        for f in fields:
            parent = section
            for part in f.path[:-1]:
                parent = parent.get(part) or {}
            if f.key in parent:
                parent[f.key] = _norm_value(f, parent[f.key])
                if parent[f.key] is None:
                    del parent[f.key]
    for name, fields in (("instructors", INSTRUCTORS), ("sessions", SESSIONS)):
        by_key = {f.key: f for f in fields}
        items = []
        for item in data.get(name) or []:
            out = {k: _norm_value(by_key[k], v) for k, v in item.items() if k in by_key}
            items.append({k: v for k, v in out.items() if v is not None})
        if name in data:
            data[name] = items
    return data


def _norm_value(f: Field, value: Any) -> Any:
    if value is None or value == [] or value == "":
        return None
    if f.kind in ("ids", "lines"):
        values = value if isinstance(value, list) else [value]
        return [clean(str(v)) for v in values]
    if f.kind == "names":
        values = value if isinstance(value, list) else [value]
        return values[0] if len(values) == 1 else values
    if f.kind == "date":
        return parse_date(str(value)).isoformat() if parse_date(str(value)) else value
    if f.kind == "time":
        return parse_time(str(value)).strftime("%H:%M") if parse_time(str(value)) else value
    if f.kind == "part":
        return value
    return clean(str(value))


# --- filling the form with python-docx, as a director would --------------------------------------


def _cell_value(f: Field, value: Any, us: bool) -> str:
    if isinstance(value, list):
        return ("\n" if f.kind in ("lines", "names") else ", ").join(str(v) for v in value)
    if f.kind == "date" and us and parse_date(str(value)):
        d = parse_date(str(value))
        return f"{d.month}/{d.day}/{d.year}"
    if f.kind == "time" and us and parse_time(str(value)):
        t = parse_time(str(value))
        return f"{(t.hour - 1) % 12 + 1}:{t.minute:02d} {'PM' if t.hour >= 12 else 'AM'}"
    return str(value)


def find_table(document: Any, first_header: str, second_header: str = "") -> Any:
    for table in document.tables:
        cells = table.rows[0].cells
        if cells[0].text.startswith(first_header) and cells[1].text.startswith(second_header):
            return table
    raise AssertionError(first_header)


def first_free_row(table: Any) -> int:
    """Return the index of the first row under the form's example row: the first a director fills in."""
    for i, row in enumerate(table.rows):
        if row.cells[0].text.startswith(EXAMPLE_MARK):
            return i + 2
    return 1


def pick(cell: Any, value: str) -> bool:
    """Choose ``value`` in the dropdown in ``cell`` as Word does; return False when the list has no such item.

    Word writes the item's display text into the control and drops the placeholder flag;
    the item's value stays in the list (w:listItem/@w:value).
    """
    sdt = next(cell._tc.iter(qn("w:sdt")), None)
    if sdt is None:
        return False
    items = {i.get(qn("w:value")): i.get(qn("w:displayText")) for i in sdt.iter(qn("w:listItem"))}
    if value not in items:
        return False
    props, content = sdt.find(qn("w:sdtPr")), sdt.find(qn("w:sdtContent"))
    for flag in props.findall(qn("w:showingPlcHdr")):
        props.remove(flag)
    for child in list(content):
        content.remove(child)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = items[value]
    run.append(text)
    content.append(run)
    return True


def fill_form(form: Path, data: dict[str, Any], out: Path, us: bool = True, dropdowns: bool = False,
              over_example: bool = False) -> Path:
    """Fill the blank form ``form`` with submission ``data`` and save it as ``out``.

    Values are typed into the cells (replacing any dropdown), or with ``dropdowns`` picked from
    the cell's list when it has the value. ``over_example`` types the first row over the example.
    """
    document = docx.Document(str(form))
    for title, fields in (("Provider", PROVIDER), ("Program", PROGRAM)):
        section = data.get(title.lower()) or {}
        labels = {f.label: f for f in fields}
        for row in find_table(document, title).rows[1:]:
            label_cell, value_cell = row.cells
            f = labels[label_cell.paragraphs[0].text.split(" (")[0]]
            value: Any = section
            for part in f.path:
                value = value.get(part) if isinstance(value, dict) else None
            if not (dropdowns and value is not None and pick(value_cell, str(value))):
                value_cell.text = "" if value is None else _cell_value(f, value, us)
    for first, key, fields in (("ID", "instructors", INSTRUCTORS), ("Date", "sessions", SESSIONS)):
        table = find_table(document, first, fields[1].label)
        start = first_free_row(table) - (1 if over_example else 0)
        if over_example:
            for cell in table.rows[start].cells:
                cell.text = ""
        items = data.get(key) or []
        while len(table.rows) - start < len(items):
            table.add_row()
        for row, item in zip(table.rows[start:], items, strict=False):
            for cell, f in zip(row.cells, fields, strict=True):
                value = item.get(f.key)
                if value is None or (dropdowns and pick(cell, str(value))):
                    continue
                cell.text = _cell_value(f, value, us)
    document.save(str(out))
    return out


@pytest.fixture()
def blank_form(tmp_path: Path) -> Path:
    path = tmp_path / "blank.docx"
    result = CliRunner().invoke(main, ["new", "-o", str(path), "--kind", "institute"])
    assert result.exit_code == 0, result.output
    return path


def _cases() -> list[Any]:
    cases = [pytest.param(FIXTURE, id="fixture")]
    for path in EXAMPLES:
        cases.append(pytest.param(load_document(path).data, id=path.stem))
    return cases


def _findings(path: Path, kind: str | None = None) -> list[tuple[str, str]]:
    review = check(load_submission(path))
    return sorted((f.code, f.path_text) for f in review.findings)


@pytest.mark.parametrize("data", _cases())
def test_round_trip_gives_the_same_data_and_findings(tmp_path: Path, data: dict[str, Any]) -> None:
    kind = (data.get("program") or {}).get("kind", "institute")
    form = tmp_path / "blank.docx"
    assert CliRunner().invoke(main, ["new", "-o", str(form), "--kind", kind]).exit_code == 0
    filled = fill_form(form, data, tmp_path / "filled.docx")
    source = tmp_path / "source.yaml"
    from coursereview.documents.yaml_template import dump_submission

    source.write_text(dump_submission(data))
    assert read_form(filled).data == normalise(data)

    result = CliRunner().invoke(main, ["import", str(filled), "-o", str(tmp_path / "out.yaml")])
    assert result.exit_code == 0, result.output
    assert load_document(tmp_path / "out.yaml").data == normalise(data)
    assert _findings(filled) == _findings(source)


def test_findings_point_into_the_word_file(tmp_path: Path, blank_form: Path) -> None:
    data = copy.deepcopy(FIXTURE)
    data["sessions"][2]["end"] = "half past eleven"
    filled = fill_form(blank_form, data, tmp_path / "filled.docx")
    review = check(load_submission(filled))
    bad = [f for f in review.findings if f.code == "S005"]
    assert len(bad) == 1
    assert str(bad[0].location) == f'{filled}: sessions table, row 3, column "End"'
    assert bad[0].path == ("sessions", 2, "end")
    unknown = next(f for f in review.findings if f.code == "A001")
    assert str(unknown.location).endswith('sessions table, row 6, column "Area"')
    result = CliRunner().invoke(main, ["validate", str(filled)])
    assert result.exit_code == 1
    assert 'sessions table, row 3, column "End": error S005' in result.stdout


def test_missing_and_unreadable_values_are_named_and_explained_as_the_form_has_them(
    tmp_path: Path, blank_form: Path
) -> None:
    data = copy.deepcopy(FIXTURE)
    del data["program"]["end"]
    del data["provider"]["director"]["email"]
    del data["sessions"][5]["end"]
    data["sessions"][2]["start"] = "after coffee"
    data["sessions"][3]["date"] = "the 12th"
    filled = fill_form(blank_form, data, tmp_path / "filled.docx")
    found = {(f.code, str(f.location).split(": ", 1)[1], f.message, f.hint)
             for f in check(load_submission(filled)).findings if f.code.startswith("S")}
    assert found == {
        ("S002", 'program table, row "End date"', "'End date' is required", "fill it in"),
        ("S002", 'provider table, row "Director email"', "'Director email' is required", "fill it in"),
        ("S002", 'sessions table, row 6, column "End"', "'End' is required", "fill it in"),
        ("S005", 'sessions table, row 3, column "Start"', "'after coffee' is not a time of day",
         "write times as 8:30 AM, 1:30 PM or 13:30"),
        ("S004", 'sessions table, row 4, column "Date"', "'the 12th' is not a date",
         "write dates as month/day/year, e.g. 7/12/2027"),
    }
    source = tmp_path / "source.yaml"  # the same data in YAML keeps YAML's names and hints
    from coursereview.documents.yaml_template import dump_submission

    source.write_text(dump_submission(data))
    in_yaml = {(f.code, f.message, f.hint) for f in check(load_submission(source)).findings if f.code == "S002"}
    assert ("S002", "'program.end' is required", "add 'end'") in in_yaml
    assert ("S002", "'end' of session 6 is required", "add 'end'") in in_yaml  # sessions are counted from 1


def test_import_refuses_to_overwrite_and_writes_clean_yaml(tmp_path: Path, blank_form: Path) -> None:
    filled = fill_form(blank_form, FIXTURE, tmp_path / "filled.docx")
    out = tmp_path / "out.yaml"
    out.write_text("keep me")
    runner = CliRunner()
    result = runner.invoke(main, ["import", str(filled), "-o", str(out)])
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert out.read_text() == "keep me"
    assert runner.invoke(main, ["import", str(filled), "-o", str(out), "--force"]).exit_code == 0
    text = out.read_text()
    assert 'start: "08:30"' in text and "date: 2027-07-12" in text
    assert text.index("provider:") < text.index("program:") < text.index("instructors:") < text.index("sessions:")
    assert "# Monday, July 12, 2027" in text
    assert load_document(out).data == normalise(FIXTURE)


def _chosen(path: Path) -> list[str]:
    """Return the text of every dropdown in the form at ``path`` that has an item chosen."""
    body = docx.Document(str(path)).element.body
    return ["".join(t.text for t in sdt.iter(qn("w:t"))) for sdt in body.iter(qn("w:sdt"))
            if sdt.find(f"{qn('w:sdtPr')}/{qn('w:showingPlcHdr')}") is None]


def test_dropdown_choices_and_typed_text_import_alike(tmp_path: Path, blank_form: Path) -> None:
    typed = fill_form(blank_form, FIXTURE, tmp_path / "typed.docx")
    picked = fill_form(blank_form, FIXTURE, tmp_path / "picked.docx", dropdowns=True)
    shown = _chosen(picked)
    assert shown.count("Role of the Clerk (technical)") == 2 and "In person" in shown and "Institute" in shown
    assert "Intermediate" in shown and "Break" in shown  # items picked by their display text
    assert read_form(picked).data == read_form(typed).data == normalise(FIXTURE)
    assert _findings(picked) == _findings(typed)


def test_the_example_row_is_left_out_only_while_unchanged(tmp_path: Path, blank_form: Path) -> None:
    document = docx.Document(str(blank_form))
    sessions = find_table(document, "Date", "Start")
    first = first_free_row(sessions)
    example = [c.text for c in sessions.rows[first - 1].cells]
    for cell, text in zip(sessions.rows[first].cells, example, strict=True):
        cell.text = text  # a real session that looks just like the example
    kept = tmp_path / "kept.docx"
    document.save(str(kept))
    [session] = read_form(kept).data["sessions"]
    assert (session["title"], session["date"], session["start"]) == ("The Role of the Municipal Clerk",
                                                                    "2027-07-12", "08:30")
    assert read_form(kept).sources.value(("sessions", 0, "title")).where == 'sessions table, row 1, column "Title"'

    sessions.rows[first - 1].cells[4].text = "Welcome"  # the example, changed, is a session of the program
    changed = tmp_path / "changed.docx"
    document.save(str(changed))
    form = read_form(changed)
    assert [s["title"] for s in form.data["sessions"]] == ["Welcome", "The Role of the Municipal Clerk"]
    assert form.sources.value(("sessions", 0, "title")).where == 'sessions table, row 1, column "Title"'
    assert form.sources.value(("sessions", 1, "title")).where == 'sessions table, row 2, column "Title"'

    note = sessions.rows[first - 2]._tr
    note.getparent().remove(note)  # without its note, the grey row is an ordinary row
    unmarked = tmp_path / "unmarked.docx"
    document.save(str(unmarked))
    assert len(read_form(unmarked).data["sessions"]) == 2


def test_rows_typed_over_the_example_count_from_it(tmp_path: Path, blank_form: Path) -> None:
    data = copy.deepcopy(FIXTURE)
    data["instructors"].reverse()  # FIXTURE's first instructor is the example's, typed over it unchanged
    filled = fill_form(blank_form, data, tmp_path / "over.docx", over_example=True)
    form = read_form(filled)
    assert form.data == normalise(data)
    assert form.sources.value(("sessions", 2, "end")).where == 'sessions table, row 3, column "End"'
    assert form.sources.value(("instructors", 0, "id")).where == 'instructors table, row 1, column "ID"'


@pytest.mark.libreoffice
def test_forms_resaved_by_libreoffice_import_the_same(tmp_path: Path, blank_form: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required in CI")
        pytest.skip("LibreOffice (soffice) is not installed")
    typed = fill_form(blank_form, FIXTURE, tmp_path / "filled.docx")
    picked = fill_form(blank_form, FIXTURE, tmp_path / "picked.docx", dropdowns=True)
    outdir = tmp_path / "lo"
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to",
                    "docx:MS Word 2007 XML", "--outdir", str(outdir), str(typed), str(picked)],
                   check=True, capture_output=True, timeout=180)
    for original in (typed, picked):
        resaved = outdir / original.name
        assert resaved.read_bytes() != original.read_bytes()
        assert read_form(resaved).data == normalise(FIXTURE), original.name
        assert _findings(resaved) == _findings(original)
    assert sorted(_chosen(outdir / picked.name)) == sorted(_chosen(picked))  # the dropdowns survive the re-save
