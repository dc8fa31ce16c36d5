"""Make the blank Word form a clerk fills in: instructions, then provider, program, instructors and sessions tables."""

from __future__ import annotations

from collections.abc import Sequence

from coursereview.criteria import CriteriaSet
from coursereview.criteria.describe import hours_lines, rule_sentence
from coursereview.documents.profile import Profile, load_profile
from coursereview.intake.fields import (
    EXAMPLE_MARK,
    INSTRUCTORS,
    PROGRAM,
    PROVIDER,
    SESSIONS,
    Field,
    display,
    example_text,
)
from coursereview.word.controls import PLACEHOLDER, Choice, Dropdown
from coursereview.word.markup import EMPTY, Banner, Cell, Run, TableLook
from coursereview.word.writer import Writer
from coursereview.wording import number

SESSION_ROWS = 60
INSTRUCTOR_ROWS = 12
PORTRAIT_MARGINS = 0.75  # inches on every side: 7 inches of text across a US Letter page
LANDSCAPE_MARGINS = (0.5, 0.6)  # sides, top and bottom: 10 inches across the page turned
FONT_POINTS = 10
TABLE_POINTS = 9

_HEADER_FILL = "D9E2F3"  # the header rows, light blue
_EXAMPLE_FILL = "EDEDED"  # the note above an example row, light grey
_GREY = "767676"  # example text; dark enough to read, light enough to tell from a real entry
_HELP_GREY = "595959"
_ROW_HEIGHT = 432  # twips (0.3 inch): room to write in a blank row
_PADDING = 72  # twips inside each cell, left and right (Word's own is 108): room for eleven columns

# Column widths in twips, sized to what each column holds at TABLE_POINTS in Carlito/Calibri: the
# longest header word, "12/31/2027", "10:00 AM", "Intermediate"; the rest goes to the text columns.
_SESSION_WIDTHS = {"date": 1220, "start": 1060, "end": 1200, "kind": 1120, "title": 1790, "area": 1700,
                   "level": 1160, "instructors": 1340, "track": 760, "description": 1525, "objectives": 1525}
_INSTRUCTOR_WIDTHS = {"id": 1200, "name": 2500, "position": 2800, "qualifications": 3580}
_LABEL_WIDTH = 4200  # the label column of the provider and program tables

# What a column header says under its label, small and grey (allowed values are in the instructions).
_HEADER_HINTS = {"ids": "names or IDs", "lines": "one per line"}
_KEY_HINTS = {"track": "if parallel"}
_LABEL_HINTS = {"date": "month/day/year", "names": "one per line", "part": "1, 2 or 3"}


def build_form(criteria: CriteriaSet, kind: str, criteria_ref: str | None = None,
               profile: Profile | None = None) -> bytes:
    """Return the blank form for a ``kind`` program judged by ``criteria``, as .docx bytes.

    ``profile`` names who receives the form (default: the shipped profile, IIMC's Education Department).
    """
    profile = profile or load_profile(None)
    doc = Writer(font_points=FONT_POINTS)
    doc.margins(PORTRAIT_MARGINS, PORTRAIT_MARGINS)
    look = TableLook(doc.style_id("Table Grid"), _HEADER_FILL, TABLE_POINTS, padding=_PADDING)
    doc.properties(title=f"{profile.short_name} program submission form", author=profile.name,
                   last_modified_by=profile.name)
    doc.page_numbers()
    doc.heading("Program Submission Form", 0)
    doc.paragraph(f"For an {profile.short_name} {kind} program, reviewed under {criteria.title} ({criteria.ref}).")
    _instructions(doc, criteria, profile, look)

    doc.page_break()
    doc.heading("Provider", 1)
    _field_table(doc, "Provider", PROVIDER, {}, look)
    doc.page_break()
    doc.heading("Program", 1)
    _field_table(doc, "Program", PROGRAM, {"kind": kind, "criteria": criteria_ref or ""}, look)

    doc.page_break()
    doc.heading("Instructors", 1)
    doc.paragraph("One row per instructor, with designations after the name (Karen Olson, MMC). The ID may stay "
                  "empty: the Sessions table can name instructors by name. A short ID such as jdoe is fine too.")
    blank = [EMPTY] * len(INSTRUCTORS)
    doc.table([*_example(INSTRUCTORS, {}), *[blank] * INSTRUCTOR_ROWS], _headers(INSTRUCTORS),
              [_INSTRUCTOR_WIDTHS[f.key] for f in INSTRUCTORS], look, min_height=_ROW_HEIGHT)

    doc.landscape_section()
    doc.margins(*LANDSCAPE_MARGINS)
    doc.heading("Sessions", 1)
    doc.paragraph("One row per session, break or meal, in the order they happen. Where a cell says "
                  f"{PLACEHOLDER}, pick from its list.")
    titles = {a.id: a.title for a in criteria.areas}
    controls = _session_controls(criteria)
    row = [controls.get(f.key, EMPTY) for f in SESSIONS]
    doc.table([*_example(SESSIONS, titles), *[row] * SESSION_ROWS], _headers(SESSIONS),
              [_SESSION_WIDTHS[f.key] for f in SESSIONS], look, min_height=_ROW_HEIGHT)
    return doc.save()


