"""The criteria document: public citations only, columns sized to content, rows whole, header and page numbers."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest

from coursereview.criteria import shipped_criteria
from coursereview.criteria.describe import public_text
from coursereview.documents.criteria_doc import criteria_document
from coursereview.documents.pdf import find_soffice
from coursereview.documents.profile import load_profile
from coursereview.word.widths import CELL_PADDING, fit_widths, text_width

SETS = shipped_criteria()
SET_IDS = [s.ref for s in SETS]
INTERNAL = ("shared/", "domain.md", "seed 0", "seeds", "set min_hours", "'attendance'", "'makeup'", "raised limit")
TEXT_WIDTH = 9360  # twips: US Letter with 1-inch side margins


@pytest.mark.parametrize(("text", "public"), [
    ("South Carolina MCTI schedules sessions in half hours (shared/domain.md, observed norms)",
     "South Carolina MCTI schedules sessions in half hours"),
    ('iimc.com Course Review Process; IIMC "Welcome to IIMC" certification page (seed 000); OAMR page (seed 002)',
     'iimc.com Course Review Process; IIMC "Welcome to IIMC" certification page; OAMR page'),
    ("no minimum hours per area were found; set min_hours on an area to use this rule",
     "no minimum hours per area were found"),
    ("iimc.com Course Review Process (at least 2 combined hours of educational content)",
     "iimc.com Course Review Process (at least 2 combined hours of educational content)"),
    ("(seed 000)", ""),
], ids=["parenthesis", "several", "editing-note", "public-kept", "nothing-public"])
def test_public_text_leaves_out_internal_citations(text: str, public: str) -> None:
    assert public_text(text) == public


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.parametrize("ref", SET_IDS)
def test_every_format_cites_public_documents_only(ref: str) -> None:
    criteria = next(s for s in SETS if s.ref == ref)
    texts = {fmt: criteria_document(criteria, fmt).decode() for fmt in ("md", "html")}
    texts["docx"] = _docx_text(criteria_document(criteria, "docx"))
    for fmt, text in texts.items():
        for internal in INTERNAL:
            assert internal not in text, (fmt, internal)
        for rule in criteria.rules.values():  # every rule is there, with what is public of its source
            assert rule.id in text, (fmt, rule.id)
            if public_text(rule.source) and fmt != "html":
                assert " ".join(public_text(rule.source).split()) in " ".join(text.split()), (fmt, rule.id)


def test_the_2026_1_sets_lose_their_internal_citations_but_keep_the_public_ones() -> None:
    old = next(s for s in SETS if s.ref == "iimc-institute@2026.1")
    assert "(seed 000)" in old.source["pages"]  # the shipped file itself is pinned and keeps its text
    text = _docx_text(criteria_document(old, "docx"))
    assert 'iimc.com Course Review Process; IIMC "Welcome to IIMC" certification page; OAMR professional ' \
           "development page" in text
    assert "ethics appears in every institute curriculum read" in text


def _xml(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name).decode()


@pytest.mark.parametrize("ref", SET_IDS)
def test_the_docx_tables_fit_and_keep_rows_whole(ref: str) -> None:
    data = criteria_document(next(s for s in SETS if s.ref == ref), "docx")
    body = _xml(data, "word/document.xml")
    tables = re.findall(r"<w:tbl>.*?</w:tbl>", body, re.S)
    assert len(tables) == 2
    for table in tables:
        widths = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"', table)]
        assert sum(widths) == TEXT_WIDTH
        rows = re.findall(r"<w:tr>.*?</w:tr>", table, re.S)
        assert all("<w:cantSplit/>" in row for row in rows)  # no row splits across pages
        assert "<w:tblHeader/>" in rows[0]  # the header row repeats
    first_header = tables[1].split("</w:tr>")[0]
    assert "What it asks" in first_header and "Rule" not in first_header


def test_the_docx_has_letterhead_running_header_and_page_numbers(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("name: Ohio Municipal Clerks Association\nshort_name: OMCA\n"
                                     "signatory: {name: Dana Whitaker, title: Education Chair}\n")
    criteria = next(s for s in SETS if s.ref == "iimc-institute@2026.2")
    document = docx.Document(io.BytesIO(criteria_document(criteria, "docx", load_profile(tmp_path / "p.yaml"))))
    assert document.paragraphs[0].text == "Ohio Municipal Clerks Association"
    section = document.sections[0]
    assert section.header.paragraphs[0].text == f"OMCA: {criteria.title} ({criteria.ref})"
    for footer in (section.footer, section.first_page_footer):
        assert "PAGE" in footer._element.xml and "NUMPAGES" in footer._element.xml
    assert document.core_properties.author == "Ohio Municipal Clerks Association"


def test_widths_give_each_column_its_longest_word_and_share_the_rest() -> None:
    header = ["What it asks", "Basis", "Severity"]
    rows = [["A long sentence that will have to wrap over several lines in any table " * 2, "provisional", "warning"]]
    widths = fit_widths(header, rows, TEXT_WIDTH, 9)
    assert sum(widths) == TEXT_WIDTH
    assert widths[1] >= CELL_PADDING + text_width("provisional", 9)
    assert widths[2] >= CELL_PADDING + text_width("Severity", 9, bold=True)
    assert widths[0] > widths[1] + widths[2]
    short = fit_widths(["A", "B"], [["x", "y"]], 1000, 9)
    assert short == [500, 500]


def _need_libreoffice() -> None:
    """Skip outside CI when LibreOffice or pdftotext is missing; in CI (where they must run) fail instead."""
    if find_soffice() and shutil.which("pdftotext"):
        return
    if os.environ.get("CI"):
        pytest.fail("LibreOffice (soffice) and pdftotext must be installed for CI")
    pytest.skip("LibreOffice (soffice) or pdftotext is not installed")


@pytest.mark.libreoffice
def test_printed_criteria_documents_show_every_rule_and_area(tmp_path: Path) -> None:
    """One soffice run for the documents of every shipped set."""
    _need_libreoffice()
    names = []
    for s in SETS:
        name = tmp_path / f"{s.id}-{s.version}.docx"
        name.write_bytes(criteria_document(s, "docx"))
        names.append(name)
    subprocess.run([find_soffice(), f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, names)],
                   check=True, capture_output=True, timeout=300)
    for s, name in zip(SETS, names, strict=True):
        text = subprocess.run(["pdftotext", str(name.with_suffix(".pdf")), "-"], capture_output=True, text=True,
                              check=True).stdout
        pages = text.split("\f")[:-1]
        flat = " ".join(text.split())
        for rule in s.rules.values():
            assert rule.id in flat, (s.ref, rule.id)  # every row printed, none lost at a page foot
        for area in s.areas:
            assert area.id in flat, (s.ref, area.id)
        for number, page in enumerate(pages, start=1):
            assert f"Page {number} of {len(pages)}" in page
            if number > 1:
                assert f"IIMC: {s.title} ({s.ref})" in " ".join(page.split())
        for internal in INTERNAL:
            assert internal not in flat, (s.ref, internal)
        families = "|".join(sorted({rule.split(".")[0] for rule in s.rules}))
        ids = re.findall(rf"\b(?:{families})\.[a-z_]+", flat)
        assert ids and not [i for i in ids if i not in s.rules], "a rule id broke mid-word"
