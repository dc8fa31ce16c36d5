"""The register keeps only text it can give back safely, shows stored text escaped, and reads rows other
programs wrote without stopping `letter` or `render --db`."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from coursereview import check, load_submission
from coursereview.cli import main
from coursereview.staff.register import DecisionError, history, latest_decision, record_decision

DATA = Path(__file__).parent / "data"
CLEAN = DATA / "base-institute.yaml"

UNSAFE = [
    ("escape-sequence", "Ann \x1b[2J\x1b[31mStaff"),
    ("bell", "Ann\x07"),
    ("c1-control", "Ann \x9b31m"),
    ("newline", "Ann\nStaff"),
    ("bidi-override", "Ann \u202eftatS"),
    ("bidi-isolate", "Ann \u2067Staff"),
    ("not-utf8", "Ann \udcff"),  # how Python keeps a command-line byte that is not UTF-8
    ("too-long", "A" * 5000),
]


@pytest.mark.parametrize("text", [u[1] for u in UNSAFE], ids=[u[0] for u in UNSAFE])
@pytest.mark.parametrize("field", ["reviewer", "note"])
def test_unsafe_text_is_refused_before_it_is_recorded(tmp_path: Path, field: str, text: str) -> None:
    db = tmp_path / "register.db"
    review = check(load_submission(CLEAN))
    given = {"reviewer": "Ann Staff", "note": "fine"} | {field: text}
    with pytest.raises(DecisionError, match="register"):
        record_decision(db, review, "approved", given["reviewer"], given["note"])
    assert history(db) == []


def test_unsafe_text_on_the_command_line_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "register.db"
    result = CliRunner().invoke(main, ["decide", str(CLEAN), "--approve", "--reviewer", "Ann\x1b[2J", "--db", str(db)])
    assert result.exit_code == 2
    assert result.stderr == ("the reviewer's name contains the character U+001B, which the register does not "
                             "record; remove it\n")
    assert history(db) == []


def test_a_file_name_that_is_not_utf8_is_not_recorded(tmp_path: Path) -> None:
    import os

    odd = os.fsdecode(bytes(tmp_path) + b"/caf\xe9.yaml")
    shutil.copy(CLEAN, odd)
    db = tmp_path / "register.db"
    result = CliRunner().invoke(main, ["decide", odd, "--approve", "--reviewer", "Ann", "--db", str(db)])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "the file name is not valid UTF-8 text" in result.stderr and "caf\\xe9.yaml" in result.stderr
    assert history(db) == []


def _other_programs_register(db: Path) -> None:
    """Create a register as another program might: the decisions table without our types or constraints."""
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE decisions (id INTEGER PRIMARY KEY, submission_sha256, file, program_title, provider, "
                 "criteria_id, criteria_version, criteria_sha256, verdict, decision, reviewer, note, override, "
                 "decided_at)")
    conn.commit()
    conn.close()


def _foreign_row(db: Path, sha: str, **values: object) -> None:
    """Append a row as another program might write it (bypassing record_decision)."""
    row = {"submission_sha256": sha, "file": "f.yaml", "criteria_id": "iimc-institute", "criteria_version": "2026.1",
           "criteria_sha256": "h", "verdict": "approvable", "decision": "approved", "reviewer": "Other Tool",
           "decided_at": "2027-03-01T12:00:00Z"} | values
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        marks = ", ".join("?" * len(row))
        conn.execute(f"INSERT INTO decisions ({', '.join(row)}) VALUES ({marks})", tuple(row.values()))
    finally:
        conn.close()


def test_history_never_prints_stored_text_unescaped(tmp_path: Path) -> None:
    db = tmp_path / "register.db"
    review = check(load_submission(CLEAN))
    record_decision(db, review, "approved", "Ann Staff")
    _foreign_row(db, review.submission.sha256, reviewer="Eve\x1b]0;owned\x07", note="\u202egnihton",
                 program_title="\x9b2J")
    result = CliRunner().invoke(main, ["history", "--db", str(db)])
    assert result.exit_code == 0, result.output
    for raw in ("\x1b", "\x07", "\u202e", "\x9b"):
        assert raw not in result.stdout
    assert "Eve\\x1b]0;owned\\x07" in result.stdout and "note: \\u202egnihton" in result.stdout
    as_json = CliRunner().invoke(main, ["history", "--db", str(db), "--format", "json"])
    for raw in ("\x1b", "\u202e", "\x9b"):
        assert raw not in as_json.stdout
    entries = json.loads(as_json.stdout)  # the same data, escaped the JSON way
    assert (entries[1]["reviewer"], entries[1]["note"]) == ("Eve\x1b]0;owned\x07", "\u202egnihton")


def test_text_that_is_not_utf8_in_a_row_is_read_with_replacement_characters(tmp_path: Path) -> None:
    db = tmp_path / "register.db"
    review = check(load_submission(CLEAN))
    _other_programs_register(db)
    _foreign_row(db, review.submission.sha256)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE decisions SET reviewer = CAST(X'426f62ff' AS TEXT)")  # "Bob" and a stray byte
    conn.commit()
    conn.close()
    assert latest_decision(db, review.submission.sha256).reviewer == "Bob\ufffd"
    result = CliRunner().invoke(main, ["history", "--db", str(db)])
    assert result.exit_code == 0 and "Bob\ufffd" in result.stdout


TIMES = [
    ("no-seconds-no-zone", "2027-03-01T12:00", "March 1, 2027"),
    ("space-no-zone", "2027-03-01 12:00:00", "March 1, 2027"),
    ("offset", "2027-03-01T23:30:00-05:00", "March 2, 2027"),
    ("date-only", "2027-03-01", "March 1, 2027"),
    ("us-date", "3/1/2027", "March 1, 2027"),
]


@pytest.mark.parametrize(("decided_at", "shown"), [t[1:] for t in TIMES], ids=[t[0] for t in TIMES])
def test_a_row_in_another_time_format_does_not_stop_letter_or_render(tmp_path: Path, decided_at: str,
                                                                   shown: str) -> None:
    db = tmp_path / "register.db"
    review = check(load_submission(CLEAN))
    _other_programs_register(db)
    _foreign_row(db, review.submission.sha256, decided_at=decided_at, reviewer=b"Bob (a blob)", override="0",
                 note=None)
    decision = latest_decision(db, review.submission.sha256)
    assert (decision.reviewer, decision.note, decision.override) == ("Bob (a blob)", "", False)
    letter = tmp_path / "letter.docx"
    result = CliRunner().invoke(main, ["letter", str(CLEAN), "-o", str(letter), "--db", str(db)])
    assert result.exit_code == 0, result.output
    import docx

    assert shown in [p.text for p in docx.Document(str(letter)).paragraphs]  # the letter's date line
    rendered = CliRunner().invoke(main, ["render", str(CLEAN), "-o", str(tmp_path / "r.md"), "--db", str(db)])
    assert rendered.exit_code == 0, rendered.output
    assert "Bob (a blob)" in (tmp_path / "r.md").read_text()


@pytest.mark.parametrize(("values", "expected"), [
    ({"decided_at": "soon"}, "decision 2 has the time 'soon', which is not a date and time"),
    ({"decision": "maybe"}, "decision 2 reads 'maybe', not 'approved' or 'returned'"),
], ids=["time", "decision"])
def test_a_row_that_cannot_be_a_decision_is_one_line(tmp_path: Path, values: dict, expected: str) -> None:
    db = tmp_path / "register.db"
    _other_programs_register(db)
    sha = check(load_submission(CLEAN)).submission.sha256
    _foreign_row(db, sha)
    _foreign_row(db, sha, **values)
    for args in (["letter", str(CLEAN), "-o", str(tmp_path / "l.docx")], ["render", str(CLEAN), "-o",
                                                                           str(tmp_path / "r.md")]):
        result = CliRunner().invoke(main, [*args, "--db", str(db)])
        assert result.exit_code == 2, result.output
        assert result.stderr == f"{db}: {expected}\n"
    assert CliRunner().invoke(main, ["history", "--db", str(db)]).exit_code == 0  # the list still shows it
