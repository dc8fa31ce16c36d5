"""The reader finds the main document part as python-docx does, and parses nothing else."""

from __future__ import annotations

import io
import zipfile

import pytest

from coursereview.errors import InputError
from coursereview.word import reader
from coursereview.word.reader import read_tables
from coursereview.word.safety import open_xml_parts
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


# --- the one-pass reading of plain cells reads as the cell-by-cell reading does ----------------------------

def _r(text: str) -> str:
    return f"<w:r><w:t>{text}</w:t></w:r>"


def _p(text: str) -> str:
    return f"<w:p>{_r(text)}</w:p>"


def _tc(inside: str) -> str:
    return f"<w:tc>{inside}</w:tc>"


PLAIN = ('<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t><w:tab/><w:t>b</w:t></w:r></w:p><w:p><w:r><w:t xml:space="preserve">'
         ' c </w:t><w:br/><w:noBreakHyphen/></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>')
TEXTBOX = ('<w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox><w:txbxContent>'
           f'{_p("boxed")}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>')
ODD_CELLS = {
    "hyperlink": f"<w:p><w:hyperlink>{_r('linked')}</w:hyperlink>{_r(' after')}</w:p>",
    "tracked": f"<w:p><w:ins>{_r('in')}</w:ins><w:del><w:r><w:delText>out</w:delText></w:r></w:del></w:p>",
    "control-in-paragraph": f"<w:p><w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>{_r('Choose…')}"
                            f"</w:sdtContent></w:sdt>{_r('typed')}</w:p>",
    "control-around-paragraph": f"<w:sdt><w:sdtContent>{_p('held')}</w:sdtContent></w:sdt>",
    "control-without-text": '<w:p><w:sdt><w:sdtPr><w:dropDownList><w:listItem w:displayText="" w:value="picked"/>'
                            "</w:dropDownList></w:sdtPr><w:sdtContent/></w:sdt></w:p>",
    "custom-xml": f"<w:customXml>{_p('custom')}</w:customXml>{_p('own')}",
    "text-box": f"<w:p>{_r('outer')}{TEXTBOX}</w:p>",
    "nested-table": f"{_p('above')}<w:tbl><w:tr>{_tc(_p('inner'))}</w:tr></w:tbl>{_p('below')}",
    "cell-in-cell": f"{_p('outer')}{_tc(_p('inner'))}{_p('outer again')}",
    "row-in-cell": f"<w:tr>{_tc(_p('inner'))}</w:tr>{_p('own')}",
    "text-outside-paragraph": f"{_r('loose')}{_p('own')}",
    "text-in-run-properties": "<w:p><w:r><w:rPr><w:t>hidden</w:t></w:rPr><w:t>shown</w:t></w:r></w:p>",
}
ODD_ROWS = {
    "row-in-control": f"<w:tbl><w:sdt><w:sdtContent><w:tr>{_tc(_p('repeated'))}</w:tr></w:sdtContent></w:sdt>"
                      f"<w:tr>{_tc(_p('next'))}</w:tr></w:tbl>",
    "cell-in-control": f"<w:tbl><w:tr>{_tc(_p('first'))}<w:sdt><w:sdtContent>{_tc(_p('second'))}</w:sdtContent>"
                       "</w:sdt></w:tr></w:tbl>",
    "table-in-body-control": f"<w:sdt><w:sdtContent><w:tbl><w:tr>{_tc(_p('wrapped'))}</w:tr></w:tbl></w:sdtContent>"
                             f"</w:sdt>{_p('body text')}",
}
# the odd cell first in its row, and last in its table: what is read after a cell bears on how it is read
BODIES = {f"{name}-first": f"<w:tbl><w:tr>{_tc(odd)}{_tc(_p('x'))}</w:tr></w:tbl>" for name, odd in ODD_CELLS.items()}
BODIES |= {f"{name}-last": f"<w:tbl><w:tr>{_tc(_p('x'))}{_tc(odd)}</w:tr></w:tbl>" for name, odd in ODD_CELLS.items()}
BODIES |= ODD_ROWS


def _with_body(body: str) -> bytes:
    raw = _written()
    xml = _part(raw, "word/document.xml").decode()
    start, end = xml.index("<w:body>") + len("<w:body>"), xml.index("<w:sectPr")
    return _rezip(raw, {"word/document.xml": (xml[:start] + body + xml[end:]).encode()})


def _cell_by_cell(raw: bytes, name: str) -> list[list[reader.Row]]:
    with open_xml_parts(raw, name) as parts:
        body = reader._open_body(parts, name)
    return [reader._grid_rows(tbl, name, {}) for tbl in body.iter(reader._TBL)]


@pytest.mark.parametrize("odd", list(BODIES.values()), ids=list(BODIES))
def test_reading_plain_cells_in_one_pass_reads_every_cell_as_reading_each_does(odd: str) -> None:
    raw = _with_body(f"{PLAIN}<w:p><w:r><w:t>between</w:t></w:r></w:p>{odd}{PLAIN}")
    assert read_tables(raw, "odd.docx") == _cell_by_cell(raw, "odd.docx")


def test_plain_cells_are_read_in_one_pass_and_read_as_runs_joined_and_paragraphs_on_lines() -> None:
    raw = _with_body(f"{PLAIN}<w:p/>{BODIES['hyperlink-first']}")
    with open_xml_parts(raw, "plain.docx") as parts:
        body = reader._open_body(parts, "plain.docx")
    texts = sorted(reader._plain_cell_texts(body).values())
    assert texts == ["", "a b\n c \n-", "x"]  # the hyperlink's cell is left to the cell-by-cell reading
    assert [r.cells for r in read_tables(raw, "plain.docx")[1]] == [("linked after", "x")]
