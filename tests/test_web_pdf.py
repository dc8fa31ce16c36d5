"""PDF downloads: LibreOffice in a private folder with a time limit, and a server that never waits on it for long."""

from __future__ import annotations

import io
import re
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from test_review_pdf import _tool
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from coursereview.documents.pdf import PdfError, docx_to_pdf, find_soffice
from coursereview.web import Settings, create_app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "institute-part1.yaml"


def _fake_soffice(tmp_path: Path, body: str) -> str:
    """Write a stand-in for soffice (a shell script) and return its path."""
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def _checked_page(client: FlaskClient) -> str:
    page = client.get("/check").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    boundary, body = encode_multipart(MultiDict([("csrf_token", csrf),
                                                 ("file", FileStorage(io.BytesIO(EXAMPLE.read_bytes()),
                                                                      filename="institute-part1.yaml"))]))
    response = client.post("/check", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    return response.get_data(as_text=True)


def _download_form(page: str) -> dict[str, str]:
    return {field: re.search(rf'name="{field}" value="([^"]*)"', page).group(1)
            for field in ("csrf_token", "upload", "name")}


def test_a_conversion_past_its_time_is_killed_with_its_children(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    soffice = _fake_soffice(tmp_path, f"sleep 60 & echo $! > {pids}; echo $$ >> {pids}; wait")
    started = time.monotonic()
    with pytest.raises(PdfError, match="took longer than 1 s"):
        docx_to_pdf(b"PK\x03\x04", soffice, timeout=1)
    assert time.monotonic() - started < 10
    for pid in pids.read_text().split():
        assert not _running(int(pid))


def _running(pid: int) -> bool:
    """Return whether process ``pid`` still runs (a zombie waiting to be reaped has stopped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


@pytest.mark.parametrize(("body", "says"), [("echo 'Error: source file could not be loaded'; exit 1",
                                             "exit 1): Error: source file could not be loaded"),
                                            ("exit 0", "wrote no PDF")], ids=["fails", "writes-nothing"])
def test_a_failed_conversion_is_one_line(tmp_path: Path, body: str, says: str) -> None:
    with pytest.raises(PdfError, match=re.escape(says)):
        docx_to_pdf(b"PK\x03\x04", _fake_soffice(tmp_path, body))


def test_without_libreoffice_there_is_no_pdf(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_soffice() is None
    with pytest.raises(PdfError, match="not installed"):
        docx_to_pdf(b"PK\x03\x04")
    client = create_app(Settings(data_dir=tmp_path / "data")).test_client()
    assert "Review as PDF" not in _checked_page(client)


def test_the_server_refuses_a_third_pdf_at_once_instead_of_waiting(tmp_path: Path) -> None:
    soffice = _fake_soffice(tmp_path, "sleep 3; exit 1")
    client = create_app(Settings(data_dir=tmp_path / "data", soffice=soffice)).test_client()
    form = _download_form(_checked_page(client))
    statuses: list[int] = []

    def download() -> None:
        statuses.append(client.post("/review.pdf", data=form).status_code)

    threads = [threading.Thread(target=download) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    started = time.monotonic()
    third = client.post("/review.pdf", data=form)
    assert third.status_code == 503 and time.monotonic() - started < 1.5
    assert third.headers["Retry-After"] and "making other PDFs" in third.get_data(as_text=True)
    for thread in threads:
        thread.join()
    assert statuses == [503, 503]  # the fake LibreOffice fails: one line, 503, never a traceback


@pytest.mark.libreoffice
def test_the_review_downloads_as_pdf_printed_by_libreoffice(tmp_path: Path) -> None:
    _tool("soffice")
    pdftotext = _tool("pdftotext")
    client = create_app(Settings(data_dir=tmp_path / "data")).test_client()
    page = _checked_page(client)
    assert "Review as PDF" in page
    response = client.post("/review.pdf", data=_download_form(page))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="institute-part1-review.pdf"')
    pdf = tmp_path / "review.pdf"
    pdf.write_bytes(response.data)
    words = " ".join(subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, check=True, timeout=60)
                     .stdout.decode().split())
    assert "Minnesota Municipal Clerks Institute 2027, Year 1" in words and "APPROVABLE" in words.upper()
    criteria = client.get("/criteria/iimc-institute.pdf")
    assert criteria.status_code == 200 and criteria.data.startswith(b"%PDF-")
