"""Turn a Review (and IIMC's decision, if any) into the plain data every renderer prints.

The docx builder and the jinja2 templates read the same dict, so the Word, HTML and Markdown
documents say exactly the same things in the same order. Every value here is already formatted
for people (strings, or lists of lines), so no renderer formats a number or a date on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import PurePath, PureWindowsPath
from typing import Any

from coursereview.documents.finding_text import PROVISIONAL, Entry, day_text, entries, sentence, summary_sentence
from coursereview.documents.profile import Profile, load_profile
from coursereview.documents.reference import review_reference
from coursereview.review import Decision, Review
from coursereview.schema.model import Session
from coursereview.tally import Tally, TrailLine, fmt

SUBTITLE = "Course Program Review"
# Section headings, in document order (Heading 1 in Word, <h2> in HTML, ## in Markdown).
SECTIONS = (
    "Summary",
    "Program",
    "Findings",
    "Hours and points",
    "Instructors",
    "Timetable",
    "Approval",
    "Appendix: Calculation trail",
    "Appendix: Audit",
)
SEVERITY_TITLES = {"error": "Errors", "warning": "Warnings", "info": "Notes"}
FINDING_HEADERS = ("Code", "Finding", "Where", "What to change")
TIMETABLE_HEADERS = ("No.", "Time", "Session", "Kind", "Area", "Instructors", "Level", "Hours", "Findings")
INSTRUCTOR_HEADERS = ("Instructor", "Position", "Qualifications", "Sessions")
TRAIL_HEADERS = ("No.", "Session", "Day", "Time", "Area", "Scheduled minutes", "Counted minutes", "Note")
DAY_HEADERS = ("Day", "Contact hours")
KEY_FINDINGS = 5  # page 1 lists at most this many findings (errors first)

KIND_WORDS = {"institute": "Institute", "academy": "Academy", "association": "Association program"}
DELIVERY_WORDS = {"in-person": "In person", "online": "Online", "hybrid": "Hybrid (in person and online)"}
SESSION_KIND_WORDS = {"instruction": "Instruction", "exam": "Exam", "break": "Break", "meal": "Meal",
                      "social": "Social event"}
LEVEL_WORDS = {"basic": "Basic", "intermediate": "Intermediate", "advanced": "Advanced"}
_VERDICT_SENTENCES = {
    "approvable": "The program meets every criterion checked.",
    "approvable-with-notes": "The program meets every published criterion; the warnings below should be looked at.",
    "not-approvable": "The program does not meet the criteria: the errors below must be corrected before approval.",
}
DECISION_CHOICES = ("Approved", "Approved with conditions", "Returned")
_NONE = "—"


DateText = Callable[[dt.date], str]  # a profile's date style: Profile.date


def review_context(review: Review, decision: Decision | None = None, profile: Profile | None = None,
                   reviewed: dt.date | None = None) -> dict[str, Any]:
    """Return everything the review document shows, as plain strings, lists and dicts.

    ``profile`` is the organisation issuing it (default: the shipped one); ``reviewed`` is the
    review date the document shows (None: not dated).
    """
    profile = profile or load_profile()
    date = profile.date
    sub, crit, tally = review.submission, review.criteria, review.tally
    program = sub.program
    title = program.title or "Untitled program"
    found = entries(review, profile)
    marks = _session_marks(found)
    reference = review_reference(review)
    titles = {a.id: a.title for a in crit.areas}
    return {
        "title": title,
        "subtitle": SUBTITLE,
        "sections": SECTIONS,
        "reference": reference,
        "profile": profile,
        "issuer": profile.issuer,
        "letterhead": _letterhead(profile),
        "provider": sub.provider.name or _NONE,
        "verdict": review.verdict,
        "verdict_text": review.verdict_text.capitalize(),
        "verdict_sentence": _VERDICT_SENTENCES.get(review.verdict, ""),
        "summary": _summary(review, decision, profile, reviewed, reference),
        "key_findings": _key_findings(found),
        "details": _details(review, date),
        "finding_headers": FINDING_HEADERS,
        "finding_groups": _finding_groups(found),
        "contact_hours": fmt(tally.contact_hours),
        "points": fmt(tally.points),
        "points_category": tally.category,
        "areas": _areas(review),
        "hours": _hours(tally, profile),
        "timetable_headers": TIMETABLE_HEADERS,
        "days": _days(review, marks, profile),
        "instructor_headers": INSTRUCTOR_HEADERS,
        "instructors": _instructors(review),
        "approval": _approval(review, decision, profile),
        "trail_headers": TRAIL_HEADERS,
        "trail": _trail(tally, titles, profile),
        "audit": _audit(review, reference, reviewed, date),
        "keywords": ", ".join(x for x in (profile.short_name, "course program review", program.kind, reference) if x),
        "criteria_ref": crit.ref,
    }


def _text(value: object) -> str:
    return _NONE if value in (None, "", ()) else str(value)


def _words(value: str | None, words: dict[str, str]) -> str:
    """Return a vocabulary code as words ("in-person" -> "In person"); a value outside it as written."""
    return _NONE if not value else words.get(value, value)


def file_name(file: str) -> str:
    """Return the name of ``file`` without any folder: documents never show where a file sat."""
    return PureWindowsPath(PurePath(file).name).name


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def counts_text(review: Review) -> str:
    """Return the finding counts in words: "1 error, 2 warnings, no notes"."""
    c = review.counts
    parts = [_plural(c["error"], "error"), _plural(c["warning"], "warning"), _plural(c["info"], "note")]
    return ", ".join(p.replace("0 ", "no ", 1) if p.startswith("0 ") else p for p in parts)


def _letterhead(profile: Profile) -> dict[str, Any]:
    return {"name": profile.name, "department": profile.department, "lines": profile.contact_lines(),
            "logo": profile.logo, "logo_type": profile.logo_type}


def _dates(review: Review, date: DateText) -> str:
    program = review.submission.program
    if not program.start:
        return _NONE
    if program.end and program.end != program.start:
        return f"{date(program.start)} to {date(program.end)}"
    return date(program.start)


def _kind(review: Review) -> str:
    program = review.submission.program
    kind = _words(program.kind, KIND_WORDS)
    return f"{kind}, part {program.part}" if program.part is not None else kind


def _areas_covered(review: Review) -> str:
    crit, minutes = review.criteria, review.tally.area_minutes
    covered = sum(1 for a in crit.areas if minutes.get(a.id, 0) > 0)
    text = f"{covered} of {len(crit.areas)}"
    rule = crit.rule("areas.min_covered")
    return f"{text} (at least {rule.value} expected)" if rule else text


def _ethics(review: Review) -> str:
    rule = review.criteria.rule("areas.ethics")
    if rule is None:
        return "Not asked for by these criteria"
    if any(f.code == "A004" for f in review.findings):
        return "No session covers ethics"
    words = [str(w).lower() for w in rule.value]
    titles = [s.label for s in review.submission.sessions if s.kind == "instruction" and _mentions(s, words)]
    shown = "; ".join(titles[:2]) + (f" and {len(titles) - 2} more" if len(titles) > 2 else "")
    return f"Yes: {shown}" if titles else "Yes"


def _mentions(session: Session, words: list[str]) -> bool:
    text = " ".join([session.title or "", session.description or "", *session.objectives]).lower()
    return any(w in text for w in words)


def _decision_text(decision: Decision | None, date: DateText) -> str:
    if decision is None:
        return "Not yet recorded"
    word = decision.decision.capitalize()
    text = f"{word} by {decision.reviewer} on {date(decision.decided_at.date())}"
    return text + (" (against the check's verdict)" if decision.override else "")


def _summary(review: Review, decision: Decision | None, profile: Profile, reviewed: dt.date | None,
             reference: str) -> list[tuple[str, str]]:
    """Return page 1's summary box: label and value pairs that answer a reviewer at a glance."""
    tally, crit = review.tally, review.criteria
    return [
        ("Verdict", f"{review.verdict_text.capitalize()}. {_VERDICT_SENTENCES.get(review.verdict, '')}"),
        (f"{profile.short_name} decision", _decision_text(decision, profile.date)),
        ("Provider", _text(review.submission.provider.name)),
        ("Program", f"{_kind(review)}; {_dates(review, profile.date)}"),
        ("Contact hours", fmt(tally.contact_hours)),
        ("Points", f"{fmt(tally.points)} {tally.category}"),
        ("Curriculum areas covered", _areas_covered(review)),
        ("Ethics", _ethics(review)),
        ("Findings", counts_text(review)),
        ("Criteria", f"{crit.title}, version {crit.version}"),
        ("Review date", profile.date(reviewed) if reviewed else "Not dated"),
        ("Reference", reference),
    ]


