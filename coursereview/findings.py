"""The catalog of every finding coursereview can report and of every criteria rule, and the Finding value itself.

Codes are stable: a code never changes meaning and is never reused. A retired code stays here
with ``deprecated=True``. The README's table of codes is generated from this module.
"""

from __future__ import annotations

from dataclasses import replace

from coursereview.location import Location, format_path
from coursereview.records import record
from coursereview.vocabulary import SEVERITIES

INTEGRITY = "coursereview/submission@1 (data integrity)"  # the criterion cited by findings no rule drives


@record
class FindingType:
    """One kind of finding: a stable code, a name, its default severity and its message."""

    code: str
    name: str
    severity: str  # default; for rule-driven findings the criteria set's rule decides
    title: str
    template: str
    rule: str | None = None  # the criteria rule (a key of RULES) that drives it; None: data integrity, always checked
    deprecated: bool = False


@record
class Finding:
    """One thing the check found, with where it is and what to change."""

    code: str
    name: str
    severity: str
    message: str
    path: tuple = ()
    location: Location | None = None
    hint: str = ""
    criterion: str = ""
    provisional: bool = False

    @property
    def path_text(self) -> str:
        return format_path(self.path)

    def sort_key(self) -> tuple:
        loc = self.location.sort_key() if self.location else ("", 0, 0, "")
        return (*loc, self.code, self.path_text, self.message)

    def to_dict(self) -> dict:
        """Return the JSON form of the finding."""
        loc = self.location
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "path": self.path_text,
            "file": loc.file if loc else None,
            "line": loc.line if loc else None,
            "column": loc.column if loc else None,
            "where": loc.where if loc else None,
            "hint": self.hint,
            "criterion": self.criterion,
            "provisional": self.provisional,
        }

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.severity} {self.code} {self.message}{hint}"


@record
class RuleType:
    """One rule a criteria set may configure: its id, the type of its value and what it asks for."""

    id: str
    value_type: str  # number | integer | flag | keywords | level (criteria.sets checks a value by it)
    sentence: str  # what the rule asks for; ``{v}`` stands for the value the criteria set gives it


# Every rule a criteria set may configure. A finding type's ``rule`` names one of these; a criteria
# file may use only these; the criteria document and the blank form describe a rule by its sentence.
RULES: dict[str, RuleType] = {
    r.id: r
    for r in (
        RuleType("program.min_hours", "number", "The program gives at least {v} contact hours."),
        RuleType("program.expected_hours", "number", "The program is expected to give {v} contact hours."),
        RuleType("program.max_hours", "number", "The program gives at most {v} contact hours."),
        RuleType("session.min_minutes", "integer", "Each instructional session lasts at least {v} minutes."),
        RuleType("session.granularity_minutes", "integer", "Sessions are scheduled in blocks of {v} minutes."),
        RuleType("day.max_hours", "number", "No day has more than {v} contact hours."),
        RuleType("program.every_day", "flag", "Every day from the program's start date to its end date has sessions."),
        RuleType("session.break_titles", "keywords",
                 "A session titled as a meal or break ({v}) that describes no content and names no presenter "
                 "counts no contact hours, whatever its kind."),
        RuleType("points.minimum", "number", "A program earns at least {v} points (IIMC awards no less)."),
        RuleType("areas.min_hours", "flag", "Each curriculum area gets at least the minimum hours set on it."),
        RuleType("areas.min_covered", "integer", "The program covers at least {v} curriculum areas."),
        RuleType("areas.ethics", "keywords",
                 "At least one session covers ethics (its title or description mentions: {v})."),
        RuleType("documentation.assessment", "flag", "The program states its learning assessment."),
        RuleType("documentation.attendance", "flag", "The program states how attendance is verified."),
        RuleType("documentation.certificate", "flag", "The program names its certificate or transcript template."),
        RuleType("documentation.session_description", "flag", "Every instructional session describes its content."),
        RuleType("documentation.session_level", "flag", "Every instructional session states its level."),
        RuleType("documentation.min_level", "level", "Sessions are offered at {v} level or above."),
        RuleType("instructors.qualifications", "flag", "Every instructor's qualifications are stated."),
        RuleType("instructors.presenter", "flag", "Every instructional session names its presenter(s)."),
        RuleType("instructors.unused", "flag", "Every listed instructor teaches at least one session."),
        RuleType("provider.institution", "flag", "An institute names its sponsoring university or college."),
        RuleType("provider.director", "flag", "The program names a director with an email address."),
        RuleType("provider.association", "flag", "The program names the association(s) that sponsor it."),
    )
}


