"""The Word layer: what the Writer writes, the reader reads back; nothing outside coursereview/word touches Word XML."""

from __future__ import annotations

import io
import re
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursereview.word import W
from coursereview.word.markup import EMPTY, Run, TableLook
from coursereview.word.reader import read_tables
from coursereview.word.writer import Writer, cm

PACKAGE = Path(__file__).parent.parent / "coursereview"
WORD = PACKAGE / "word"


def _open(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def test_a_table_reads_back_cell_for_cell() -> None:
    doc = Writer()
    doc.paragraph("Before the table")
    rich = [[Run("Name (required)")], [Run("The provider's name", italic=True, points=8, color="595959")]]
    doc.table([["two\nlines", "x & <y> \"z\"", rich], ["bell\x07 rings", "", EMPTY]], header=["A", "B", "C"])
    [rows] = read_tables(doc.save(), "written.docx")
    assert [row.cells for row in rows] == [
        ("A", "B", "C"),
        ("two\nlines", "x & <y> \"z\"", "Name (required)\nThe provider's name"),
        ("bell rings", "", ""),
    ]


def test_the_header_row_is_bold_and_repeats_and_the_rich_cell_keeps_its_format() -> None:
    doc = Writer()
    rich = [[Run("label")], [Run("help", italic=True, points=8, color="595959")]]
    doc.table([["body", rich]], header=["Head", "Other"], widths=[cm(6.5), cm(10)])
    table = _open(doc.save()).tables[0]
    header, body = table.rows
    assert header._tr.trPr.xpath("./w:tblHeader") and not body._tr.trPr.xpath("./w:tblHeader")
    assert [run.bold for cell in header.cells for run in cell.paragraphs[0].runs] == [True, True]
    assert not body.cells[0].paragraphs[0].runs[0].bold
    help_run = body.cells[1].paragraphs[1].runs[0]
    assert (help_run.text, help_run.italic, help_run.font.size.pt, str(help_run.font.color.rgb)) == (
        "help", True, 8, "595959")
    assert table.style.name == "Table Grid"
    assert [column.width.twips for column in table.columns] == [3685, 5669]


def test_without_widths_columns_share_the_width_between_the_margins() -> None:
    doc = Writer()
    doc.table([["a", "b", "c", "d"]])
    doc.landscape_section()
    doc.table([["a", "b"]])
    portrait, landscape = _open(doc.save()).tables
    assert [c.width.twips for c in portrait.columns] == [2160] * 4  # 6 inches of US Letter between 1.25" margins
    assert [c.width.twips for c in landscape.columns] == [6120] * 2  # 8.5 inches on the page turned


def test_a_table_without_rows_shows_a_dash_and_a_look_sets_fill_and_size() -> None:
    doc = Writer(side_margins_inches=1)
    doc.table([], widths=[9360])
    doc.table([["x"]], header=["H"], widths=[9360], look=TableLook(doc.style_id("Table Grid"), "D9E2F3", 9, 20))
    empty, shaded = _open(doc.save()).tables
    assert [[c.text for c in r.cells] for r in empty.rows] == [["—"]]
    assert shaded.rows[0].cells[0]._tc.xpath("./w:tcPr/w:shd/@w:fill") == ["D9E2F3"]
    assert shaded.rows[1].cells[0].paragraphs[0].runs[0].font.size.pt == 9


def test_a_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match="a row of 1 cells in a table of 2 columns"):
        Writer().table([["only one"]], header=["A", "B"])


def test_properties_are_cleaned_and_unknown_ones_refused() -> None:
    doc = Writer()
    doc.properties(title="Bell\x07 title", author="coursereview")
    with pytest.raises(TypeError, match="no property 'titel'"):
        doc.properties(titel="typo")
    props = _open(doc.save()).core_properties
    assert (props.title, props.author, props.revision) == ("Bell title", "coursereview", 1)


