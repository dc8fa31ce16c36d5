"""Submissions received for review: an append-only record in the register, the files stored by content hash."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from coursereview.errors import CourseReviewError
from coursereview.io import write_atomic
from coursereview.review import Decision, Review
from coursereview.staff.register import DEFAULT_DB, connect, history, immediate

# What IIMC asks to see beside the program (the roles of attached files), in the order forms list them.
ATTACHMENT_ROLES = {
    "certificate": "Certificate or transcript template",
    "assessment": "Learning assessment tool",
    "content": "Session content records",
}
STATES = ("received", "in-review", "approved", "returned")
EVENT_STATES = ("received", "in-review")  # decisions (approved, returned) live in the decisions table

_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    token_sha256 TEXT NOT NULL UNIQUE,
    previous_id INTEGER REFERENCES submissions (id),
    received_at TEXT NOT NULL,
    file_name TEXT NOT NULL,
    submission_sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    program_title TEXT,
    provider TEXT,
    kind TEXT,
    director_name TEXT NOT NULL,
    director_email TEXT NOT NULL,
    criteria_id TEXT NOT NULL,
    criteria_version TEXT NOT NULL,
    criteria_sha256 TEXT NOT NULL,
    verdict TEXT NOT NULL,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    contact_hours REAL NOT NULL,
    points REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS submissions_by_previous ON submissions (previous_id);
CREATE TRIGGER IF NOT EXISTS submissions_no_update BEFORE UPDATE ON submissions
BEGIN SELECT RAISE(ABORT, 'submissions are append-only: a corrected version is a new submission'); END;
CREATE TRIGGER IF NOT EXISTS submissions_no_delete BEFORE DELETE ON submissions
BEGIN SELECT RAISE(ABORT, 'submissions are append-only: they are never deleted'); END;

CREATE TABLE IF NOT EXISTS submission_files (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    role TEXT NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS submission_files_by_submission ON submission_files (submission_id, id);
CREATE TRIGGER IF NOT EXISTS submission_files_no_update BEFORE UPDATE ON submission_files
BEGIN SELECT RAISE(ABORT, 'submission files are append-only'); END;
CREATE TRIGGER IF NOT EXISTS submission_files_no_delete BEFORE DELETE ON submission_files
BEGIN SELECT RAISE(ABORT, 'submission files are append-only: they are never deleted'); END;

CREATE TABLE IF NOT EXISTS submission_events (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    status TEXT NOT NULL CHECK (status IN ('received', 'in-review')),
    actor TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS submission_events_by_submission ON submission_events (submission_id, id);
CREATE TRIGGER IF NOT EXISTS submission_events_no_update BEFORE UPDATE ON submission_events
BEGIN SELECT RAISE(ABORT, 'submission events are append-only: record a new event instead'); END;
CREATE TRIGGER IF NOT EXISTS submission_events_no_delete BEFORE DELETE ON submission_events
BEGIN SELECT RAISE(ABORT, 'submission events are append-only: they are never deleted'); END;
"""

_COLUMNS = ("id", "previous_id", "received_at", "file_name", "submission_sha256", "size", "program_title", "provider",
            "kind", "director_name", "director_email", "criteria_id", "criteria_version", "criteria_sha256", "verdict",
            "errors", "warnings", "contact_hours", "points")
# An open submission waits in the queue: no decision recorded since it arrived, and no corrected version of it.
_OPEN = """NOT EXISTS (SELECT 1 FROM submissions n WHERE n.previous_id = s.id)
    AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.submission_sha256 = s.submission_sha256
                    AND d.decided_at >= s.received_at)"""


class StoreError(CourseReviewError):
    """The submission store cannot be used (a stored file is missing or damaged, a link does not exist)."""


@dataclass(frozen=True)
class NewFile:
    """A file to store with a submission: its role, the name the sender gave it, its checked media type, its bytes."""

    role: str
    name: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class StoredFile:
    """A file stored with a submission (its bytes are in the store under ``sha256``)."""

    number: int  # 1, 2, ... in the order received
    role: str
    name: str
    media_type: str
    sha256: str
    size: int

    @property
    def role_title(self) -> str:
        return ATTACHMENT_ROLES.get(self.role, self.role)