def _t(code: str, name: str, severity: str, title: str, template: str, rule: str | None = None) -> FindingType:
    return FindingType(code, name, severity, title, template, rule)


CATALOG: dict[str, FindingType] = {
    t.code: t
    for t in (
        # S: structure of the submission
        _t("S001", "unknown-key", "error", "Unknown key", "unknown {what} {key!r}"),
        _t("S002", "missing-field", "error", "Required field missing", "{field} is required"),
        _t("S003", "invalid-value", "error", "Invalid value", "{field}: {detail}"),
        _t("S004", "invalid-date", "error", "Not a date", "{value!r} is not a date"),
        _t("S005", "invalid-time", "error", "Not a time of day", "{value!r} is not a time of day"),
        # T: timetable
        _t("T001", "end-not-after-start", "error", "Session ends before it starts",
           "{title!r} ends at {end}, not after its start at {start}"),
        _t("T002", "sessions-overlap", "error", "Sessions overlap",
           "{title!r} ({start}-{end}) overlaps {other!r} ({other_start}-{other_end}) on {date}"),
        _t("T003", "session-outside-program", "error", "Session outside the program dates",
           "{title!r} is on {date}, outside the program dates {start} to {end}"),
        _t("T004", "program-end-before-start", "error", "Program ends before it starts",
           "the program ends on {end}, before it starts on {start}"),
        _t("T005", "implausible-hour", "error", "Session at an implausible hour",
           "{title!r} runs from {start} to {end}, outside the hours sessions are held ({earliest} to {latest})"),
        _t("T006", "session-out-of-order", "error", "Session out of order with the one above it",
           "{title!r} starts at {start}, before {other!r} listed above it on the same day ({other_start})"),
        _t("T007", "day-without-sessions", "warning", "Day without sessions",
           "no sessions on {days}, though the program runs from {start} to {end}", "program.every_day"),
        # H: hours and points
        _t("H001", "below-minimum-hours", "error", "Fewer contact hours than the minimum",
           "the program has {hours} contact hours; the minimum is {minimum}", "program.min_hours"),
        _t("H002", "below-expected-hours", "warning", "Fewer contact hours than expected",
           "the program has {hours} contact hours; {expected} are expected per {kind} part",
           "program.expected_hours"),
        _t("H003", "session-too-short", "warning", "Session shorter than the minimum",
           "{title!r} lasts {minutes} minutes; the minimum is {minimum}", "session.min_minutes"),
        _t("H004", "day-too-long", "warning", "Too many contact hours in one day",
           "{date} has {hours} contact hours; the maximum is {maximum} a day", "day.max_hours"),
        _t("H005", "off-granularity", "info", "Session not in whole scheduling units",
           "{title!r} lasts {minutes} minutes, not a multiple of {unit}", "session.granularity_minutes"),
        _t("H006", "no-points", "error", "Too few hours for any points",
           "{hours} contact hours give {points} points, below the {minimum}-point minimum IIMC awards",
           "points.minimum"),
        _t("H007", "above-maximum-hours", "warning", "More contact hours than the maximum",
           "the program has {hours} contact hours; the maximum is {maximum}", "program.max_hours"),
        _t("H008", "break-titled-session", "warning", "Meal or break entered as a taught session",
           "{title!r} is titled as a {what} but its kind is {kind}; it is not counted as contact time",
           "session.break_titles"),
        # A: curriculum areas
        _t("A001", "unknown-area", "error", "Unknown curriculum area",
           "{title!r} names curriculum area {area!r}, which {criteria} does not define"),
        _t("A002", "area-below-minimum", "warning", "Curriculum area below its minimum hours",
           "{area} has {hours} hours; the minimum is {minimum}", "areas.min_hours"),
        _t("A003", "few-areas-covered", "warning", "Too few curriculum areas covered",
           "the program covers {count} of {total} curriculum areas; at least {minimum} are expected",
           "areas.min_covered"),
        _t("A004", "ethics-absent", "warning", "No ethics session", "no session covers ethics", "areas.ethics"),
        _t("A005", "area-missing", "error", "Instructional session without an area",
           "{title!r} counts as contact time but names no curriculum area"),
        # I: instructors
        _t("I001", "unknown-instructor", "error", "Instructor not listed",
           "{title!r} names instructor {id!r}, who is not in the {listing}"),
        _t("I002", "unused-instructor", "warning", "Instructor teaches nothing",
           "instructor {who} teaches no session", "instructors.unused"),
        _t("I003", "qualifications-missing", "warning", "Instructor qualifications missing",
           "instructor {who} has no qualifications", "instructors.qualifications"),
        _t("I004", "instructor-double-booked", "error", "Instructor in two sessions at once",
           "{name!r} teaches {title!r} and {other!r} at the same time on {date}"),
        _t("I005", "no-presenter", "error", "Session without a presenter",
           "{title!r} names no instructor", "instructors.presenter"),
        _t("I006", "duplicate-instructor", "error", "Instructor id used twice",
           "instructor {who} is listed more than once"),
        # D: documentation
        _t("D001", "assessment-missing", "error", "Learning assessment missing",
           "the program names no learning assessment", "documentation.assessment"),
        _t("D002", "attendance-missing", "warning", "Attendance method missing",
           "the program does not say how attendance is verified", "documentation.attendance"),
        _t("D003", "certificate-missing", "error", "Certificate template missing",
           "the program names no certificate or transcript template", "documentation.certificate"),
        _t("D004", "description-missing", "error", "Session description missing",
           "{title!r} has no description of its content", "documentation.session_description"),
        _t("D005", "level-missing", "error", "Session level missing",
           "{title!r} states no level (basic, intermediate or advanced)", "documentation.session_level"),
        _t("D006", "level-too-low", "error", "Session level too low for this program",
           "{title!r} is at {level} level; {kind} sessions must be {minimum} or above", "documentation.min_level"),
        # P: provider
        _t("P001", "director-contact", "error", "Director contact implausible",
           "director e-mail {email!r} does not look like an e-mail address", "provider.director"),
        _t("P002", "institution-missing", "error", "Sponsoring institution missing",
           "an institute names no sponsoring university or college", "provider.institution"),
        _t("P003", "association-missing", "warning", "Sponsoring association missing",
           "the program names no sponsoring association", "provider.association"),
    )
}


