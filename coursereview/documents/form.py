"""Make the blank, fillable Word form (instructions, then provider, program, instructors and sessions tables)."""

from __future__ import annotations

from typing import Any

from coursereview.criteria import CriteriaSet
from coursereview.criteria.describe import hours_lines, rule_sentence
from coursereview.intake.fields import INSTRUCTORS, PROGRAM, PROVIDER, SESSIONS, Field
from coursereview.word.package import save_reproducible
from coursereview.wording import number

SESSION_ROWS = 60
INSTRUCTOR_ROWS = 12
_HINTS = {"date": "month/day/year", "time": "e.g. 8:30 AM", "area": "id or title", "ids": "ids, comma separated",
          "lines": "one per line", "names": "one per line", "part": "1, 2 or 3"}


def column_header(f: Field) -> str:
    """Return a column header: the label, then the allowed values or the way to write it."""
    hint = "/".join(f.choices) if f.choices else _HINTS.get(f.kind, "")
    return f"{f.label} ({hint})" if hint else f.label


def build_form(criteria: CriteriaSet, kind: str, criteria_ref: str | None = None) -> bytes:
    """Return the blank form for a ``kind`` program judged by ``criteria``, as .docx bytes."""
    import docx
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Cm, Pt

    doc = docx.Document()
    doc.styles["Normal"].font.size = Pt(10)
    doc.core_properties.title = "Course Program Review Template"
    doc.add_heading("Course Program Review Template", 0)
    doc.add_paragraph(f"For an IIMC {kind} program, judged by {criteria.title} ({criteria.ref}).")
    _instructions(doc, criteria)

    doc.add_page_break()
    doc.add_heading("Provider", 1)
    _field_table(doc, "Provider", PROVIDER, {})
    doc.add_heading("Program", 1)
    prefilled = {"kind": kind, "criteria": criteria_ref or ""}
    _field_table(doc, "Program", PROGRAM, prefilled)
    doc.add_heading("Instructors", 1)
    doc.add_paragraph("One row per instructor. Add rows if you need more; empty rows are ignored.")
    table_rows(doc, [column_header(f) for f in INSTRUCTORS], [[""] * len(INSTRUCTORS)] * INSTRUCTOR_ROWS,
               widths=[Cm(2.5), Cm(4.5), Cm(4.5), Cm(5.5)])

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    doc.add_heading("Sessions", 1)
    doc.add_paragraph("One row per session, break or meal, in time order. Add rows if you need more (the header "
                      "repeats on every page); empty rows are ignored.")
    widths = [Cm(w) for w in (2.0, 1.6, 1.6, 2.0, 3.6, 2.2, 2.0, 2.0, 1.2, 4.0, 3.6)]
    table_rows(doc, [column_header(f) for f in SESSIONS], [[""] * len(SESSIONS)] * SESSION_ROWS, widths=widths)
    return reproducible_bytes(doc)


def _instructions(doc: Any, criteria: CriteriaSet) -> None:
    doc.add_heading("How to fill in this form", 1)
    for line in (
        "Fill in the Provider and Program tables, then one row per instructor and one row per session. "
        "Leave a cell empty when it does not apply.",
        "Keep the first (header) row of every table and the labels in the first column of the Provider and "
        "Program tables as they are: coursereview finds the tables and columns by them.",
        "Rows may be added to or deleted from the Instructors and Sessions tables; empty rows are ignored. "
        "Cells may be merged: a date merged down a day's rows applies to each of them. A row merged across "
        "the whole table (a day heading such as Monday, July 12, 2027) is not a session; its date applies to "
        "the rows below it that leave Date empty.",
        "Dates: month/day/year (US order), e.g. 7/12/2027, July 12, 2027 or 2027-07-12.",
        "Times: 8:30 AM, 1:00 PM or 13:00 (24-hour clock).",
        "Kind: instruction (the default when empty) or exam count as contact hours; break, meal and social "
        "count none. Lunch and breaks still belong in the table.",
        "Level: basic, intermediate or advanced (MMC credit needs intermediate or advanced).",
        "Area: the id or the title of a curriculum area listed below.",
        "Instructors: the ids (or names) from the Instructors table, separated by commas. "
        "Objectives: one per line.",
        "Check the form before you send it: coursereview validate form.docx. Messages name the table, the row "
        "(counted from the first row under the header) and the column. To get a YAML file: "
        "coursereview import form.docx -o submission.yaml.",
    ):
        doc.add_paragraph(line, style="List Number")
    doc.add_heading(f"Curriculum areas of {criteria.ref}", 1)
    rows = [[a.id, a.title, ", ".join(a.topics), number(a.min_hours) if a.min_hours else "-"] for a in criteria.areas]
    table_rows(doc, ["ID", "Title", "Typical topics", "Minimum hours"], rows)
    doc.add_heading("What the criteria set requires", 1)
    for line in hours_lines(criteria) + [f"{rule_sentence(r)} ({r.basis})" for r in criteria.rules.values()]:
        doc.add_paragraph(line, style="List Bullet")


def _field_table(doc: Any, title: str, fields: tuple[Field, ...], prefilled: dict[str, str]) -> None:
    from docx.shared import Cm, Pt, RGBColor

    table = doc.add_table(rows=len(fields) + 1, cols=2)
    table.style = "Table Grid"
    _header(table.rows[0], [title, "Your answer"])
    for row, f in zip(table.rows[1:], fields, strict=True):
        label, value = row.cells
        notes = [n for n in (f.need if f.need != "optional" else "", "/".join(f.choices) or _HINTS.get(f.kind, ""))
                 if n]
        label.text = f"{f.label} ({'; '.join(notes)})" if notes else f.label
        run = label.add_paragraph().add_run(f.help)
        run.italic = True
        run.font.size = Pt(8)
        run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
        value.text = prefilled.get(f.key, "")
    for column, width in zip(table.columns, (Cm(6.5), Cm(10)), strict=True):
        column.width = width


def table_rows(doc: Any, header: list[str], rows: list[list[str]], widths: list[Any] | None = None) -> Any:
    """Add a Table Grid table with a bold header row that repeats on every page; return it."""
    table = doc.add_table(rows=len(rows) + 1, cols=len(header))
    table.style = "Table Grid"
    _header(table.rows[0], header)
    for row, values in zip(table.rows[1:], rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            if value:
                cell.text = value
    if widths:
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
    return table


def _header(row: Any, texts: list[str]) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for cell, text in zip(row.cells, texts, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(repeat)


def reproducible_bytes(doc: Any) -> bytes:
    """Return ``doc`` saved as .docx bytes that are the same on every run."""
    props = doc.core_properties
    props.author = props.last_modified_by = "coursereview"
    return save_reproducible(doc)

