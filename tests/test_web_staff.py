"""The staff workspace through Flask's test client: access, CSRF, sign-in, queue, decisions, letters, outbox, audit."""

from __future__ import annotations

import csv
import datetime as dt
import email
import io
import re
import sqlite3
import threading
from email import policy
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from argon2 import PasswordHasher
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from coursereview.checking import check, read_submission
from coursereview.cli import main
from coursereview.staff import accounts
from coursereview.staff.register import history, record_decision
from coursereview.staff.submissions import StoredSubmission, SubmissionStore
from coursereview.web import Settings, create_app

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "tests" / "data" / "base-institute.yaml"
PASSWORD = "correct horse battery"
USERS = {"rita": "reviewer", "ron": "reviewer", "ada": "admin", "dora": "reviewer"}  # dora gets disabled


# --- fixtures and helpers ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash with argon2id at its lowest cost: the real parameters take half a second a hash on a busy machine."""
    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def app(data_dir: Path) -> Flask:
    made = create_app(Settings(data_dir=data_dir, soffice=""))
    for name, role in USERS.items():
        accounts.add_user(data_dir / "coursereview.db", name, f"{name}@iimc.example", PASSWORD, role)
    return made


@pytest.fixture
def store(app: Flask, data_dir: Path) -> SubmissionStore:
    return SubmissionStore(data_dir)


def program(change: Any = None, salt: str = "") -> bytes:
    """Return the clean base institute as YAML after ``change(doc)``; ``salt`` makes the bytes differ."""
    doc = yaml.safe_load(BASE.read_text(encoding="utf-8"))
    if change:
        change(doc)
    return yaml.safe_dump(doc, sort_keys=False).encode("utf-8") + (f"# {salt}\n".encode() if salt else b"")


def late_end(doc: dict) -> None:
    doc["sessions"][2]["end"] = "12:30"  # starts 13:00: ends before it starts


def receive(store: SubmissionStore, raw: bytes | None = None, previous: StoredSubmission | None = None,
            now: dt.datetime | None = None) -> tuple[StoredSubmission, str]:
    raw = raw or program(late_end)
    review = check(read_submission(raw, "program.yaml"))
    return store.receive(review, raw, "Dana Director", "dana@example.org", previous=previous, now=now)


def csrf(client: FlaskClient, path: str = "/staff/login") -> str:
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, f"{path} carries no CSRF token"
    return found.group(1)


def sign_in(app: Flask, name: str, password: str = PASSWORD) -> FlaskClient:
    client = app.test_client()
    response = client.post("/staff/login", data={"csrf_token": csrf(client), "name": name, "password": password})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return client


def post(client: FlaskClient, path: str, **fields: Any) -> Any:
    return client.post(path, data={"csrf_token": csrf(client, "/staff/"), **fields})


def text_of(page: str) -> str:
    words = re.sub(r"<[^>]+>", " ", page).replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")
    return " ".join(words.split())


def messages(data_dir: Path, folder: str = "") -> list[email.message.EmailMessage]:
    box = data_dir / "outbox" / folder if folder else data_dir / "outbox"
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default)  # type: ignore[misc]
            for p in sorted(box.glob("*.eml"))]


# --- the access matrix ---------------------------------------------------------------------------------

