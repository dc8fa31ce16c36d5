"""The decision register: an append-only SQLite record of what IIMC decided on each submission."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from coursereview.errors import CourseReviewError
from coursereview.io import is_regular_file
from coursereview.parsing import parse_date
from coursereview.review import Decision, Review
from coursereview.staff import DEFAULT_DB
from coursereview.vocabulary import DECISIONS
from coursereview.wording import BIDI_CONTROLS, shown

__all__ = ["DEFAULT_DB", "DecisionError", "Entry", "RegisterError", "history", "latest_decision", "record_decision"]
BUSY_TIMEOUT_MS = 30_000
APPLICATION_ID = 0x43525652  # "CRVR" in the SQLite header: this file is a coursereview register

_SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY,
    submission_sha256 TEXT NOT NULL,
    file TEXT NOT NULL,
    program_title TEXT,
    provider TEXT,
    criteria_id TEXT NOT NULL,
    criteria_version TEXT NOT NULL,
    criteria_sha256 TEXT NOT NULL,
    verdict TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('approved', 'returned')),
    reviewer TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    override INTEGER NOT NULL DEFAULT 0 CHECK (override IN (0, 1)),
    decided_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_by_submission ON decisions (submission_sha256, id);
CREATE TRIGGER IF NOT EXISTS decisions_no_update BEFORE UPDATE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only: record a new decision instead'); END;
CREATE TRIGGER IF NOT EXISTS decisions_no_delete BEFORE DELETE ON decisions
BEGIN SELECT RAISE(ABORT, 'decisions are append-only: they are never deleted'); END;
"""

_COLUMNS = ("id", "submission_sha256", "file", "program_title", "provider", "criteria_id", "criteria_version",
            "criteria_sha256", "verdict", "decision", "reviewer", "note", "override", "decided_at")


class RegisterError(CourseReviewError):
    """The register cannot be used (not an SQLite database, locked for too long, unreadable)."""


class DecisionError(CourseReviewError):
    """A decision that may not be recorded as given (e.g. approving a not-approvable review)."""


@dataclass(frozen=True)
class Entry:
    """One row of the register, as recorded."""

    id: int
    submission_sha256: str
    file: str
    program_title: str | None
    provider: str | None
    criteria_id: str
    criteria_version: str
    criteria_sha256: str
    verdict: str
    decision: str
    reviewer: str
    note: str
    override: bool
    decided_at: str  # UTC, ISO 8601

    def to_decision(self) -> Decision:
        """Return the entry as the Decision shown in approval blocks and letters.

        A row another program wrote is read leniently (a time without seconds or zone is UTC); one
        that cannot stand for a decision at all raises RegisterError naming the row.
        """
        if self.decision not in DECISIONS:
            raise RegisterError(f"decision {self.id} reads {self.decision!r}, not 'approved' or 'returned'")
        when = _parse_time(self.decided_at)
        if when is None:
            raise RegisterError(f"decision {self.id} has the time {self.decided_at!r}, which is not a date and time")
        return Decision(self.decision, self.reviewer, when, self.note, self.override)

    def to_dict(self) -> dict:
        """Return the JSON form of the entry."""
        return {name: getattr(self, name) for name in _COLUMNS}


