"""The status letter to a provider: approved with the points earned, or returned with what is required."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from coursereview.findings import Finding
from coursereview.location import Location
from coursereview.review import Decision, Review
from coursereview.tally import fmt
from coursereview.word.markup import Run
from coursereview.word.package import DEFAULT_STAMP

if TYPE_CHECKING:
    from coursereview.word.writer import Writer


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
    from coursereview.word.writer import Writer  # imported here: it loads python-docx, which is slow to import

    document = Writer()
    kind = letter_kind(review, decision)
    sub, program, t = review.submission, review.submission.program, review.tally
    title = "Course Program Approval" if kind == "approved" else "Course Program Review: Status Update"
    document.heading(title, 1)
    document.paragraph("International Institute of Municipal Clerks, Education Department")
    if decision is not None:
        document.paragraph(f"Date: {decision.decided_at.astimezone(dt.UTC):%d %B %Y}")
    addressee = [sub.provider.director.name, sub.provider.name, sub.provider.institution]
    document.paragraph("To: " + ", ".join(x for x in addressee if x))
    document.paragraph(f"Program: {_program_line(review)}")
    if kind == "approved":
        _approved(document, review, decision)
    else:
        _returned(document, review, decision)
    document.heading("Criteria", 2)
    crit = review.criteria
    document.paragraph(f"Reviewed against {crit.title} ({crit.id}, version {crit.version}, "
                           f"sha256 {crit.sha256[:12]}).")
    document.paragraph(f"Submission sha256 {sub.sha256[:12]}; {t.total_minutes} contact minutes counted.")
    document.paragraph("Sincerely,")
    document.paragraph(decision.reviewer if decision else "______________________________")
    document.paragraph("IIMC Education Department")
    document.properties(author="coursereview", last_modified_by="coursereview", title=title,
                        subject=program.title or sub.file, comments="")
    return document.save(stamp)


def _approved(document: Writer, review: Review, decision: Decision | None) -> None:
    t, program = review.tally, review.submission.program
    document.paragraph(
        "We are pleased to tell you that IIMC has approved this program. A participant who attends the "
        f"whole program earns {fmt(t.points)} points ({fmt(t.contact_hours)} contact hours) as {t.category}.")
    part = f"Part {program.part}" if program.part else "Program"
    document.table([(part, fmt(t.contact_hours), fmt(t.points), t.category)],
                   header=("Part", "Contact hours", "Points", "Category"))
    if decision is not None and decision.override:
        document.paragraph(f"The reviewer approved the program although the check found {len(review.errors)} "
                               f"open items: {decision.note}")
    elif decision is not None and decision.note:
        document.paragraph(f"Reviewer's note: {decision.note}")
    if review.warnings:
        document.heading("Notes for your next submission", 2)
        for finding in review.warnings:
            item = _required(finding)
            document.paragraph(f"{item.what} Where: {item.where}. {item.how}".rstrip(), "List Bullet")


def _returned(document: Writer, review: Review, decision: Decision | None) -> None:
    items = required_items(review)
    note = (decision.note or "").strip() if decision is not None else ""
    if items:
        ask = (f"The review found {len(items)} item{'s' if len(items) != 1 else ''} still required; please "
               "correct and submit the program again.")
    elif note:
        ask = "Please see the reviewer's note below."
    else:  # a return recorded without a note (registers written before --return required one)
        ask = "Please contact the IIMC Education Department to learn what is still required."
    document.paragraph("Thank you for your submission. IIMC cannot approve the program yet. " + ask)
    if note:
        document.paragraph(f"Reviewer's note: {note}")
    if items:
        document.heading("What is still required", 2)
        for item in items:
            runs = [Run(item.what), Run(f" Where to fix it: {item.where}.")]
            if item.how:
                runs.append(Run(f" What to change: {item.how}"))
            runs.append(Run(f" [{item.code}]"))
            document.runs(runs, "List Number")


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