ROLES = ("anonymous", "director", "reviewer", "admin", "disabled")
# route, method, expected status for each role (anonymous, director link, reviewer, admin, disabled user)
SEE_LOGIN = 303
MATRIX = [
    ("/staff/login", "GET", (200, 200, 303, 303, 200)),
    ("/staff/", "GET", (SEE_LOGIN, SEE_LOGIN, 200, 200, SEE_LOGIN)),
    ("/staff/?status=all&kind=institute&verdict=not-approvable", "GET", (SEE_LOGIN, SEE_LOGIN, 200, 200, SEE_LOGIN)),
    ("/staff/submissions/1", "GET", (SEE_LOGIN, SEE_LOGIN, 200, 200, SEE_LOGIN)),
    ("/staff/submissions/999", "GET", (SEE_LOGIN, SEE_LOGIN, 404, 404, SEE_LOGIN)),
    ("/staff/submissions/1/files/0", "GET", (SEE_LOGIN, SEE_LOGIN, 200, 200, SEE_LOGIN)),
    ("/staff/submissions/1/files/9", "GET", (SEE_LOGIN, SEE_LOGIN, 404, 404, SEE_LOGIN)),
    ("/staff/submissions/1/letter.docx", "GET", (SEE_LOGIN, SEE_LOGIN, 404, 404, SEE_LOGIN)),  # not decided yet
    ("/staff/submissions/2/letter.docx", "GET", (SEE_LOGIN, SEE_LOGIN, 200, 200, SEE_LOGIN)),
    ("/staff/submissions/2/letter.pdf", "GET", (SEE_LOGIN, SEE_LOGIN, 404, 404, SEE_LOGIN)),  # no LibreOffice
    ("/staff/intake", "GET", (SEE_LOGIN, SEE_LOGIN, 200, 200, SEE_LOGIN)),
    ("/staff/export/queue.csv", "GET", (SEE_LOGIN, SEE_LOGIN, 200, 200, SEE_LOGIN)),
    ("/staff/export/decisions.csv", "GET", (SEE_LOGIN, SEE_LOGIN, 200, 200, SEE_LOGIN)),
    ("/staff/users", "GET", (SEE_LOGIN, SEE_LOGIN, 403, 200, SEE_LOGIN)),
    ("/staff/audit", "GET", (SEE_LOGIN, SEE_LOGIN, 403, 200, SEE_LOGIN)),
    ("/staff/outbox", "GET", (SEE_LOGIN, SEE_LOGIN, 403, 200, SEE_LOGIN)),
    ("/staff/submissions/1/assign", "POST", (SEE_LOGIN, SEE_LOGIN, 303, 303, SEE_LOGIN)),
    ("/staff/submissions/3/decide", "POST", (SEE_LOGIN, SEE_LOGIN, 303, 303, SEE_LOGIN)),
    ("/staff/intake", "POST", (SEE_LOGIN, SEE_LOGIN, 400, 400, SEE_LOGIN)),  # no file chosen
    ("/staff/users", "POST", (SEE_LOGIN, SEE_LOGIN, 403, 422, SEE_LOGIN)),  # no name: refused for the admin
    ("/staff/users/ron/disable", "POST", (SEE_LOGIN, SEE_LOGIN, 403, 303, SEE_LOGIN)),
    ("/staff/users/nobody/enable", "POST", (SEE_LOGIN, SEE_LOGIN, 403, 404, SEE_LOGIN)),
    ("/staff/outbox/send", "POST", (SEE_LOGIN, SEE_LOGIN, 403, 200, SEE_LOGIN)),
    ("/staff/logout", "POST", (SEE_LOGIN, SEE_LOGIN, 303, 303, SEE_LOGIN)),
]
STATE_CHANGING = [(path, method) for path, method, _ in MATRIX if method == "POST"] + [("/staff/login", "POST")]


@pytest.fixture
def world(app: Flask, store: SubmissionStore, data_dir: Path) -> dict[str, Any]:
    """Three submissions (2 returned already, 3 waiting to be decided), a director's link, every role signed in."""
    first, first_token = receive(store, program(late_end, "1"))
    second, _ = receive(store, program(late_end, "2"))
    receive(store, program(late_end, "3"))
    record_decision(store.db, check(read_submission(store.read(second.sha256), "program.yaml")), "returned", "rita",
                    "Fix the times.")
    clients: dict[str, FlaskClient] = {"anonymous": app.test_client()}
    director = app.test_client()
    assert director.get(f"/status/{first_token}").status_code == 200  # a director who has followed their link
    clients["director"] = director
    clients["reviewer"] = sign_in(app, "rita")
    clients["admin"] = sign_in(app, "ada")
    disabled = sign_in(app, "dora")
    accounts.disable_user(data_dir / "coursereview.db", "dora")
    clients["disabled"] = disabled
    return clients