def _key_findings(found: list[Entry]) -> dict[str, Any]:
    """Return the findings page 1 names: errors first, then warnings, at most KEY_FINDINGS."""
    serious = [e for e in found if e.severity in ("error", "warning")]
    lines = [summary_sentence(e) for e in serious[:KEY_FINDINGS]]
    more = len(serious) - len(lines)
    if not serious:
        note = "The check found nothing to correct." + (" Its notes are listed under Findings." if found else "")
    elif more:
        note = f"{_plural(more, 'more finding')} {'is' if more == 1 else 'are'} listed under Findings."
    else:
        note = "Every finding is listed under Findings, with what to change."
    return {"lines": lines, "note": note}


def _details(review: Review, date: DateText) -> list[tuple[str, str]]:
    """Return the program's particulars: label and value pairs (no file names: those are in the audit)."""
    sub = review.submission
    program, provider = sub.program, sub.provider
    director = provider.director
    contact = ", ".join(x for x in (director.name, director.email, director.phone) if x)
    institute = program.kind == "institute"  # IIMC's institute directory records these of every institute
    directory = [(label, _text(value)) for label, value in (
        ("IIMC recognition", _recognized(provider.recognized, date)), ("Program coordinator", provider.coordinator),
        ("Time to graduate", provider.time_to_graduate)) if institute or value]
    makeup = [("Make-up policy", program.makeup)] if program.makeup else []
    return [
        ("Provider", _text(provider.name)),
        ("Institution", _text(provider.institution)),
        ("Director", _text(contact)),
        ("Association", _text(", ".join(provider.association))),
        *directory,
        ("Program", _text(program.title)),
        ("Kind", _kind(review)),
        ("Dates", _dates(review, date)),
        ("Location", _text(program.location)),
        ("Delivery", _words(program.delivery, DELIVERY_WORDS)),
        ("Learning assessment", _text(program.assessment)),
        ("Attendance", _text(program.attendance)),
        *makeup,
        ("Certificate", _text(program.certificate)),
    ]