def _instructions(doc: Writer, criteria: CriteriaSet, profile: Profile, look: TableLook) -> None:
    doc.heading("How to fill in this form", 1)
    for line in (
        "Fill in the Provider and Program tables: type each answer in the right-hand column. The grey words "
        "under each label say what is wanted.",
        "List every instructor in the Instructors table, one per row. The ID column may stay empty.",
        "List every session in the Sessions table, one row each, in the order they happen. Breaks and lunch "
        "belong in the table too.",
        f"Where a cell says {PLACEHOLDER}, click it and pick from the list. If the list does not open, type "
        "one of the words given below instead.",
        "Write dates as month/day/year (US order), for example 7/12/2027. July 12, 2027 is fine too.",
        "Write times with AM or PM, for example 8:30 AM or 1:15 PM. A 24-hour time such as 13:15 is fine too.",
        f"The grey row under \u201c{EXAMPLE_MARK}\u201d shows how a row is filled in. Type your own first row "
        "over it, or leave it as it is: while it is unchanged it is not read as part of your program.",
        "Need more rows? Click in the last row and press Tab at its end, or right-click and choose Insert, "
        "then Rows Below. Empty rows are ignored.",
        "Keep the top row of each table and the labels in the left column of the Provider and Program tables "
        "as they are: they tell which answer is which.",
    ):
        doc.paragraph(line, "List Number")

    doc.heading("What to pick or write in the Sessions table", 2)
    counted = " or ".join(k.capitalize() for k, v in criteria.counts.items() if v)
    idle = ", ".join(k.capitalize() for k, v in criteria.counts.items() if not v)
    for line in (
        f"Kind: Instruction (a taught session; an empty Kind means Instruction) or Exam. {counted} count as "
        f"contact hours; {idle} count none.",
        "Level: Basic, Intermediate or Advanced (MMC credit needs Intermediate or Advanced).",
        "Area: the curriculum area the session counts toward, from the list below. Typing its title or "
        "its ID works too.",
        "Instructors: who presents, by name as in the Instructors table (or by ID); several joined by "
        "\"and\" or \";\", such as Linda Chen and Karen Olson.",
        "Track: only for sessions that run at the same time as others (breakouts): give each strand a letter "
        "such as A or B. Leave it empty otherwise.",
        "Objectives: what participants will be able to do, one per line.",
        "Date: it is enough to write the date on a day's first row; the rows below it that leave Date empty "
        "belong to the same day. A row merged across the whole table, such as Monday, July 12, 2027, is a "
        "day heading that works the same way.",
    ):
        doc.paragraph(line, "List Bullet")

    doc.heading("What happens next", 2)
    where = f" at {profile.email}" if profile.email else ""
    doc.paragraph(f"Save the form as a Word document (.docx) and send it to the {profile.short_name} "
                  f"{profile.department}{where}. It is checked against the requirements below; you will "
                  "hear back either that the program is approved, with its points, or what is still needed. "
                  "Notes about the form name the table, the row (counted from the first row under the grey "
                  "example) and the column.")
    doc.runs([Run("For technical users: ", italic=True, color=_HELP_GREY),
              Run("coursereview validate form.docx checks a filled form; coursereview import form.docx "
                  "-o program.yaml turns it into YAML.", italic=True, color=_HELP_GREY)])

    doc.page_break()
    doc.heading(f"Curriculum areas ({criteria.ref})", 1)
    header: list[Cell] = ["Curriculum area", "ID", "Typical topics"]
    minimums = any(a.min_hours for a in criteria.areas)  # a column of dashes says nothing
    rows: list[Sequence[Cell]] = [
        [a.title, a.id, ", ".join(a.topics), *([number(a.min_hours) if a.min_hours else "—"] if minimums else [])]
        for a in criteria.areas]
    widths = [3200, 1500, 5380]
    if minimums:
        header.append("Minimum hours")
        widths = [3000, 1500, 4180, 1400]
    doc.table(rows, header, widths, look)
    doc.heading("What the program needs", 1)
    counting = hours_lines(criteria)
    p = criteria.points
    points = (f"A participant earns 1 point per {number(p.hours_per_point)} contact hours, in steps of "
              f"{number(p.unit)} point rounded down, as {p.category}.")
    for line in [counting[0], points, *counting[2:], *(rule_sentence(r) for r in criteria.rules.values())]:
        doc.paragraph(line, "List Bullet")


