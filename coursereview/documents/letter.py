"""The decision letter to a provider, a US business letter: approved with the points earned, or returned with a list.

Letterhead, date, inside address, salutation, Re: line, body, closing, signature space, name and
title. A returned letter numbers what is still required in plain words, each with where it is
(the session and its day, or the Word form's table, row and column) and how to put it right.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from coursereview.documents.letterhead import letterhead
from coursereview.documents.plain import Required, plain_items
from coursereview.documents.profile import Profile, load_profile
from coursereview.documents.reference import review_reference
from coursereview.errors import CourseReviewError
from coursereview.review import Decision, Review
from coursereview.tally import fmt
from coursereview.word.markup import ParagraphLook, Run
from coursereview.word.package import DEFAULT_STAMP

if TYPE_CHECKING:
    from coursereview.word.writer import Writer

__all__ = ["LetterError", "Required", "build_letter", "inside_address", "letter_kind", "notes_items",
           "required_items", "salutation"]

DRAFT_MARK = "DRAFT: no decision recorded, not for sending"
_COURTESY = {"mr": "Mr.", "mrs": "Mrs.", "ms": "Ms.", "miss": "Miss", "mx": "Mx.", "dr": "Dr.", "prof": "Professor",
             "professor": "Professor"}
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
_RED = "C00000"  # the draft mark: 5.9:1 on white, and the word DRAFT says it without the colour
_BODY = ParagraphLook(after=8)
_ADDRESS = ParagraphLook(before=0, after=0)
_LAST = ParagraphLook(after=8, keep_with_next=True, keep_together=True)  # the closing never stands alone on a page


class LetterError(CourseReviewError):
    """A letter cannot be written: no decision is recorded and no draft was asked for."""


def letter_kind(review: Review, decision: Decision | None = None) -> str:
    """Return 'approved' or 'returned': the recorded decision decides, else (a draft) the tool's verdict."""
    if decision is not None:
        return decision.decision
    return "returned" if review.verdict == "not-approvable" else "approved"


def required_items(review: Review, profile: Profile | None = None) -> list[Required]:
    """Return what is still required: the check's errors in plain words, one item per distinct request.

    The same request in several places (a description missing from five sessions) is one item
    naming every place.
    """
    return _grouped(plain_items(review, review.errors, profile or load_profile()))


def notes_items(review: Review, profile: Profile | None = None) -> list[Required]:
    """Return the check's warnings in plain words, grouped as ``required_items`` groups (for an approval)."""
    return _grouped(plain_items(review, review.warnings, profile or load_profile()))


def build_letter(review: Review, decision: Decision | None = None, stamp: dt.datetime = DEFAULT_STAMP, *,
                 profile: Profile | None = None, draft: bool = False) -> bytes:
    """Return the letter on ``review`` as docx bytes (same input and stamp -> same bytes).

    ``decision`` is IIMC's recorded decision; without one only a ``draft`` can be written (marked
    DRAFT on every page, following the tool's verdict). ``profile`` is the issuing organisation
    (default: the shipped IIMC Education Department).
    """
    if decision is None and not draft:
        raise LetterError("a letter needs a recorded decision; record one first, or ask for a draft")
    from coursereview.word.writer import Writer  # imported here: it loads python-docx, which is slow to import

    profile = profile or load_profile()
    kind = letter_kind(review, decision)
    doc = Writer()
    doc.margins(1.0, 0.75)
    doc.line_spacing(1.05)
    reference = review_reference(review)
    dated = profile.date(decision.decided_at.astimezone(dt.UTC).date()) if decision is not None else ""
    _running_heads(doc, review, dated, reference, draft)
    letterhead(doc, profile)
    doc.block([Run(dated or "[date of the decision]")], ParagraphLook(before=18, after=12))
    for line in inside_address(review):
        doc.block([Run(line)], _ADDRESS)
    doc.block([Run(salutation(review.submission.provider.director.name))], ParagraphLook(before=12, after=8))
    _re_line(doc, review, profile, reference)
    if kind == "approved":
        _approved(doc, review, decision, profile)
    else:
        _returned(doc, review, decision, profile, reference)
    _closing(doc, profile)
    title = "Program approval" if kind == "approved" else "Program review: status update"
    doc.properties(author=profile.name, last_modified_by=profile.name, title=f"{title}, {reference}",
                   subject=review.submission.program.title or "", comments="", keywords=reference,
                   category="DRAFT" if draft else "letter")
    return doc.save(stamp)


