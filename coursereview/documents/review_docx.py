"""Build the review document as a Word file, byte for byte the same for the same review.

The document uses Word's built-in styles (Title, Heading 1/2, Caption, Table Grid, List Bullet), so
Word's navigation pane and table of contents work. The Word layer (coursereview.word) writes the
tables as rows in one pass, so a long timetable costs no more per row than a short one. Page 1 is
the summary; the timetable and the calculation trail, the widest tables, sit on landscape pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from coursereview.documents.chart import PNG_DPI
from coursereview.documents.letterhead import letterhead
from coursereview.word.markup import Cell, ParagraphLook, Run, TableLook
from coursereview.word.writer import Writer

PORTRAIT_WIDTH = 9360  # twips: US Letter upright with 1-inch margins
LANDSCAPE_WIDTH = 12960  # twips: US Letter turned, 1-inch margins

# Column widths in twips, sized to their content at 9 pt in the body font (Cambria, or Caladea with the
# same metrics): no header breaks inside a word, times and codes stay on one line, with room to spare;
# each table adds up to its page's text width.
WIDTHS: dict[str, tuple[int, ...]] = {
    "summary": (2900, 6460),
    "details": (2900, 6460),
    "findings": (800, 4060, 2300, 2200),
    "areas": (4960, 1600, 2800),
    "areas_required": (3960, 1600, 1400, 2400),
    "hours": (3600, 5760),
    "days": (6360, 3000),
    "instructors": (2400, 2200, 3560, 1200),
    "approval": (2900, 6460),
    "timetable": (560, 1200, 3000, 1250, 1900, 1750, 1300, 820, 1180),
    "trail": (560, 3000, 1750, 1200, 1700, 1300, 1300, 2150),
    "audit": (3000, 9960),
}
R = "right"
ALIGN: dict[str, tuple[str | None, ...]] = {
    "areas": (None, R, None),
    "areas_required": (None, R, R, None),
    "days": (None, R),
    "instructors": (None, None, None, R),
    "timetable": (R, None, None, None, None, None, None, R, None),
    "trail": (R, None, None, None, None, R, R, None),
}
KEEP_WHOLE = 12  # a table of at most this many rows is kept on one page (unless it is findings)
ROW_PLACES = 6  # a finding that repeats lists at most this many of its places in one row
SIGNATURE_HEIGHT = 864  # twips: 0.6 inch to sign in
VERDICT_COLOURS = {"approvable": "1E6B2E", "approvable-with-notes": "8A5A00", "not-approvable": "A4000F"}
SEVERITY_COLOURS = {"error": "A4000F", "warning": "8A5A00", "info": "404040"}
_GREY = "595959"


def build_docx(ctx: dict[str, Any], stamp: dt.datetime) -> bytes:
    """Return the review document of ``ctx`` (from review_context) as .docx bytes stamped with ``stamp``.

    ``ctx["chart_png"]``, when present, is the hours chart to show (documents.chart).
    """
    doc = Writer(side_margins_inches=1)
    _properties(doc, ctx)
    doc.page_header(f"{ctx['subtitle']}: {ctx['title']} · Reference {ctx['reference']}")
    doc.page_numbers()
    tables = _Tables(doc)
    sections = iter(ctx["sections"])

    letterhead(doc, ctx["profile"], align="left")
    doc.heading(ctx["title"], 0)
    doc.paragraph(ctx["subtitle"], "Subtitle")
    doc.heading(next(sections), 1)
    _summary(doc, tables, ctx)
    doc.page_break()

    doc.heading(next(sections), 1)
    tables.add("Program details", None, ctx["details"], "details", key_column=True)

    doc.heading(next(sections), 1)
    _findings(doc, tables, ctx)

    doc.heading(next(sections), 1)
    _hours(doc, tables, ctx)

    doc.heading(next(sections), 1)
    tables.add("Instructors and qualifications", ctx["instructor_headers"], ctx["instructors"], "instructors")

    doc.landscape_section()
    doc.heading(next(sections), 1)
    doc.paragraph("Every session in time order. Breaks, meals and social events are shown and count no hours. "
                  "The Findings column names the findings about a session (see Findings).", keep_with_next=True)
    for day in ctx["days"]:
        doc.heading(day["label"], 2)
        rows = [_session_cells(row) for row in day["rows"]]
        tables.add(f"Timetable, {day['label']}", ctx["timetable_headers"], rows, "timetable")

    doc.portrait_section()
    doc.heading(next(sections), 1)
    _approval(doc, tables, ctx["approval"])

    doc.landscape_section()
    doc.heading(next(sections), 1)
    doc.paragraph("One row per session: the minutes it is scheduled for and the minutes it adds to the program total.",
                  keep_with_next=True)
    tables.add("Calculation trail", ctx["trail_headers"], ctx["trail"], "trail")
    for step in ctx["hours"]["steps"]:
        doc.paragraph(step, "List Bullet")

    doc.heading(next(sections), 1)
    doc.paragraph("What was checked, and by which criteria: the file's name and fingerprint (SHA-256) identify "
                  "the submission exactly; the criteria set's version and fingerprint identify the rules.",
                  keep_with_next=True)
    tables.add("Audit", None, ctx["audit"], "audit", key_column=True)
    return doc.save(stamp)


def _summary(doc: Writer, tables: _Tables, ctx: dict[str, Any]) -> None:
    """Write page 1: the summary box, then the most important findings in sentences."""
    colour = VERDICT_COLOURS.get(ctx["verdict"])
    verdict = [[Run(ctx["verdict_text"].upper() + ".", bold=True, color=colour), Run(" " + ctx["verdict_sentence"])]]
    rows: list[list[Cell]] = [[label, value] for label, value in ctx["summary"]]
    rows[0][1] = verdict
    tables.add("Summary", None, rows, "summary", key_column=True)
    key = ctx["key_findings"]
    if key["lines"]:
        doc.paragraph("The most important findings", "Heading 2")
        for line in key["lines"]:
            doc.paragraph(line, "List Bullet")
    doc.paragraph(key["note"])


def _findings(doc: Writer, tables: _Tables, ctx: dict[str, Any]) -> None:
    if not ctx["finding_groups"]:
        doc.paragraph("The check found nothing to report.")
    for group in ctx["finding_groups"]:
        doc.heading(group["title"], 2)
        rows = [row for f in group["findings"] for row in _finding_rows(f)]
        tables.add(f"Findings: {group['title']}", ctx["finding_headers"], rows, "findings", whole=False)


def _finding_rows(f: dict[str, Any]) -> list[list[Cell]]:
    """Return one finding's rows: code, what was found (with its criterion), where, what to change.

    A finding that repeats over many sessions continues on further rows, ROW_PLACES places (and
    sentences) each, so no row grows taller than a page (a row that tall would have to split).
    """
    colour = SEVERITY_COLOURS.get(f["severity"])
    rows: list[list[Cell]] = []
    for start in range(0, max(len(f["lines"]), len(f["where"])), ROW_PLACES):
        found: list[list[Run]] = []
        if f["repeated"]:
            found.append([Run(f["heading"] + (":" if not start else " (continued):"), bold=True)])
        found.extend([Run(line)] for line in f["lines"][start:start + ROW_PLACES])
        hints: list[list[Run]] = [[Run(hint)] for hint in f["hints"]] if not start else []
        if not start:
            found.extend([Run(extra, italic=True, points=8, color=_GREY)]
                         for extra in (f["rule"], f["provisional"]) if extra)
        rows.append([[[Run(f["code"], bold=True, color=colour)]], found,
                     [[Run(place)] for place in f["where"][start:start + ROW_PLACES]], hints])
    return rows


def _hours(doc: Writer, tables: _Tables, ctx: dict[str, Any]) -> None:
    areas, hours = ctx["areas"], ctx["hours"]
    if ctx.get("chart_png"):
        doc.image(ctx["chart_png"], _png_height(ctx["chart_png"]), look=ParagraphLook(keep_with_next=True),
                  description=ctx["chart_caption"])
        doc.paragraph("Figure 1: Contact hours offered by curriculum area", "Caption")
    widths = "areas_required" if areas["required"] else "areas"
    tables.add("Curriculum areas: hours offered", areas["headers"], areas["rows"], widths)
    doc.paragraph(f"Areas covered: {areas['covered']}. {areas['note']}")
    tables.add("Hours and points", None, hours["rows"], "hours", key_column=True)
    tables.add("Contact hours per day", hours["day_headers"], hours["days"], "days")
    doc.paragraph("How the totals were reached:", keep_with_next=True)
    for step in hours["steps"]:
        doc.paragraph(step, "List Bullet")


def _png_height(png: bytes) -> int:
    """Return the height in twips a PNG of ``PNG_DPI`` dots per inch prints at (from its IHDR header)."""
    return round(int.from_bytes(png[20:24], "big") / PNG_DPI * 1440)


def _session_cells(row: dict[str, Any]) -> list[Cell]:
    """Return a timetable row: the session's note under its title, its findings' codes in bold."""
    cells: list[Cell] = list(row["cells"])
    if row["note"]:
        cells[2] = [[Run(row["cells"][2])], [Run(row["note"], italic=True, points=8, color=_GREY)]]
    if row["flagged"]:
        cells[-1] = [[Run(row["cells"][-1], bold=True, color=SEVERITY_COLOURS["error"])]]
    return cells


def _approval(doc: Writer, tables: _Tables, approval: dict[str, Any]) -> None:
    """Write the approval block, kept together on one page, with room to sign."""
    doc.paragraph(approval["intro"], keep_with_next=True)
    labels = [label for label, _ in approval["rows"]]
    heights = {labels.index("Signature"): SIGNATURE_HEIGHT}
    tables.add("Approval", None, approval["rows"], "approval", key_column=True, heights=heights)


def _properties(doc: Writer, ctx: dict[str, Any]) -> None:
    """Set the document properties Word shows under File > Info, all from the review (no clock)."""
    doc.properties(title=ctx["title"], subject=f"{ctx['subtitle']}: {ctx['verdict_text']}", author=ctx["provider"],
                   last_modified_by="coursereview", keywords=ctx["keywords"], category="Course program review",
                   comments=f"Reference {ctx['reference']}; judged by {ctx['criteria_ref']}")


class _Tables:
    """Add numbered, captioned tables in the review's look (shaded header row, 9 pt)."""

    def __init__(self, doc: Writer) -> None:
        self.doc = doc
        self.count = 0
        self.look = TableLook(doc.style_id("Table Grid"), header_fill="D9E2F3", points=9, spacing=20)

    def add(self, caption: str, headers: Sequence[str] | None, rows: Sequence[Sequence[Cell]], widths: str,
            key_column: bool = False, whole: bool = True, heights: dict[int, int] | None = None) -> None:
        """Add a table; a short one (``whole`` and at most KEEP_WHOLE rows) is kept on one page."""
        self.count += 1
        self.doc.paragraph(f"Table {self.count}: {caption}", "Caption", keep_with_next=True)
        self.doc.table(rows, headers, WIDTHS[widths], self.look, key_column, align=ALIGN.get(widths),
                       keep_together=whole and len(rows) <= KEEP_WHOLE, heights=heights)
        self.doc.paragraph("")  # Word needs a paragraph between adjacent tables
