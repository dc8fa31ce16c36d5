"""Make the blank, fillable Word form (instructions, then provider, program, instructors and sessions tables)."""

from __future__ import annotations

from coursereview.criteria import CriteriaSet
from coursereview.criteria.describe import hours_lines, rule_sentence
from coursereview.intake.fields import INSTRUCTORS, PROGRAM, PROVIDER, SESSIONS, Field
from coursereview.word.markup import EMPTY, Cell, Run
from coursereview.word.writer import Writer, cm
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
    doc = Writer(font_points=10)
    doc.properties(title="Course Program Review Template", author="coursereview", last_modified_by="coursereview")
    doc.heading("Course Program Review Template", 0)
    doc.paragraph(f"For an IIMC {kind} program, judged by {criteria.title} ({criteria.ref}).")
    _instructions(doc, criteria)

    doc.page_break()
    doc.heading("Provider", 1)
    _field_table(doc, "Provider", PROVIDER, {})
    doc.heading("Program", 1)
    prefilled = {"kind": kind, "criteria": criteria_ref or ""}
    _field_table(doc, "Program", PROGRAM, prefilled)
    doc.heading("Instructors", 1)
    doc.paragraph("One row per instructor. Add rows if you need more; empty rows are ignored.")
    doc.table([[EMPTY] * len(INSTRUCTORS)] * INSTRUCTOR_ROWS, [column_header(f) for f in INSTRUCTORS],
              [cm(w) for w in (2.5, 4.5, 4.5, 5.5)])

    doc.landscape_section()
    doc.heading("Sessions", 1)
    doc.paragraph("One row per session, break or meal, in time order. Add rows if you need more (the header "
                  "repeats on every page); empty rows are ignored.")
    widths = [cm(w) for w in (2.0, 1.6, 1.6, 2.0, 3.6, 2.2, 2.0, 2.0, 1.2, 4.0, 3.6)]
    doc.table([[EMPTY] * len(SESSIONS)] * SESSION_ROWS, [column_header(f) for f in SESSIONS], widths)
    return doc.save()


def _instructions(doc: Writer, criteria: CriteriaSet) -> None:
    doc.heading("How to fill in this form", 1)
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
        doc.paragraph(line, "List Number")
    doc.heading(f"Curriculum areas of {criteria.ref}", 1)
    rows = [[a.id, a.title, ", ".join(a.topics), number(a.min_hours) if a.min_hours else "-"] for a in criteria.areas]
    doc.table(rows, ["ID", "Title", "Typical topics", "Minimum hours"])
    doc.heading("What the criteria set requires", 1)
    for line in hours_lines(criteria) + [f"{rule_sentence(r)} ({r.basis})" for r in criteria.rules.values()]:
        doc.paragraph(line, "List Bullet")


def _field_table(doc: Writer, title: str, fields: tuple[Field, ...], prefilled: dict[str, str]) -> None:
    """Add a two-column table: each field's label, what it takes and its help, then room for the answer."""
    rows: list[list[Cell]] = []
    for f in fields:
        notes = [n for n in (f.need if f.need != "optional" else "", "/".join(f.choices) or _HINTS.get(f.kind, ""))
                 if n]
        label = f"{f.label} ({'; '.join(notes)})" if notes else f.label
        value = prefilled.get(f.key, "")
        rows.append([[[Run(label)], [Run(f.help, italic=True, points=8, color="595959")]], value or EMPTY])
    doc.table(rows, [title, "Your answer"], [cm(6.5), cm(10)])
