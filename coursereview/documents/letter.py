"""The status letter to a provider: approved with the points earned, or returned with what is required."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from coursereview.findings import Finding
from coursereview.location import Location
from coursereview.review import Decision, Review
from coursereview.tally import fmt
from coursereview.word.package import DEFAULT_STAMP, save_reproducible


@dataclass(frozen=True)
class Required:
    """One thing the provider must still do: what, where to fix it, how."""

    what: str
    where: str
    how: str
    code: str


def letter_kind(review: Review, decision: Decision | None = None) -> str:
    """Return 'approved' or 'returned': the recorded decision decides, else the tool's verdict."""
    if decision is not None:
        return decision.decision
    return "returned" if review.verdict == "not-approvable" else "approved"


def required_items(review: Review) -> list[Required]:
    """Return what is still required: one item per error finding of the check, in the review's order."""
    return [_required(f) for f in review.errors]


def build_letter(review: Review, decision: Decision | None = None, stamp: dt.datetime = DEFAULT_STAMP) -> bytes:
    """Return the status letter for ``review`` as docx bytes (same input and stamp -> same bytes)."""
    import docx  # imported here: python-docx is heavy and only letters and docx reviews need it

    document = docx.Document()
    kind = letter_kind(review, decision)
    sub, program, t = review.submission, review.submission.program, review.tally
    title = "Course Program Approval" if kind == "approved" else "Course Program Review: Status Update"
    document.add_heading(title, level=1)
    document.add_paragraph("International Institute of Municipal Clerks, Education Department")
    if decision is not None:
        document.add_paragraph(f"Date: {decision.decided_at.astimezone(dt.UTC):%d %B %Y}")
    addressee = [sub.provider.director.name, sub.provider.name, sub.provider.institution]
    document.add_paragraph("To: " + ", ".join(x for x in addressee if x))
    document.add_paragraph(f"Program: {_program_line(review)}")
    if kind == "approved":
        _approved(document, review, decision)
    else:
        _returned(document, review, decision)
    document.add_heading("Criteria", level=2)
    crit = review.criteria
    document.add_paragraph(f"Reviewed against {crit.title} ({crit.id}, version {crit.version}, "
                           f"sha256 {crit.sha256[:12]}).")
    document.add_paragraph(f"Submission sha256 {sub.sha256[:12]}; {t.total_minutes} contact minutes counted.")
    document.add_paragraph("Sincerely,")
    document.add_paragraph(decision.reviewer if decision else "______________________________")
    document.add_paragraph("IIMC Education Department")
    _core_properties(document, title, program.title or sub.file)
    return save_reproducible(document, stamp)


def _approved(document, review: Review, decision: Decision | None) -> None:
    t, program = review.tally, review.submission.program
    document.add_paragraph(
        "We are pleased to tell you that IIMC has approved this program. A participant who attends the "
        f"whole program earns {fmt(t.points)} points ({fmt(t.contact_hours)} contact hours) as {t.category}.")
    table = document.add_table(rows=2, cols=4)
    table.style = "Table Grid"
    part = f"Part {program.part}" if program.part else "Program"
    for cell, text in zip(table.rows[0].cells, ("Part", "Contact hours", "Points", "Category"), strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, (part, fmt(t.contact_hours), fmt(t.points), t.category),
                          strict=True):
        cell.text = text
    if decision is not None and decision.override:
        document.add_paragraph(f"The reviewer approved the program although the check found {len(review.errors)} "
                               f"open items: {decision.note}")
    elif decision is not None and decision.note:
        document.add_paragraph(f"Reviewer's note: {decision.note}")
    if review.warnings:
        document.add_heading("Notes for your next submission", level=2)
        for finding in review.warnings:
            item = _required(finding)
            document.add_paragraph(f"{item.what} Where: {item.where}. {item.how}".rstrip(), style="List Bullet")


def _returned(document, review: Review, decision: Decision | None) -> None:
    items = required_items(review)
    note = (decision.note or "").strip() if decision is not None else ""
    if items:
        ask = (f"The review found {len(items)} item{'s' if len(items) != 1 else ''} still required; please "
               "correct and submit the program again.")
    elif note:
        ask = "Please see the reviewer's note below."
    else:  # a return recorded without a note (registers written before --return required one)
        ask = "Please contact the IIMC Education Department to learn what is still required."
    document.add_paragraph("Thank you for your submission. IIMC cannot approve the program yet. " + ask)
    if note:
        document.add_paragraph(f"Reviewer's note: {note}")
    if items:
        document.add_heading("What is still required", level=2)
        for item in items:
            paragraph = document.add_paragraph(style="List Number")
            paragraph.add_run(item.what)
            paragraph.add_run(f" Where to fix it: {item.where}.")
            if item.how:
                paragraph.add_run(f" What to change: {item.how}")
            paragraph.add_run(f" [{item.code}]")


def _required(finding: Finding) -> Required:
    where = str(_in_file(finding.location)) if finding.location else ""
    how = finding.hint.strip()
    if how and not how.endswith("."):
        how += "."
    what = finding.message.strip()
    if what and not what.endswith("."):
        what += "."
    return Required(what, where or "the program as a whole", how, finding.code)


def _in_file(location: Location) -> Location:
    """Return ``location`` named by the file's name alone: the reviewer's folders mean nothing to a provider."""
    name = location.file.replace("\\", "/").rsplit("/", 1)[-1]
    return replace(location, file=name or location.file)


def _program_line(review: Review) -> str:
    program = review.submission.program
    parts = [program.title or review.submission.file]
    if program.part and "part" not in parts[0].lower():
        parts.append(f"part {program.part}")
    if program.start and program.end:
        parts.append(f"{program.start.isoformat()} to {program.end.isoformat()}")
    if program.location:
        parts.append(program.location)
    return ", ".join(parts)


def _core_properties(document, title: str, subject: str) -> None:
    props = document.core_properties
    props.author = "coursereview"
    props.last_modified_by = "coursereview"
    props.title = title
    props.subject = subject
    props.comments = ""