@dataclass(frozen=True)
class StoredSubmission:
    """One received submission, as recorded."""

    id: int
    previous_id: int | None
    received_at: dt.datetime  # UTC
    file_name: str
    sha256: str
    size: int
    program_title: str | None
    provider: str | None
    kind: str | None
    director_name: str
    director_email: str
    criteria_id: str
    criteria_version: str
    criteria_sha256: str
    verdict: str
    errors: int
    warnings: int
    contact_hours: float
    points: float
    files: tuple[StoredFile, ...] = ()

    @property
    def reference(self) -> str:
        """Return the reference number people quote: CR-<year received>-<number>."""
        return reference_for(self.id, self.received_at)

    @property
    def criteria_ref(self) -> str:
        return f"{self.criteria_id}@{self.criteria_version}"


@dataclass(frozen=True)
class Status:
    """Where a submission stands: its state, its place in the queue, IIMC's decision, a newer version."""

    state: str  # one of STATES
    place: int | None  # 1 = next to be reviewed; None once decided or superseded
    waiting: int  # open submissions in the whole queue
    decision: Decision | None
    superseded_by: StoredSubmission | None


def reference_for(number: int, received_at: dt.datetime) -> str:
    """Return the reference of submission ``number`` received at ``received_at``."""
    return f"CR-{received_at:%Y}-{number:05d}"


