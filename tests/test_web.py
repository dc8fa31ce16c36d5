"""The web application through Flask's test client: every route, every error status, every security header."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from coursereview import check, read_submission, shipped_criteria
from coursereview.cli import main
from coursereview.documents.yaml_template import blank_submission
from coursereview.intake import load_document
from coursereview.intake.fields import INSTRUCTORS, SESSIONS
from coursereview.staff.register import record_decision
from coursereview.staff.submissions import SubmissionStore, token_hash
from coursereview.web import Settings, SettingsError, create_app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
BASE = ROOT / "tests" / "data" / "base-institute.yaml"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20


# --- fixtures and helpers ----------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def app(data_dir: Path) -> Flask:
    return create_app(Settings(data_dir=data_dir, soffice=""))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def token(client: FlaskClient) -> str:
    """Return a CSRF token for ``client``'s session (as the pages embed it)."""
    page = client.get("/check").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page carries no CSRF token"
    return found.group(1)


def post_form(client: FlaskClient, path: str, fields: dict[str, Any]) -> Any:
    """POST ``fields`` as multipart/form-data, encoded in memory (the test client spools large bodies to
    temporary files it never closes)."""
    boundary, body = encode_multipart(MultiDict(_items(fields)))
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _items(fields: dict[str, Any]) -> list[tuple[str, Any]]:
    items = []
    for key, value in fields.items():
        for one in value if isinstance(value, list) else [value]:
            if isinstance(one, tuple):
                one = FileStorage(one[0], filename=one[1])
            items.append((key, one))
    return items


def upload(client: FlaskClient, raw: bytes, name: str, **extra: Any) -> Any:
    """POST a file to /check the way the page's form does."""
    return post_form(client, "/check", {"csrf_token": token(client), "file": (io.BytesIO(raw), name), **extra})


def hidden(page: str, field: str) -> str:
    found = re.search(rf'name="{field}" value="([^"]*)"', page)
    assert found, f"no hidden field {field}"
    return found.group(1)


def text_of(page: str) -> str:
    """Return the words of an HTML page, tags removed, spaces collapsed, entities for quotes undone."""
    words = re.sub(r"<[^>]+>", " ", page).replace("&#39;", "'").replace("&#34;", '"').replace("&amp;", "&")
    return " ".join(words.split())


def yaml_with(change: Any = None) -> bytes:
    """Return the clean base institute as YAML, after ``change(doc)``."""
    doc = yaml.safe_load(BASE.read_text(encoding="utf-8"))
    if change:
        change(doc)
    return yaml.safe_dump(doc, sort_keys=False).encode("utf-8")


def _late_end(doc: dict) -> None:
    doc["sessions"][2]["end"] = "12:30"  # starts 13:00: ends before it starts


def submit(client: FlaskClient, page: str, **fields: Any) -> Any:
    form = {"csrf_token": token(client), "upload": hidden(page, "upload"), "name": hidden(page, "name"),
            "director_name": "Dana Director", "director_email": "dana@example.org", "confirm": "yes"}
    previous = re.search(r'name="previous" value="([^"]*)"', page)
    if previous:
        form["previous"] = previous.group(1)
    form.update(fields)
    return post_form(client, "/submit", form)


def submitted(client: FlaskClient, raw: bytes = b"", name: str = "program.yaml", **fields: Any) -> str:
    """Check and submit a program; return its status link (path)."""
    page = upload(client, raw or yaml_with(), name).get_data(as_text=True)
    response = submit(client, page, **fields)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    receipt = client.get("/receipt").get_data(as_text=True)
    return re.search(r'href="http://localhost(/status/[^"]+)"', receipt).group(1)


def _example_row(row: Any) -> bool:
    """Return whether ``row`` is the blank form's example note (the reader skips the example row under it)."""
    from coursereview.intake.fields import EXAMPLE_MARK

    return any(EXAMPLE_MARK in c.text for c in row.cells)


