"""The status letter: approved with the points earned, or returned listing exactly the errors found."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import io
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner

from coursereview import check, load_submission
from coursereview.cli import main
from coursereview.documents.letter import build_letter, letter_kind, required_items
from coursereview.location import Location
from coursereview.review import Decision, Review
from coursereview.staff.register import record_decision

DATA = Path(__file__).parent / "data"
CLEAN = DATA / "base-institute.yaml"
NOON = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def faulty(tmp_path: Path) -> Path:
    """Return a submission with four errors (and a warning) in different places."""
    doc = copy.deepcopy(yaml.safe_load(CLEAN.read_text()))
    doc["sessions"][0]["end"] = "07:00"
    doc["sessions"][2]["instructors"] = ["zed"]
    doc["sessions"][3]["area"] = "astrology"
    del doc["provider"]["director"]["email"]
    path = tmp_path / "faulty.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def _read(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def _items(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == "List Number"]


def _text(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def test_returned_letter_lists_exactly_the_error_findings(faulty: Path) -> None:
    review = check(load_submission(faulty))
    assert len(review.errors) == 4 and review.warnings
    document = _read(build_letter(review))
    items = _items(document)
    assert len(items) == len(review.errors)
    for item, finding in zip(items, review.errors, strict=True):
        assert item.startswith(finding.message)
        loc = finding.location  # the file's name, not the reviewer's folders; no raw data path
        assert f"Where to fix it: faulty.yaml:{loc.line}:{loc.column or 1}." in item
        assert str(faulty.parent) not in item and f"({finding.path_text})" not in item
        assert finding.hint in item
        assert item.endswith(f"[{finding.code}]")
    assert document.paragraphs[0].text == "Course Program Review: Status Update"
    assert "4 items still required" in _text(document)
    for warning in review.warnings:  # warnings are not requirements
        assert warning.message not in _text(document)
    assert [i.code for i in required_items(review)] == [f.code for f in review.errors]


def test_approved_letter_gives_the_points_a_participant_earns() -> None:
    review = check(load_submission(CLEAN))
    document = _read(build_letter(review))
    assert document.paragraphs[0].text == "Course Program Approval"
    assert "earns 20.0 points (40.0 contact hours) as CMC Education." in _text(document)
    table = document.tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Part", "Contact hours", "Points", "Category"], ["Part 1", "40.0", "20.0", "CMC Education"]]
    assert f"version {review.criteria.version}" in _text(document)
    assert not _items(document)


def test_an_academy_letter_says_its_points_count_for_the_mmc_or_the_cmc() -> None:
    review = check(load_submission(Path(__file__).parent.parent / "examples" / "academy.yaml"))
    text = _text(_read(build_letter(review)))
    assert ("earns 11.0 points (22.0 contact hours) as MMC Advanced Education, or CMC Education for a participant "
            "who does not yet hold the CMC.") in text


def test_the_recorded_decision_chooses_the_letter(faulty: Path) -> None:
    clean, bad = check(load_submission(CLEAN)), check(load_submission(faulty))
    returned = Decision("returned", "Bob Staff", NOON, "certificate template is unsigned")
    assert letter_kind(clean, returned) == "returned"
    text = _text(_read(build_letter(clean, returned)))
    assert "certificate template is unsigned" in text and "Bob Staff" in text and "01 March 2027" in text
    override = Decision("approved", "Ann Staff", NOON, "board agreed to the schedule", override=True)
    document = _read(build_letter(bad, override))
    assert letter_kind(bad, override) == "approved"
    assert document.paragraphs[0].text == "Course Program Approval"
    assert "although the check found 4 open items: board agreed to the schedule" in _text(document)


def _letter_bytes(review: Review, stamp: dt.datetime | None = None) -> bytes:
    return build_letter(review, stamp=stamp) if stamp else build_letter(review)


def test_same_input_gives_the_same_bytes(faulty: Path) -> None:
    review = check(load_submission(faulty))
    first = _letter_bytes(review)
    assert first == _letter_bytes(check(load_submission(faulty)))
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        assert z.namelist()[0] == "[Content_Types].xml"
    stamped = _letter_bytes(review, dt.datetime(2030, 6, 1, tzinfo=dt.UTC))
    assert stamped != first
    assert _read(stamped).core_properties.modified == dt.datetime(2030, 6, 1, tzinfo=dt.UTC)


def test_cli_letter_uses_the_register_and_never_overwrites(faulty: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    db = tmp_path / "register.db"
    record_decision(db, check(load_submission(CLEAN)), "approved", "Ann Staff")  # a register, nothing on faulty
    out = tmp_path / "letter.docx"
    made = runner.invoke(main, ["letter", str(faulty), "-o", str(out), "--db", str(db)])
    assert made.exit_code == 0, made.output
    assert "returned letter (verdict: not approvable)" in made.stdout
    assert len(_items(docx.Document(out))) == 4
    before = out.read_bytes()

    again = runner.invoke(main, ["letter", str(faulty), "-o", str(out), "--db", str(db)])
    assert again.exit_code == 2 and "already exists; use --force" in again.stderr
    assert out.read_bytes() == before

    record_decision(db, check(load_submission(faulty)), "approved", "Ann Staff", "board agreed", override=True,
                    now=NOON)
    forced = runner.invoke(main, ["letter", str(faulty), "-o", str(out), "--db", str(db), "--force"],
                           env={"SOURCE_DATE_EPOCH": "1900000000"})
    assert forced.exit_code == 0 and "approved letter (decision by Ann Staff)" in forced.stdout
    document = docx.Document(out)
    assert document.paragraphs[0].text == "Course Program Approval"
    assert document.core_properties.created == dt.datetime(2030, 3, 17, 17, 46, 40, tzinfo=dt.UTC)

    wrong = runner.invoke(main, ["letter", str(faulty), "-o", str(tmp_path / "letter.pdf")])
    assert wrong.exit_code == 2 and "give a .docx name" in wrong.stderr
    unreadable = tmp_path / "dup.yaml"
    unreadable.write_bytes(b"a: 1\na: 2\n")
    bad = runner.invoke(main, ["letter", str(unreadable), "-o", str(tmp_path / "x.docx")])
    assert bad.exit_code == 2 and not (tmp_path / "x.docx").exists()


@pytest.mark.parametrize("note", ["", "   "], ids=["no-note", "blank-note"])
def test_a_return_without_errors_or_note_never_points_at_a_missing_note(note: str) -> None:
    clean = check(load_submission(CLEAN))
    text = _text(_read(build_letter(clean, Decision("returned", "Bob Staff", NOON, note))))
    assert "note" not in text.lower()
    assert "Please contact the IIMC Education Department to learn what is still required." in text
    with_note = _text(_read(build_letter(clean, Decision("returned", "Bob Staff", NOON, "sign the template"))))
    assert "Please see the reviewer's note below." in with_note and "Reviewer's note: sign the template" in with_note


def test_a_register_named_but_absent_is_one_line_and_writes_no_letter(faulty: Path, tmp_path: Path) -> None:
    out = tmp_path / "letter.docx"
    typo = tmp_path / "coursereview.bd"
    for args, env in ((["--db", str(typo)], {}), ([], {"COURSEREVIEW_DB": str(typo)})):
        result = CliRunner().invoke(main, ["letter", str(faulty), "-o", str(out), *args], env=env)
        assert result.exit_code == 2
        assert result.stderr == f"{typo}: no such decision register\n" and result.stdout == ""
        assert not out.exists() and not typo.exists()


def test_without_the_default_register_the_letter_says_it_follows_the_verdict(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["letter", str(CLEAN), "-o", "letter.docx"])
    assert result.exit_code == 0, result.output
    assert "approved letter (verdict: approvable)" in result.stdout
    assert result.stderr == (f"{CLEAN}: no decision recorded (no decision register coursereview.db here); "
                             "the letter follows the tool's verdict\n")
    assert not (tmp_path / "coursereview.db").exists()  # reading never creates a register

    record_decision(tmp_path / "coursereview.db", check(load_submission(CLEAN)), "returned", "Bob Staff",
                    "sign the certificate template", now=NOON)
    decided = CliRunner().invoke(main, ["letter", str(CLEAN), "-o", "letter.docx", "--force"])
    assert decided.exit_code == 0 and "returned letter (decision by Bob Staff)" in decided.stdout
    assert decided.stderr == ""


def test_where_to_fix_it_names_the_file_and_the_form_cell_not_internals(faulty: Path) -> None:
    review = check(load_submission(faulty))
    first = next(f for f in review.errors if f.path_text not in f.message)  # e.g. a session ending too early
    in_form = dataclasses.replace(first, location=Location("../inbox/spring/form.docx",
                                                           where='sessions table, row 4, column "End"'))
    on_windows = dataclasses.replace(first, location=Location(r"C:\\inbox\\program.yaml", 12, 3))
    nowhere = dataclasses.replace(first, location=None)
    review = dataclasses.replace(review, findings=(in_form, on_windows, nowhere))
    assert [i.where for i in required_items(review)] == [
        'form.docx: sessions table, row 4, column "End"', "program.yaml:12:3", "the program as a whole"]
    text = _text(_read(build_letter(review)))
    assert "inbox" not in text and first.path_text not in text