@pytest.mark.parametrize(("path", "method", "expected"), MATRIX, ids=[f"{m} {p}" for p, m, _ in MATRIX])
def test_access_matrix(app: Flask, world: dict[str, Any], path: str, method: str, expected: tuple[int, ...]) -> None:
    for role, status in zip(ROLES, expected, strict=True):
        client = world[role]
        if method == "GET":
            response = client.get(path)
        else:
            fields = {"choice": "return", "note": "Correct the session times."} if path.endswith("/decide") else {}
            token = csrf(client, "/staff/") if role in ("reviewer", "admin") else csrf(client)
            response = client.post(path, data={"csrf_token": token, **fields})
        assert response.status_code == status, f"{role} {method} {path}: {response.status_code}"
        if status == SEE_LOGIN and role not in ("reviewer", "admin"):
            assert response.headers["Location"].endswith("/staff/login")


@pytest.mark.parametrize(("path", "method"), STATE_CHANGING)
def test_every_state_changing_request_needs_a_valid_csrf_token(app: Flask, world: dict[str, Any],
                                                               data_dir: Path, path: str, method: str) -> None:
    before = accounts.audit_log(data_dir / "coursereview.db")
    for client in (world["admin"], world["reviewer"]):
        for token in (None, "forged", csrf(app.test_client())):  # missing, made up, another session's
            data = {"choice": "approve", "name": "ada", "password": PASSWORD, "email": "x@iimc.example"}
            if token is not None:
                data["csrf_token"] = token
            response = client.post(path, data=data)
            assert response.status_code == 400, f"{path} with token {token!r}: {response.status_code}"
            assert "did not come from this site" in response.get_data(as_text=True)
    assert accounts.audit_log(data_dir / "coursereview.db") == before  # nothing happened
    assert world["admin"].get("/staff/").status_code == 200  # still signed in


def test_a_director_link_never_shows_another_submission(app: Flask, store: SubmissionStore) -> None:
    mine, my_token = receive(store, program(late_end, "mine"))
    other, other_token = receive(store, program(salt="other"))
    director = app.test_client()
    page = director.get(f"/status/{my_token}").get_data(as_text=True)
    assert mine.reference in page and other.reference not in page
    for path in (f"/status/{my_token}/files/0", f"/status/{my_token}/letter.docx", "/staff/submissions/2",
                 "/staff/submissions/2/files/0", "/staff/export/queue.csv", f"/status/{other_token[:-1]}x"):
        response = director.get(path)
        assert response.status_code in (200, 303, 404), path
        assert other_token not in response.get_data(as_text=True)
        if response.status_code == 200:
            assert response.data == store.read(mine.sha256)  # only the director's own program
    assert director.get(f"/status/{my_token}/files/0").data != store.read(other.sha256)


# --- signing in ----------------------------------------------------------------------------------------


def test_sign_in_issues_a_new_session_and_sign_out_ends_it(app: Flask, data_dir: Path) -> None:
    client = app.test_client()
    token = csrf(client)
    before = client.get_cookie("coursereview_session")
    assert before is not None
    response = client.post("/staff/login", data={"csrf_token": token, "name": "RITA", "password": PASSWORD})
    assert response.status_code == 303
    after = client.get_cookie("coursereview_session")
    assert after is not None and after.value != before.value
    assert after.http_only and after.same_site == "Lax"
    with sqlite3.connect(data_dir / "coursereview.db") as conn:
        assert conn.execute("SELECT count(*) FROM staff_sessions WHERE ended = 0").fetchone()[0] == 1
    assert client.get("/staff/").status_code == 200
    assert post(client, "/staff/logout").status_code == 303
    assert client.get("/staff/").status_code == 303
    stolen = app.test_client()  # the old cookie is worth nothing after sign-out
    stolen.set_cookie("coursereview_session", after.value)
    assert stolen.get("/staff/").status_code == 303
    actions = [e.action for e in accounts.audit_log(data_dir / "coursereview.db")]
    assert actions[:2] == ["logout", "login"]