def record_decision(db_path: str | Path, review: Review, decision: str, reviewer: str, note: str = "",
                    override: bool = False, now: dt.datetime | None = None) -> Decision:
    """Append IIMC's ``decision`` on ``review`` to the register at ``db_path`` and return it.

    A return needs a note saying what is still required (the letter to the provider quotes it);
    approving a review the tool finds not approvable needs ``override`` and a note saying why.
    Each decision is written in its own transaction: it lands whole or not at all.
    """
    if decision not in DECISIONS:
        raise DecisionError(f"decision must be 'approved' or 'returned', not {decision!r}")
    reviewer, note = _text("the reviewer's name", reviewer, MAX_NAME), _text("the note", note or "", MAX_NOTE)
    if not reviewer:
        raise DecisionError("a decision needs the reviewer's name (--reviewer)")
    if decision == "returned" and not note:
        raise DecisionError("a return needs --note saying what is still required")
    overriding = decision == "approved" and review.verdict == "not-approvable"
    if overriding and not (override and note):
        raise DecisionError(f"{review.submission.file}: the tool finds this submission not approvable "
                            f"({_errors(len(review.errors))}); to approve it anyway give --override and a --note "
                            "saying why")
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    sub, crit = review.submission, review.criteria
    file = _text("the file name", sub.file, MAX_FILE_NAME)
    title = _text("the program title", sub.program.title, MAX_NAME * 5) if sub.program.title else None
    provider = _text("the provider's name", sub.provider.name, MAX_NAME * 5) if sub.provider.name else None
    row = (sub.sha256, file, title, provider, crit.id, crit.version, crit.sha256,
           review.verdict, decision, reviewer, note, int(overriding), _format_time(when))
    with _connect(db_path, create=True) as conn, immediate(conn):
        conn.execute(f"INSERT INTO decisions ({', '.join(_COLUMNS[1:])}) VALUES ({', '.join('?' * 13)})", row)
    return Decision(decision, reviewer, when, note, overriding)


def history(db_path: str | Path, sha256: str | None = None) -> list[Entry]:
    """Return the recorded decisions, oldest first (only those on submission ``sha256`` when given)."""
    if not Path(db_path).exists():
        return []
    query = f"SELECT {', '.join(_COLUMNS)} FROM decisions"
    args: tuple = ()
    if sha256:
        query, args = query + " WHERE submission_sha256 = ?", (sha256,)
    with _connect(db_path, create=False) as conn:
        rows = _query(conn, db_path, query + " ORDER BY id", args)
    return [_entry(row) for row in rows]


def latest_decision(db_path: str | Path, sha256: str) -> Decision | None:
    """Return the newest decision on submission ``sha256`` (it supersedes earlier ones), or None."""
    entries = history(db_path, sha256)
    try:
        return entries[-1].to_decision() if entries else None
    except RegisterError as exc:
        raise RegisterError(f"{db_path}: {exc}") from None


MAX_NAME = 200  # characters of a reviewer's name (a program title or provider may have five times as many)
MAX_NOTE = 4000  # characters of a note
MAX_FILE_NAME = 4096  # characters of a submission's file name, as given
_UNRECORDABLE = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI_CONTROLS}]")


def _text(what: str, value: str, limit: int) -> str:
    """Return ``value`` trimmed, once it is text the register may keep; else raise DecisionError saying why.

    The register is append-only, so what is recorded is checked first: no control characters (a
    terminal obeys them; a letter cannot hold them), no bidirectional overrides, only text that
    is valid UTF-8, and at most ``limit`` characters.
    """
    text = value.strip()
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):
        raise DecisionError(f"{what} is not valid UTF-8 text, which the register does not record: {shown(text)[:80]}")
    bad = _UNRECORDABLE.search(text)
    if bad:
        raise DecisionError(f"{what} contains the character U+{ord(bad.group()):04X}, which the register does not "
                            "record; remove it")
    if len(text) > limit:
        raise DecisionError(f"{what} has {len(text)} characters; the register records at most {limit}")
    return text


def connect(db_path: str | Path, create: bool = True) -> contextlib.AbstractContextManager[sqlite3.Connection]:
    """Return a connection to the register at ``db_path`` (autocommit, WAL, busy timeout), for stores that share it.

    With ``create`` the file and its decisions table are made when missing; without, the register must exist.
    Other tables (the web application's submissions, say) live in the same file, so there is one truth.
    """
    return _connect(db_path, create)


