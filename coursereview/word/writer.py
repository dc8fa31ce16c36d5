"""Write a Word document top to bottom: headings, paragraphs of runs, tables of raw rows, sections, properties."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.shared import Inches, Pt, RGBColor

from coursereview.word.markup import Cell, Paragraph, TableLook, W, clean, page_number_xml, table_xml
from coursereview.word.package import DEFAULT_STAMP, save_reproducible

_EMU_PER_TWIP = 635


def cm(length: float) -> int:
    """Return ``length`` centimetres in twips, the unit of table widths."""
    return round(length * 1440 / 2.54)


class Writer:
    """A new document from python-docx's template, written in reading order.

    Style ids are looked up once per name: python-docx resolves a style name by scanning every
    style on each call, and a long timetable would spend most of its time there.
    """

    def __init__(self, side_margins_inches: float | None = None, font_points: float | None = None) -> None:
        self._doc = docx.Document()
        if side_margins_inches is not None:
            section = self._doc.sections[0]
            section.left_margin = section.right_margin = Inches(side_margins_inches)
        if font_points is not None:
            self._doc.styles["Normal"].font.size = Pt(font_points)
        self._style_ids: dict[str, str] = {}
        self._end = self._doc.element.body.find(W + "sectPr")  # the last section's properties close the body

    def style_id(self, name: str) -> str:
        """Return the id of the style called ``name`` (such as "Table Grid" -> "TableGrid")."""
        if name not in self._style_ids:
            self._style_ids[name] = self._doc.styles[name].style_id
        return self._style_ids[name]

    @property
    def text_width(self) -> int:
        """Return the width between the current section's side margins, in twips."""
        section = self._doc.sections[-1]
        inner = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
        return inner // _EMU_PER_TWIP

    def paragraph(self, text: str = "", style: str | None = None, keep_with_next: bool = False) -> None:
        """Add a paragraph of plain text in ``style`` (a style name, such as "List Bullet")."""
        p = self._doc.add_paragraph(clean(text))
        if style:
            p._p.style = self.style_id(style)
        if keep_with_next:
            p.paragraph_format.keep_with_next = True

    def runs(self, runs: Paragraph, style: str | None = None) -> None:
        """Add a paragraph of ``runs``, each with its own format."""
        p = self._doc.add_paragraph()
        if style:
            p._p.style = self.style_id(style)
        for run in runs:
            r = p.add_run(clean(run.text))
            if run.bold:
                r.bold = True
            if run.italic:
                r.italic = True
            if run.points is not None:
                r.font.size = Pt(run.points)
            if run.color:
                r.font.color.rgb = RGBColor.from_string(run.color)

    def heading(self, text: str, level: int) -> None:
        """Add the title (level 0) or a heading of ``level``."""
        self.paragraph(text, "Title" if level == 0 else f"Heading {level}")

    def table(self, rows: Sequence[Sequence[Cell]], header: Sequence[Cell] | None = None,
              widths: Sequence[int] | None = None, look: TableLook | None = None, key_column: bool = False,
              min_height: int | None = None) -> None:
        """Add a table (see markup.table_xml); without ``widths`` its columns share the text width equally."""
        columns = len(header) if header else len(rows[0]) if rows else 1
        widths = widths or [self.text_width // columns] * columns
        look = look or TableLook(style_id=self.style_id("Table Grid"))
        self._end.addprevious(parse_xml(table_xml(rows, widths, look, header, key_column, min_height)))

    def page_break(self) -> None:
        """Start a new page."""
        self._doc.add_page_break()

    def landscape_section(self) -> None:
        """Start a new section, on a new page, turned to landscape."""
        section = self._doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width

    def page_header(self, text: str) -> None:
        """Put ``text`` at the top of every page."""
        self._doc.sections[0].header.paragraphs[0].text = clean(text)

    def page_numbers(self) -> None:
        """Put 'Page N of M', centred, at the bottom of every page."""
        p = self._doc.sections[0].footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for fragment in page_number_xml():
            p._p.append(parse_xml(fragment))

    def properties(self, **values: str) -> None:
        """Set document properties Word shows under File > Info (title, subject, author, keywords, ...)."""
        props = self._doc.core_properties
        for name, value in values.items():
            if not hasattr(props, name):
                raise TypeError(f"a Word document has no property {name!r}")
            setattr(props, name, clean(value))

    def save(self, stamp: dt.datetime = DEFAULT_STAMP) -> bytes:
        """Return the document as .docx bytes that depend only on its content and ``stamp``."""
        return save_reproducible(self._doc, stamp)
