"""Write a Word document top to bottom: headings, paragraphs of runs, tables of raw rows, sections, properties.

A document is written as WordprocessingML text, part by part, around the parts every document
shares: python-docx's template (its styles, theme, numbering, settings, fonts), prepared once
per process. python-docx makes that template and reads pictures; the writer never opens,
parses or serializes a document of its own, so a document costs what it says and little more.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import docx
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from coursereview.errors import CourseReviewError
from coursereview.io import content_hash
from coursereview.word import W
from coursereview.word.markup import (
    JC,
    Banner,
    Cell,
    Paragraph,
    ParagraphLook,
    Run,
    TableLook,
    clean,
    escape,
    page_number_xml,
    paragraph_start,
    paragraph_xml,
    quoteattr,
    run_xml,
    table_xml,
)
from coursereview.word.package import DEFAULT_STAMP, zip_package

_EMU_PER_TWIP = 635
_W_DECLARED = f' xmlns:w="{W[1:-1]}"'
_DECLARATION = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'
MAX_PROPERTY = 255  # characters: Word keeps no more of a document property


class ImageError(CourseReviewError):
    """An image (such as a profile's logo) that Word cannot show: its data is not a readable PNG or JPEG."""


def cm(length: float) -> int:
    """Return ``length`` centimetres in twips, the unit of table widths."""
    return round(length * 1440 / 2.54)


def _twips(inches: float) -> int:
    return round(inches * 1440)


@dataclass(frozen=True)
class _Section:
    """One section's page: size, orientation and margins in twips; whether its first page has its own furniture."""

    width: int
    height: int
    top: int
    right: int
    bottom: int
    left: int
    header: int
    footer: int
    gutter: int
    columns: str  # the template's w:cols and w:docGrid, as they are
    grid: str
    landscape: bool = False
    title_page: bool = False

    def xml(self, references: str = "") -> str:
        orient = ' w:orient="landscape"' if self.landscape else ""
        return (f'<w:sectPr>{references}<w:pgSz w:w="{self.width}" w:h="{self.height}"{orient}/>'
                f'<w:pgMar w:top="{self.top}" w:right="{self.right}" w:bottom="{self.bottom}" w:left="{self.left}" '
                f'w:header="{self.header}" w:footer="{self.footer}" w:gutter="{self.gutter}"/>{self.columns}'
                f'{"<w:titlePg/>" if self.title_page else ""}{self.grid}</w:sectPr>')


@dataclass
class _Line:
    """The one paragraph of a page header or footer: its style, alignment and runs (as text)."""

    style: str  # "Header" or "Footer"
    align: str | None = None
    runs: list[str] = field(default_factory=list)

    def xml(self) -> str:
        jc = f'<w:jc w:val="{self.align}"/>' if self.align else ""
        return f'<w:p><w:pPr><w:pStyle w:val="{self.style}"/>{jc}</w:pPr>{"".join(self.runs)}</w:p>'


@dataclass(frozen=True)
class _Template:
    """What every document starts from, taken once from python-docx's template."""

    docx: bytes  # the template as a package (styles with another font size or line spacing are made from it)
    parts: dict[str, bytes]  # the parts every document carries as they are, by member name
    content_types: dict[str, str]  # their content types, by part name ("/word/styles.xml")
    defaults: dict[str, str]  # content types by extension (rels, xml)
    relationships: str  # the main document's relationships to those parts, as w:Relationship elements
    next_rid: int  # the first relationship id free for a document's own parts
    document_start: str  # "<w:document ...>", with the template's namespace declarations
    section: _Section  # the template's page
    style_ids: dict[str, str]  # by style name ("Table Grid" -> "TableGrid")
    styles: bytes


_OWN_PARTS = ("[Content_Types].xml", "docProps/core.xml", "word/document.xml", "word/_rels/document.xml.rels",
              "word/styles.xml")


@lru_cache(maxsize=1)
def _template() -> _Template:
    """Return python-docx's template without what no document of ours uses, taken apart once per process."""
    import zipfile

    document = docx.Document()
    _drop_template_leftovers(document)
    out = io.BytesIO()
    document.save(out)
    with zipfile.ZipFile(out) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    types = etree.fromstring(parts["[Content_Types].xml"])
    content_types = {e.get("PartName"): e.get("ContentType") for e in types if e.tag.endswith("}Override")}
    defaults = {e.get("Extension"): e.get("ContentType") for e in types if e.tag.endswith("}Default")}
    relationships = etree.fromstring(parts["word/_rels/document.xml.rels"])
    rids = [int(r.get("Id")[3:]) for r in relationships]
    main = parts["word/document.xml"].decode("utf-8")
    sect_pr = document.element.body.find(W + "sectPr")
    size, margins = sect_pr.find(W + "pgSz"), sect_pr.find(W + "pgMar")
    def twips(element: etree._Element, name: str) -> int:
        return int(element.get(W + name))

    section = _Section(twips(size, "w"), twips(size, "h"), twips(margins, "top"), twips(margins, "right"),
                       twips(margins, "bottom"), twips(margins, "left"), twips(margins, "header"),
                       twips(margins, "footer"), twips(margins, "gutter"), columns=_plain(sect_pr.find(W + "cols")),
                       grid=_plain(sect_pr.find(W + "docGrid")))
    styles = document.styles
    return _Template(
        docx=out.getvalue(), parts={n: b for n, b in parts.items() if n not in _OWN_PARTS},
        content_types={n: t for n, t in content_types.items() if n.lstrip("/") not in _OWN_PARTS},
        defaults=defaults,
        relationships="".join(_relationship(r.get("Id"), r.get("Type"), r.get("Target")) for r in relationships),
        next_rid=max(rids, default=0) + 1, document_start=main[main.index("<w:document"):main.index("<w:body")],
        section=section, style_ids={s.name: s.style_id for s in styles if s.name}, styles=parts["word/styles.xml"])


def _plain(element: etree._Element | None) -> str:
    """Return an empty w: ``element`` (w:cols, w:docGrid) as text, without revision ids ("" for None)."""
    if element is None:
        return ""
    attributes = "".join(f' w:{name[len(W):]}={quoteattr(value)}' for name, value in element.attrib.items()
                         if name.startswith(W) and not name.startswith(W + "rsid"))
    return f"<w:{etree.QName(element).localname}{attributes}/>"


def _relationship(rid: str, kind: str, target: str) -> str:
    return f"<Relationship Id={quoteattr(rid)} Type={quoteattr(kind)} Target={quoteattr(target)}/>"


@lru_cache(maxsize=8)
def _styles(font_points: float | None, line_spacing: float | None) -> bytes:
    """Return the template's styles with the body text (Normal) at ``font_points`` and ``line_spacing``."""
    template = _template()
    if font_points is None and line_spacing is None:
        return template.styles
    from docx.opc.oxml import serialize_part_xml
    from docx.shared import Pt

    document = docx.Document(io.BytesIO(template.docx))
    normal = document.styles["Normal"]
    if font_points is not None:
        normal.font.size = Pt(font_points)
    if line_spacing is not None:
        normal.paragraph_format.line_spacing = line_spacing
    return serialize_part_xml(document.styles.element)


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


# Document properties Word shows under File > Info, by the name python-docx gives them: their element in core.xml
_PROPERTIES = {"title": "dc:title", "subject": "dc:subject", "author": "dc:creator", "keywords": "cp:keywords",
               "comments": "dc:description", "last_modified_by": "cp:lastModifiedBy", "category": "cp:category",
               "content_status": "cp:contentStatus", "identifier": "dc:identifier", "language": "dc:language",
               "version": "cp:version"}
_CORE_START = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
               'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
               'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">')