def test_a_wrong_password_is_refused_and_audited(app: Flask, data_dir: Path) -> None:
    client = app.test_client()
    response = client.post("/staff/login", data={"csrf_token": csrf(client), "name": "rita", "password": "nope-nope"})
    assert response.status_code == 401
    assert "The name or password is not right." in response.get_data(as_text=True)
    unknown = client.post("/staff/login", data={"csrf_token": csrf(client), "name": "zed", "password": "nope-nope"})
    assert unknown.status_code == 401 and "The name or password is not right." in unknown.get_data(as_text=True)
    failed = accounts.audit_log(data_dir / "coursereview.db", action="login-failed")
    assert [(e.subject, e.address) for e in failed] == [("zed", "127.0.0.1"), ("rita", "127.0.0.1")]


def test_repeated_failures_are_slowed_then_locked_per_account_and_per_address(data_dir: Path) -> None:
    db = data_dir / "coursereview.db"
    data_dir.mkdir()
    accounts.add_user(db, "rita", "rita@iimc.example", PASSWORD)
    t = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
    for _ in range(accounts.SLOW_AFTER):
        with pytest.raises(accounts.LoginRefused, match="not right"):
            accounts.login(db, "rita", "wrong-password", "10.0.0.1", now=t)
    with pytest.raises(accounts.LoginRefused, match="Too many failed sign-ins on this account") as slowed:
        accounts.login(db, "rita", PASSWORD, "10.0.0.2", now=t)  # even the right password waits
    assert slowed.value.wait == 2
    t += dt.timedelta(seconds=3)
    accounts.login(db, "rita", PASSWORD, "10.0.0.2", now=t)  # after the wait it goes through
    for _ in range(accounts.LOCK_ACCOUNT_AFTER - accounts.SLOW_AFTER):
        t += dt.timedelta(seconds=70)  # past each wait (64 s at most before the lock), inside the 15 minutes
        with pytest.raises(accounts.LoginRefused, match="not right"):
            accounts.login(db, "rita", "wrong-password", "10.0.0.1", now=t)
    locks = accounts.locks(db)
    assert [(scope, subject) for scope, subject, _, _ in locks] == [("account", "rita")]
    with pytest.raises(accounts.LoginRefused, match="on this account") as locked:
        accounts.login(db, "rita", PASSWORD, "10.0.0.9", now=t + dt.timedelta(minutes=5))
    assert 500 < locked.value.wait <= 600
    accounts.login(db, "rita", PASSWORD, "10.0.0.9", now=t + accounts.LOCK_FOR + dt.timedelta(seconds=1))
    assert accounts.audit_log(db, action="login-locked")[0].subject == "rita"
    # one address trying many names is locked as an address
    for n in range(accounts.LOCK_ADDRESS_AFTER):
        t += dt.timedelta(seconds=accounts.MAX_WAIT + 1)
        with pytest.raises(accounts.LoginRefused, match="not right"):
            accounts.login(db, f"guess{n}", "wrong-password", "10.6.6.6", now=t)
    assert ("address", "10.6.6.6") in [(scope, subject) for scope, subject, _, _ in accounts.locks(db)]
    with pytest.raises(accounts.LoginRefused, match="from this address"):
        accounts.login(db, "rita", PASSWORD, "10.6.6.6", now=t + dt.timedelta(seconds=600))


def test_a_locked_login_answers_429_with_retry_after(app: Flask) -> None:
    client = app.test_client()
    for _ in range(accounts.SLOW_AFTER):
        client.post("/staff/login", data={"csrf_token": csrf(client), "name": "ron", "password": "wrong-pass"})
    response = client.post("/staff/login", data={"csrf_token": csrf(client), "name": "ron", "password": PASSWORD})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1


def test_sessions_end_after_inactivity(app: Flask, data_dir: Path) -> None:
    client = sign_in(app, "rita")
    assert client.get("/staff/").status_code == 200
    with sqlite3.connect(data_dir / "coursereview.db") as conn:
        conn.execute("UPDATE staff_sessions SET last_seen = '2020-01-01T00:00:00Z'")
    assert client.get("/staff/").status_code == 303


