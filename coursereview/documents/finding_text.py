"""How findings read in a document: sentences, the place a reader finds each one, repeats of one code as one entry."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from coursereview.criteria.describe import rule_sentence
from coursereview.findings import CATALOG, Finding
from coursereview.location import format_path
from coursereview.review import Review
from coursereview.schema.model import Submission
from coursereview.vocabulary import SEVERITIES

DateText = Callable[[dt.date], str]  # a profile's date style: Profile.date

PROVISIONAL = "Provisional rule: our own reading, until IIMC's text is at hand."
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")

# How the fields of a submission are called in sentences (the Word form's labels say the same).
_FIELDS = {
    "title": "title", "kind": "kind", "part": "part", "criteria": "criteria set", "start": "start",
    "end": "end", "location": "location", "delivery": "delivery", "assessment": "learning assessment",
    "attendance": "attendance", "makeup": "make-up policy", "certificate": "certificate", "name": "name",
    "institution": "sponsoring institution", "director": "director", "email": "e-mail", "phone": "telephone",
    "association": "association", "recognized": "IIMC recognition", "coordinator": "program coordinator",
    "time_to_graduate": "time to graduate", "date": "date", "area": "curriculum area",
    "instructors": "instructors", "level": "level", "description": "description", "objectives": "objectives",
    "track": "track", "id": "id", "position": "position", "qualifications": "qualifications",
}
_SESSION_FIELDS = {"start": "start time", "end": "end time"}
_SECTIONS = {"program": "Program details", "provider": "Provider details", "instructors": "Instructors",
             "sessions": "Timetable", "schema": "The submission as a whole"}


@dataclass(frozen=True)
class Entry:
    """One finding as a document lists it, or every finding of one code when it repeats."""

    code: str
    severity: str
    title: str  # the catalog's title of the code, e.g. "Session level missing"
    heading: str  # the title, with how often it occurs when it repeats
    sentences: tuple[str, ...]  # each finding's message, as a sentence
    places: tuple[str, ...]  # where each one is, in the same order (lines parted by "\n")
    spots: tuple[str, ...]  # where each one is, in a few words for a sentence
    hints: tuple[str, ...]  # what to change, as sentences (repeats said once)
    rule: str  # the criterion, as the sentence the criteria document uses; "" for data integrity
    provisional: bool
    sessions: tuple[int, ...]  # the session indexes concerned


def sentence(text: str, date: DateText) -> str:
    """Return ``text`` as a sentence: first letter capital, a full stop at the end, dates in ``date``'s style."""
    text = _ISO_DATE.sub(lambda m: _date_text(m, date), text.strip())
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _date_text(match: re.Match[str], date: DateText) -> str:
    try:
        return date(dt.date(int(match[1]), int(match[2]), int(match[3])))
    except ValueError:
        return match[0]


def day_text(day: dt.date | None, date: DateText) -> str:
    """Return a day as headings and places write it: "Monday, May 17, 2027" (weekday, then ``date``'s style)."""
    return f"{day:%A}, {date(day)}" if day else "undated"


def session_index(finding: Finding) -> int | None:
    """Return the index of the session a finding is about, or None."""
    path = finding.path
    if len(path) >= 2 and path[0] == "sessions" and isinstance(path[1], int):
        return path[1]
    return None


def place(finding: Finding, submission: Submission, date: DateText) -> str:
    """Return where a reader finds what ``finding`` is about, in words, one line per part.

    A session is named by number (from 1) and title, then its day; an instructor by name; a field
    by what it is called. A Word form adds its table, row and column, a text file its line: never a path.
    """
    lines = list(_place_lines(finding.path, submission, date))
    loc = finding.location
    if loc is not None and loc.where and submission.sources.style == "form":
        lines.append(loc.where[0].upper() + loc.where[1:])
    elif loc is not None and loc.line is not None and finding.path:
        lines.append(f"Line {loc.line}")
    return "\n".join(lines)