def _recognized(value: str | None, date: DateText) -> str | None:
    """Return when IIMC recognised the institute: a year as given, an ISO date in the profile's style."""
    if value and len(value) == 10:
        try:
            return date(dt.date.fromisoformat(value))
        except ValueError:
            pass
    return value


def _finding_groups(found: list[Entry]) -> list[dict[str, Any]]:
    """Return the findings grouped by severity (errors first), each entry with everything a reader needs."""
    groups = []
    for severity, title in SEVERITY_TITLES.items():
        items = [_finding(e) for e in found if e.severity == severity]
        if items:
            groups.append({"severity": severity, "title": f"{title} ({len(items)})", "findings": items})
    return groups


def _finding(e: Entry) -> dict[str, Any]:
    repeated = len(e.sentences) > 1
    return {
        "code": e.code,
        "severity": e.severity,
        "heading": e.heading,
        "repeated": repeated,
        "lines": list(dict.fromkeys(e.sentences)),  # a repeat says each different thing once
        "where": list(e.places),
        "hints": list(e.hints) or [_NONE],
        "rule": f"Criterion: {e.rule}" if e.rule else "",
        "provisional": PROVISIONAL if e.provisional else "",
    }


def _session_marks(found: list[Entry]) -> dict[int, list[str]]:
    """Return, per session index, the codes of the findings about it (for the timetable's Findings column)."""
    marks: dict[int, list[str]] = {}
    for e in found:
        for index in e.sessions:
            codes = marks.setdefault(index, [])
            if e.code not in codes:
                codes.append(e.code)
    return marks