def make(
    code: str,
    path: tuple = (),
    location: Location | None = None,
    hint: str = "",
    severity: str | None = None,
    criterion: str = "",
    provisional: bool = False,
    **fields: object,
) -> Finding:
    """Return a Finding of catalog type ``code`` with its message filled from ``fields``."""
    kind = CATALOG[code]
    return Finding(
        code=code,
        name=kind.name,
        severity=severity or kind.severity,
        message=kind.template.format(**{key: _short(value) for key, value in fields.items()}),
        path=tuple(path),
        location=location,
        hint=hint,
        criterion=criterion or INTEGRITY,
        provisional=provisional,
    )


MAX_SHOWN = 200  # characters of one value a message quotes; a longer title or name is cut short with "..."


def _short(value: object) -> object:
    if isinstance(value, str) and len(value) > MAX_SHOWN:
        return value[:MAX_SHOWN - 3] + "..."
    return value


MAX_PER_CODE = 1000  # findings of one code listed for one submission; the rest are counted in one more finding


def capped(findings: list[Finding]) -> list[Finding]:
    """Return ``findings`` (in their order) with at most MAX_PER_CODE of each code, then one finding per code
    saying how many more there are, at the place of the first left out. The verdict is unchanged: the last
    finding has the severity of the worst one it stands for."""
    seen: dict[str, int] = {}
    left_out: dict[str, list[Finding]] = {}
    kept: list[Finding] = []
    for finding in findings:
        seen[finding.code] = seen.get(finding.code, 0) + 1
        if seen[finding.code] <= MAX_PER_CODE:
            kept.append(finding)
        else:
            left_out.setdefault(finding.code, []).append(finding)
    for code, rest in left_out.items():
        first, worst = rest[0], min(rest, key=lambda f: SEVERITIES.index(f.severity))
        message = f"and {len(rest)} more {CATALOG[code].title.lower()} findings ({code}), not listed one by one"
        kept.append(replace(first, severity=worst.severity, message=message, hint=""))
    return kept


def codes_table() -> str:
    """Return the Markdown table of every finding code (the README embeds it)."""
    rows = ["| code | name | default severity | driven by | what it means |", "|---|---|---|---|---|"]
    for t in CATALOG.values():
        rule = f"`{t.rule}`" if t.rule else "data integrity (always checked)"
        severity = "from the rule's basis" if t.rule else t.severity
        rows.append(f"| {t.code} | {t.name} | {severity} | {rule} | {t.title} |")
    return "\n".join(rows)