def short_place(finding: Finding, submission: Submission, date: DateText) -> str:
    """Return where ``finding`` is in a few words, for a sentence: "Session 5, Thursday, October 14, 2027"."""
    index = session_index(finding)
    if index is not None and 0 <= index < len(submission.sessions):
        day = submission.sessions[index].date
        return f"Session {index + 1}, {day_text(day, date)}" if day else f"Session {index + 1}"
    return _place_lines(finding.path, submission, date)[0]


def _place_lines(path: tuple, submission: Submission, date: DateText) -> tuple[str, ...]:
    if not path:
        return (_SECTIONS["schema"],)
    head, rest = path[0], path[1:]
    if head == "sessions" and rest and isinstance(rest[0], int):
        index = rest[0]
        lines = [f"Session {index + 1}"]
        field = next((p for p in rest[1:] if isinstance(p, str)), None)
        words = _SESSION_FIELDS.get(field, _FIELDS.get(field, field)) if field else ""
        if 0 <= index < len(submission.sessions):
            session = submission.sessions[index]
            lines[0] += f": {session.label}"
            if session.date:
                lines.append(day_text(session.date, date))
        if words:
            lines.append(f"{lines.pop()}, {words}" if len(lines) > 1 else words.capitalize())
        return tuple(lines)
    if head == "instructors" and rest and isinstance(rest[0], int):
        index = rest[0]
        people = submission.instructors
        who = (people[index].name or people[index].id) if 0 <= index < len(people) else None
        return (f"Instructor {who}" if who else f"Instructor {index + 1}",)
    section = _SECTIONS.get(head, str(head))
    fields = [_FIELDS.get(p, str(p)) for p in rest if isinstance(p, str)]
    if not fields:
        return (section if head in _SECTIONS else format_path(path),)
    owned = fields[0] if len(fields) == 1 else f"{fields[0]}'s {' '.join(fields[1:])}"
    return (f"{section}: {owned}",)


def entries(review: Review, date: DateText) -> list[Entry]:
    """Return the review's findings as a document lists them: errors, then warnings, then notes.

    Findings of one code and severity become one entry (in the order the check found them), so six
    sessions off the scheduling grid are one finding listing six sessions, not six rows.
    """
    grouped: dict[tuple[str, str], list[Finding]] = {}
    for f in review.findings:
        grouped.setdefault((f.severity, f.code), []).append(f)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    keys = sorted(grouped, key=lambda k: order.get(k[0], len(order)))  # stable: first found first
    return [_entry(grouped[key], review, date) for key in keys]


def _entry(members: list[Finding], review: Review, date: DateText) -> Entry:
    first = members[0]
    kind = CATALOG.get(first.code)
    title = kind.title if kind else first.name
    sessions = tuple(i for f in members if (i := session_index(f)) is not None)
    if len(members) == 1:
        heading = title
    elif len(sessions) == len(members):
        heading = f"{title}, in {len(members)} sessions"
    else:
        heading = f"{title}, {len(members)} times"
    rule = ""
    if kind and kind.rule and kind.rule in review.criteria.rules:
        rule = rule_sentence(review.criteria.rules[kind.rule])
    hints = tuple(dict.fromkeys(sentence(f.hint, date) for f in members if f.hint))
    return Entry(
        code=first.code, severity=first.severity, title=title, heading=heading,
        sentences=tuple(sentence(f.message, date) for f in members),
        places=tuple(place(f, review.submission, date) for f in members),
        spots=tuple(short_place(f, review.submission, date) for f in members),
        hints=hints, rule=rule, provisional=any(f.provisional for f in members), sessions=sessions,
    )


def summary_sentence(entry: Entry) -> str:
    """Return one entry as page 1 of the review says it: what is wrong and where, in one sentence."""
    if len(entry.sentences) == 1:
        return f"{entry.sentences[0][:-1]} ({entry.spots[0]})."
    shown = "; ".join(entry.spots[:3]) + (f"; and {len(entry.spots) - 3} more" if len(entry.spots) > 3 else "")
    return f"{entry.heading}: {shown}."