def test_paragraphs_runs_headings_and_page_furniture() -> None:
    doc = Writer()
    doc.page_header("Program: review")
    doc.page_numbers()
    doc.heading("Title", 0)
    doc.heading("Part", 1)
    doc.runs([Run("APPROVED", bold=True), Run(" — fine")], "List Number")
    doc.paragraph("caption", "Caption", keep_with_next=True)
    document = _open(doc.save())
    assert [(p.style.name, p.text) for p in document.paragraphs] == [
        ("Title", "Title"), ("Heading 1", "Part"), ("List Number", "APPROVED — fine"), ("Caption", "caption")]
    assert document.paragraphs[2].runs[0].bold and not document.paragraphs[2].runs[1].bold
    assert document.paragraphs[3].paragraph_format.keep_with_next
    section = document.sections[0]
    assert section.header.paragraphs[0].text == "Program: review"
    assert section.footer.paragraphs[0]._p.xpath("./w:fldSimple/@w:instr") == [
        " PAGE \\* MERGEFORMAT ", " NUMPAGES \\* MERGEFORMAT "]


def _outside_word() -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if WORD not in p.parents]


@pytest.mark.parametrize(("what", "pattern"), [
    ("a private python-docx attribute", r"\._(p|tr|tc|tbl|element|body|r)\b"),
    ("python-docx or lxml", r"^\s*(import|from)\s+(docx|lxml)\b"),
    ("the WordprocessingML namespace", r"wordprocessingml/2006/main"),
], ids=["private-attributes", "imports", "namespace"])
def test_only_the_word_layer_touches_word_internals(what: str, pattern: str) -> None:
    found = [f"{p.relative_to(PACKAGE.parent)}:{n}" for p in _outside_word()
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if re.search(pattern, line)]
    assert not found, f"{what} outside coursereview/word: {found}"


def test_a_dropdown_reads_as_nothing_until_chosen_then_as_the_value_of_the_item() -> None:
    from coursereview.word.controls import PLACEHOLDER, Choice, Dropdown
    from coursereview.word.markup import Banner

    items = [Choice("clerk-role", "Role of the Clerk"), Choice("in-person", "In person")]
    doc = Writer()
    note = Banner("A note across the table", "EDEDED")
    rows = [note, [Dropdown(items, "Area"), Dropdown(items, selected="in-person")]]
    doc.table(rows, header=["A", "B"], look=TableLook(doc.style_id("Table Grid"), padding=72))
    raw = doc.save()
    [rows] = read_tables(raw, "controls.docx")
    assert rows[1].single and rows[1].cells == ("A note across the table", "")
    assert rows[2].cells == ("", "in-person")
    table = _open(raw).tables[0]
    assert table._tbl.xpath("./w:tblPr/w:tblCellMar/w:left/@w:w") == ["72"]
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    sdt = table.rows[2].cells[0]._tc.xpath(".//w:sdt")[0]
    assert sdt.xpath("./w:sdtPr/w:showingPlcHdr", namespaces=ns)
    assert sdt.xpath("string(./w:sdtContent)", namespaces=ns) == PLACEHOLDER
    shown = sdt.xpath("./w:sdtPr/w:dropDownList/w:listItem/@w:displayText", namespaces=ns)
    assert shown == ["Role of the Clerk", "In person"]
    assert sdt.getparent().tag.endswith("}p")  # inline, inside the cell's paragraph: LibreOffice keeps it


def test_a_control_around_a_paragraph_and_text_typed_into_a_combo_box_read_as_written() -> None:
    doc = Writer()
    doc.table([["x", "y"]])
    raw = doc.save()
    document = _open(raw)
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    from docx.oxml import parse_xml

    first, second = document.tables[0].rows[0].cells
    first._tc.append(parse_xml(
        f'<w:sdt {ns}><w:sdtPr><w:dropDownList><w:listItem w:displayText="Basic" w:value="basic"/></w:dropDownList>'
        '</w:sdtPr><w:sdtContent><w:p><w:r><w:t>Basic</w:t></w:r></w:p></w:sdtContent></w:sdt>'))
    second._tc.append(parse_xml(
        f'<w:p {ns}><w:sdt><w:sdtPr><w:comboBox><w:listItem w:displayText="Basic" w:value="basic"/></w:comboBox>'
        '</w:sdtPr><w:sdtContent><w:r><w:t>Very </w:t></w:r><w:r><w:t>basic</w:t></w:r></w:sdtContent></w:sdt>'
        '<w:r><w:t>!</w:t></w:r></w:p>'))
    out = io.BytesIO()
    document.save(out)
    [rows] = read_tables(out.getvalue(), "controls.docx")
    assert rows[0].cells == ("x\nbasic", "y\nVery basic!")


