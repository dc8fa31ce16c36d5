"""A real office suite opens the rendered docx: LibreOffice converts it to PDF and the text is all there."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from coursereview import check, load_submission
from coursereview.documents import render
from coursereview.tally import fmt

BASE = Path(__file__).parent / "data" / "base-institute.yaml"


def _tool(name: str) -> str:
    """Return the path of ``name``; skip outside CI when it is missing, fail in CI."""
    path = shutil.which(name)
    if path:
        return path
    if os.environ.get("CI"):
        pytest.fail(f"{name} is not installed, and CI must run the LibreOffice tests")
    pytest.skip(f"{name} is not installed")


@pytest.mark.libreoffice
def test_libreoffice_converts_the_docx_to_pdf_with_title_verdict_and_hours(tmp_path: Path) -> None:
    soffice, pdftotext = _tool("soffice"), _tool("pdftotext")
    text = BASE.read_text(encoding="utf-8").replace("  certificate: certificate.pdf\n", "")
    source = tmp_path / "submission.yaml"
    source.write_text(text, encoding="utf-8")
    review = check(load_submission(source))
    document = tmp_path / "review.docx"
    document.write_bytes(render(review, "docx"))
    profile = (tmp_path / "lo-profile").as_uri()  # own profile: parallel runs do not clash
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(document)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "review.pdf"
    assert pdf.is_file(), "LibreOffice wrote no PDF"
    out = subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, timeout=60)
    words = " ".join(out.stdout.decode("utf-8").split())
    assert review.submission.program.title in words
    assert "NOT APPROVABLE" in words
    assert f"Total contact hours {fmt(review.tally.contact_hours)}" in words
    assert "Page 1 of" in words