def _areas(review: Review) -> dict[str, Any]:
    """Return the curriculum areas table: hours offered per area, with a Required column only when one is set."""
    tally, crit = review.tally, review.criteria
    required = any(a.min_hours for a in crit.areas)
    headers = ["Area", "Hours offered", *(["Required hours"] if required else []), "Status"]
    rows, offered = [], 0.0
    for area in crit.areas:
        hours = tally.hours(tally.area_minutes.get(area.id, 0))
        offered += hours
        if area.min_hours:
            status = "Meets the minimum" if hours >= area.min_hours else "Below the minimum"
        else:
            status = "Covered" if hours else "Not covered"
        minimum = [fmt(area.min_hours) if area.min_hours else _NONE] if required else []
        rows.append([area.title, fmt(hours), *minimum, status])
    for area_id, minutes in tally.area_minutes.items():
        if crit.area(area_id) is None:
            hours = tally.hours(minutes)
            offered += hours
            rows.append([area_id, fmt(hours), *([_NONE] if required else []), "Not an area of these criteria"])
    note = ("Hours offered count every session in its area, parallel tracks included. The program's "
            f"{fmt(tally.contact_hours)} contact hours count simultaneous sessions once")
    note += (f", so the areas add up to more ({fmt(offered)})." if round(offered, 2) > tally.contact_hours + 0.001
             else ".")
    return {"headers": headers, "rows": rows, "required": required, "note": note,
            "covered": _areas_covered(review)}


def _hours(tally: Tally, profile: Profile) -> dict[str, Any]:
    return {
        "rows": [
            ("Total contact hours", fmt(tally.contact_hours)),
            ("Minutes per contact hour", str(tally.hour_minutes)),
            ("Contact hours per point", fmt(tally.hours_per_point)),
            ("Points a participant earns", f"{fmt(tally.points)} {tally.category}"),
        ],
        "day_headers": DAY_HEADERS,
        "days": [(day_text(day, profile), fmt(tally.hours(m))) for day, m in tally.day_minutes.items()],
        "steps": [sentence(step, profile) for step in tally.steps()],
    }


def _days(review: Review, marks: dict[int, list[str]], profile: Profile) -> list[dict[str, Any]]:
    """Return the timetable day by day, every session (breaks and meals too) in time order."""
    sessions = {s.index: s for s in review.submission.sessions}
    names = {i.id: i.name or i.id for i in review.submission.instructors if i.id}
    tally = review.tally
    titles = {a.id: a.title for a in review.criteria.areas}
    labels = {day: day_text(day, profile) for day in {line.date for line in tally.trail if line.date}}
    days: list[dict[str, Any]] = []
    for line in tally.trail:
        label = labels[line.date] if line.date else "Undated"
        if not days or days[-1]["label"] != label:
            days.append({"label": label, "rows": []})
        days[-1]["rows"].append(_session_row(line, sessions[line.index], names, tally, titles, marks, profile))
    return days


def _session_note(line: TrailLine, profile: Profile) -> str:
    """Return the line under a session's title: its track, and why it counts less than it lasts.

    Breaks and meals need no word: the timetable says once that they count no hours.
    """
    parts = [f"Track {line.track}"] if line.track else []
    if line.note and not line.note.endswith("is not contact time"):
        parts.append(line.note)
    return sentence("; ".join(parts), profile) if parts else ""


