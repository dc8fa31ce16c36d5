"""Build the review document as a Word file (python-docx), byte for byte the same for the same review.

The document uses Word's built-in styles (Title, Heading 1/2, Caption, Table Grid, List Number), so
Word's navigation pane and table of contents work. Tables are written as WordprocessingML rows in
one pass (the low-level XML lives in the "raw XML" section at the end), because python-docx's
``table.cell(r, c)`` re-reads the whole grid on every call and grows quadratically.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from xml.sax.saxutils import escape

from coursereview.word.package import save_reproducible

TEXT_WIDTH = 9360  # twips: US Letter with 1-inch margins

# Column widths in twips per table (they add up to TEXT_WIDTH).
_WIDTHS = {
    "details": (2400, 6960),
    "areas": (4160, 1600, 1600, 2000),
    "hours": (6160, 3200),
    "days": (6160, 3200),
    "timetable": (1050, 2500, 1100, 1250, 1400, 1200, 860),
    "instructors": (2200, 2000, 4160, 1000),
    "findings": (800, 4160, 2000, 2400),
    "trail": (2000, 1050, 1050, 1100, 1150, 800, 800, 1410),
    "approval": (2400, 6960),
}
FINDING_HEADERS = ("Code", "Finding", "Location", "What to change")


def build_docx(ctx: dict[str, Any], stamp: dt.datetime) -> bytes:
    """Return the review document of ``ctx`` (from review_context) as .docx bytes stamped with ``stamp``."""
    from docx import Document
    from docx.shared import Inches

    doc = Document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Inches(1)
    _properties(doc, ctx)
    _header_footer(section, ctx)
    w = _Writer(doc)

    w.heading(ctx["title"], 0)
    w.para(ctx["subtitle"], "Subtitle")
    w.table("Submission and criteria", None, ctx["details"], "details", key_column=True)

    sections = iter(ctx["sections"])
    w.heading(next(sections), 1)
    p = w.para("")
    p.add_run(_clean(ctx["verdict_text"].upper())).bold = True
    p.add_run(" — " + _clean(ctx["verdict_sentence"]))
    w.para(f"{ctx['contact_hours']} contact hours, {ctx['points']} points ({ctx['points_category']}); "
           f"{ctx['counts_text']}. Judged by {ctx['criteria_ref']} ({ctx['criteria_title']}).")

    w.heading(next(sections), 1)
    w.table("Curriculum areas: required and provided contact hours", ctx["area_headers"], ctx["areas"], "areas")

    w.heading(next(sections), 1)
    hours = ctx["hours"]
    w.table("Hours and points", None, hours["rows"], "hours", key_column=True)
    w.table("Contact hours per day", ("Day", "Contact hours"), hours["days"], "days")
    w.para("How the totals were reached:")
    for step in hours["steps"]:
        w.para(step, "List Bullet")

    w.heading(next(sections), 1)
    w.para("Every session in time order. Breaks, meals and social events are shown and count 0 hours.")
    for day in ctx["days"]:
        w.heading(day["label"], 2)
        w.table(f"Timetable, {day['label']}", ctx["timetable_headers"], day["rows"], "timetable")

    w.heading(next(sections), 1)
    w.table("Instructors and qualifications", ctx["instructor_headers"], ctx["instructors"], "instructors")

    w.heading(next(sections), 1)
    if not ctx["finding_groups"]:
        w.para("The check found nothing to report.")
    for group in ctx["finding_groups"]:
        w.heading(group["title"], 2)
        rows = [_finding_row(f) for f in group["findings"]]
        w.table(f"Findings: {group['title']}", FINDING_HEADERS, rows, "findings")

    w.heading(next(sections), 1)
    approval = ctx["approval"]
    w.para("Recorded decision of the IIMC Education Department." if approval["recorded"] else
           "For the IIMC Education Department: record the decision, then sign and date.")
    w.table("Approval", None, approval["rows"], "approval", key_column=True, tall=True)

    w.heading(next(sections), 1)
    w.para("One row per session: the minutes it is scheduled for and the minutes it adds to the program total.")
    w.table("Calculation trail", ctx["trail_headers"], ctx["trail"], "trail")
    for step in hours["steps"]:
        w.para(step, "List Bullet")

    return save_reproducible(doc, stamp)


def _finding_row(f: dict[str, str]) -> list[str]:
    text = f"{f['message']} ({f['name']})"
    if f["provisional"]:
        text += f" {f['provisional']}"
    text += f"\nCriterion: {f['criterion']}"
    return [f["code"], text, f["location"], f["hint"] or "—"]


def _properties(doc: Any, ctx: dict[str, Any]) -> None:
    """Set the document properties Word shows under File > Info, all from the review (no clock)."""
    cp = doc.core_properties
    cp.title = _clean(ctx["title"])
    cp.subject = _clean(f"{ctx['subtitle']}: {ctx['verdict_text']}")
    cp.author = _clean(ctx["provider"])
    cp.last_modified_by = "coursereview"
    cp.keywords = _clean(ctx["keywords"])
    cp.category = "IIMC course program review"
    cp.comments = _clean(f"Judged by {ctx['criteria_ref']} (sha256 {ctx['criteria_sha256']})")


class _Writer:
    """Append headings, paragraphs and captioned tables to the body, with style ids looked up once.

    (python-docx resolves a style name by scanning every style on each call; a long timetable
    would spend most of its time there.)
    """

    _STYLES = ("Title", "Subtitle", "Heading 1", "Heading 2", "Caption", "List Bullet", "Table Grid")

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.count = 0
        self.style_ids = {name: doc.styles[name].style_id for name in self._STYLES}
        self.sect_pr = doc.element.body.find(_W + "sectPr")

    def para(self, text: str, style: str | None = None) -> Any:
        p = self.doc.add_paragraph(_clean(text))
        if style:
            p._p.style = self.style_ids[style]
        return p

    def heading(self, text: str, level: int) -> Any:
        return self.para(text, "Title" if level == 0 else f"Heading {level}")

    def table(self, caption: str, headers: tuple[str, ...] | None, rows: list, widths: str,
              key_column: bool = False, tall: bool = False) -> None:
        self.count += 1
        label = self.para(f"Table {self.count}: {caption}", "Caption")
        label.paragraph_format.keep_with_next = True
        tbl = _table(self.style_ids["Table Grid"], headers, rows, _WIDTHS[widths], key_column, tall)
        self.sect_pr.addprevious(tbl)
        self.para("")  # Word needs a paragraph between adjacent tables


def _header_footer(section: Any, ctx: dict[str, Any]) -> None:
    """Put the program title in the page header and 'Page N of M' in the footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    section.header.paragraphs[0].text = _clean(f"{ctx['subtitle']}: {ctx['title']}")
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for fragment in _page_number_xml():
        p._p.append(fragment)