def token_hash(token: str) -> str:
    """Return the hash under which a status token is stored (the token itself is never stored)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SubmissionStore:
    """The submissions in a data folder: rows in its register (``coursereview.db``), files under ``files/``."""

    root: Path

    @property
    def db(self) -> Path:
        return self.root / DEFAULT_DB

    @property
    def files_dir(self) -> Path:
        return self.root / "files"

    def create(self) -> SubmissionStore:
        """Make the folder, the register and the submission tables when missing; return the store."""
        try:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
            self.files_dir.mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{self.root}: cannot create the data folder: {exc.strerror or exc}") from None
        with connect(self.db, create=True) as conn:
            conn.executescript(f"BEGIN IMMEDIATE;{_SCHEMA}COMMIT;")
        return self

    # --- writing --------------------------------------------------------------------------------

    def receive(self, review: Review, raw: bytes, director_name: str, director_email: str,
                files: tuple[NewFile, ...] = (), previous: StoredSubmission | None = None,
                now: dt.datetime | None = None) -> tuple[StoredSubmission, str]:
        """Store a submission (its bytes, its files, the check's stamp) and return it with its status token.

        The token is shown to the sender once; only its hash is kept, so the link cannot be recovered
        from the data folder. Files are written first (by content hash), then every row in one
        transaction: a submission lands whole or not at all.
        """
        if review.submission.sha256 != hashlib.sha256(raw).hexdigest():
            raise StoreError(f"{review.submission.file}: the review is not of these bytes; check them again")
        sha = self.put(raw)
        stored_files = [(f, self.put(f.data)) for f in files]
        token = secrets.token_urlsafe(32)
        when = _utc(now)
        sub, t = review.submission, review.tally
        row = (token_hash(token), previous.id if previous else None, _format_time(when), sub.file, sha, len(raw),
               sub.program.title, sub.provider.name, sub.program.kind, director_name, director_email,
               review.criteria.id, review.criteria.version, review.criteria.sha256, review.verdict,
               len(review.errors), len(review.warnings), t.contact_hours, t.points)
        names = ("token_sha256", *_COLUMNS[1:])
        with connect(self.db, create=False) as conn:
            with immediate(conn):
                cursor = conn.execute(f"INSERT INTO submissions ({', '.join(names)}) "
                                      f"VALUES ({', '.join('?' * len(names))})", row)
                new_id = int(cursor.lastrowid or 0)
                for f, digest in stored_files:
                    conn.execute("INSERT INTO submission_files (submission_id, role, file_name, media_type, sha256, "
                                 "size) VALUES (?, ?, ?, ?, ?, ?)", (new_id, f.role, f.name, f.media_type, digest,
                                                                     len(f.data)))
                conn.execute("INSERT INTO submission_events (submission_id, status, actor, at) VALUES (?, ?, ?, ?)",
                             (new_id, "received", director_email, _format_time(when)))
            stored = self._load(conn, new_id)
        assert stored is not None
        return stored, token

    def record_event(self, submission: StoredSubmission, state: str, actor: str, note: str = "",
                     now: dt.datetime | None = None) -> None:
        """Append a state change that is not a decision (``in-review`` when a reviewer takes it up)."""
        if state not in EVENT_STATES:
            raise StoreError(f"state must be one of {', '.join(EVENT_STATES)}, not {state!r} "
                             "(decisions go into the decision register)")
        with connect(self.db, create=False) as conn:
            conn.execute("INSERT INTO submission_events (submission_id, status, actor, note, at) "
                         "VALUES (?, ?, ?, ?, ?)", (submission.id, state, actor, note, _format_time(_utc(now))))

    def assigned(self, submission: StoredSubmission) -> str | None:
        """Return who took ``submission`` into review most recently, or None."""
        with self._reader() as conn:
            row = conn.execute("SELECT actor FROM submission_events WHERE submission_id = ? AND status = 'in-review' "
                               "ORDER BY id DESC LIMIT 1", (submission.id,)).fetchone()
        return row[0] if row else None

    def put(self, data: bytes) -> str:
        """Store ``data`` under its sha256 (once: the same bytes are the same file) and return the hash."""
        digest = hashlib.sha256(data).hexdigest()
        path = self._blob_path(digest)
        if not path.exists():
            path.parent.mkdir(mode=0o700, exist_ok=True)
            write_atomic(path, data, force=True)
        return digest

    # --- reading --------------------------------------------------------------------------------

    def read(self, sha256: str) -> bytes:
        """Return the stored bytes with hash ``sha256``, checked against it."""
        path = self._blob_path(sha256)
        try:
            data = path.read_bytes()
        except OSError:
            raise StoreError(f"stored file {sha256[:12]} is missing from {self.files_dir}") from None
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoreError(f"stored file {sha256[:12]} in {self.files_dir} is damaged (its hash does not match)")
        return data

    def by_token(self, token: str) -> StoredSubmission | None:
        """Return the submission whose status token is ``token``, or None (the same for any wrong token)."""
        with self._reader() as conn:
            row = conn.execute("SELECT id FROM submissions WHERE token_sha256 = ?", (token_hash(token),)).fetchone()
            return self._load(conn, row[0]) if row else None

    def by_id(self, number: int) -> StoredSubmission | None:
        """Return submission ``number``, or None."""
        with self._reader() as conn:
            return self._load(conn, number)

    def versions(self, submission: StoredSubmission) -> list[StoredSubmission]:
        """Return the earlier versions of ``submission``, newest first (each one it corrects, in turn)."""
        found: list[StoredSubmission] = []
        with self._reader() as conn:
            previous = submission.previous_id
            while previous is not None and len(found) < 1000:
                earlier = self._load(conn, previous)
                if earlier is None:
                    break
                found.append(earlier)
                previous = earlier.previous_id
        return found

    def status(self, submission: StoredSubmission) -> Status:
        """Return where ``submission`` stands: decided (the register's newest decision since it arrived), in review,
        or received with its place in the first-come-first-served queue."""
        received = _format_time(submission.received_at)
        decisions = [e for e in history(self.db, submission.sha256) if e.decided_at >= received]
        decision = decisions[-1].to_decision() if decisions else None
        with self._reader() as conn:
            newer = conn.execute("SELECT max(id) FROM submissions WHERE previous_id = ?", (submission.id,)).fetchone()
            superseded_by = self._load(conn, newer[0]) if newer and newer[0] else None
            waiting = conn.execute(f"SELECT count(*) FROM submissions s WHERE {_OPEN}").fetchone()[0]
            place = None
            if decision is None and superseded_by is None:
                place = 1 + conn.execute(f"SELECT count(*) FROM submissions s WHERE s.id < ? AND {_OPEN}",
                                         (submission.id,)).fetchone()[0]
            event = conn.execute("SELECT status FROM submission_events WHERE submission_id = ? ORDER BY id DESC "
                                 "LIMIT 1", (submission.id,)).fetchone()
        state = decision.decision if decision else (event[0] if event else "received")
        return Status(state, place, waiting, decision, superseded_by)

    def _reader(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        if not self.db.exists():
            raise StoreError(f"{self.db}: no register in the data folder {self.root}")
        return connect(self.db, create=False)

    def _load(self, conn: sqlite3.Connection, number: int) -> StoredSubmission | None:
        row = conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM submissions WHERE id = ?", (number,)).fetchone()
        if row is None:
            return None
        files = conn.execute("SELECT role, file_name, media_type, sha256, size FROM submission_files "
                             "WHERE submission_id = ? ORDER BY id", (number,)).fetchall()
        values = dict(zip(_COLUMNS, row, strict=True))
        values["received_at"] = _parse_time(values["received_at"])
        values["sha256"] = values.pop("submission_sha256")
        return StoredSubmission(**values, files=tuple(StoredFile(i, *f) for i, f in enumerate(files, start=1)))

    def _blob_path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise StoreError(f"{sha256[:80]!r} is not a sha256 hash")
        return self.files_dir / sha256[:2] / sha256


def _utc(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)


def _format_time(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)



# --- the staff queue ----------------------------------------------------------------------------------

QUEUE_STATES = ("received", "in-review", "approved", "returned", "superseded")
WAITING = ("received", "in-review")
MARK_DAYS = (14, 21)  # IIMC promises an answer in two to three weeks

_QUEUE_SQL = """
SELECT s.id, s.received_at, s.program_title, s.provider, s.kind, s.verdict, s.file_name, s.director_name,
       s.director_email, s.errors, s.warnings, s.contact_hours, s.points, s.criteria_id, s.criteria_version,
       (SELECT e.actor FROM submission_events e WHERE e.submission_id = s.id AND e.status = 'in-review'
        ORDER BY e.id DESC LIMIT 1),
       d.decision, d.reviewer, d.decided_at, d.note, d.override,
       EXISTS (SELECT 1 FROM submissions n WHERE n.previous_id = s.id)
FROM submissions s
LEFT JOIN decisions d ON d.id = (SELECT max(x.id) FROM decisions x WHERE x.submission_sha256 = s.submission_sha256
                                 AND x.decided_at >= s.received_at)
ORDER BY s.id
"""


@dataclass(frozen=True)
class QueueRow:
    """One submission as the staff queue lists it."""

    id: int
    received_at: dt.datetime
    program_title: str | None
    provider: str | None
    kind: str | None
    verdict: str
    file_name: str
    director_name: str
    director_email: str
    errors: int
    warnings: int
    contact_hours: float
    points: float
    criteria_ref: str
    assigned: str | None
    decision: str | None
    decided_by: str | None
    decided_at: dt.datetime | None
    note: str
    override: bool
    superseded: bool
    today: dt.date

    @property
    def reference(self) -> str:
        return reference_for(self.id, self.received_at)

    @property
    def state(self) -> str:
        """received, in-review, approved, returned, or superseded (a corrected version replaced it)."""
        if self.decision:
            return self.decision
        if self.superseded:
            return "superseded"
        return "in-review" if self.assigned else "received"

    @property
    def age_days(self) -> int:
        """Days since it arrived (until the decision, once decided)."""
        end = self.decided_at.date() if self.decided_at else self.today
        return max(0, (end - self.received_at.date()).days)

    @property
    def age_mark(self) -> str:
        """'' while within two weeks, 'late' past 14 days, 'overdue' past 21 days (only while it waits)."""
        if self.state not in WAITING:
            return ""
        return "overdue" if self.age_days >= MARK_DAYS[1] else "late" if self.age_days >= MARK_DAYS[0] else ""


def queue(store: SubmissionStore, status: str = "", kind: str = "", verdict: str = "",
          now: dt.datetime | None = None) -> list[QueueRow]:
    """Return every submission in order of arrival (filtered by state, kind and verdict when given).

    ``status`` may also be 'waiting' (received or in review). One query reads the whole queue.
    """
    today = _utc(now).date()
    with store._reader() as conn:
        rows = conn.execute(_QUEUE_SQL).fetchall()
    out = []
    for r in rows:
        row = QueueRow(r[0], _parse_time(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
                       f"{r[13]}@{r[14]}", r[15], r[16], r[17], _parse_time(r[18]) if r[18] else None, r[19] or "",
                       bool(r[20]), bool(r[21]), today)
        if status == "waiting" and row.state not in WAITING or status and status != "waiting" and row.state != status:
            continue
        if kind and row.kind != kind or verdict and row.verdict != verdict:
            continue
        out.append(row)
    return out


def queue_counts(rows: list[QueueRow]) -> dict[str, int]:
    """Return how many rows are in each state, plus 'waiting', 'late' and 'overdue' and 'all'."""
    counts = {state: 0 for state in QUEUE_STATES}
    for row in rows:
        counts[row.state] += 1
    counts["waiting"] = counts["received"] + counts["in-review"]
    counts["late"] = sum(1 for r in rows if r.age_mark == "late")
    counts["overdue"] = sum(1 for r in rows if r.age_mark == "overdue")
    counts["all"] = len(rows)
    return counts


def assign(store: SubmissionStore, submission: StoredSubmission, reviewer: str,
           now: dt.datetime | None = None) -> None:
    """Put ``submission`` in review with ``reviewer``; refused once it is decided or a newer version replaced it."""
    state = store.status(submission)
    if state.decision is not None or state.superseded_by is not None:
        raise StoreError(f"{submission.reference} is already {state.state if state.decision else 'superseded'}; "
                         "it cannot be assigned")
    store.record_event(submission, "in-review", reviewer, now=now)


QUEUE_CSV_HEADER = ("reference", "received", "provider", "program", "kind", "verdict", "errors", "warnings",
                    "contact_hours", "points", "criteria", "status", "assigned", "decided_by", "decided_at",
                    "age_days", "director", "director_email", "file")


def queue_csv_rows(rows: list[QueueRow]) -> list[tuple]:
    """Return the queue as CSV rows (header first)."""
    out: list[tuple] = [QUEUE_CSV_HEADER]
    for r in rows:
        out.append((r.reference, _format_time(r.received_at), r.provider or "", r.program_title or "", r.kind or "",
                    r.verdict, r.errors, r.warnings, r.contact_hours, r.points, r.criteria_ref, r.state,
                    r.assigned or "", r.decided_by or "", _format_time(r.decided_at) if r.decided_at else "",
                    r.age_days, r.director_name, r.director_email, r.file_name))
    return out


def place_files(store: SubmissionStore, paths: list[Path], now: dt.datetime | None = None
                ) -> list[tuple[Path, StoredSubmission | None, str]]:
    """Place submission files in the queue (a season's intake), each with the director named in it.

    Returns (path, stored submission or None, what happened) per file. A file whose exact bytes are
    already in the queue is not placed twice, so running the same season again adds only new files.
    """
    from coursereview.checking import check, read_submission
    from coursereview.io import read_bytes

    out: list[tuple[Path, StoredSubmission | None, str]] = []
    for path in paths:
        try:
            raw = read_bytes(path)
            review = check(read_submission(raw, path.name))
        except CourseReviewError as exc:
            out.append((path, None, str(exc)))
            continue
        with store._reader() as conn:
            found = conn.execute("SELECT min(id) FROM submissions WHERE submission_sha256 = ?",
                                 (hashlib.sha256(raw).hexdigest(),)).fetchone()[0]
        if found:
            out.append((path, store.by_id(found), "already in the queue"))
            continue
        director = review.submission.provider.director
        stored, _token = store.receive(review, raw, director.name or "(not given)", director.email or "", now=now)
        out.append((path, stored, "placed"))
    return out
