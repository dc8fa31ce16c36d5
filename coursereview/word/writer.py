"""Write a Word document top to bottom: headings, paragraphs of runs, tables of raw rows, sections, properties."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from functools import lru_cache

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.shared import Emu, Inches, Pt, RGBColor, Twips
from docx.text.paragraph import Paragraph as _DocxParagraph
from lxml import etree

from coursereview.errors import CourseReviewError
from coursereview.word import W
from coursereview.word.markup import (
    Banner,
    Cell,
    Paragraph,
    ParagraphLook,
    Run,
    TableLook,
    clean,
    page_number_xml,
    paragraph_xml,
    table_xml,
)
from coursereview.word.package import DEFAULT_STAMP, RAW_XML, save_reproducible

_EMU_PER_TWIP = 635
_W_DECLARED = f' xmlns:w="{W[1:-1]}"'
_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
          "both": WD_ALIGN_PARAGRAPH.JUSTIFY}
_RULE_BELOW = f'<w:pBdr xmlns:w="{W[1:-1]}"><w:bottom w:val="single" w:sz="6" w:space="4" w:color="808080"/></w:pBdr>'


class ImageError(CourseReviewError):
    """An image (such as a profile's logo) that Word cannot show: its data is not a readable PNG or JPEG."""


def cm(length: float) -> int:
    """Return ``length`` centimetres in twips, the unit of table widths."""
    return round(length * 1440 / 2.54)


class Writer:
    """A new document from python-docx's template, written in reading order.

    Style ids are looked up once per name: python-docx resolves a style name by scanning every
    style on each call, and a long timetable would spend most of its time there.
    """

    def __init__(self, side_margins_inches: float | None = None, font_points: float | None = None) -> None:
        self._doc = docx.Document(io.BytesIO(_template()))
        if side_margins_inches is not None:
            section = self._doc.sections[0]
            section.left_margin = section.right_margin = Inches(side_margins_inches)
        if font_points is not None:
            self._doc.styles["Normal"].font.size = Pt(font_points)
        self._style_ids: dict[str, str] = {}
        self._raw: list[bytes] = []  # tables written as text, each marked in the body by a RAW_XML instruction
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
        self._raw_block(paragraph_xml([Run(text)] if text else [], self.style_id(style) if style else None,
                                      ParagraphLook(keep_with_next=keep_with_next)))

    def runs(self, runs: Paragraph, style: str | None = None) -> None:
        """Add a paragraph of ``runs``, each with its own format."""
        self._raw_block(paragraph_xml(runs, self.style_id(style) if style else None))

    def heading(self, text: str, level: int) -> None:
        """Add the title (level 0) or a heading of ``level``."""
        self.paragraph(text, "Title" if level == 0 else f"Heading {level}")

    def table(self, rows: Sequence[Sequence[Cell] | Banner], header: Sequence[Cell] | None = None,
              widths: Sequence[int] | None = None, look: TableLook | None = None, key_column: bool = False,
              min_height: int | None = None, align: Sequence[str | None] | None = None,
              keep_together: bool = False, heights: Mapping[int, int] | None = None) -> None:
        """Add a table (see markup.table_xml); without ``widths`` its columns share the text width equally."""
        columns = len(header) if header else len(rows[0]) if rows and not isinstance(rows[0], Banner) else 1
        widths = widths or [self.text_width // columns] * columns
        look = look or TableLook(style_id=self.style_id("Table Grid"))
        self._raw_block(table_xml(rows, widths, look, header, key_column, min_height, align, keep_together, heights))

    def _raw_block(self, xml: str) -> None:
        """Add a paragraph or table written as text at the end of the body.

        Kept as text and put into the body when the document is saved: parsing it into python-docx's
        tree and serializing it again cost more than writing it, and held it in memory twice.
        """
        self._end.addprevious(etree.ProcessingInstruction(RAW_XML, str(len(self._raw))))
        self._raw.append(xml.replace(_W_DECLARED, "").encode("utf-8"))  # the document declares w: already

    def page_break(self) -> None:
        """Start a new page."""
        self._new_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def _new_paragraph(self) -> _DocxParagraph:
        """Return a new empty paragraph at the end of the body.

        It goes straight before the body's closing section properties, found once: python-docx's
        ``add_paragraph`` searches the body for them on every call, so a long document cost the square
        of its length. (A new section copies those properties into a paragraph; the closing ones stay.)
        """
        p = OxmlElement("w:p")
        self._end.addprevious(p)
        return _DocxParagraph(p, self._doc._body)

    def landscape_section(self) -> None:
        """Start a new section, on a new page, turned to landscape."""
        section = self._doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width

    def portrait_section(self) -> None:
        """Start a new section, on a new page, upright (after a landscape one)."""
        section = self._doc.add_section(WD_SECTION.NEW_PAGE)
        if section.orientation == WD_ORIENT.LANDSCAPE:
            section.orientation = WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = section.page_height, section.page_width

    def margins(self, sides_inches: float, top_bottom_inches: float | None = None) -> None:
        """Set the current section's side margins (and top and bottom ones when given)."""
        section = self._doc.sections[-1]
        section.left_margin = section.right_margin = Inches(sides_inches)
        if top_bottom_inches is not None:
            section.top_margin = section.bottom_margin = Inches(top_bottom_inches)

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
        return save_reproducible(self._doc, stamp, self._raw)

    # --- formatted paragraphs, pictures, first-page and running heads (letters and issued documents) ------

    def block(self, runs: Paragraph, look: ParagraphLook | None = None, style: str | None = None) -> None:
        """Add a paragraph of ``runs`` set as ``look`` says (alignment, spacing, keeping, a rule below)."""
        self._raw_block(paragraph_xml(runs, self.style_id(style) if style else None, look))

    def image(self, data: bytes, height: int, max_width: int | None = None,
              look: ParagraphLook | None = None, description: str = "") -> None:
        """Add a paragraph holding the PNG or JPEG ``data``, ``height`` twips high (narrowed to ``max_width``).

        ``description`` is the alternative text a screen reader says instead of the picture.
        """
        p = self._new_paragraph()
        try:
            shape = p.add_run().add_picture(io.BytesIO(data), height=Twips(height))
        except Exception:  # python-docx raises several kinds on a damaged image; all mean the same here
            p._p.getparent().remove(p._p)
            raise ImageError("the logo is not a readable PNG or JPEG image") from None
        limit = (max_width or self.text_width) * _EMU_PER_TWIP
        if shape.width and shape.width > limit:
            shape.height = Emu(round(shape.height * limit / shape.width))
            shape.width = Emu(limit)
        if description:
            shape._inline.docPr.set("descr", clean(description))
        _set_look(p, look or ParagraphLook())

    def line_spacing(self, multiple: float) -> None:
        """Set the body text's line spacing, as a multiple of single spacing (the template's is 1.15)."""
        self._doc.styles["Normal"].paragraph_format.line_spacing = multiple

    def first_page_apart(self) -> None:
        """Give the first page a header and footer of its own (empty until set), as a letter's first page has."""
        section = self._doc.sections[0]
        section.different_first_page_header_footer = True
        section.first_page_header.is_linked_to_previous = False
        section.first_page_footer.is_linked_to_previous = False

    def running_line(self, runs: Paragraph = (), footer: bool = False, first_page: bool = False,
                     page_numbers: bool = False, align: str = "center") -> None:
        """Set the header (or ``footer``) of every page, or of the first page only: ``runs``, then 'Page N of M'."""
        section = self._doc.sections[0]
        part = (section.first_page_footer if footer else section.first_page_header) if first_page else \
            (section.footer if footer else section.header)
        p = part.paragraphs[0]
        _write_runs(p, runs)
        if page_numbers:
            if runs:
                p.add_run("   ")
            for fragment in page_number_xml():
                p._p.append(parse_xml(fragment))
        p.alignment = _ALIGN[align]


@lru_cache(maxsize=1)
def _template() -> bytes:
    """Return python-docx's template without what no document of ours uses, made once per process."""
    document = docx.Document()
    _drop_template_leftovers(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _drop_template_leftovers(document: docx.document.Document) -> None:
    """Leave out what python-docx's template carries but no document of ours uses.

    Its thumbnail (a picture of another document, which file browsers would show); its
    ``stylesWithEffects`` part (Word 2010's copy of the styles, 430 KB that Word 2013 and later
    and LibreOffice ignore); and its hundred table styles but the default one and Table Grid (nine
    tenths of its 350 KB of styles, read and written again for every document; Word still offers
    every built-in table style, which it defines when one is chosen).
    """
    styles = document.styles.element
    for style in list(styles.iterchildren(W + "style")):
        if style.get(W + "type") == "table" and style.get(W + "default") != "1" \
                and style.get(W + "styleId") != "TableGrid":
            styles.remove(style)
    part = document.part
    for rId, rel in list(part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            part.drop_rel(rId)
    package_rels = part.package.rels
    for rId, rel in list(package_rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            package_rels.pop(rId)


def _write_runs(p: _DocxParagraph, runs: Paragraph) -> None:
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


def _set_look(p: _DocxParagraph, look: ParagraphLook) -> None:
    f = p.paragraph_format
    if look.align:
        p.alignment = _ALIGN[look.align]
    if look.before is not None:
        f.space_before = Pt(look.before)
    if look.after is not None:
        f.space_after = Pt(look.after)
    if look.keep_with_next:
        f.keep_with_next = True
    if look.keep_together:
        f.keep_together = True
    if look.indent is not None:
        f.left_indent = Pt(look.indent)
    if look.rule_below:
        p._p.get_or_add_pPr().insert_element_before(
            parse_xml(_RULE_BELOW), "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
            "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
            "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap",
            "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
            "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