@contextlib.contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[None]:
    """Run the block as one write transaction (BEGIN IMMEDIATE): committed at its end, rolled back on any exception."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


@contextlib.contextmanager
def _connect(db_path: str | Path, create: bool) -> Iterator[sqlite3.Connection]:
    name = str(db_path)
    path = Path(db_path)
    if path.is_dir():
        raise RegisterError(f"{name}: is a directory, not a decision register")
    if (path.exists() or path.is_symlink()) and not is_regular_file(path):
        raise RegisterError(f"{name}: not a regular file, so not a decision register; give the path of a file")
    if create and not path.parent.is_dir():
        raise RegisterError(f"{name}: folder {path.parent} does not exist")
    try:
        conn = sqlite3.connect(os.fsencode(name), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise RegisterError(f"{name}: cannot open the decision register: {exc}") from None
    conn.text_factory = _lenient_text  # another program may have stored bytes that are not UTF-8 as text
    try:
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if create:
                _require_ours(conn, name)  # before WAL: another program's database is left untouched
            _use_wal(conn)
            if create:
                conn.executescript(f"BEGIN IMMEDIATE;{_SCHEMA}PRAGMA application_id = {APPLICATION_ID};COMMIT;")
            else:
                _require_table(conn, name)
        except sqlite3.DatabaseError as exc:
            raise RegisterError(_explain(name, exc)) from None
        yield conn
    except sqlite3.DatabaseError as exc:
        raise RegisterError(_explain(name, exc)) from None
    finally:
        conn.close()


def _lenient_text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch the register to WAL once; a switch can fail at once (without waiting) while another
    connection is creating the file, so retry until the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if not ("locked" in str(exc) or "busy" in str(exc)) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _require_ours(conn: sqlite3.Connection, name: str) -> None:
    """Refuse a database that holds anything but a register: ours is empty, stamped, or has the decisions table."""
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if app_id == APPLICATION_ID:
        return
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if tables and (app_id != 0 or "decisions" not in tables):
        raise RegisterError(f"{name}: not a coursereview decision register (it holds another program's tables)")


def _require_table(conn: sqlite3.Connection, name: str) -> None:
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'decisions'").fetchone()
    if not found:
        raise RegisterError(f"{name}: not a coursereview decision register (no decisions table)")


def _query(conn: sqlite3.Connection, name: str | Path, query: str, args: tuple) -> list[tuple]:
    try:
        return conn.execute(query, args).fetchall()
    except sqlite3.DatabaseError as exc:
        raise RegisterError(_explain(str(name), exc)) from None


def _explain(name: str, exc: sqlite3.DatabaseError) -> str:
    text = str(exc)
    if "not a database" in text or "malformed" in text:
        return f"{name}: not a coursereview decision register (not an SQLite database)"
    if "locked" in text or "busy" in text:
        return f"{name}: the decision register stayed locked by another user for {BUSY_TIMEOUT_MS // 1000} s; try again"
    return f"{name}: decision register error: {text}"


_OPTIONAL = ("program_title", "provider")  # the columns that may be NULL; every other one is text or the id


def _entry(row: tuple) -> Entry:
    """Return a row as an Entry, whatever another program stored: text as text, 0 or 1 as the override."""
    data = dict(zip(_COLUMNS, row, strict=True))
    for column in _COLUMNS[1:-2]:
        value = data[column]
        if value is None:
            data[column] = None if column in _OPTIONAL else ""
        elif isinstance(value, bytes):
            data[column] = value.decode("utf-8", "replace")
        elif not isinstance(value, str):
            data[column] = str(value)
    override = data["override"]
    data["override"] = override in (1, "1", b"1", True) or str(override).strip().lower() in ("true", "yes")
    data["decided_at"] = _as_text(data["decided_at"])
    data["id"] = data["id"] if isinstance(data["id"], int) else 0
    return Entry(**data)


def _as_text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def _errors(n: int) -> str:
    return f"{n} error" if n == 1 else f"{n} errors"


def _format_time(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(text: str) -> dt.datetime | None:
    """Return the UTC time ``text`` names: ISO 8601 with or without seconds, zone or time (UTC then), else None."""
    try:
        when = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        day = parse_date(text)
        if day is None:
            return None
        when = dt.datetime(day.year, day.month, day.day)
    try:
        return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
    except OverflowError:  # year 1 at +14:00 is before year 1 in UTC
        return None