def test_a_disabled_account_cannot_sign_in_and_its_sessions_end(app: Flask, data_dir: Path) -> None:
    client = sign_in(app, "ron")
    admin = sign_in(app, "ada")
    assert post(admin, "/staff/users/ron/disable").status_code == 303
    assert client.get("/staff/").status_code == 303
    again = app.test_client()
    response = again.post("/staff/login", data={"csrf_token": csrf(again), "name": "ron", "password": PASSWORD})
    assert response.status_code == 401 and "disabled" in response.get_data(as_text=True)
    assert post(admin, "/staff/users/ron/enable").status_code == 303
    sign_in(app, "ron")
    assert post(admin, "/staff/users/ada/disable").status_code == 409  # not oneself


def test_an_admin_adds_users_in_the_browser(app: Flask, data_dir: Path) -> None:
    admin = sign_in(app, "ada")
    short = post(admin, "/staff/users", name="newbie", email="n@iimc.example", role="reviewer", password="short")
    assert short.status_code == 422 and "at least 10 characters" in short.get_data(as_text=True)
    assert post(admin, "/staff/users", name="newbie", email="n@iimc.example", role="reviewer",
                password="a long enough one").status_code == 303
    taken = post(admin, "/staff/users", name="Newbie", email="n@iimc.example", role="admin",
                 password="a long enough one")
    assert taken.status_code == 422 and "already exists" in taken.get_data(as_text=True)
    sign_in(app, "newbie", "a long enough one")
    added = accounts.audit_log(data_dir / "coursereview.db", action="user-added")[0]
    assert (added.actor, added.subject) == ("ada", "newbie")


def test_passwords_are_stored_as_argon2_hashes(app: Flask, data_dir: Path) -> None:
    with sqlite3.connect(data_dir / "coursereview.db") as conn:
        stored = [r[0] for r in conn.execute("SELECT password_hash FROM staff_users")]
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in stored)


# --- the queue -------------------------------------------------------------------------------------------


def test_the_queue_lists_every_submission_in_order_with_age_marks(app: Flask, store: SubmissionStore) -> None:
    now = dt.datetime.now(dt.UTC)
    old, _ = receive(store, program(late_end, "a"), now=now - dt.timedelta(days=22))
    late, _ = receive(store, program(salt="b"), now=now - dt.timedelta(days=15))
    fresh, _ = receive(store, program(salt="c"), now=now - dt.timedelta(days=1))
    client = sign_in(app, "rita")
    page = client.get("/staff/").get_data(as_text=True)
    words = text_of(page)
    assert words.index(old.reference) < words.index(late.reference) < words.index(fresh.reference)
    assert re.search(rf"{old.reference}.*?22 overdue", words) and re.search(rf"{late.reference}.*?15 late", words)
    assert "Waiting: 3" in words and "Overdue: 1" in words and "Late: 1" in words
    only_bad = text_of(client.get("/staff/?status=&verdict=not-approvable").get_data(as_text=True))
    assert old.reference in only_bad and late.reference not in only_bad
    assert "1 shown" in only_bad
    assert fresh.reference not in text_of(client.get("/staff/?status=in-review").get_data(as_text=True))
    assert post(client, f"/staff/submissions/{fresh.id}/assign", back="queue").headers["Location"].endswith("/staff/")
    in_review = text_of(client.get("/staff/?status=in-review").get_data(as_text=True))
    assert f"{fresh.reference}" in in_review and "In review rita" in in_review
    assert store.status(fresh).state == "in-review"
    assert accounts.audit_log(store.db, action="assigned")[0].subject == fresh.reference


