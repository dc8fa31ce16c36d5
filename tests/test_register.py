"""The decision register: append-only, crash-safe, safe for several staff at once."""

from __future__ import annotations

import copy
import datetime as dt
import json
import multiprocessing
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import coursereview.staff.register as register
from coursereview import check, load_submission
from coursereview.cli import main
from coursereview.review import Review
from coursereview.staff.register import DecisionError, RegisterError, history, latest_decision, record_decision

DATA = Path(__file__).parent / "data"
CLEAN = DATA / "base-institute.yaml"
NOON = dt.datetime(2027, 3, 1, 12, 0, tzinfo=dt.UTC)


def _short(tmp_path: Path) -> Path:
    doc = yaml.safe_load(CLEAN.read_text())
    doc = copy.deepcopy(doc)
    doc["sessions"] = doc["sessions"][:3]
    doc["sessions"][0]["end"] = "07:00"  # ends before it starts: an error
    path = tmp_path / "short.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def clean() -> Review:
    return check(load_submission(CLEAN))


def test_decisions_are_recorded_and_the_newest_supersedes(tmp_path: Path, clean: Review) -> None:
    db = tmp_path / "register.db"
    assert latest_decision(db, clean.submission.sha256) is None
    first = record_decision(db, clean, "approved", "Ann Staff", now=NOON)
    assert (first.decision, first.reviewer, first.decided_at, first.override) == ("approved", "Ann Staff", NOON, False)
    record_decision(db, clean, "returned", "Bob Staff", "certificate template missing",
                    now=NOON + dt.timedelta(hours=1))
    latest = latest_decision(db, clean.submission.sha256)
    assert (latest.decision, latest.reviewer, latest.note) == ("returned", "Bob Staff", "certificate template missing")
    entries = history(db)
    assert [e.id for e in entries] == [1, 2]
    entry = entries[0]
    assert (entry.submission_sha256, entry.criteria_id, entry.criteria_version, entry.criteria_sha256) == (
        clean.submission.sha256, "iimc-institute", clean.criteria.version, clean.criteria.sha256)
    assert (entry.verdict, entry.decided_at, entry.program_title) == (
        "approvable", "2027-03-01T12:00:00Z", "Test Clerks Institute 2027, Part 1")
    assert history(db, "0" * 64) == []


def test_approving_a_not_approvable_submission_needs_override_and_note(tmp_path: Path) -> None:
    review = check(load_submission(_short(tmp_path)))
    assert review.verdict == "not-approvable"
    db = tmp_path / "register.db"
    for override, note in ((False, ""), (True, ""), (False, "board agreed")):
        with pytest.raises(DecisionError, match="not approvable .*--override and a --note"):
            record_decision(db, review, "approved", "Ann", note, override)
    assert history(db) == []
    decision = record_decision(db, review, "approved", "Ann", "board agreed", override=True)
    assert decision.override is True
    assert record_decision(db, review, "returned", "Ann", "end the first session after it starts").override is False


@pytest.mark.parametrize("note", ["", "   \n\t"], ids=["no-note", "blank-note"])
def test_the_register_refuses_a_return_without_a_note(tmp_path: Path, clean: Review, note: str) -> None:
    db = tmp_path / "register.db"
    with pytest.raises(DecisionError) as refused:
        record_decision(db, clean, "returned", "Bob", note)
    assert str(refused.value) == "a return needs --note saying what is still required"
    assert not db.exists()  # refused before the register is opened, let alone created
    record_decision(db, clean, "approved", "Bob", note)  # an approval needs no note
    returned = record_decision(db, clean, "returned", "Bob", "  sign the certificate template \n")
    assert returned.note == "sign the certificate template"
    assert [(e.decision, e.note) for e in history(db)] == [("approved", ""),
                                                          ("returned", "sign the certificate template")]


def test_no_update_or_delete_path_exists(tmp_path: Path, clean: Review) -> None:
    db = tmp_path / "register.db"
    record_decision(db, clean, "approved", "Ann")
    assert not [name for name in dir(register) if any(w in name.lower() for w in ("update", "delete", "remove"))]
    conn = sqlite3.connect(db)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE decisions SET decision = 'returned'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM decisions")
    conn.close()
    assert [e.decision for e in history(db)] == ["approved"]


def test_a_crash_before_commit_leaves_earlier_decisions_intact(tmp_path: Path, clean: Review) -> None:
    db = tmp_path / "register.db"
    for reviewer in ("Ann", "Bob", "Cy"):
        record_decision(db, clean, "approved", reviewer)
    crash = textwrap.dedent(f"""
        import os, sqlite3
        conn = sqlite3.connect({str(db)!r}, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO decisions (submission_sha256, file, criteria_id, criteria_version, "
                     "criteria_sha256, verdict, decision, reviewer, decided_at) "
                     "VALUES ('x', 'f', 'c', '1', 'h', 'approvable', 'approved', 'Half', 'now')")
        os._exit(9)  # the process dies mid-transaction, before COMMIT
    """)
    assert subprocess.run([sys.executable, "-c", crash], check=False).returncode == 9
    assert [e.reviewer for e in history(db)] == ["Ann", "Bob", "Cy"]
    record_decision(db, clean, "returned", "Dee", "sign the template")  # the register is not left locked
    assert [e.reviewer for e in history(db)] == ["Ann", "Bob", "Cy", "Dee"]


def _record_many(db: str, review: Review, who: str, count: int) -> None:
    for i in range(count):
        record_decision(db, review, "approved" if i % 2 else "returned", f"{who} {i}", "checked")


