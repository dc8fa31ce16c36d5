"""Staff accounts, their sessions, login throttling and the append-only audit log, kept in the register file."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from coursereview.errors import CourseReviewError
from coursereview.staff.register import connect, immediate

ROLES = ("reviewer", "admin")
MIN_PASSWORD = 10
SLOW_AFTER = 3  # failed logins on one account before each further try must wait (2, 4, 8 ... 32 seconds)
SLOW_ADDRESS_AFTER = 10  # the same, from one address (an office behind one address has several people)
MAX_WAIT = 32  # seconds
LOCK_ACCOUNT_AFTER = 8  # failed logins on one account within the window lock it
LOCK_ADDRESS_AFTER = 25  # failed logins from one address within the window lock the address
WINDOW = dt.timedelta(minutes=15)
LOCK_FOR = dt.timedelta(minutes=15)
IDLE_TIMEOUT = dt.timedelta(minutes=30)
_TOUCH_EVERY = dt.timedelta(seconds=30)  # a session's last-seen time is written at most this often
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
_dummy: tuple[PasswordHasher, str] | None = None  # verified against for unknown names: the same time either way

_SCHEMA = """
CREATE TABLE IF NOT EXISTS staff_users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('reviewer', 'admin')),
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS staff_sessions (
    token_sha256 TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES staff_users (id),
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    ended INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS login_failures (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL COLLATE NOCASE,
    address TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_by_name ON login_failures (name, at);
CREATE INDEX IF NOT EXISTS login_failures_by_address ON login_failures (address, at);
CREATE TABLE IF NOT EXISTS login_locks (
    id INTEGER PRIMARY KEY,
    scope TEXT NOT NULL CHECK (scope IN ('account', 'address')),
    subject TEXT NOT NULL COLLATE NOCASE,
    locked_at TEXT NOT NULL,
    until TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS login_locks_by_subject ON login_locks (scope, subject, until);
CREATE TRIGGER IF NOT EXISTS login_locks_no_update BEFORE UPDATE ON login_locks
BEGIN SELECT RAISE(ABORT, 'login locks are append-only'); END;
CREATE TRIGGER IF NOT EXISTS login_locks_no_delete BEFORE DELETE ON login_locks
BEGIN SELECT RAISE(ABORT, 'login locks are append-only'); END;
CREATE TABLE IF NOT EXISTS audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: entries are never deleted'); END;
"""


class AccountError(CourseReviewError):
    """A staff account cannot be made or changed as asked (a name taken, a short password, no such user)."""


class LoginRefused(CourseReviewError):
    """A login was refused: wrong name or password, a disabled account, or too many failures (``wait`` seconds)."""

    def __init__(self, message: str, wait: int = 0) -> None:
        super().__init__(message)
        self.wait = wait


@dataclass(frozen=True)
class User:
    """A member of IIMC's staff who may sign in."""

    id: int
    name: str
    email: str
    role: str
    active: bool
    created_at: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log."""

    id: int
    at: str
    actor: str
    action: str
    subject: str
    detail: str
    address: str


def ensure_tables(db: str | Path) -> None:
    """Create the account, session, throttling and audit tables in the register when missing."""
    with connect(db, create=True) as conn:
        conn.executescript(f"BEGIN IMMEDIATE;{_SCHEMA}COMMIT;")


# --- accounts ------------------------------------------------------------------------------------


def add_user(db: str | Path, name: str, email: str, password: str, role: str = "reviewer", actor: str = "",
             address: str = "", now: dt.datetime | None = None) -> User:
    """Create an active account ``name`` with a hashed ``password``; the audit log records who made it."""
    name, email = name.strip(), email.strip()
    if not _NAME.match(name):
        raise AccountError(f"{name!r} is not a usable user name: 2 to 40 letters, digits, '.', '_' or '-'")
    if not _EMAIL.match(email) or len(email) > 254:
        raise AccountError(f"{email!r} is not an e-mail address")
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    check_password(password)
    ensure_tables(db)
    when = _stamp(now)
    digest = _HASHER.hash(password)
    with connect(db, create=False) as conn:
        try:
            with immediate(conn):
                cursor = conn.execute("INSERT INTO staff_users (name, email, role, password_hash, created_at) "
                                      "VALUES (?, ?, ?, ?, ?)", (name, email, role, digest, when))
                _audit(conn, actor or name, "user-added", name, f"role {role}, {email}", address, when)
        except sqlite3.IntegrityError:
            raise AccountError(f"a user named {name!r} already exists") from None
    return User(int(cursor.lastrowid or 0), name, email, role, True, when)


def check_password(password: str) -> None:
    """Refuse a password too short to keep anyone out."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password) > 1024:
        raise AccountError("the password is longer than 1024 characters")


def list_users(db: str | Path) -> list[User]:
    """Return every account, active or not, in the order they were made."""
    if not Path(db).exists():
        return []
    ensure_tables(db)
    with connect(db, create=False) as conn:
        rows = conn.execute("SELECT id, name, email, role, active, created_at FROM staff_users ORDER BY id").fetchall()
    return [User(r[0], r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows]


def get_user(db: str | Path, name: str) -> User | None:
    """Return the account ``name`` (any case), or None."""
    return next((u for u in list_users(db) if u.name.lower() == name.strip().lower()), None)


def set_active(db: str | Path, name: str, active: bool, actor: str = "", address: str = "",
               now: dt.datetime | None = None) -> User:
    """Disable (or enable again) account ``name``; disabling ends its sessions at once. Recorded in the audit log."""
    ensure_tables(db)
    when = _stamp(now)
    with connect(db, create=False) as conn, immediate(conn):
        row = conn.execute("SELECT id, name FROM staff_users WHERE name = ?", (name.strip(),)).fetchone()
        if row is None:
            raise AccountError(f"no user named {name.strip()!r}")
        conn.execute("UPDATE staff_users SET active = ? WHERE id = ?", (int(active), row[0]))
        if not active:
            conn.execute("UPDATE staff_sessions SET ended = 1 WHERE user_id = ?", (row[0],))
        _audit(conn, actor or "command line", "user-enabled" if active else "user-disabled", row[1], "",
               address, when)
    user = get_user(db, row[1])
    assert user is not None
    return user


def disable_user(db: str | Path, name: str, actor: str = "", address: str = "") -> User:
    """Disable account ``name`` (it can no longer sign in; its sessions end)."""
    return set_active(db, name, False, actor, address)


def set_password(db: str | Path, name: str, password: str, actor: str = "", address: str = "") -> None:
    """Give account ``name`` a new password; its sessions end. Recorded in the audit log."""
    check_password(password)
    ensure_tables(db)
    digest = _HASHER.hash(password)
    with connect(db, create=False) as conn, immediate(conn):
        row = conn.execute("SELECT id, name FROM staff_users WHERE name = ?", (name.strip(),)).fetchone()
        if row is None:
            raise AccountError(f"no user named {name.strip()!r}")
        conn.execute("UPDATE staff_users SET password_hash = ? WHERE id = ?", (digest, row[0]))
        conn.execute("UPDATE staff_sessions SET ended = 1 WHERE user_id = ?", (row[0],))
        _audit(conn, actor or row[1], "password-changed", row[1], "", address, _stamp(None))


# --- login, throttling, sessions -------------------------------------------------------------------


def login(db: str | Path, name: str, password: str, address: str, now: dt.datetime | None = None) -> tuple[User, str]:
    """Check ``name`` and ``password`` from ``address``; return the user and a new session token.

    Failures are counted per account and per address: past SLOW_AFTER (SLOW_ADDRESS_AFTER) each
    further try must wait (2, 4, 8 ... 32 seconds), and past the lock limits the account or the address is locked for
    LOCK_FOR, the lock recorded in ``login_locks`` and the audit log. Every outcome is audited.
    """
    ensure_tables(db)
    moment = _utc(now)
    when = _stamp(moment)
    name = name.strip()[:100]
    with connect(db, create=False) as conn:
        wait, why = _throttled(conn, name, address, moment)
        if wait:
            _audit(conn, name or "?", "login-refused", name, why, address, when)
            raise LoginRefused(f"Too many failed sign-ins {why}; try again in {_duration(wait)}.", wait)
        row = conn.execute("SELECT id, name, email, role, active, created_at, password_hash FROM staff_users "
                           "WHERE name = ?", (name,)).fetchone()
        ok = _verify(row[6] if row else _dummy_hash(), password) and row is not None
        if ok and row is not None and not row[4]:
            _audit(conn, row[1], "login-failed", row[1], "account disabled", address, when)
            raise LoginRefused("This account is disabled; ask an administrator.")
        if not ok or row is None:
            with immediate(conn):
                conn.execute("INSERT INTO login_failures (name, address, at) VALUES (?, ?, ?)", (name, address, when))
                _audit(conn, name or "?", "login-failed", name, "wrong name or password", address, when)
                _lock_if_due(conn, name, address, moment)
            raise LoginRefused("The name or password is not right.")
        user = User(row[0], row[1], row[2], row[3], True, row[5])
        if _HASHER.check_needs_rehash(row[6]):
            conn.execute("UPDATE staff_users SET password_hash = ? WHERE id = ?", (_HASHER.hash(password), row[0]))
        token = secrets.token_urlsafe(32)
        with immediate(conn):
            conn.execute("INSERT INTO staff_sessions (token_sha256, user_id, created_at, last_seen) "
                         "VALUES (?, ?, ?, ?)", (_hash(token), user.id, when, when))
            _audit(conn, user.name, "login", user.name, "", address, when)
    return user, token


def session_user(db: str | Path, token: str, idle: dt.timedelta = IDLE_TIMEOUT,
                 now: dt.datetime | None = None) -> User | None:
    """Return the signed-in user of session ``token``, or None when it ended, idled past ``idle`` or the account
    is disabled. A live session's last-seen time moves on (written at most every 30 seconds)."""
    if not token or len(token) > 200:
        return None
    moment = _utc(now)
    with connect(db, create=False) as conn:
        row = conn.execute("SELECT u.id, u.name, u.email, u.role, u.active, u.created_at, s.last_seen, s.ended "
                           "FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id WHERE s.token_sha256 = ?",
                           (_hash(token),)).fetchone()
        if row is None or row[7] or not row[4]:
            return None
        last = _parse(row[6])
        if moment - last > idle:
            conn.execute("UPDATE staff_sessions SET ended = 1 WHERE token_sha256 = ?", (_hash(token),))
            return None
        if moment - last > _TOUCH_EVERY:
            conn.execute("UPDATE staff_sessions SET last_seen = ? WHERE token_sha256 = ?", (_stamp(moment),
                                                                                           _hash(token)))
    return User(row[0], row[1], row[2], row[3], True, row[5])


def logout(db: str | Path, token: str, address: str = "") -> None:
    """End session ``token`` (and audit it); an unknown token is ignored."""
    with connect(db, create=False) as conn:
        row = conn.execute("SELECT u.name FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id "
                           "WHERE s.token_sha256 = ? AND s.ended = 0", (_hash(token),)).fetchone()
        if row is None:
            return
        conn.execute("UPDATE staff_sessions SET ended = 1 WHERE token_sha256 = ?", (_hash(token),))
        _audit(conn, row[0], "logout", row[0], "", address, _stamp(None))


def locks(db: str | Path) -> list[tuple[str, str, str, str]]:
    """Return every recorded lock: (scope, subject, locked at, until), oldest first."""
    ensure_tables(db)
    with connect(db, create=False) as conn:
        return [tuple(r) for r in conn.execute("SELECT scope, subject, locked_at, until FROM login_locks ORDER BY id")]


def _throttled(conn: sqlite3.Connection, name: str, address: str, now: dt.datetime) -> tuple[int, str]:
    """Return (seconds to wait, why) before another try of ``name`` from ``address``; (0, '') when it may go on."""
    now_text = _stamp(now)
    lock = conn.execute("SELECT max(until), scope FROM login_locks WHERE until > ? AND "
                        "((scope = 'account' AND subject = ?) OR (scope = 'address' AND subject = ?))",
                        (now_text, name, address)).fetchone()
    if lock and lock[0]:
        why = "on this account" if lock[1] == "account" else "from this address"
        return max(1, int((_parse(lock[0]) - now).total_seconds())), why
    since = _stamp(now - WINDOW)
    for column, value, after, why in (("name", name, SLOW_AFTER, "on this account"),
                                      ("address", address, SLOW_ADDRESS_AFTER, "from this address")):
        count, last = conn.execute(f"SELECT count(*), max(at) FROM login_failures WHERE {column} = ? AND at > ?",
                                   (value, since)).fetchone()
        if count >= after and last:
            delay = min(2 ** (count - after + 1), MAX_WAIT)
            left = int((_parse(last) + dt.timedelta(seconds=delay) - now).total_seconds())
            if left > 0:
                return left, why
    return 0, ""


def _lock_if_due(conn: sqlite3.Connection, name: str, address: str, now: dt.datetime) -> None:
    since, when, until = _stamp(now - WINDOW), _stamp(now), _stamp(now + LOCK_FOR)
    for scope, column, subject, limit in (("account", "name", name, LOCK_ACCOUNT_AFTER),
                                          ("address", "address", address, LOCK_ADDRESS_AFTER)):
        count = conn.execute(f"SELECT count(*) FROM login_failures WHERE {column} = ? AND at > ?",
                             (subject, since)).fetchone()[0]
        if count >= limit:
            conn.execute("INSERT INTO login_locks (scope, subject, locked_at, until) VALUES (?, ?, ?, ?)",
                         (scope, subject, when, until))
            _audit(conn, "system", "login-locked", subject, f"{scope} locked until {until} after {count} failures",
                   address, when)


def _dummy_hash() -> str:
    global _dummy
    if _dummy is None or _dummy[0] is not _HASHER:
        _dummy = (_HASHER, _HASHER.hash(secrets.token_hex(16)))
    return _dummy[1]


def _verify(digest: str, password: str) -> bool:
    try:
        return _HASHER.verify(digest, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# --- audit -------------------------------------------------------------------------------------------


def audit(db: str | Path, actor: str, action: str, subject: str = "", detail: str = "", address: str = "",
          now: dt.datetime | None = None) -> None:
    """Append one line to the audit log (it refuses changes and deletions)."""
    with connect(db, create=False) as conn:
        _audit(conn, actor, action, subject, detail, address, _stamp(now))


def audit_log(db: str | Path, limit: int | None = None, action: str | None = None) -> list[AuditEntry]:
    """Return the audit log, newest first (at most ``limit`` lines; only ``action`` lines when given)."""
    ensure_tables(db)
    query = "SELECT id, at, actor, action, subject, detail, address FROM audit_log"
    args: list = []
    if action:
        query += " WHERE action = ?"
        args.append(action)
    query += " ORDER BY id DESC"
    if limit:
        query += " LIMIT ?"
        args.append(limit)
    with connect(db, create=False) as conn:
        return [AuditEntry(*r) for r in conn.execute(query, args)]


def _audit(conn: sqlite3.Connection, actor: str, action: str, subject: str, detail: str, address: str,
           when: str) -> None:
    conn.execute("INSERT INTO audit_log (at, actor, action, subject, detail, address) VALUES (?, ?, ?, ?, ?, ?)",
                 (when, actor, action, subject, detail, address))


# --- time and hashing -----------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _utc(now: dt.datetime | None) -> dt.datetime:
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)


def _stamp(now: dt.datetime | None) -> str:
    return _utc(now).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{(seconds + 59) // 60} minutes"