_INLINE = (
    '<wp:inline xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><wp:extent cx="{cx}" cy="{cy}"/>'
    '<wp:docPr id="{id}" name="Picture {id}"{descr}/><wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/>'
    '</wp:cNvGraphicFramePr><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="image.{ext}"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>'
    '<a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm>'
    '<a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"/></pic:spPr></pic:pic>'
    "</a:graphicData></a:graphic></wp:inline>")


class Writer:
    """A new document from python-docx's template, written in reading order.

    The body is kept as WordprocessingML text and joined once when the document is saved; a
    section break is kept as the number of the section it ends, so a later change to that
    section (its header, its margins) still reaches it.
    """

    def __init__(self, side_margins_inches: float | None = None, font_points: float | None = None) -> None:
        self._template = _template()
        first = self._template.section
        if side_margins_inches is not None:
            first = replace(first, left=_twips(side_margins_inches), right=_twips(side_margins_inches))
        self._sections = [first]
        self._body: list[bytes | int] = []  # w:p and w:tbl as UTF-8 text; an int ends that section
        self._lines: dict[tuple[str, str], _Line] = {}  # ("header" | "footer", "default" | "first")
        self._properties: dict[str, str] = {}
        self._pictures: dict[str, tuple[str, str, bytes]] = {}  # by SHA-256: (relationship id, part name, data)
        self._shapes = 0
        self._font_points = font_points
        self._line_spacing: float | None = None

    def style_id(self, name: str) -> str:
        """Return the id of the style called ``name`` (such as "Table Grid" -> "TableGrid")."""
        try:
            return self._template.style_ids[name]
        except KeyError:
            raise KeyError(f"no style with name {name!r}") from None

    @property
    def text_width(self) -> int:
        """Return the width between the current section's side margins, in twips."""
        section = self._sections[-1]
        return section.width - section.left - section.right

    def paragraph(self, text: str = "", style: str | None = None, keep_with_next: bool = False) -> None:
        """Add a paragraph of plain text in ``style`` (a style name, such as "List Bullet")."""
        self._add(paragraph_xml([Run(text)] if text else [], self.style_id(style) if style else None,
                                ParagraphLook(keep_with_next=keep_with_next)))

    def runs(self, runs: Paragraph, style: str | None = None) -> None:
        """Add a paragraph of ``runs``, each with its own format."""
        self._add(paragraph_xml(runs, self.style_id(style) if style else None))

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
        xml = table_xml(rows, widths, look, header, key_column, min_height, align, keep_together, heights)
        self._add(xml.replace(_W_DECLARED, "", 1))  # the document declares w: already

    def block(self, runs: Paragraph, look: ParagraphLook | None = None, style: str | None = None) -> None:
        """Add a paragraph of ``runs`` set as ``look`` says (alignment, spacing, keeping, a rule below)."""
        self._add(paragraph_xml(runs, self.style_id(style) if style else None, look))

    def _add(self, xml: str) -> None:
        """Add a paragraph or table at the end of the body, kept as UTF-8 (one copy of a long timetable, not two)."""
        self._body.append(xml.encode("utf-8"))

    def page_break(self) -> None:
        """Start a new page."""
        self._add(_PAGE_BREAK)

    # --- sections: each new one starts on a new page, as a copy of the one before -------------------------

    def landscape_section(self) -> None:
        """Start a new section, on a new page, turned to landscape."""
        last = self._new_section()
        if not last.landscape:
            self._sections[-1] = replace(last, landscape=True, width=last.height, height=last.width)

    def portrait_section(self) -> None:
        """Start a new section, on a new page, upright (after a landscape one)."""
        last = self._new_section()
        if last.landscape:
            self._sections[-1] = replace(last, landscape=False, width=last.height, height=last.width)

    def _new_section(self) -> _Section:
        """End the current section with a paragraph that holds its properties; the new one copies them."""
        self._body.append(len(self._sections) - 1)
        self._sections.append(self._sections[-1])
        return self._sections[-1]

    def margins(self, sides_inches: float, top_bottom_inches: float | None = None) -> None:
        """Set the current section's side margins (and top and bottom ones when given)."""
        section = replace(self._sections[-1], left=_twips(sides_inches), right=_twips(sides_inches))
        if top_bottom_inches is not None:
            section = replace(section, top=_twips(top_bottom_inches), bottom=_twips(top_bottom_inches))
        self._sections[-1] = section

    # --- page furniture: the first section's headers and footers, which the sections after it share -------

    def page_header(self, text: str) -> None:
        """Put ``text`` at the top of every page."""
        self._line("header", "default").runs[:] = [run_xml(Run(text))]

    def page_numbers(self) -> None:
        """Put 'Page N of M', centred, at the bottom of every page."""
        line = self._line("footer", "default")
        line.align = "center"
        line.runs.extend(self._page_number())

    def first_page_apart(self) -> None:
        """Give the first page a header and footer of its own (empty until set), as a letter's first page has."""
        self._sections[0] = replace(self._sections[0], title_page=True)
        self._line("header", "first")
        self._line("footer", "first")

    def running_line(self, runs: Paragraph = (), footer: bool = False, first_page: bool = False,
                     page_numbers: bool = False, align: str = "center") -> None:
        """Set the header (or ``footer``) of every page, or of the first page only: ``runs``, then 'Page N of M'."""
        line = self._line("footer" if footer else "header", "first" if first_page else "default")
        line.runs.extend(run_xml(run) for run in runs)
        if page_numbers:
            if runs:
                line.runs.append(run_xml(Run("   ")))
            line.runs.extend(self._page_number())
        line.align = JC[align]

    def _line(self, kind: str, which: str) -> _Line:
        return self._lines.setdefault((kind, which), _Line("Header" if kind == "header" else "Footer"))

    @staticmethod
    def _page_number() -> list[str]:
        return [fragment.replace(_W_DECLARED, "", 1) for fragment in page_number_xml()]

    # --- properties, pictures, body text --------------------------------------------------------------------

    def properties(self, **values: str) -> None:
        """Set document properties Word shows under File > Info (title, subject, author, keywords, ...).

        A value longer than Word keeps (255 characters) is shortened, ending in an ellipsis.
        """
        for name, value in values.items():
            if name not in _PROPERTIES:
                raise TypeError(f"a Word document has no property {name!r}")
            text = clean(value)
            self._properties[name] = text if len(text) <= MAX_PROPERTY else text[:MAX_PROPERTY - 1] + "…"

    def line_spacing(self, multiple: float) -> None:
        """Set the body text's line spacing, as a multiple of single spacing (the template's is 1.15)."""
        self._line_spacing = multiple

    def image(self, data: bytes, height: int, max_width: int | None = None,
              look: ParagraphLook | None = None, description: str = "") -> None:
        """Add a paragraph holding the PNG or JPEG ``data``, ``height`` twips high (narrowed to ``max_width``).

        ``description`` is the alternative text a screen reader says instead of the picture. Its
        size comes from python-docx's reading of the picture (pixels and dots per inch), as
        ``add_picture`` sizes it; the same picture twice is one part of the package.
        """
        from docx.image.image import Image

        try:
            picture = Image.from_blob(data)
            cy = height * _EMU_PER_TWIP
            cx = round(picture.width * (cy / picture.height))
        except Exception:  # python-docx raises several kinds on a damaged image; all mean the same here
            raise ImageError("the logo is not a readable PNG or JPEG image") from None
        limit = (max_width or self.text_width) * _EMU_PER_TWIP
        if cx > limit:
            cy, cx = round(cy * limit / cx), limit
        key = content_hash(data)
        if key not in self._pictures:
            number = len(self._pictures) + 1
            rid = f"rId{self._template.next_rid + number - 1}"  # pictures first: their ids are known now
            self._pictures[key] = (rid, f"word/media/image{number}.{picture.ext}", data)
        self._shapes += 1
        descr = f" descr={quoteattr(clean(description))}" if description else ""
        inline = _INLINE.format(cx=cx, cy=cy, id=self._shapes, descr=descr, ext=picture.ext,
                                rid=self._pictures[key][0])
        self._add(f"{paragraph_start(None, look)}<w:r><w:drawing>{inline}</w:drawing></w:r></w:p>")

    # --- saving -----------------------------------------------------------------------------------------

    def save(self, stamp: dt.datetime = DEFAULT_STAMP) -> bytes:
        """Return the document as .docx bytes that depend only on its content and ``stamp``."""
        template = self._template
        varying: dict[str, bytes] = {}
        relationships = [template.relationships]
        overrides = dict(template.content_types)
        references = []
        rid = template.next_rid + len(self._pictures)
        numbers = {"header": 0, "footer": 0}
        for (kind, which), line in sorted(self._lines.items(), key=lambda item: _FURNITURE_ORDER[item[0]]):
            numbers[kind] += 1
            name = f"word/{kind}{numbers[kind]}.xml"
            root = "w:hdr" if kind == "header" else "w:ftr"
            start = template.document_start.replace("<w:document", f"<{root}", 1)
            varying[name] = _DECLARATION + f"{start}{line.xml()}</{root}>".encode()
            overrides[f"/{name}"] = CT.WML_HEADER if kind == "header" else CT.WML_FOOTER
            relationships.append(_relationship(f"rId{rid}", RT.HEADER if kind == "header" else RT.FOOTER,
                                               name.removeprefix("word/")))
            references.append(f'<w:{kind}Reference w:type="{which}" r:id="rId{rid}"/>')
            rid += 1
        defaults = dict(template.defaults)
        for picture_rid, name, data in self._pictures.values():
            varying[name] = data
            extension = name.rsplit(".", 1)[1]
            defaults[extension] = "image/jpeg" if extension in ("jpg", "jpeg") else f"image/{extension}"
            relationships.append(_relationship(picture_rid, RT.IMAGE, name.removeprefix("word/")))
        sections = self._sections
        breaks = {i: f"<w:p><w:pPr>{sections[i].xml(''.join(references) if i == 0 else '')}</w:pPr></w:p>".encode()
                  for i in range(len(sections) - 1)}
        last = sections[-1].xml("".join(references) if len(sections) == 1 else "")
        varying["word/document.xml"] = b"".join([
            _DECLARATION, f"{template.document_start}<w:body>".encode(),
            *(part if isinstance(part, bytes) else breaks[part] for part in self._body),
            f"{last}</w:body></w:document>".encode()])
        varying["word/_rels/document.xml.rels"] = _DECLARATION + \
            f'<Relationships xmlns="{_RELS_NS}">{"".join(relationships)}</Relationships>'.encode()
        varying["docProps/core.xml"] = self._core(stamp)
        overrides["/word/document.xml"] = CT.WML_DOCUMENT_MAIN
        overrides["/docProps/core.xml"] = CT.OPC_CORE_PROPERTIES
        overrides["/word/styles.xml"] = CT.WML_STYLES
        types = "".join(f"<Default Extension={quoteattr(e)} ContentType={quoteattr(t)}/>"
                        for e, t in sorted(defaults.items()))
        types += "".join(f"<Override PartName={quoteattr(n)} ContentType={quoteattr(t)}/>"
                         for n, t in sorted(overrides.items()))
        fixed = dict(template.parts)
        fixed["word/styles.xml"] = _styles(self._font_points, self._line_spacing)
        fixed["[Content_Types].xml"] = _DECLARATION + f'<Types xmlns="{_TYPES_NS}">{types}</Types>'.encode()
        return zip_package(fixed, varying, stamp)

    def _core(self, stamp: dt.datetime) -> bytes:
        """Return docProps/core.xml: the properties set, revision 1, and ``stamp`` as every time in it."""
        when = stamp.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        values = "".join(f"<{_PROPERTIES[n]}>{escape(v)}</{_PROPERTIES[n]}>"
                         for n, v in sorted(self._properties.items()))
        return _DECLARATION + (
            f"{_CORE_START}{values}<cp:revision>1</cp:revision>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
            f"<cp:lastPrinted>{when}</cp:lastPrinted></cp:coreProperties>").encode()


_FURNITURE_ORDER = {("header", "default"): 0, ("header", "first"): 1, ("footer", "default"): 2, ("footer", "first"): 3}