def test_the_csv_exports_carry_every_row_and_defuse_formulas(app: Flask, store: SubmissionStore) -> None:
    raw = program(lambda d: d["program"].update(title="=HYPERLINK(\"http://x\")"), "f")
    sub, _ = receive(store, raw)
    receive(store, program(salt="g"))
    client = sign_in(app, "rita")
    assert post(client, f"/staff/submissions/{sub.id}/decide", choice="approve").status_code == 303
    rows = list(csv.reader(io.StringIO(client.get("/staff/export/queue.csv").data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["reference", "received", "provider"] and len(rows) == 3
    assert rows[1][3] == "'=HYPERLINK(\"http://x\")" and rows[1][11] == "approved"
    decisions = list(csv.reader(io.StringIO(client.get("/staff/export/decisions.csv").data.decode("utf-8-sig"))))
    assert len(decisions) == 2 and decisions[1][5] == "approved" and decisions[1][7] == "rita"
    response = client.get("/staff/export/decisions.csv")
    assert response.headers["Content-Disposition"].startswith("attachment")


# --- deciding -------------------------------------------------------------------------------------------


def test_return_needs_a_note_and_writes_the_letter_and_the_e_mail(app: Flask, store: SubmissionStore,
                                                                   data_dir: Path) -> None:
    sub, token = receive(store)
    client = sign_in(app, "rita")
    refused = post(client, f"/staff/submissions/{sub.id}/decide", choice="return", note="")
    assert refused.status_code == 422 and "a return needs a note" in refused.get_data(as_text=True)
    assert history(store.db) == []
    done = post(client, f"/staff/submissions/{sub.id}/decide", choice="return", note="Please correct the times.")
    assert done.status_code == 303
    entry = history(store.db)[-1]
    assert (entry.decision, entry.reviewer, entry.note, entry.verdict) == ("returned", "rita",
                                                                          "Please correct the times.", "not-approvable")
    assert entry.criteria_id == sub.criteria_id and entry.criteria_sha256 == sub.criteria_sha256
    [message] = messages(data_dir)
    assert message["To"] == "Dana Director <dana@example.org>"
    assert sub.reference in message["Subject"] and "status update" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "returned it" in body and "Please correct the times." in body and "What is still required:" in body
    assert "ends at 12:30" in body
    [attached] = list(message.iter_attachments())
    assert attached.get_filename() == f"{sub.reference}-letter.docx"
    letter = attached.get_content()
    assert client.get(f"/staff/submissions/{sub.id}/letter.docx").data == letter  # the same letter every time
    director = app.test_client()
    status = text_of(director.get(f"/status/{token}").get_data(as_text=True))
    assert "Status: Returned" in status and "Please correct the times." in status
    assert director.get(f"/status/{token}/letter.docx").data == letter
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(letter)).paragraphs)
    assert "Please correct the times." in text
    page = text_of(client.get(f"/staff/submissions/{sub.id}?decided=1").get_data(as_text=True))
    assert "Status: Returned" in page and "Returned by rita" in page.replace("returned by", "Returned by")
    assert accounts.audit_log(store.db, action="decision")[0].detail.startswith("returned; tool verdict not-approvable")


def test_approving_a_not_approvable_program_needs_an_override_with_a_note(app: Flask, store: SubmissionStore) -> None:
    sub, _ = receive(store)
    client = sign_in(app, "rita")
    plain = post(client, f"/staff/submissions/{sub.id}/decide", choice="approve")
    assert plain.status_code == 422 and "not approvable" in plain.get_data(as_text=True)
    bare = post(client, f"/staff/submissions/{sub.id}/decide", choice="approve", override="yes")
    assert bare.status_code == 422
    assert history(store.db) == []
    done = post(client, f"/staff/submissions/{sub.id}/decide", choice="approve", override="yes",
                note="The times were confirmed by phone.")
    assert done.status_code == 303
    entry = history(store.db)[-1]
    assert entry.decision == "approved" and entry.override and entry.note == "The times were confirmed by phone."


def test_approval_with_conditions_records_and_mails_the_conditions(app: Flask, store: SubmissionStore,
                                                                   data_dir: Path) -> None:
    sub, _ = receive(store, program(salt="clean"))
    client = sign_in(app, "ada")
    missing = post(client, f"/staff/submissions/{sub.id}/decide", choice="conditions", conditions="")
    assert missing.status_code == 422 and "needs the conditions" in missing.get_data(as_text=True)
    assert post(client, f"/staff/submissions/{sub.id}/decide", choice="conditions",
                conditions="Send the final speaker list by 1 May.").status_code == 303
    entry = history(store.db)[-1]
    assert entry.decision == "approved" and entry.note == "Approved on these conditions: Send the final speaker " \
                                                          "list by 1 May."
    [message] = messages(data_dir)
    assert message["Subject"].startswith("Program approved:")
    assert "The approval has conditions:" in message.get_body(("plain",)).get_content()
    page = text_of(client.get(f"/staff/submissions/{sub.id}").get_data(as_text=True))
    assert "Approved on these conditions: Send the final speaker list by 1 May." in page


def test_an_unknown_choice_is_refused(app: Flask, store: SubmissionStore) -> None:
    sub, _ = receive(store)
    client = sign_in(app, "rita")
    assert post(client, f"/staff/submissions/{sub.id}/decide", choice="maybe").status_code == 422


def test_the_submission_page_shows_what_changed_since_the_earlier_version(app: Flask, store: SubmissionStore) -> None:
    first, _ = receive(store, program(late_end, "v1"))
    record_decision(store.db, check(read_submission(store.read(first.sha256), "program.yaml")), "returned", "rita",
                    "Fix the end time.")
    second, _ = receive(store, program(salt="v2"), previous=first)
    client = sign_in(app, "rita")
    page = text_of(client.get(f"/staff/submissions/{second.id}").get_data(as_text=True))
    assert f"What changed since {first.reference}" in page
    assert "Findings fixed (2)" in page and "ends at 12:30" in page and "40.0 are expected" in page
    assert "New findings (0)" in page
    assert re.search(r"Verdict not approvable approvable", page)
    assert re.search(rf"Contact hours {first.contact_hours:g} {second.contact_hours:g}", page)
    old = text_of(client.get(f"/staff/submissions/{first.id}").get_data(as_text=True))
    assert f"Replaced by a corrected version: {second.reference}" in old
    refused = post(client, f"/staff/submissions/{first.id}/decide", choice="approve")
    assert refused.status_code == 409


def test_assigning_a_decided_submission_is_a_conflict(app: Flask, store: SubmissionStore) -> None:
    sub, _ = receive(store)
    client = sign_in(app, "rita")
    post(client, f"/staff/submissions/{sub.id}/decide", choice="return", note="Fix it.")
    assert post(client, f"/staff/submissions/{sub.id}/assign").status_code == 409


def test_web_and_command_line_decide_through_the_same_register(app: Flask, store: SubmissionStore,
                                                               tmp_path: Path) -> None:
    sub, _ = receive(store)
    client = sign_in(app, "rita")
    post(client, f"/staff/submissions/{sub.id}/decide", choice="return", note="From the web.")
    program_file = tmp_path / "program.yaml"
    program_file.write_bytes(store.read(sub.sha256))
    result = CliRunner().invoke(main, ["history", str(program_file), "--db", str(store.db)])
    assert result.exit_code == 0 and "returned" in result.output and "rita" in result.output


# --- audit, season intake, command line --------------------------------------------------------------------


def test_the_audit_log_refuses_changes_and_is_shown_to_admins(app: Flask, store: SubmissionStore) -> None:
    sign_in(app, "rita")
    with sqlite3.connect(store.db) as conn:
        for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log",
                          "UPDATE login_locks SET until = ''"):
            if statement.endswith("''") and not conn.execute("SELECT count(*) FROM login_locks").fetchone()[0]:
                conn.execute("INSERT INTO login_locks (scope, subject, locked_at, until) VALUES "
                             "('account', 'x', 'a', 'b')")
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(statement)
    page = text_of(sign_in(app, "ada").get("/staff/audit").get_data(as_text=True))
    assert "login rita" in page and "user-added" in page