def inside_address(review: Review) -> list[str]:
    """Return the inside address: the director, the provider, its institution and sponsoring association(s)."""
    provider = review.submission.provider
    lines = [provider.director.name or "The Program Director", provider.name, provider.institution,
             *provider.association]
    return [line for line in dict.fromkeys(x.strip() for x in lines if x and x.strip())]


def salutation(name: str | None) -> str:
    """Return the salutation: "Dear Ms. Whitaker:" when a courtesy title is known, else "Dear Dana Whitaker:"."""
    if not name or not name.strip():
        return "Dear Program Director:"
    plain = name.split(",")[0].strip()  # "Dana Whitaker, MMC" -> "Dana Whitaker"
    words = plain.split()
    title = _COURTESY.get(words[0].lower().rstrip(".")) if words else None
    if title is None or len(words) < 2:
        return f"Dear {plain}:"
    rest = words[1:]
    surname = rest[-2:] if len(rest) > 1 and rest[-1].lower().rstrip(".") in _SUFFIXES else rest[-1:]
    return f"Dear {title} {' '.join(surname)}:"


def _running_heads(doc: Writer, review: Review, dated: str, reference: str, draft: bool) -> None:
    """Put the continuation heads on pages 2 on (addressee, date, page N of M); the first page has the letterhead."""
    doc.first_page_apart()
    mark = [Run(DRAFT_MARK, bold=True, color=_RED, points=12)]
    if draft:
        doc.running_line(mark, first_page=True)
    addressee = review.submission.provider.director.name or review.submission.provider.name or ""
    heads = [x for x in (addressee, dated, f"Reference {reference}") if x]
    continuation = [Run("   ".join(heads), points=9)]
    doc.running_line([*mark, Run("   ")] + continuation if draft else continuation)
    doc.running_line(footer=True, page_numbers=True)


def _re_line(doc: Writer, review: Review, profile: Profile, reference: str) -> None:
    program = review.submission.program
    parts = [program.title or review.submission.file]
    if program.part and "part" not in parts[0].lower() and "year" not in parts[0].lower():
        parts.append(f"Part {program.part}")
    if program.start and program.end:
        parts.append(_dates(program.start, program.end, profile))
    doc.block([Run("Re: ", bold=True), Run(", ".join(parts), bold=True)], ParagraphLook(after=0, keep_with_next=True))
    doc.block([Run(f"Reference {reference}")], ParagraphLook(after=8, indent=21))


def _dates(start: dt.date, end: dt.date, profile: Profile) -> str:
    if start == end:
        return profile.date(start)
    return f"{profile.date(start)} to {profile.date(end)}"


def _approved(doc: Writer, review: Review, decision: Decision | None, profile: Profile) -> None:
    t, program = review.tally, review.submission.program
    title = program.title or "your program"
    doc.block([Run(f"Thank you for submitting {title} for review. I am pleased to tell you that "
                   f"{profile.short_name} has approved the program. A participant who attends the whole program "
                   f"earns {fmt(t.points)} points ({fmt(t.contact_hours)} contact hours) as {t.category}.")], _BODY)
    _points_table(doc, review)
    note = (decision.note or "").strip() if decision is not None else ""
    if note:
        judged = decision is not None and decision.override
        lead = "The program is approved on our reviewer's judgement" if judged else "The reviewer adds"
        doc.block([Run(f"{lead}: {note}")], _BODY)
    notes = notes_items(review, profile)
    if notes:
        doc.block([Run("For your next submission, please also note the following.")],
                  ParagraphLook(after=6, keep_with_next=True))
        for item in notes:
            _item(doc, item, "List Bullet")
    doc.block([Run(f"Please quote reference {review_reference(review)} in any correspondence about this program. "
                   + _contact(profile))], _LAST)