def test_two_processes_deciding_at_once_lose_nothing(tmp_path: Path, clean: Review) -> None:
    db = str(tmp_path / "register.db")
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_record_many, args=(db, clean, who, 200)) for who in ("Ann", "Bob")]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert [w.exitcode for w in workers] == [0, 0]
    entries = history(db)
    assert len(entries) == 400
    assert len({e.id for e in entries}) == 400
    assert {e.reviewer for e in entries} == {f"{who} {i}" for who in ("Ann", "Bob") for i in range(200)}
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_file_that_is_not_a_register_is_one_line(tmp_path: Path, clean: Review) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n" * 50)
    with pytest.raises(RegisterError, match=r"notes.db: not a coursereview decision register"):
        history(bogus)
    with pytest.raises(RegisterError):
        record_decision(bogus, clean, "approved", "Ann")
    result = CliRunner().invoke(main, ["history", "--db", str(bogus)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(RegisterError, match="no decisions table"):
        history(other)


def test_cli_decide_and_history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    short = _short(tmp_path)
    runner = CliRunner()
    refused = runner.invoke(main, ["decide", str(short), "--approve", "--reviewer", "Ann"])
    assert refused.exit_code == 2
    assert "give --override and a --note" in refused.stderr and refused.stderr.count("\n") == 1
    assert runner.invoke(main, ["decide", str(short), "--reviewer", "Ann"]).exit_code == 2
    done = runner.invoke(main, ["decide", str(short), "--approve", "--override", "--note", "board agreed",
                                "--reviewer", "Ann"])
    assert done.exit_code == 0, done.output
    assert "approved (override) by Ann" in done.stdout
    assert (tmp_path / "coursereview.db").exists()  # the default register is in the working folder

    moved = tmp_path / "moved.db"
    env = {"COURSEREVIEW_DB": str(moved)}
    assert runner.invoke(main, ["decide", str(CLEAN), "--return", "--reviewer", "Bob", "--note", "sign the template"],
                         env=env).exit_code == 0
    listed = runner.invoke(main, ["history", "--format", "json"], env=env)
    assert [e["reviewer"] for e in json.loads(listed.stdout)] == ["Bob"]
    text = runner.invoke(main, ["history", str(short)])
    assert text.exit_code == 0 and "approved (override) by Ann" in text.stdout and "board agreed" in text.stdout
    none = runner.invoke(main, ["history", str(CLEAN)])
    assert none.stdout.startswith("no decisions recorded")


def test_another_programs_database_is_refused_and_left_untouched(tmp_path: Path, clean: Review) -> None:
    foreign = tmp_path / "budget.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO accounts (name) VALUES ('general fund')")
    conn.commit()
    conn.close()
    before = foreign.read_bytes()
    with pytest.raises(RegisterError, match="budget.sqlite: not a coursereview decision register"):
        record_decision(foreign, clean, "approved", "Ann")
    result = CliRunner().invoke(main, ["decide", str(CLEAN), "--approve", "--reviewer", "Ann", "--db", str(foreign)])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"{foreign}: not a coursereview decision register")
    assert foreign.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["budget.sqlite"]  # no -wal or -shm left behind
    assert sqlite3.connect(foreign).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_register_is_stamped_and_an_unstamped_one_still_accepted(tmp_path: Path, clean: Review) -> None:
    db = tmp_path / "register.db"
    record_decision(db, clean, "approved", "Ann")
    assert sqlite3.connect(db).execute("PRAGMA application_id").fetchone()[0] == register.APPLICATION_ID
    older = tmp_path / "older.db"  # made before registers were stamped: the decisions table says it is ours
    conn = sqlite3.connect(older)
    conn.executescript(register._SCHEMA)
    conn.close()
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    for path in (older, empty):
        record_decision(path, clean, "returned", "Bob", "certificate missing")
        assert [e.reviewer for e in history(path)] == ["Bob"]


@pytest.mark.parametrize(("flags", "message"), [
    (["--approve", "--return", "--note", "x"], "give either --approve or --return, not both"),
    (["--return", "--approve"], "give either --approve or --return, not both"),
    ([], "give --approve or --return"),
    (["--return"], "a return needs --note saying what is still required"),
    (["--return", "--note", "  "], "a return needs --note saying what is still required"),
], ids=["approve-then-return", "return-then-approve", "neither", "return-without-note", "return-blank-note"])
def test_decide_needs_exactly_one_decision_and_a_return_says_why(tmp_path: Path, flags: list[str],
                                                                 message: str) -> None:
    db = tmp_path / "register.db"
    result = CliRunner().invoke(main, ["decide", str(CLEAN), *flags, "--reviewer", "Ann", "--db", str(db)])
    assert result.exit_code == 2
    assert result.stderr == message + "\n"
    assert not db.exists()


def test_history_of_a_register_that_is_not_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for args, env in ((["--db", "typo.db"], {}), ([], {"COURSEREVIEW_DB": "typo.db"})):
        named = runner.invoke(main, ["history", *args], env=env)
        assert (named.exit_code, named.stderr, named.stdout) == (2, "typo.db: no such decision register\n", "")
    default = runner.invoke(main, ["history"])
    assert default.exit_code == 0
    assert default.stdout == "no decision register coursereview.db here; `coursereview decide` creates one\n"
    assert runner.invoke(main, ["history", "--format", "json"]).stdout == "[]\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # reading never creates a register