def fill_form(blank: bytes, data: dict[str, Any]) -> bytes:
    """Fill the blank Word form as a director would, with python-docx: provider, program, instructors, sessions."""
    document = docx.Document(io.BytesIO(blank))
    provider, program = data["provider"], data["program"]
    answers = {"Provider name": provider["name"], "Institution": provider["institution"],
               "Director name": provider["director"]["name"], "Director email": provider["director"]["email"],
               "Program title": program["title"], "Part": str(program["part"]), "Start date": str(program["start"]),
               "End date": str(program["end"]), "Location": program.get("location", ""),
               "Learning assessment": program["assessment"], "Attendance": program["attendance"],
               "Certificate": program["certificate"], "Association": provider.get("association", "")}
    for table in document.tables:
        for row in table.rows[1:]:
            cells = row.cells
            label = cells[0].paragraphs[0].text.split(" (")[0]
            if len(cells) == 2 and label in answers:
                cells[1].text = answers[label]
    tables = {t.rows[0].cells[0].text.split("\n")[0].split(" (")[0]: t for t in document.tables}
    for header, items, fields in (("ID", data["instructors"], INSTRUCTORS), ("Date", data["sessions"], SESSIONS)):
        rows = [r for r in tables[header].rows[1:] if not _example_row(r)]  # the example note
        for row, item in zip(rows, items, strict=False):
            for cell, f in zip(row.cells, fields, strict=True):
                value = item.get(f.key)
                if value is not None:
                    cell.text = ", ".join(value) if isinstance(value, list) else str(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- pages and downloads that need no upload ---------------------------------------------------

GET_ROUTES = [
    ("/", "text/html"),
    ("/check", "text/html"),
    ("/criteria", "text/html"),
    ("/criteria/iimc-institute", "text/html"),
    ("/criteria/iimc-academy@2026.1", "text/html"),
    ("/criteria/iimc-association@2026.1.docx", DOCX),
    ("/forms/institute.docx", DOCX),
    ("/forms/academy.yaml", "application/yaml"),
    ("/api/v1/criteria", "application/json"),
    ("/api/v1/criteria/iimc-institute@2026.1", "application/json"),
    ("/api/v1/openapi.json", "application/json"),
    ("/static/site.css", "text/css"),
    ("/static/upload.js", "text/javascript"),
]


@pytest.mark.parametrize(("path", "mimetype"), GET_ROUTES, ids=[p for p, _ in GET_ROUTES])
def test_every_page_answers_with_its_type_and_the_security_headers(client: FlaskClient, path: str,
                                                                   mimetype: str) -> None:
    with client.get(path) as response:
        response.get_data()
    assert response.status_code == 200
    assert response.mimetype == mimetype
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    if mimetype == "text/html":
        page = response.get_data(as_text=True)
        assert "<script>" not in page and " style=" not in page and "<style" not in page  # the CSP would block them
        assert '<html lang="en">' in page and page.count("<h1") == 1
        assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(("path", "name"), [("/forms/institute.docx", "institute-program-form.docx"),
                                            ("/forms/association.yaml", "association-program.yaml"),
                                            ("/criteria/iimc-institute.docx", "iimc-institute-2026.2.docx")])
def test_downloads_are_attachments(client: FlaskClient, path: str, name: str) -> None:
    response = client.get(path)
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="{name}"')


def test_the_blank_forms_are_the_library_s(client: FlaskClient) -> None:
    criteria = [s for s in shipped_criteria() if "academy" in s.kinds][-1]
    assert client.get("/forms/academy.yaml").get_data(as_text=True) == blank_submission(criteria, "academy")
    form = client.get("/forms/institute.docx").data
    tables = docx.Document(io.BytesIO(form)).tables
    assert [c.text.split("\n")[0].split(" (")[0] for c in tables[-1].rows[0].cells] == [f.label for f in SESSIONS]


def test_home_links_forms_and_criteria_for_every_kind(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    for kind in ("institute", "academy", "association"):
        assert f'href="/forms/{kind}.docx"' in page and f'href="/forms/{kind}.yaml"' in page
    newest = {s.id: s for s in shipped_criteria()}  # in version order: the last of each id is in force
    for s in newest.values():
        assert f'href="/criteria/{s.ref}"' in page
    assert 'action="/check"' in page and 'type="file"' in page


def test_a_criteria_page_shows_areas_and_every_rule(client: FlaskClient) -> None:
    s = [s for s in shipped_criteria() if s.id == "iimc-institute"][-1]
    page = text_of(client.get(f"/criteria/{s.ref}").get_data(as_text=True))
    for area in s.areas:
        assert area.title in page
    for rule in s.rules:
        assert rule in page


@pytest.mark.parametrize("path", ["/nope", "/criteria/no-such-set", "/criteria/no-such-set.docx",
                                  "/forms/conference.docx", "/forms/institute.pdf", "/criteria/iimc-institute.pdf",
                                  "/status/" + "A" * 43, "/status/short", "/status/" + "A" * 43 + "/letter.docx",
                                  "/status/" + "A" * 43 + "/files/0", "/receipt/x"])
def test_unknown_addresses_and_wrong_tokens_get_the_same_404(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_data() == client.get("/nope").get_data()
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_wrong_method_gets_405_with_allow(client: FlaskClient) -> None:
    response = client.get("/submit")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
    assert "Method not allowed" in response.get_data(as_text=True)


def test_the_receipt_without_a_submission_goes_home(client: FlaskClient) -> None:
    response = client.get("/receipt")
    assert response.status_code == 303 and response.headers["Location"] == "/"


# --- cookies, CSRF ------------------------------------------------------------------------------


def test_the_session_cookie_is_httponly_and_samesite(client: FlaskClient) -> None:
    cookie = client.get("/check").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookies_is_a_setting(data_dir: Path) -> None:
    client = create_app(Settings(data_dir=data_dir, soffice="", secure_cookies=True)).test_client()
    assert "Secure" in client.get("/check", base_url="https://localhost").headers["Set-Cookie"]


@pytest.mark.parametrize("path", ["/check", "/review.docx", "/review.html", "/submit"])
def test_every_form_post_needs_the_csrf_token(client: FlaskClient, path: str) -> None:
    client.get("/check")
    response = client.post(path, data={"file": (io.BytesIO(yaml_with()), "p.yaml")},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert "did not come from this site" in response.get_data(as_text=True)
    wrong = client.post(path, data={"csrf_token": "forged", "upload": "eA=="})
    assert wrong.status_code == 400


# --- check and result ---------------------------------------------------------------------------


def test_a_fault_is_shown_in_plain_words_at_its_line_and_its_timetable_row(client: FlaskClient) -> None:
    raw = yaml_with(_late_end)
    response = upload(client, raw, "program.yaml")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    review = check(read_submission(raw, "program.yaml"))
    (fault,) = review.errors
    assert fault.code == "T001"
    words = text_of(page)
    assert "Verdict: Not approvable" in words
    assert f"At line {fault.location.line}, column {fault.location.column}" in words
    assert fault.message[1:] in words and fault.hint in words
    row = re.search(r'<tr id="session-2" class="faulty faulty-error">(.*?)</tr>', page, re.DOTALL)
    assert row and "ends at 12:30" in text_of(row.group(1))
    assert page.count('class="faulty') == 1
    assert "Contact hours" in words and "Curriculum areas covered" in words
    assert '<svg class="chart"' in page
    assert '<title id="chart-title">Contact hours offered by curriculum area</title>' in page


def test_a_clean_program_says_so_and_draws_every_area(client: FlaskClient) -> None:
    raw = (EXAMPLES / "institute-part1.yaml").read_bytes()
    page = upload(client, raw, "institute-part1.yaml").get_data(as_text=True)
    review = check(read_submission(raw, "institute-part1.yaml"))
    words = text_of(page)
    assert "Verdict: Approvable" in words and "Nothing to correct" in words
    assert "class=\"faulty" not in page
    assert page.count('class="chart-label"') == len(review.criteria.areas)
    assert "40.0 (expected 40.0; minimum 2.0)" in words
    assert "6 of 6 (at least 4 expected)" in words


def test_a_word_form_finding_names_its_table_row_and_column(client: FlaskClient) -> None:
    data = copy.deepcopy(load_document(EXAMPLES / "institute-part1.yaml").data)
    data["sessions"][4]["end"] = "07:00"
    raw = fill_form(client.get("/forms/institute.docx").data, data)
    page = upload(client, raw, "my form.docx").get_data(as_text=True)
    review = check(read_submission(raw, "my form.docx"))
    fault = [f for f in review.errors if f.code == "T001"][0]
    assert fault.location.where.startswith("sessions table, row 5")
    assert f"At {fault.location.where}".replace('"', "&#34;") in page
    assert re.search(r'<tr id="session-4" class="faulty faulty-error">', page)


@pytest.mark.parametrize(("raw", "name", "status", "says"), [
    (b"program:\n  title: [unclosed\n", "bad.yaml", 422, "bad.yaml:"),
    (b"\xff\xfe\x00x", "utf16.yaml", 422, "utf16.yaml"),
    (b"provider: {}\n", "nokind.yaml", 422, "program.kind"),
    (b"PK\x03\x04 not really a zip", "fake.docx", 422, "fake.docx"),
    (b"", "empty.yaml", 400, "the file is empty"),
], ids=["yaml-syntax", "utf16", "no-kind", "broken-docx", "empty"])
def test_files_that_cannot_be_checked_get_one_clear_line(client: FlaskClient, raw: bytes, name: str, status: int,
                                                         says: str) -> None:
    response = upload(client, raw, name)
    assert response.status_code == status
    assert says in text_of(response.get_data(as_text=True))


def test_no_file_is_a_400(client: FlaskClient) -> None:
    response = client.post("/check", data={"csrf_token": token(client)}, content_type="multipart/form-data")
    assert response.status_code == 400 and "choose a file" in response.get_data(as_text=True)


def test_a_file_over_2_mib_gets_the_413_page(client: FlaskClient) -> None:
    raw = b"# padding\n" * (2 * 1024 * 1024 // 10 + 10)
    response = upload(client, raw, "big.yaml")
    assert response.status_code == 413
    assert "larger than the limit of 2 MiB" in response.get_data(as_text=True)
    just_over = upload(client, yaml_with() + b"#" * (2 * 1024 * 1024), "big.yaml")
    assert just_over.status_code == 413


def test_a_large_file_under_the_limit_is_checked(client: FlaskClient) -> None:
    raw = yaml_with() + b"# a long note that fills the file\n" * 50_000  # 1.7 MiB, many line breaks
    response = upload(client, raw, "long.yaml")
    assert response.status_code == 200 and "Verdict: Approvable" in text_of(response.get_data(as_text=True))


def test_the_checked_file_is_not_kept(client: FlaskClient, data_dir: Path) -> None:
    upload(client, yaml_with(), "program.yaml")
    assert not any((data_dir / "files").iterdir())
    with sqlite3.connect(data_dir / "coursereview.db") as conn:
        assert conn.execute("SELECT count(*) FROM submissions").fetchone() == (0,)


# --- review downloads ---------------------------------------------------------------------------


def test_the_review_downloads_as_word_and_html_with_the_findings(client: FlaskClient) -> None:
    raw = yaml_with(_late_end)
    page = upload(client, raw, "program.yaml").get_data(as_text=True)
    form = {"csrf_token": token(client), "upload": hidden(page, "upload"), "name": hidden(page, "name")}
    word = client.post("/review.docx", data=form)
    assert word.status_code == 200 and word.mimetype == DOCX
    assert word.headers["Content-Disposition"].startswith('attachment; filename="program-review.docx"')
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.data)).paragraphs)
    cells = "\n".join(c.text for t in docx.Document(io.BytesIO(word.data)).tables for r in t.rows for c in r.cells)
    assert "T001" in text + cells
    html = client.post("/review.html", data=form)
    assert html.headers["Content-Disposition"].startswith("attachment;")
    assert "ends at 12:30" in html.get_data(as_text=True)
    assert client.post("/review.pdf", data=form).status_code == 404  # no LibreOffice in this app


@pytest.mark.parametrize(("carried", "status"), [("", 400), ("not base64!", 400), ("A" * (3 * 1024 * 1024), 413)],
                         ids=["missing", "damaged", "too-large"])
def test_a_damaged_carried_file_is_refused(client: FlaskClient, carried: str, status: int) -> None:
    response = client.post("/review.docx", data={"csrf_token": token(client), "upload": carried, "name": "x.yaml"})
    assert response.status_code == status


# --- submit, receipt, status --------------------------------------------------------------------


def test_submitting_stores_the_program_and_gives_a_reference_and_a_private_link(client: FlaskClient,
                                                                                data_dir: Path) -> None:
    raw = yaml_with()
    page = upload(client, raw, "program.yaml").get_data(as_text=True)
    assert 'value="Dana Director"' in page and 'value="dana@example.org"' in page  # pre-filled from the file
    response = submit(client, page, certificate=(io.BytesIO(PDF), "certificate.pdf"),
                      content=[(io.BytesIO(PNG), "slide.png"), (io.BytesIO(PDF), "handout.pdf")])
    assert response.status_code == 303 and response.headers["Location"] == "/receipt"
    receipt = text_of(client.get("/receipt").get_data(as_text=True))
    year = dt.datetime.now(dt.UTC).year
    assert f"Reference number CR-{year}-00001" in receipt
    link = re.search(r"http://localhost/status/([A-Za-z0-9_-]{43})", receipt).group(1)
    assert "Certificate or transcript template: certificate.pdf" in receipt
    assert "Session content records: slide.png" in receipt and "handout.pdf" in receipt
    stored = SubmissionStore(data_dir).by_token(link)
    assert stored is not None and stored.sha256 == check(read_submission(raw, "program.yaml")).submission.sha256
    assert [(f.role, f.name, f.media_type) for f in stored.files] == [
        ("certificate", "certificate.pdf", "application/pdf"), ("content", "slide.png", "image/png"),
        ("content", "handout.pdf", "application/pdf")]
    assert (data_dir / "files" / stored.sha256[:2] / stored.sha256).read_bytes() == raw
    database = (data_dir / "coursereview.db").read_bytes()
    assert link.encode() not in database and token_hash(link).encode() in database  # only the hash is kept


def test_submit_asks_for_what_is_missing(client: FlaskClient, data_dir: Path) -> None:
    page = upload(client, yaml_with(), "program.yaml").get_data(as_text=True)
    response = submit(client, page, director_name="", director_email="not an address", confirm="")
    assert response.status_code == 422
    words = text_of(response.get_data(as_text=True))
    assert "Give the director's name." in words and "Give an e-mail address" in words
    assert "Confirm that the program is ready" in words
    with sqlite3.connect(data_dir / "coursereview.db") as conn:
        assert conn.execute("SELECT count(*) FROM submissions").fetchone() == (0,)


@pytest.mark.parametrize(("content", "name", "status", "says"), [
    (b"just text", "notes.txt", 422, "not a PDF, Word (.docx), PNG or JPEG file"),
    (b"<html><script>alert(1)</script>", "page.pdf", 422, "told by its content"),
    (b"%PDF-1.4 cut short", "short.pdf", 422, "the PDF is incomplete"),
    (b"PK\x03\x04word/document.xml broken", "broken.docx", 422, "broken.docx"),
], ids=["text", "html-named-pdf", "truncated-pdf", "broken-docx"])
def test_attachments_are_checked_by_content(client: FlaskClient, content: bytes, name: str, status: int,
                                            says: str) -> None:
    page = upload(client, yaml_with(), "program.yaml").get_data(as_text=True)
    response = submit(client, page, assessment=(io.BytesIO(content), name))
    assert response.status_code == status
    assert says in text_of(response.get_data(as_text=True))


def test_attachments_over_the_limit_get_413(data_dir: Path) -> None:
    client = create_app(Settings(data_dir=data_dir, soffice="", attachment_limit=1024)).test_client()
    page = upload(client, yaml_with(), "program.yaml").get_data(as_text=True)
    response = submit(client, page, assessment=(io.BytesIO(PDF + b"x" * 2048 + b"%%EOF"), "big.pdf"))
    assert response.status_code == 413
    assert "each attachment may be up to 1 KiB" in response.get_data(as_text=True)


def test_too_many_attachments_are_refused(data_dir: Path) -> None:
    client = create_app(Settings(data_dir=data_dir, soffice="", max_attachments=2)).test_client()
    page = upload(client, yaml_with(), "program.yaml").get_data(as_text=True)
    response = submit(client, page, content=[(io.BytesIO(PDF), f"{n}.pdf") for n in range(3)])
    assert response.status_code == 422 and "at most 2 can be sent" in response.get_data(as_text=True)


def test_the_status_page_shows_received_date_and_place_in_the_queue(client: FlaskClient) -> None:
    first = submitted(client)
    second = submitted(client, yaml_with(lambda d: d["program"].update(title="Second Institute")))
    words = text_of(client.get(second).get_data(as_text=True))
    assert "Status: Received" in words and "Place in the queue: 2 of 2 waiting" in words
    assert "Second Institute" in words and dt.datetime.now(dt.UTC).strftime("%d %B %Y") in words
    assert "Place in the queue: 1 of 2" in text_of(client.get(first).get_data(as_text=True))
    assert "Submit a corrected version" in words


def test_a_decision_in_the_register_shows_on_the_status_page_with_the_letter(client: FlaskClient,
                                                                            data_dir: Path) -> None:
    first = submitted(client, yaml_with(_late_end))
    second = submitted(client, yaml_with(lambda d: d["program"].update(title="Second Institute")))
    assert client.get(first + "/letter.docx").status_code == 404  # no letter before a decision
    store = SubmissionStore(data_dir)
    stored = store.by_token(first.rsplit("/", 1)[1])
    review = check(read_submission(store.read(stored.sha256), stored.file_name))
    record_decision(data_dir / "coursereview.db", review, "returned", "Ann Staff", "end time of session 3")
    words = text_of(client.get(first).get_data(as_text=True))
    assert "Status: Returned" in words and "Note: end time of session 3" in words
    assert "Place in the queue: 1 of 1" in text_of(client.get(second).get_data(as_text=True))
    letter = client.get(first + "/letter.docx")
    assert letter.status_code == 200 and letter.headers["Content-Disposition"].startswith("attachment;")
    paragraphs = " ".join(p.text for p in docx.Document(io.BytesIO(letter.data)).paragraphs)
    assert "Re:" in paragraphs and "end time of session 3" in paragraphs


def test_the_cli_decides_on_the_same_register_the_web_reads(client: FlaskClient, data_dir: Path,
                                                           tmp_path: Path) -> None:
    link = submitted(client, (EXAMPLES / "institute-part1.yaml").read_bytes(), "institute-part1.yaml")
    stored = SubmissionStore(data_dir).by_token(link.rsplit("/", 1)[1])
    copy_of = tmp_path / "institute-part1.yaml"
    copy_of.write_bytes(SubmissionStore(data_dir).read(stored.sha256))
    result = CliRunner().invoke(main, ["decide", str(copy_of), "--approve", "--reviewer", "Ann Staff",
                                       "--db", str(data_dir / "coursereview.db")])
    assert result.exit_code == 0, result.output
    words = text_of(client.get(link).get_data(as_text=True))
    assert "Status: Approved" in words and "Submit a corrected version" not in words
    history = CliRunner().invoke(main, ["history", "--db", str(data_dir / "coursereview.db")])
    assert "Ann Staff" in history.output


def test_stored_files_are_only_ever_downloads(client: FlaskClient) -> None:
    link = submitted(client, certificate=(io.BytesIO(PDF), "cert<script>.pdf"))
    program = client.get(link + "/files/0")
    assert program.headers["Content-Disposition"].startswith('attachment; filename="program.yaml"')
    assert program.mimetype == "application/octet-stream" and "sandbox" in program.headers["Content-Security-Policy"]
    cert = client.get(link + "/files/1")
    assert cert.data == PDF and cert.mimetype == "application/octet-stream"
    assert cert.headers["Content-Disposition"].startswith('attachment; filename="cert_script_.pdf"')
    assert client.get(link + "/files/2").status_code == 404


def test_a_corrected_version_links_to_the_earlier_one(client: FlaskClient, data_dir: Path) -> None:
    first = submitted(client, yaml_with(_late_end))
    status = client.get(first).get_data(as_text=True)
    previous = hidden(status, "previous")
    assert previous == first.rsplit("/", 1)[1]
    page = upload(client, yaml_with(), "fixed.yaml", previous=previous).get_data(as_text=True)
    assert hidden(page, "previous") == previous and "corrected version of your earlier submission" in page
    assert submit(client, page).status_code == 303
    receipt = client.get("/receipt").get_data(as_text=True)
    second = re.search(r'href="http://localhost(/status/[^"]+)"', receipt).group(1)
    newer = text_of(client.get(second).get_data(as_text=True))
    year = dt.datetime.now(dt.UTC).year
    assert f"Earlier versions CR-{year}-00001" in newer
    older = text_of(client.get(first).get_data(as_text=True))
    assert f"A corrected version, CR-{year}-00002, was received" in older
    assert "Place in the queue" not in older and "Submit a corrected version" not in older


def test_a_wrong_previous_token_is_a_404(client: FlaskClient) -> None:
    assert upload(client, yaml_with(), "p.yaml", previous="B" * 43).status_code == 404


def test_submissions_are_append_only(client: FlaskClient, data_dir: Path) -> None:
    submitted(client, certificate=(io.BytesIO(PDF), "c.pdf"))
    with sqlite3.connect(data_dir / "coursereview.db") as conn:
        for statement in ("UPDATE submissions SET verdict = 'approvable'", "DELETE FROM submissions",
                          "UPDATE submission_files SET role = 'x'", "DELETE FROM submission_files",
                          "UPDATE submission_events SET status = 'in-review'", "DELETE FROM submission_events"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(statement)


def test_submissions_arriving_at_once_are_all_kept_in_order(app: Flask, data_dir: Path) -> None:
    import threading

    store = SubmissionStore(data_dir)
    tokens: list[str] = []

    def director(n: int) -> None:
        for i in range(10):
            raw = yaml_with(lambda d, n=n, i=i: d["program"].update(title=f"Institute {n}-{i}"))
            review = check(read_submission(raw, "p.yaml"))
            tokens.append(store.receive(review, raw, f"Director {n}", f"d{n}@example.org")[1])

    threads = [threading.Thread(target=director, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    found = [store.by_token(t) for t in tokens]
    assert sorted(s.id for s in found) == list(range(1, 81))
    assert len({s.reference for s in found}) == 80
    last = max(found, key=lambda s: s.id)
    assert store.status(last).place == 80 and store.status(last).waiting == 80


def test_the_store_keeps_only_the_bytes_that_were_checked(app: Flask, data_dir: Path) -> None:
    review = check(read_submission(yaml_with(), "p.yaml"))
    with pytest.raises(Exception, match="the review is not of these bytes"):
        SubmissionStore(data_dir).receive(review, yaml_with(_late_end), "D", "d@example.org")


def test_events_record_a_review_starting(client: FlaskClient, data_dir: Path) -> None:
    link = submitted(client)
    store = SubmissionStore(data_dir)
    stored = store.by_token(link.rsplit("/", 1)[1])
    store.record_event(stored, "in-review", "Ann Staff")
    assert "Status: In review" in text_of(client.get(link).get_data(as_text=True))
    with pytest.raises(Exception, match="decisions go into the decision register"):
        store.record_event(stored, "approved", "Ann Staff")


# --- data folder, secret key, proxy -------------------------------------------------------------


def test_the_data_folder_holds_the_register_and_a_private_secret_key(app: Flask, data_dir: Path) -> None:
    key = data_dir / "secret-key"
    assert (data_dir / "coursereview.db").is_file() and (data_dir / "files").is_dir()
    assert key.stat().st_mode & 0o777 == 0o600
    assert app.config["SECRET_KEY"] == key.read_text().strip()
    assert create_app(Settings(data_dir=data_dir, soffice="")).config["SECRET_KEY"] == app.config["SECRET_KEY"]


def test_a_secret_key_others_can_read_is_refused(app: Flask, data_dir: Path) -> None:
    (data_dir / "secret-key").chmod(0o644)
    with pytest.raises(SettingsError, match="chmod 600"):
        create_app(Settings(data_dir=data_dir, soffice=""))


def test_settings_from_a_mapping_as_gunicorn_passes_them(data_dir: Path) -> None:
    app = create_app({"data_dir": str(data_dir), "soffice": "", "secure_cookies": True})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    with pytest.raises(SettingsError, match="unknown setting 'data'"):
        create_app({"data": str(data_dir)})


def test_forwarded_headers_count_only_behind_a_proxy(data_dir: Path) -> None:
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "review.iimc.example",
               "Referer": "https://review.iimc.example/check"}  # over HTTPS, CSRF checks the referrer too
    for hops, expected in ((0, "http://localhost/status/"), (1, "https://review.iimc.example/status/")):
        client = create_app(Settings(data_dir=data_dir, soffice="", proxy_hops=hops)).test_client()
        client.environ_base.update({"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()})
        page = upload(client, yaml_with(), "p.yaml").get_data(as_text=True)
        assert submit(client, page).status_code == 303
        assert expected in client.get("/receipt").get_data(as_text=True)


# --- the JSON API -------------------------------------------------------------------------------


def _cli_json(tmp_path: Path, name: str, raw: bytes) -> dict:
    (tmp_path / name).write_bytes(raw)
    result = CliRunner().invoke(main, ["validate", "--format", "json", name])
    return json.loads(result.stdout)


@pytest.mark.parametrize("example", ["institute-part1.yaml", "not-approvable.yaml", "academy.yaml"])
def test_api_check_returns_what_validate_prints(client: FlaskClient, tmp_path: Path, example: str) -> None:
    raw = (EXAMPLES / example).read_bytes()
    response = client.post("/api/v1/check", data={"file": (io.BytesIO(raw), example)},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == _cli_json(tmp_path, example, raw)
    raw_body = client.post(f"/api/v1/check?name={example}", data=raw, content_type="application/yaml")
    assert raw_body.get_data() == response.get_data()


def test_api_check_takes_json_and_word_bodies(client: FlaskClient, tmp_path: Path) -> None:
    data = load_document(EXAMPLES / "institute-part1.yaml").data
    body = json.dumps(data, default=str).encode()
    response = client.post("/api/v1/check", data=body, content_type="application/json")
    assert response.status_code == 200 and response.get_json()["file"] == "upload.json"
    assert response.get_json() == _cli_json(tmp_path, "upload.json", body)
    form = fill_form(client.get("/forms/institute.docx").data, data)
    word = client.post("/api/v1/check?name=nwci.docx", data=form, content_type=DOCX)
    assert word.status_code == 200 and word.get_json()["verdict"] == "approvable"
    assert word.get_json() == _cli_json(tmp_path, "nwci.docx", form)


def test_api_check_takes_a_criteria_set(client: FlaskClient) -> None:
    raw = (EXAMPLES / "academy.yaml").read_bytes()
    response = client.post("/api/v1/check?criteria=iimc-association", data=raw, content_type="application/yaml")
    assert response.get_json()["criteria"]["id"] == "iimc-association"


@pytest.mark.parametrize(("body", "ctype", "query", "status", "says"), [
    (b"x: 1", "text/html", "", 415, "text/html is not taken"),
    (b"x: 1", "", "", 415, "Content-Type none"),
    (b"", "application/yaml", "", 400, "the body is empty"),
    (b"a: [", "application/yaml", "", 422, "upload.yaml:"),
    (b"{}", "application/json", "", 422, "program.kind"),
    (b"x" * (2 * 1024 * 1024 + 1), "application/yaml", "", 413, "2 MiB"),
    (b"x: 1", "application/yaml", "?criteria=../../etc/passwd", 400, "not a shipped criteria set"),
], ids=["html", "no-type", "empty", "bad-yaml", "no-kind", "too-large", "criteria-path"])
def test_api_errors_are_problem_details(client: FlaskClient, body: bytes, ctype: str, query: str, status: int,
                                        says: str) -> None:
    response = client.post("/api/v1/check" + query, data=body, headers={"Content-Type": ctype} if ctype else {})
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert set(problem) == {"type", "title", "status", "detail"} and problem["status"] == status
    assert says in problem["detail"]


def test_api_multipart_without_a_file_is_400(client: FlaskClient) -> None:
    response = client.post("/api/v1/check", data={"other": "x"}, content_type="multipart/form-data")
    assert response.status_code == 400 and response.get_json()["status"] == 400


@pytest.mark.parametrize(("method", "path", "status"), [("GET", "/api/v1/check", 405),
                                                        ("GET", "/api/v1/criteria/nope", 404),
                                                        ("GET", "/api/v1/nothing-here", 404),
                                                        ("DELETE", "/api/v1/criteria", 405)])
def test_api_routing_errors_are_problem_details(client: FlaskClient, method: str, path: str, status: int) -> None:
    response = client.open(path, method=method)
    assert response.status_code == status and response.mimetype == "application/problem+json"
    if status == 405:
        assert response.headers["Allow"]


def test_api_criteria_list_and_detail(client: FlaskClient) -> None:
    listed = client.get("/api/v1/criteria").get_json()
    assert [c["ref"] for c in listed] == [s.ref for s in shipped_criteria()]
    one = client.get(listed[0]["links"]["self"]).get_json()
    s = shipped_criteria()[0]
    assert one["sha256"] == s.sha256 and [a["id"] for a in one["areas"]] == [a.id for a in s.areas]
    assert {r["id"] for r in one["rules"]} == set(s.rules)


def test_openapi_document_names_every_api_route(app: Flask, client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", r.rule) for r in app.url_map.iter_rules()
              if r.rule.startswith("/api/") and r.endpoint != "api.openapi"}
    assert routes == set(document["paths"])


# --- the command ---------------------------------------------------------------------------------


def test_serve_starts_with_one_line_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    data = tmp_path / "data here"
    process = subprocess.Popen([sys.executable, "-m", "coursereview", "serve", "--port", "0", "--data", str(data)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        line = process.stderr.readline()
        match = re.match(r"coursereview: serving on (http://127\.0\.0\.1:\d+/) \(data: (.+)\); press Ctrl-C to stop$",
                         line.strip())
        assert match, line
        assert match.group(2) == str(data.resolve())
        import urllib.request

        with urllib.request.urlopen(match.group(1), timeout=10) as response:
            assert response.status == 200 and b"Check your course program" in response.read()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert err.strip() == "coursereview: stopped" and "Traceback" not in err
    assert (data / "secret-key").is_file()


def test_serve_refuses_a_data_folder_it_cannot_use(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    result = CliRunner().invoke(main, ["serve", "--data", str(tmp_path / "afile")])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_serve_says_in_one_line_when_the_port_is_taken(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port), "--data", str(tmp_path / "data")])
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output and "Traceback" not in result.output


def test_an_unexpected_error_is_a_500_page_without_a_traceback(client: FlaskClient,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import coursereview.web.pages as pages

    def broken(raw: bytes, name: str, criteria: object = None) -> None:
        raise RuntimeError("a bug, not bad input")

    monkeypatch.setattr(pages, "run_check", broken)
    response = upload(client, yaml_with(), "p.yaml")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page and "a bug" not in page and "Traceback" not in page
    assert response.headers["Content-Security-Policy"] and response.headers["X-Frame-Options"] == "DENY"


def test_a_missing_stored_file_is_503_without_server_paths(client: FlaskClient, data_dir: Path) -> None:
    link = submitted(client)
    stored = SubmissionStore(data_dir).by_token(link.rsplit("/", 1)[1])
    (data_dir / "files" / stored.sha256[:2] / stored.sha256).unlink()
    response = client.get(link + "/files/0")
    assert response.status_code == 503 and response.headers["Retry-After"]
    page = response.get_data(as_text=True)
    assert "unavailable" in page and str(data_dir) not in page


def test_settings_are_passed_in_not_read_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                                              data_dir: Path) -> None:
    monkeypatch.setenv("COURSEREVIEW_DB", "/nonexistent/elsewhere.db")
    app = create_app(Settings(data_dir=data_dir, soffice=""))
    with app.app_context():
        assert app.extensions["coursereview"].store.db == data_dir / "coursereview.db"