def _points_table(doc: Writer, review: Review) -> None:
    from coursereview.word.markup import TableLook

    t, program = review.tally, review.submission.program
    width = doc.text_width
    widths = [width * 22 // 100, width * 18 // 100, width * 14 // 100]
    widths.append(width - sum(widths))
    look = TableLook(style_id=doc.style_id("Table Grid"), header_fill="D9D9D9", spacing=40)
    doc.table([(f"Part {program.part}" if program.part else "Whole program", fmt(t.contact_hours), fmt(t.points),
                t.category)], header=("Program", "Contact hours", "Points", "Category"), widths=widths, look=look)
    doc.block([], ParagraphLook(before=0, after=4))


def _returned(doc: Writer, review: Review, decision: Decision | None, profile: Profile, reference: str) -> None:
    items = required_items(review, profile)
    program = review.submission.program
    note = (decision.note or "").strip() if decision is not None else ""
    opening = (f"Thank you for submitting {program.title or 'your program'} for review. We have reviewed it "
               f"against {review.criteria.title} and cannot approve it as submitted.")
    if items:
        count = "one item" if len(items) == 1 else f"{len(items)} items"
        doc.block([Run(f"{opening} The following {count} {'is' if len(items) == 1 else 'are'} still required.")],
                  ParagraphLook(after=8, keep_with_next=True))
        for item in items:
            _item(doc, item, "List Number")
    elif note:
        doc.block([Run(f"{opening} What is still required is set out below.")], _BODY)
    else:  # a return recorded without a note (registers written before a return required one)
        doc.block([Run(f"{opening} Please contact us to learn what is still required.")], _BODY)
    if note:
        doc.block([Run(f"The reviewer adds: {note}")], _BODY)
    doc.block([Run("To resubmit, correct the program and send the complete submission again"
                   + (f" to {profile.email}" if profile.email else "") + f", quoting reference {reference}. "
                   "We will review it again and write to you with our decision.")], ParagraphLook(before=8, after=8))
    doc.block([Run(_contact(profile))], _LAST)


def _item(doc: Writer, item: Required, style: str) -> None:
    runs = [Run(f"{item.where}. ", bold=True), Run(item.what)]
    if item.how:
        runs.append(Run(f" {item.how}"))
    doc.block(runs, ParagraphLook(after=4, keep_together=True), style)


def _contact(profile: Profile) -> str:
    ways = " or ".join(x for x in (profile.email, profile.phone) if x)
    who = f"the {profile.department}" if profile.department else profile.short_name
    return f"If you have any questions, please contact {who}" + (f" at {ways}." if ways else ".")


def _closing(doc: Writer, profile: Profile) -> None:
    """Write the closing, room to sign (four blank lines) and the signatory, as one paragraph that never splits."""
    lines = ["Sincerely,", "", "", "", profile.signatory_name, profile.signatory_title, profile.name]
    doc.block([Run("\n".join(lines))], ParagraphLook(before=4, after=0, keep_together=True))


def _grouped(items: list[Required]) -> list[Required]:
    """Return ``items`` with those asking the same thing in several places merged into one, in first-seen order."""
    groups: dict[tuple[str, str, str], list[Required]] = {}
    for item in items:
        groups.setdefault((item.code, item.what, item.how), []).append(item)
    merged = []
    for (code, what, how), same in groups.items():
        if len(same) == 1:
            merged.append(same[0])
            continue
        wheres = list(dict.fromkeys(i.where for i in same))
        merged.append(Required(_places(wheres), _plural(what), _each(how), code))
    return merged


def _places(wheres: list[str]) -> str:
    """Return several places as one: "Sessions “A”, Monday, ...; “B”, Tuesday, ..." (a shared kind said once)."""
    prefix = "Session "
    if all(w.startswith(prefix) for w in wheres):
        return f"{len(wheres)} sessions: " + "; ".join(w[len(prefix):] for w in wheres)
    return "; ".join(wheres)


def _plural(what: str) -> str:
    """Return a sentence about one session as a sentence about each of them."""
    return re.sub(r"^The session\b", "Each of these sessions", what)


def _each(how: str) -> str:
    """Return advice about one session as advice about each of them."""
    return re.sub(r"\b(the|this) session\b", "each session", how)
