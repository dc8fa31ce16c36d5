"""Build the review document as a Word file, byte for byte the same for the same review.

The document uses Word's built-in styles (Title, Heading 1/2, Caption, Table Grid, List Bullet), so
Word's navigation pane and table of contents work. The Word layer (coursereview.word) writes the
tables as rows in one pass, so a long timetable costs no more per row than a short one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from coursereview.word.markup import Run, TableLook
from coursereview.word.writer import Writer

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
_TALL_ROW = 560  # twips: room to sign and date in the approval table


def build_docx(ctx: dict[str, Any], stamp: dt.datetime) -> bytes:
    """Return the review document of ``ctx`` (from review_context) as .docx bytes stamped with ``stamp``."""
    doc = Writer(side_margins_inches=1)
    _properties(doc, ctx)
    doc.page_header(f"{ctx['subtitle']}: {ctx['title']}")
    doc.page_numbers()
    tables = _Tables(doc)

    doc.heading(ctx["title"], 0)
    doc.paragraph(ctx["subtitle"], "Subtitle")
    tables.add("Submission and criteria", None, ctx["details"], "details", key_column=True)

    sections = iter(ctx["sections"])
    doc.heading(next(sections), 1)
    doc.runs([Run(ctx["verdict_text"].upper(), bold=True), Run(" — " + ctx["verdict_sentence"])])
    doc.paragraph(f"{ctx['contact_hours']} contact hours, {ctx['points']} points ({ctx['points_category']}); "
                  f"{ctx['counts_text']}. Judged by {ctx['criteria_ref']} ({ctx['criteria_title']}).")

    doc.heading(next(sections), 1)
    tables.add("Curriculum areas: required and provided contact hours", ctx["area_headers"], ctx["areas"], "areas")

    doc.heading(next(sections), 1)
    hours = ctx["hours"]
    tables.add("Hours and points", None, hours["rows"], "hours", key_column=True)
    tables.add("Contact hours per day", ("Day", "Contact hours"), hours["days"], "days")
    doc.paragraph("How the totals were reached:")
    for step in hours["steps"]:
        doc.paragraph(step, "List Bullet")

    doc.heading(next(sections), 1)
    doc.paragraph("Every session in time order. Breaks, meals and social events are shown and count 0 hours.")
    for day in ctx["days"]:
        doc.heading(day["label"], 2)
        tables.add(f"Timetable, {day['label']}", ctx["timetable_headers"], day["rows"], "timetable")

    doc.heading(next(sections), 1)
    tables.add("Instructors and qualifications", ctx["instructor_headers"], ctx["instructors"], "instructors")

    doc.heading(next(sections), 1)
    if not ctx["finding_groups"]:
        doc.paragraph("The check found nothing to report.")
    for group in ctx["finding_groups"]:
        doc.heading(group["title"], 2)
        rows = [_finding_row(f) for f in group["findings"]]
        tables.add(f"Findings: {group['title']}", FINDING_HEADERS, rows, "findings")

    doc.heading(next(sections), 1)
    approval = ctx["approval"]
    doc.paragraph(f"Recorded decision of the {ctx['issuer']}." if approval["recorded"] else
                  f"For the {ctx['issuer']}: record the decision, then sign and date.")
    tables.add("Approval", None, approval["rows"], "approval", key_column=True, tall=True)

    doc.heading(next(sections), 1)
    doc.paragraph("One row per session: the minutes it is scheduled for and the minutes it adds to the program total.")
    tables.add("Calculation trail", ctx["trail_headers"], ctx["trail"], "trail")
    for step in hours["steps"]:
        doc.paragraph(step, "List Bullet")

    return doc.save(stamp)


def _finding_row(f: dict[str, str]) -> list[str]:
    text = f"{f['message']} ({f['name']})"
    if f["provisional"]:
        text += f" {f['provisional']}"
    text += f"\nCriterion: {f['criterion']}"
    return [f["code"], text, f["location"], f["hint"] or "—"]


def _properties(doc: Writer, ctx: dict[str, Any]) -> None:
    """Set the document properties Word shows under File > Info, all from the review (no clock)."""
    doc.properties(title=ctx["title"], subject=f"{ctx['subtitle']}: {ctx['verdict_text']}", author=ctx["provider"],
                   last_modified_by="coursereview", keywords=ctx["keywords"], category="IIMC course program review",
                   comments=f"Judged by {ctx['criteria_ref']} (sha256 {ctx['criteria_sha256']})")


class _Tables:
    """Add numbered, captioned tables in the review's look (shaded header row, 9 pt)."""

    def __init__(self, doc: Writer) -> None:
        self.doc = doc
        self.count = 0
        self.look = TableLook(doc.style_id("Table Grid"), header_fill="D9E2F3", points=9, spacing=20)

    def add(self, caption: str, headers: tuple[str, ...] | None, rows: list, widths: str,
            key_column: bool = False, tall: bool = False) -> None:
        self.count += 1
        self.doc.paragraph(f"Table {self.count}: {caption}", "Caption", keep_with_next=True)
        self.doc.table(rows, headers, _WIDTHS[widths], self.look, key_column, _TALL_ROW if tall else None)
        self.doc.paragraph("")  # Word needs a paragraph between adjacent tables
