"""Turn a Review (and IIMC's decision, if any) into the plain data every renderer prints.

The docx builder and the jinja2 templates read the same dict, so the Word, HTML and Markdown
documents say exactly the same things in the same order. Every value here is already formatted
for people (strings), so no renderer formats a number or a date on its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from coursereview.documents.profile import Profile, load_profile
from coursereview.findings import Finding
from coursereview.review import Decision, Review
from coursereview.schema.model import Session
from coursereview.tally import Tally, TrailLine, fmt

# Section headings, in document order (Heading 1 in Word, <h2> in HTML, ## in Markdown).
SECTIONS = (
    "Verdict",
    "Curriculum areas",
    "Hours and points",
    "Timetable",
    "Instructors and qualifications",
    "Findings",
    "Approval",
    "Appendix: Calculation trail",
)
SEVERITY_TITLES = {"error": "Errors", "warning": "Warnings", "info": "Notes"}
AREA_HEADERS = ("Area", "Required hours", "Provided hours", "Status")
TIMETABLE_HEADERS = ("Time", "Session", "Kind", "Area", "Instructors", "Level", "Contact hours")
INSTRUCTOR_HEADERS = ("Instructor", "Position", "Qualifications", "Sessions")
TRAIL_HEADERS = ("Session", "Date", "Time", "Kind", "Area", "Scheduled min", "Counted min", "Note")
_VERDICT_SENTENCES = {
    "approvable": "The program meets every criterion checked.",
    "approvable-with-notes": "The program meets every published criterion; the notes below should be looked at.",
    "not-approvable": "The program does not meet the criteria: the errors below must be corrected before approval.",
}
_NONE = "—"


def review_context(review: Review, decision: Decision | None = None, profile: Profile | None = None) -> dict[str, Any]:
    """Return everything the review document shows, as plain strings, lists and dicts (issued by ``profile``)."""
    profile = profile or load_profile()
    sub, crit, tally = review.submission, review.criteria, review.tally
    program, provider = sub.program, sub.provider
    counts = review.counts
    title = program.title or "Untitled program"
    return {
        "title": title,
        "subtitle": "Course Program Review",
        "sections": SECTIONS,
        "details": _details(review),
        "provider": provider.name or _NONE,
        "verdict": review.verdict,
        "verdict_text": review.verdict_text.capitalize(),
        "verdict_sentence": _VERDICT_SENTENCES.get(review.verdict, ""),
        "counts": counts,
        "counts_text": review.counts_text,
        "criteria_ref": crit.ref,
        "criteria_title": crit.title,
        "criteria_sha256": crit.sha256,
        "contact_hours": fmt(tally.contact_hours),
        "points": fmt(tally.points),
        "points_category": tally.category,
        "area_headers": AREA_HEADERS,
        "areas": _areas(review),
        "hours": _hours(tally),
        "timetable_headers": TIMETABLE_HEADERS,
        "days": _days(review),
        "instructor_headers": INSTRUCTOR_HEADERS,
        "instructors": _instructors(review),
        "finding_groups": _finding_groups(review.findings),
        "trail_headers": TRAIL_HEADERS,
        "trail": [_trail_row(line) for line in tally.trail],
        "approval": _approval(decision),
        "profile": profile,
        "issuer": profile.issuer,
        "keywords": ", ".join(x for x in ("IIMC", "course program review", program.kind, crit.ref) if x),
    }


def _text(value: object) -> str:
    return _NONE if value in (None, "", ()) else str(value)


def _date(day: dt.date | None) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}" if day else "undated"


def _details(review: Review) -> list[tuple[str, str]]:
    """Return the title block: label and value pairs."""
    sub, crit = review.submission, review.criteria
    program, provider = sub.program, sub.provider
    director = provider.director
    contact = ", ".join(x for x in (director.name, director.email, director.phone) if x)
    dates = _text(program.start.isoformat() if program.start else None)
    if program.end and program.end != program.start:
        dates = f"{dates} to {program.end.isoformat()}"
    kind = _text(program.kind)
    if program.part is not None:
        kind = f"{kind}, part {program.part}"
    institute = program.kind == "institute"  # IIMC's institute directory records these of every institute
    directory = [(label, _text(value)) for label, value in (
        ("IIMC recognition", provider.recognized), ("Program coordinator", provider.coordinator),
        ("Time to graduate", provider.time_to_graduate)) if institute or value]
    makeup = [("Make-up policy", program.makeup)] if program.makeup else []
    return [
        ("Provider", _text(provider.name)),
        ("Institution", _text(provider.institution)),
        ("Director", _text(contact)),
        ("Association", _text(", ".join(provider.association))),
        *directory,
        ("Program", _text(program.title)),
        ("Kind", kind),
        ("Dates", dates),
        ("Location", _text(program.location)),
        ("Delivery", _text(program.delivery)),
        ("Learning assessment", _text(program.assessment)),
        ("Attendance", _text(program.attendance)),
        *makeup,
        ("Certificate", _text(program.certificate)),
        ("Criteria set", f"{crit.ref} — {crit.title}"),
        ("Criteria hash", f"sha256 {crit.sha256}"),
        ("Submission", f"{sub.file} (sha256 {sub.sha256})"),
    ]


def _areas(review: Review) -> list[list[str]]:
    """Return one row per curriculum area: title, required, provided, status."""
    tally, crit = review.tally, review.criteria
    rows = []
    for area in crit.areas:
        minutes = tally.area_minutes.get(area.id, 0)
        hours = tally.hours(minutes)
        if area.min_hours:
            status = "meets minimum" if hours >= area.min_hours else "below minimum"
            required = fmt(area.min_hours)
        else:
            status = "covered" if minutes else "not covered"
            required = _NONE
        rows.append([f"{area.title} ({area.id})", required, fmt(hours), status])
    for area_id, minutes in tally.area_minutes.items():
        if crit.area(area_id) is None:
            rows.append([area_id, _NONE, fmt(tally.hours(minutes)), "not an area of this criteria set"])
    return rows


def _hours(tally: Tally) -> dict[str, Any]:
    return {
        "rows": [
            ("Total contact hours", fmt(tally.contact_hours)),
            ("Minutes per contact hour", str(tally.hour_minutes)),
            ("Contact hours per point", fmt(tally.hours_per_point)),
            ("Points a participant earns", f"{fmt(tally.points)} {tally.category}"),
        ],
        "days": [(_date(day), fmt(tally.hours(m))) for day, m in tally.day_minutes.items()],
        "steps": tally.steps(),
    }


def _days(review: Review) -> list[dict[str, Any]]:
    """Return the timetable day by day, every session (breaks and meals too) in time order."""
    sessions = {s.index: s for s in review.submission.sessions}
    names = {i.id: i.name or i.id for i in review.submission.instructors if i.id}
    tally = review.tally
    days: list[dict[str, Any]] = []
    for line in tally.trail:
        label = _date(line.date)
        if not days or days[-1]["label"] != label:
            days.append({"label": label, "rows": []})
        days[-1]["rows"].append(_session_row(line, sessions[line.index], names, tally))
    return days


def _session_row(line: TrailLine, session: Session, names: dict[str, str], tally: Tally) -> list[str]:
    title = line.title if not line.track else f"{line.title} (track {line.track})"
    instructors = ", ".join(names.get(i, i) for i in session.instructors)
    return [f"{line.start}–{line.end}", title, line.kind, _text(line.area), _text(instructors),
            _text(session.level), fmt(tally.hours(line.counted))]


def _instructors(review: Review) -> list[list[str]]:
    taught: dict[str, int] = {}
    for s in review.submission.sessions:
        for i in s.instructors:
            taught[i] = taught.get(i, 0) + 1
    return [[f"{_text(i.name)} ({_text(i.id)})", _text(i.position), _text(i.qualifications),
             str(taught.get(i.id, 0) if i.id else 0)] for i in review.submission.instructors]


def _finding_groups(findings: tuple[Finding, ...]) -> list[dict[str, Any]]:
    """Return the findings grouped by severity (errors first), each with everything a reader needs."""
    groups = []
    for severity, title in SEVERITY_TITLES.items():
        items = [_finding(f) for f in findings if f.severity == severity]
        if items:
            groups.append({"severity": severity, "title": f"{title} ({len(items)})", "findings": items})
    return groups


def _finding(f: Finding) -> dict[str, str]:
    return {
        "code": f.code,
        "name": f.name,
        "severity": f.severity,
        "message": f.message,
        "location": str(f.location) if f.location else f.path_text or _NONE,
        "path": f.path_text,
        "hint": f.hint,
        "criterion": f.criterion,
        "provisional": "(provisional rule)" if f.provisional else "",
    }


def _trail_row(line: TrailLine) -> list[str]:
    track = f" [track {line.track}]" if line.track else ""
    return [f"sessions[{line.index}] {line.title}{track}", line.date.isoformat() if line.date else "undated",
            f"{line.start}–{line.end}", line.kind, _text(line.area), str(line.scheduled), str(line.counted),
            line.note]


def _approval(decision: Decision | None) -> dict[str, Any]:
    """Return the approval block: the recorded decision, or blanks for IIMC to fill in and sign."""
    if decision is None:
        return {"recorded": False, "rows": [("Decision", "☐ approved   ☐ returned"), ("Reviewer", ""),
                                            ("Date", ""), ("Signature", "")]}
    word = decision.decision + (" (override: the check found it not approvable)" if decision.override else "")
    rows = [("Decision", word), ("Reviewer", decision.reviewer),
            ("Date", decision.decided_at.strftime("%Y-%m-%d %H:%M UTC")), ("Signature", "")]
    if decision.note:
        rows.insert(3, ("Note", decision.note))
    return {"recorded": True, "rows": rows}
