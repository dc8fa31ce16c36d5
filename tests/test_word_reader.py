"""The reader finds the main document part as python-docx does, and parses nothing else."""

from __future__ import annotations

import io
import zipfile

import pytest

from coursereview.errors import InputError
from coursereview.word.reader import read_tables
from coursereview.word.writer import Writer

MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _written() -> bytes:
    doc = Writer()
    doc.table([["one", "two"]], header=["A", "B"])
    return doc.save()


def _rezip(raw: bytes, changes: dict[str, bytes | None]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = changes.get(info.filename, src.read(info))
            if data is not None:
                dst.writestr(info.filename, data)
        for name, data in changes.items():
            if name not in src.namelist() and data is not None:
                dst.writestr(name, data)
    return out.getvalue()


def _part(raw: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        return z.read(name)


def test_the_main_part_is_where_the_package_relationship_points() -> None:
    raw = _written()
    rels = _part(raw, "_rels/.rels").replace(b"word/document.xml", b"/word/main.xml")
    types = _part(raw, "[Content_Types].xml").replace(b"/word/document.xml", b"/word/main.xml")
    moved = _rezip(raw, {"word/document.xml": None, "word/main.xml": _part(raw, "word/document.xml"),
                         "_rels/.rels": rels, "[Content_Types].xml": types})
    [rows] = read_tables(moved, "moved.docx")
    assert [r.cells for r in rows] == [("A", "B"), ("one", "two")]


def _broken(raw: bytes, how: str) -> bytes:
    if how == "spreadsheet":
        types = _part(raw, "[Content_Types].xml").replace(MAIN.encode(), b"application/vnd.openxmlformats-"
                                                          b"officedocument.spreadsheetml.sheet.main+xml")
        return _rezip(raw, {"[Content_Types].xml": types})
    if how == "no-relationship":
        return _rezip(raw, {"_rels/.rels": _part(raw, "_rels/.rels").replace(b"/officeDocument\"", b"/other\"")})
    if how == "no-relationships-part":
        return _rezip(raw, {"_rels/.rels": None})
    if how == "main-part-missing":
        return _rezip(raw, {"word/document.xml": None})
    assert how == "no-body"
    return _rezip(raw, {"word/document.xml": _part(raw, "word/document.xml").split(b"<w:body>")[0] + b"</w:document>"})


@pytest.mark.parametrize(("how", "expected"), [
    ("spreadsheet", "not a Word document: its main part is 'application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet.main+xml'; save it as a Word Document (.docx)"),
    ("no-relationship", "not a Word document that can be read (the package has no main document part)"),
    ("no-relationships-part", "not a Word document that can be read (the package has no relationships part)"),
    ("main-part-missing", "not a Word document that can be read (its main document part word/document.xml"),
    ("no-body", "damaged .docx: its XML cannot be read (the main document has no body)"),
], ids=["spreadsheet", "no-relationship", "no-relationships-part", "main-part-missing", "no-body"])
def test_a_package_that_is_not_a_word_document_is_one_clear_error(how: str, expected: str) -> None:
    with pytest.raises(InputError) as refused:
        read_tables(_broken(_written(), how), "odd.docx")
    assert expected in str(refused.value)
