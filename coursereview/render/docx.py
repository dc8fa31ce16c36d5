"""Build the review document as a Word file (python-docx), byte for byte the same for the same review.

The document uses Word's built-in styles (Title, Heading 1/2, Caption, Table Grid, List Number), so
Word's navigation pane and table of contents work. Tables are written as WordprocessingML rows in
one pass (the low-level XML lives in the "raw XML" section at the end), because python-docx's
``table.cell(r, c)`` re-reads the whole grid on every call and grows quadratically.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any
from xml.sax.saxutils import escape

TEXT_WIDTH = 9360  # twips: US Letter with 1-inch margins

# Column widths in twips per table (they add up to TEXT_WIDTH).
_WIDTHS = {
    "details": (2400, 6960),
    "areas": (4160, 1600, 1600, 2000),
    "hours": (6160, 3200),
    "days": (6160, 3200),
    "timetable": (1300, 2760, 1000, 1200, 1500, 1000, 600),
    "instructors": (2200, 2000, 4160, 1000),
    "findings": (800, 4160, 2000, 2400),
    "trail": (2360, 1100, 1100, 1000, 1100, 850, 850, 1000),
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
    _properties(doc, ctx, stamp)
    _header_footer(section, ctx)
    tables = _Tables(doc)

    doc.add_heading(_clean(ctx["title"]), 0)
    doc.add_paragraph(_clean(ctx["subtitle"]), style="Subtitle")
    tables.add("Submission and criteria", None, ctx["details"], "details", key_column=True)

    sections = iter(ctx["sections"])
    doc.add_heading(next(sections), 1)
    p = doc.add_paragraph()
    p.add_run(_clean(ctx["verdict_text"].upper())).bold = True
    p.add_run(" — " + _clean(ctx["verdict_sentence"]))
    doc.add_paragraph(_clean(
        f"{ctx['contact_hours']} contact hours, {ctx['points']} points ({ctx['points_category']}); "
        f"{ctx['counts_text']}. Judged by {ctx['criteria_ref']} ({ctx['criteria_title']})."))

    doc.add_heading(next(sections), 1)
    tables.add("Curriculum areas: required and provided contact hours", ctx["area_headers"], ctx["areas"], "areas")

    doc.add_heading(next(sections), 1)
    hours = ctx["hours"]
    tables.add("Hours and points", None, hours["rows"], "hours", key_column=True)
    tables.add("Contact hours per day", ("Day", "Contact hours"), hours["days"], "days")
    doc.add_paragraph("How the totals were reached:")
    for step in hours["steps"]:
        doc.add_paragraph(_clean(step), style="List Number")

    doc.add_heading(next(sections), 1)
    doc.add_paragraph("Every session in time order. Breaks, meals and social events are shown and count 0 hours.")
    for day in ctx["days"]:
        doc.add_heading(_clean(day["label"]), 2)
        tables.add(f"Timetable, {day['label']}", ctx["timetable_headers"], day["rows"], "timetable")

    doc.add_heading(next(sections), 1)
    tables.add("Instructors and qualifications", ctx["instructor_headers"], ctx["instructors"], "instructors")

    doc.add_heading(next(sections), 1)
    if not ctx["finding_groups"]:
        doc.add_paragraph("The check found nothing to report.")
    for group in ctx["finding_groups"]:
        doc.add_heading(group["title"], 2)
        rows = [_finding_row(f) for f in group["findings"]]
        tables.add(f"Findings: {group['title']}", FINDING_HEADERS, rows, "findings")

    doc.add_heading(next(sections), 1)
    approval = ctx["approval"]
    doc.add_paragraph("Recorded decision of the IIMC Education Department." if approval["recorded"] else
                      "For the IIMC Education Department: record the decision, then sign and date.")
    tables.add("Approval", None, approval["rows"], "approval", key_column=True, tall=True)

    doc.add_heading(next(sections), 1)
    doc.add_paragraph("One row per session: the minutes it is scheduled for and the minutes it adds to the "
                      "program total.")
    tables.add("Calculation trail", ctx["trail_headers"], ctx["trail"], "trail")
    for step in hours["steps"]:
        doc.add_paragraph(_clean(step), style="List Number")

    out = io.BytesIO()
    doc.save(out)
    return _reproducible_zip(out.getvalue(), stamp)


def _finding_row(f: dict[str, str]) -> list[str]:
    text = f"{f['message']} ({f['name']})"
    if f["provisional"]:
        text += f" {f['provisional']}"
    text += f"\nCriterion: {f['criterion']}"
    return [f["code"], text, f["location"], f["hint"] or "—"]


def _properties(doc: Any, ctx: dict[str, Any], stamp: dt.datetime) -> None:
    """Set the document properties Word shows under File > Info, all from the review (no clock)."""
    cp = doc.core_properties
    cp.title = _clean(ctx["title"])
    cp.subject = _clean(f"{ctx['subtitle']}: {ctx['verdict_text']}")
    cp.author = _clean(ctx["provider"])
    cp.last_modified_by = "coursereview"
    cp.keywords = _clean(ctx["keywords"])
    cp.category = "IIMC course program review"
    cp.comments = _clean(f"Judged by {ctx['criteria_ref']} (sha256 {ctx['criteria_sha256']})")
    cp.revision = 1
    cp.created = cp.modified = cp.last_printed = stamp.replace(tzinfo=None)


class _Tables:
    """Add captioned tables to the body, numbering the captions."""

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.count = 0
        self.style_id = doc.styles["Table Grid"].style_id

    def add(self, caption: str, headers: tuple[str, ...] | None, rows: list, widths: str,
            key_column: bool = False, tall: bool = False) -> None:
        self.count += 1
        self.doc.add_paragraph(_clean(f"Table {self.count}: {caption}"), style="Caption")
        tbl = _table(self.style_id, headers, rows, _WIDTHS[widths], key_column, tall)
        body = self.doc.element.body
        body.find(_W + "sectPr").addprevious(tbl)
        self.doc.add_paragraph()  # Word needs a paragraph between adjacent tables


def _header_footer(section: Any, ctx: dict[str, Any]) -> None:
    """Put the program title in the page header and 'Page N of M' in the footer."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    section.header.paragraphs[0].text = _clean(f"{ctx['subtitle']}: {ctx['title']}")
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for fragment in _page_number_xml():
        p._p.append(fragment)


def _reproducible_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """Return the package re-zipped with fixed entry times and a stable entry order."""
    when = max(stamp, dt.datetime(1980, 1, 1, tzinfo=stamp.tzinfo))
    date_time = (when.year, when.month, when.day, when.hour, when.minute, when.second // 2 * 2)
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        names = sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for name in names:
                info = zipfile.ZipInfo(name, date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                info.create_system = 0
                dst.writestr(info, src.read(name), compresslevel=6)
    return out.getvalue()


# --- raw XML: every WordprocessingML string is made here -------------------------------------------

_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{%s}" % _NS
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    """Return ``text`` without the control characters XML cannot hold."""
    return _NOT_XML.sub("", str(text))


def _runs(text: str, bold: bool) -> str:
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    lines = _clean(text).split("\n")
    return "<w:br/>".join(f'<w:r>{rpr}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>' for line in lines)


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