# --- raw XML: every WordprocessingML string is made here -------------------------------------------

_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{_NS}}}"
_TABLE_FONT_HALF_POINTS = 18  # 9 pt
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    """Return ``text`` without the control characters XML cannot hold."""
    return _NOT_XML.sub("", str(text))


def _runs(text: str, bold: bool) -> str:
    rpr = f"<w:rPr>{'<w:b/>' if bold else ''}<w:sz w:val=\"{_TABLE_FONT_HALF_POINTS}\"/></w:rPr>"
    lines = _clean(text).split("\n")
    texts = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in lines)
    return f"<w:r>{rpr}{texts}</w:r>"  # a line break lives inside a run (w:br is a run child)


def _row(cells: list[str] | tuple[str, ...], widths: tuple[int, ...], header: bool, key_column: bool,
         tall: bool) -> str:
    trpr = "<w:tblHeader/>" if header else ""
    if tall:
        trpr += '<w:trHeight w:val="560" w:hRule="atLeast"/>'
    out = [f"<w:tr><w:trPr><w:cantSplit/>{trpr}</w:trPr>"]
    for i, (text, width) in enumerate(zip(cells, widths, strict=True)):
        shade = '<w:shd w:val="clear" w:color="auto" w:fill="D9E2F3"/>' if header else ""
        bold = header or (key_column and i == 0)
        out.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}</w:tcPr>'
                   f"<w:p><w:pPr><w:spacing w:before=\"20\" w:after=\"20\"/></w:pPr>{_runs(text, bold)}</w:p></w:tc>")
    out.append("</w:tr>")
    return "".join(out)


def _table(style_id: str, headers: tuple[str, ...] | None, rows: list, widths: tuple[int, ...],
           key_column: bool, tall: bool) -> Any:
    """Return a w:tbl element: one header row marked to repeat on every page, then ``rows``."""
    from docx.oxml import parse_xml

    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    parts = [
        f'<w:tbl xmlns:w="{_NS}"><w:tblPr><w:tblStyle w:val="{style_id}"/>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        f'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
    ]
    if headers:
        parts.append(_row(headers, widths, True, False, False))
    parts.extend(_row(row, widths, False, key_column, tall) for row in rows)
    if not rows and not headers:
        parts.append(_row(["—"] * len(widths), widths, False, False, False))
    parts.append("</w:tbl>")
    return parse_xml("".join(parts))


def _page_number_xml() -> list[Any]:
    """Return the runs and fields of a 'Page N of M' footer."""
    from docx.oxml import parse_xml

    def run(text: str) -> Any:
        return parse_xml(f'<w:r xmlns:w="{_NS}"><w:t xml:space="preserve">{text}</w:t></w:r>')

    def field(instr: str) -> Any:
        return parse_xml(f'<w:fldSimple xmlns:w="{_NS}" w:instr=" {instr} \\* MERGEFORMAT ">'
                         '<w:r><w:t>1</w:t></w:r></w:fldSimple>')

    return [run("Page "), field("PAGE"), run(" of "), field("NUMPAGES")]