def test_season_intake_places_many_files_in_the_queue(app: Flask, store: SubmissionStore) -> None:
    client = sign_in(app, "rita")
    files = [(io.BytesIO(program(salt=str(n))), f"program-{n}.yaml") for n in range(3)]
    files.append((io.BytesIO(b"not: [valid"), "broken.yaml"))
    response = client.post("/staff/intake", data={"csrf_token": csrf(client, "/staff/"), "files": files},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    page = text_of(response.get_data(as_text=True))
    assert page.count("CR-") == 3 and "broken.yaml" in page
    rows = client.get("/staff/export/queue.csv").data.decode("utf-8-sig").splitlines()
    assert len(rows) == 4
    assert len(accounts.audit_log(store.db, action="intake")) == 3


def test_user_commands(tmp_path: Path) -> None:
    data = tmp_path / "d"
    runner = CliRunner()
    added = runner.invoke(main, ["user", "add", "alex", "--email", "alex@iimc.example", "--admin",
                                 "--password-stdin", "--data", str(data)], input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    assert "alex: added as admin" in added.output
    prompt = runner.invoke(main, ["user", "add", "sam", "--email", "sam@iimc.example", "--data", str(data)],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert prompt.exit_code == 0, prompt.output
    again = runner.invoke(main, ["user", "add", "sam", "--email", "sam@iimc.example", "--password-stdin",
                                 "--data", str(data)], input=PASSWORD + "\n")
    assert again.exit_code == 2 and "already exists" in again.output and "Traceback" not in again.output
    short = runner.invoke(main, ["user", "add", "tim", "--email", "t@iimc.example", "--password-stdin",
                                 "--data", str(data)], input="short\n")
    assert short.exit_code == 2 and "at least 10 characters" in short.output
    assert runner.invoke(main, ["user", "disable", "sam", "--data", str(data)]).exit_code == 0
    listed = runner.invoke(main, ["user", "list", "--data", str(data)]).output.splitlines()
    assert [line.split("\t")[:4] for line in listed] == [["alex", "admin", "alex@iimc.example", "active"],
                                                         ["sam", "reviewer", "sam@iimc.example", "disabled"]]
    missing = runner.invoke(main, ["user", "list", "--data", str(tmp_path / "none")])
    assert missing.exit_code == 2 and "no data folder" in missing.output
    unknown = runner.invoke(main, ["user", "disable", "zed", "--data", str(data)])
    assert unknown.exit_code == 2 and "no user named 'zed'" in unknown.output


# --- many decisions at once -------------------------------------------------------------------------------


def test_two_reviewers_deciding_at_once_lose_nothing(app: Flask, store: SubmissionStore, data_dir: Path) -> None:
    per_reviewer = 200
    base = program(late_end)
    subs = [receive(store, base + f"# {n}\n".encode())[0] for n in range(2 * per_reviewer)]
    failures: list[str] = []

    def work(name: str, mine: list[StoredSubmission]) -> None:
        client = sign_in(app, name)
        token = csrf(client, "/staff/")
        for sub in mine:
            response = client.post(f"/staff/submissions/{sub.id}/decide",
                                   data={"csrf_token": token, "choice": "return", "note": f"{name} {sub.id}"})
            if response.status_code != 303:
                failures.append(f"{name} {sub.id}: {response.status_code}")

    threads = [threading.Thread(target=work, args=("rita", subs[0::2])),
               threading.Thread(target=work, args=("ron", subs[1::2]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    entries = history(store.db)
    assert len(entries) == 2 * per_reviewer
    assert {(e.reviewer, e.note) for e in entries} == {(("rita", "ron")[i % 2], f"{('rita', 'ron')[i % 2]} {s.id}")
                                                      for i, s in enumerate(subs)}
    audited = accounts.audit_log(store.db, action="decision")
    assert sorted((a.actor, a.subject) for a in audited) == sorted((("rita", "ron")[i % 2], s.reference)
                                                                   for i, s in enumerate(subs))
    assert len(messages(data_dir)) == 2 * per_reviewer


def test_batch_into_places_a_season_in_the_queue_once(tmp_path: Path) -> None:
    season = tmp_path / "season"
    season.mkdir()
    for n in range(3):
        (season / f"p{n}.yaml").write_bytes(program(late_end if n == 0 else None, str(n)))
    (season / "broken.yaml").write_text("not: [valid", encoding="utf-8")
    data = tmp_path / "data"
    args = ["batch", str(season), "-o", str(tmp_path / "reviews"), "-j", "1", "--into", str(data)]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 2, first.output  # one file could not be read
    assert "3 placed in the queue" in first.output
    again = CliRunner().invoke(main, args)
    assert "0 placed in the queue" in again.output and again.output.count("already in the queue") == 3
    from coursereview.staff.submissions import queue

    rows = queue(SubmissionStore(data))
    assert [r.file_name for r in rows] == ["p0.yaml", "p1.yaml", "p2.yaml"]
    assert rows[0].verdict == "not-approvable" and rows[0].director_email == "dana@example.org"