def test_a_document_carries_nothing_of_the_template_it_does_not_use() -> None:
    """No thumbnail of another document (file browsers show it) and no Word 2010 copy of the styles."""
    import zipfile

    writer = Writer()
    writer.paragraph("One paragraph")
    writer.page_break()
    writer.landscape_section()
    writer.paragraph("After the section")
    data = writer.save()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "docProps/thumbnail.jpeg" not in names and "word/stylesWithEffects.xml" not in names
    assert "word/styles.xml" in names
    body = _open(data).element.body
    assert [child.tag.rsplit("}", 1)[1] for child in body][-1] == "sectPr"  # the closing section comes last
    assert [p.text for p in _open(data).paragraphs if p.text] == ["One paragraph", "After the section"]


@given(st.lists(st.text(max_size=30), min_size=1, max_size=4))
@settings(max_examples=60, deadline=None)
def test_any_text_in_a_table_cell_reads_back_from_a_well_formed_document(texts: list[str]) -> None:
    """Tables are spliced into the body as text at save: whatever a cell holds, the XML stays well formed."""
    from coursereview.word.markup import clean

    writer = Writer()
    writer.paragraph("Before")
    writer.table([texts], header=[f"Column {i}" for i in range(len(texts))])
    writer.paragraph("After")
    document = _open(writer.save())  # lxml parses the whole body: a broken splice fails here
    [table] = document.tables
    assert [c.text for c in table.rows[1].cells] == [clean(t) for t in texts]
    assert [p.text for p in document.paragraphs] == ["Before", "After"]


def test_every_style_a_document_names_is_defined_in_it() -> None:
    """The template loses its unused table styles: what a document (and its styles) refers to is still there."""
    import zipfile

    from coursereview import check, load_submission
    from coursereview.documents import render
    from coursereview.documents.letter import build_letter

    review = check(load_submission(Path(__file__).parent.parent / "examples" / "not-approvable.yaml"))
    for data in (render(review, "docx"), build_letter(review, draft=True)):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            styles = z.read("word/styles.xml").decode("utf-8")
            parts = [n for n in z.namelist() if re.match(r"word/(document|header|footer)", n)]
            used = "".join(z.read(n).decode("utf-8") for n in parts)
        defined = set(re.findall(r'<w:style [^>]*w:styleId="([^"]+)"', styles))
        named = set(re.findall(r'<w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', used))
        named |= set(re.findall(r'<w:(?:basedOn|next|link) w:val="([^"]+)"', styles))
        assert named and named <= defined, named - defined
        assert len(re.findall(r'w:type="table"', styles)) == 2  # the default table style and Table Grid


def test_a_block_reads_back_with_every_setting_of_its_look() -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    from coursereview.word.markup import ParagraphLook

    writer = Writer()
    look = ParagraphLook(align="right", before=6, after=3, keep_with_next=True, keep_together=True,
                         rule_below=True, indent=18)
    writer.block([Run("Plain "), Run("bold", bold=True), Run(" small grey\nnext line", points=8, color="595959")],
                 look, style="Heading 2")
    [p] = _open(writer.save()).paragraphs
    f = p.paragraph_format
    assert p.style.name == "Heading 2" and p.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert (f.space_before, f.space_after, f.left_indent) == (Pt(6), Pt(3), Pt(18))
    assert f.keep_with_next and f.keep_together and p._p.pPr.find(f"{W}pBdr") is not None
    assert p.text == "Plain bold small grey\nnext line"
    assert [(r.bold, r.font.size, str(r.font.color.rgb) if r.font.color.rgb else None) for r in p.runs] == [
        (None, None, None), (True, None, None), (None, Pt(8), "595959")]


@given(st.text(max_size=40))
@settings(max_examples=200, deadline=None)
def test_clean_is_the_same_on_its_quick_path(text: str) -> None:
    """Plain printable ASCII skips the two patterns; every other text goes through them, with the same result."""
    from coursereview.word.markup import _NOT_XML, clean
    from coursereview.wording import shown

    for one in (text, text.encode("ascii", "ignore").decode()):  # also its ASCII alone, to reach the quick path
        assert clean(one) == shown(_NOT_XML.sub("", one))