def _headers(fields: Sequence[Field]) -> list[Cell]:
    """Return the header cells of a column table: each label, and under it how to write the value."""
    out: list[Cell] = []
    for f in fields:
        hint = _KEY_HINTS.get(f.key) or _HEADER_HINTS.get(f.kind)
        if f.kind in ("date", "time"):
            hint = f"e.g. {f.example}"
        label: list[Sequence[Run]] = [[Run(f.label)]]
        if hint:
            label.append([Run(f"({hint})", bold=False, points=TABLE_POINTS - 1, color=_HELP_GREY)])
        out.append(label)
    return out


def _example(fields: Sequence[Field], area_titles: dict[str, str]) -> list[Sequence[Cell] | Banner]:
    """Return the note and the greyed example row that open a column table (left out on import while unchanged)."""
    note = Banner([[Run(f"{EXAMPLE_MARK}. ", bold=True, color=_HELP_GREY),
                    Run("The grey row below shows how a row is filled in; it is not read while it is unchanged.",
                        italic=True, color=_HELP_GREY)]], _EXAMPLE_FILL)
    cells: list[Cell] = []
    for f in fields:
        text = example_text(f, area_titles)
        cells.append([[Run(text, italic=True, color=_GREY)]] if text else EMPTY)
    return [note, cells]


def _choices(values: Sequence[str]) -> list[Choice]:
    return [Choice(v, display(v)) for v in values]


def _session_controls(criteria: CriteriaSet) -> dict[str, Dropdown]:
    """Return the dropdown of each session column that has one: kind, area (by title) and level."""
    out = {f.key: Dropdown(_choices(f.choices), f.label) for f in SESSIONS if f.choices}
    out["area"] = Dropdown([Choice(a.id, a.title) for a in criteria.areas], "Area")
    return out


def _field_table(doc: Writer, title: str, fields: tuple[Field, ...], prefilled: dict[str, str],
                 look: TableLook) -> None:
    """Add a two-column table: each field's label and help, then room for the answer (a dropdown for choices)."""
    rows: list[Sequence[Cell]] = []
    for f in fields:
        notes = [n for n in (f.need if f.need != "optional" else "", _LABEL_HINTS.get(f.kind, "")) if n]
        label = [Run(f.label, bold=True), *([Run(f" ({'; '.join(notes)})")] if notes else [])]
        help_text = f"{f.help}; for example {f.example}" if f.example else f.help
        value = prefilled.get(f.key) or None
        answer: Cell = Dropdown(_choices(f.choices), f.label, value) if f.choices else value or EMPTY
        rows.append([[label, [Run(help_text, italic=True, points=TABLE_POINTS - 1, color=_HELP_GREY)]],
                     answer])
    doc.table(rows, [title, "Your answer"], [_LABEL_WIDTH, doc.text_width - _LABEL_WIDTH], look)
