"""Every document coursereview writes fits its pages and never shows where a file sat on someone's machine.

The widths are read back from the .docx as Word lays it out: every table's columns (tblGrid, in
twips) against the text width of the section it sits in (page width less the side margins),
portrait and landscape sections alike.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest
import yaml

from coursereview import check, load_submission
from coursereview.criteria import resolve_criteria
from coursereview.documents import render
from coursereview.documents.criteria_doc import criteria_document
from coursereview.documents.form import build_form
from coursereview.documents.letter import build_letter
from coursereview.review import Decision, Review
from coursereview.vocabulary import KINDS

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BASE = Path(__file__).parent / "data" / "base-institute.yaml"
CUSTOM = Path(__file__).parent / "data" / "criteria-custom.yaml"


def table_widths(data: bytes) -> Iterator[tuple[int, list[int], int, str]]:
    """Yield (table number, column widths, text width of its section, orientation) for every table of a docx."""
    body = docx.Document(io.BytesIO(data)).element.body
    pending: list[list[int]] = []
    number = 0
    for child in body.iterchildren():
        if child.tag == W + "tbl":
            pending.append([int(col.get(W + "w")) for col in child.iter(W + "gridCol")])
        sect = child.find(f"{W}pPr/{W}sectPr") if child.tag == W + "p" else child if child.tag == W + "sectPr" else None
        if sect is not None:
            size, margins = sect.find(W + "pgSz"), sect.find(W + "pgMar")
            width = int(size.get(W + "w")) - int(margins.get(W + "left")) - int(margins.get(W + "right"))
            orientation = "landscape" if size.get(W + "orient") == "landscape" else "portrait"
            for widths in pending:
                number += 1
                yield number, widths, width, orientation
            pending = []
    assert not pending, "tables after the last section's properties"


def _program(sessions: int, tmp: Path) -> Review:
    """Return the review of a generated institute of ``sessions`` sessions with a long title and findings."""
    data = yaml.safe_load(BASE.read_text(encoding="utf-8"))
    template = data["sessions"][0]
    data["sessions"] = [
        {**template, "title": f"Session {i + 1}: " + "Records Management and Parliamentary Procedure " * (i % 3),
         "date": f"2027-05-{17 + i // 6:02d}", "start": f"{8 + i % 6:02d}:00", "end": f"{9 + i % 6:02d}:00",
         **({"level": None} if i % 7 == 3 else {})}
        for i in range(sessions)
    ]
    data["program"]["end"] = f"2027-05-{17 + (sessions - 1) // 6:02d}"
    path = tmp / f"generated-{sessions}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return check(load_submission(path))


def every_document(tmp: Path) -> Iterator[tuple[str, bytes]]:
    """Yield (name, docx bytes) of every kind of Word document coursereview writes."""
    decision = Decision("approved", "Jane Anne Long, Ed.D.", dt.datetime(2027, 6, 1, 9, 0, tzinfo=dt.UTC))
    for example in sorted(EXAMPLES.glob("*.yaml")):
        review = check(load_submission(example))
        yield f"review of {example.name}", render(review, "docx")
        yield f"review of {example.name}, decided", render(review, "docx", decision)
        yield f"letter for {example.name}", build_letter(review, decision)
    custom = check(load_submission(BASE), str(CUSTOM))  # a Required column in the areas table
    yield "review under a set with area minimums", render(custom, "docx")
    yield "review of 60 sessions", render(_program(60, tmp), "docx")
    for kind in KINDS:
        criteria = resolve_criteria(f"iimc-{kind}")
        yield f"criteria document iimc-{kind}", criteria_document(criteria, "docx")
        yield f"blank form for an {kind}", build_form(criteria, kind)


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, bytes]]:
    return list(every_document(tmp_path_factory.mktemp("layout")))


KINDS_OF_DOCUMENT = ["review", "letter", "criteria document", "blank form"]


@pytest.mark.parametrize("kind", KINDS_OF_DOCUMENT)
def test_every_table_of_every_document_fits_its_page(documents: list[tuple[str, bytes]], kind: str) -> None:
    too_wide = []
    measured = 0
    for name, data in documents:
        if not name.startswith(kind):
            continue
        for number, widths, text_width, orientation in table_widths(data):
            measured += 1
            if sum(widths) > text_width:
                too_wide.append(f"{name}, table {number} ({orientation}): {sum(widths)} > {text_width} twips")
    assert measured, f"no {kind} has a table"
    assert not too_wide, "\n".join(too_wide)


def test_portrait_and_landscape_pages_are_measured(documents: list[tuple[str, bytes]]) -> None:
    orientations = {orientation for _, data in documents for *_, orientation in table_widths(data)}
    assert orientations == {"portrait", "landscape"}


def test_the_review_puts_its_wide_tables_on_landscape_pages(documents: list[tuple[str, bytes]]) -> None:
    review = dict(documents)["review of 60 sessions"]
    document = docx.Document(io.BytesIO(review))
    by_first_header = {}
    for (_, widths, text_width, orientation), table in zip(table_widths(review), document.tables, strict=True):
        first = (table.rows[0].cells[0].text, table.rows[0].cells[1].text)
        by_first_header.setdefault(first, set()).add(orientation)
        assert sum(widths) == text_width  # sized to the page, not short of it
    assert by_first_header[("No.", "Time")] == {"landscape"}  # the timetable
    assert by_first_header[("No.", "Session")] == {"landscape"}  # the calculation trail
    [summary] = [orientations for (first, _), orientations in by_first_header.items() if first == "Verdict"]
    assert summary == {"portrait"}  # page 1


def _texts(data: bytes) -> Iterator[tuple[str, str]]:
    """Yield (part name, text) of every part of a docx package, or the document itself for text formats."""
    if data[:2] != b"PK":
        yield "document", data.decode("utf-8")
        return
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            yield name, package.read(name).decode("utf-8", "replace")


def test_no_document_shows_a_path_beyond_a_file_name(tmp_path: Path) -> None:
    """Rendered from deep folders, no part of any document names them (only a file's own name)."""
    deep = tmp_path / "Users" / "reviewer" / "Submissions 2027" / "Ohio"
    deep.mkdir(parents=True)
    source = deep / "ohio-institute.yaml"
    source.write_text(BASE.read_text(encoding="utf-8").replace("  certificate: certificate.pdf\n", ""),
                      encoding="utf-8")
    criteria = deep / "criteria-custom.yaml"
    criteria.write_text(CUSTOM.read_text(encoding="utf-8"), encoding="utf-8")
    reviews = [check(load_submission(source)), check(load_submission(source), str(criteria))]
    outputs = []
    for review in reviews:
        for fmt in ("docx", "html", "md"):
            outputs.append((f"review {fmt} by {review.criteria.ref}", render(review, fmt)))
        outputs.append((f"letter by {review.criteria.ref}", build_letter(review, draft=True)))
    for name, data in outputs:
        for part, text in _texts(data):
            assert str(tmp_path) not in text and "Submissions 2027" not in text, f"{name}: {part} shows a path"
    review_md = outputs[2][1].decode("utf-8")
    assert "ohio-institute.yaml" in review_md  # the file's own name is in the audit block