def _session_row(line: TrailLine, session: Session, names: dict[str, str], tally: Tally, titles: dict[str, str],
                 marks: dict[int, list[str]], profile: Profile) -> dict[str, Any]:
    instructors = ", ".join(names.get(i, i) for i in session.instructors)
    codes = marks.get(line.index, [])
    return {
        "cells": [str(line.index + 1), f"{line.start}–{line.end}", line.title,
                  _words(line.kind, SESSION_KIND_WORDS), _area_title(line.area, titles),
                  _text(instructors), _words(session.level, LEVEL_WORDS), fmt(tally.hours(line.counted)),
                  ", ".join(codes)],
        "note": _session_note(line, profile),
        "flagged": bool(codes),
    }


def _area_title(area: str | None, titles: dict[str, str]) -> str:
    return _NONE if not area else titles.get(area, area)


def _instructors(review: Review) -> list[list[str]]:
    taught: dict[str, int] = {}
    for s in review.submission.sessions:
        for i in s.instructors:
            taught[i] = taught.get(i, 0) + 1
    return [[_text(i.name or i.id), _text(i.position), _text(i.qualifications), str(taught.get(i.id or "", 0))]
            for i in review.submission.instructors]


def _trail(tally: Tally, titles: dict[str, str], profile: Profile) -> list[list[str]]:
    """Return the calculation trail: one row per session, numbered from 1 as in the timetable."""
    days = {day: profile.date(day) for day in {line.date for line in tally.trail if line.date}}
    return [[str(line.index + 1), f"{line.title} (track {line.track})" if line.track else line.title,
             days[line.date] if line.date else "undated", f"{line.start}–{line.end}", _area_title(line.area, titles),
             str(line.scheduled), str(line.counted), sentence(line.note, profile) if line.note else ""]
            for line in tally.trail]


def _approval(review: Review, decision: Decision | None, profile: Profile) -> dict[str, Any]:
    """Return the approval block: the recorded decision, or blanks to tick, fill in and sign."""
    tally = review.tally
    points = f"{fmt(tally.points)} {tally.category}"
    if decision is None:
        blanks = [
            ("Decision", "   ".join(f"☐ {c}" for c in DECISION_CHOICES)),
            ("Conditions or note", ""),
            ("Points approved", ""),
            ("Name", profile.signatory_name),
            ("Title", profile.signatory_title),
            ("Signature", ""),
            ("Date", ""),
        ]
        return {"recorded": False, "intro": f"For the {profile.issuer}: record the decision, then sign and date.",
                "rows": blanks}
    word = decision.decision.capitalize() + (" (against the check's verdict)" if decision.override else "")
    title = profile.signatory_title if decision.reviewer == profile.signatory_name else ""
    return {"recorded": True, "intro": f"Recorded decision of the {profile.issuer}.", "rows": [
        ("Decision", word),
        ("Conditions or note", decision.note),
        ("Points approved", points if decision.decision == "approved" else "None"),
        ("Name", decision.reviewer),
        ("Title", title),
        ("Signature", ""),
        ("Date", profile.date(decision.decided_at.date())),
    ]}


def _audit(review: Review, reference: str, reviewed: dt.date | None, date: DateText) -> list[tuple[str, str]]:
    """Return what identifies exactly what was checked, by what: file name, hashes, criteria stamp."""
    sub, crit = review.submission, review.criteria
    return [
        ("Reference", reference),
        ("Submission file", file_name(sub.file)),
        ("Submission SHA-256", sub.sha256),
        ("Criteria set", f"{crit.ref}: {crit.title}"),
        ("Criteria SHA-256", crit.sha256),
        ("Rules applied", str(len(crit.rules))),
        ("Review date", date(reviewed) if reviewed else "Not dated"),
    ]
