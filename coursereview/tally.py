"""Contact hours and points, with a calculation trail that says how every total was reached."""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from dataclasses import field
from fractions import Fraction

from coursereview.criteria import CriteriaSet
from coursereview.parsing import exact
from coursereview.records import record
from coursereview.schema.model import Session, Submission
from coursereview.vocabulary import SESSION_KINDS, is_instructional
from coursereview.wording import fmt

EARLIEST = 6 * 60  # sessions are held from 6:00 ...
LATEST = 22 * 60  # ... to 22:00; a time outside is most likely a misreading (1:15 for 1:15 PM)


@record
class TrailLine:
    """One session's part in the totals."""

    index: int
    title: str
    date: dt.date | None
    start: str
    end: str
    kind: str
    area: str | None
    track: str | None
    scheduled: int  # minutes from start to end
    counted: int  # minutes the session adds to the program total (0 for breaks; less when concurrent)
    note: str
    problem: str = ""  # why a session that would count could not be counted (its findings say where), else ""


@record
class Tally:
    """Totals of a submission under one criteria set."""

    hour_minutes: int
    total_minutes: int  # program contact time: simultaneous sessions counted once
    area_minutes: dict[str, int]  # contact time offered per curriculum area
    day_minutes: dict[dt.date, int]
    hours_per_point: float
    point_unit: float
    point_minimum: float | None
    points: float
    category: str
    trail: tuple[TrailLine, ...]
    uncounted: tuple[str, ...] = ()  # the session kinds the criteria set does not count as contact time
    doubtful: dict[int, Doubt] = field(default_factory=dict)  # session index -> why its times are in doubt

    @property
    def contact_hours(self) -> float:
        return self.hours(self.total_minutes)

    def hours(self, minutes: int) -> float:
        """Return ``minutes`` as contact hours, rounded to 2 decimals for display and JSON."""
        return round(minutes / self.hour_minutes, 2)

    def summary(self) -> str:
        """Return 'N contact hours, M points (category)', the line every summary shows."""
        return f"{fmt(self.contact_hours)} contact hours, {fmt(self.points)} points ({self.category})"

    def area_hours(self) -> dict[str, float]:
        return {area: self.hours(m) for area, m in self.area_minutes.items()}

    def steps(self) -> list[str]:
        """Return the arithmetic from minutes to points, one line per step."""
        raw = Fraction(self.total_minutes, self.hour_minutes) / exact(self.hours_per_point)
        lines = [
            f"contact time: {self.total_minutes} minutes (simultaneous sessions counted once; "
            f"{_uncounted_text(self.uncounted)})",
            f"contact hours: {self.total_minutes} / {self.hour_minutes} minutes per hour = {fmt(self.contact_hours)}",
            f"points: {fmt(self.contact_hours)} hours / {fmt(self.hours_per_point)} hours per point = "
            f"{float(raw):.3f}, rounded down to a multiple of {fmt(self.point_unit)} = "
            f"{fmt(float(_floor(raw, self.point_unit)))}",
        ]
        if self.point_minimum is not None and 0 < _floor(raw, self.point_unit) < exact(self.point_minimum):
            lines.append(f"below the {fmt(self.point_minimum)}-point minimum: no points are awarded")
        lines.append(f"points a participant earns: {fmt(self.points)} {self.category}")
        return lines


_PLURALS = {"instruction": "instruction", "exam": "exams", "break": "breaks", "meal": "meals",
            "social": "social events"}


def _uncounted_text(kinds: tuple[str, ...]) -> str:
    """Return which session kinds count no time, as the calculation trail says it: "breaks and meals count 0"."""
    words = [_PLURALS.get(kind, kind) for kind in kinds]
    if not words:
        return "every kind of session counts"
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"{listed} count{'s' if words == ['instruction'] else ''} 0"


def _floor(value: Fraction, unit: float) -> Fraction:
    """Return ``value`` rounded down to a multiple of ``unit``, exactly."""
    step = exact(unit)
    return math.floor(value / step) * step


@record
class Doubt:
    """Why a session's times as read are in doubt: T005 (an implausible hour) or T006 (before the session above it)."""

    code: str
    above: Session | None = None  # T006: the session listed above it on the same day


def doubtful_times(sessions: tuple[Session, ...]) -> dict[int, Doubt]:
    """Return the sessions whose times as read are most likely a misreading, by index.

    T005: a session that starts before 6:00 or ends after 22:00 (a social event may end later).
    T006: a session whose start is written without AM or PM (``6:30``) and falls before the start of
    the session listed above it on the same day, where the afternoon reading would put it in order.
    Such a session is counted nowhere (no hours, no overlap) until its times are made clear.
    """
    found: dict[int, Doubt] = {}
    above: dict[dt.date, Session] = {}  # the last listed session of each day whose times are not in doubt
    for s in sessions:
        if not s.timed or s.date is None:
            continue
        late = s.end_minute > LATEST and s.kind != "social"
        if s.start_minute < EARLIEST or late:
            found[s.index] = Doubt("T005")
            continue
        before = above.get(s.date)
        if before is not None and s.start_minute < before.start_minute and _afternoon_fits(s, before):
            found[s.index] = Doubt("T006", before)
            continue
        above[s.date] = s
    return found


def _afternoon_fits(s: Session, before: Session) -> bool:
    """Return whether ``s``, written without AM/PM, would follow ``before`` if read in the afternoon."""
    if "start" not in s.unmarked or (s.track and before.track and s.track != before.track):
        return False
    end = s.end_minute + (720 if "end" in s.unmarked or s.end_minute < 720 else 0)
    return s.start_minute + 720 >= before.start_minute and end <= LATEST


MAX_DAYS_SEARCHED = 100  # a program longer than this is not searched for days without sessions


def days_without_sessions(submission: Submission) -> list[tuple[dt.date, dt.date]]:
    """Return the runs of days (first, last) inside the program dates on which no session at all is held."""
    program = submission.program
    if not (program.start and program.end) or not 0 < (program.end - program.start).days <= MAX_DAYS_SEARCHED:
        return []
    held = {s.date for s in submission.sessions if s.date}
    runs: list[tuple[dt.date, dt.date]] = []
    for n in range((program.end - program.start).days + 1):
        day = program.start + dt.timedelta(days=n)
        if day in held:
            continue
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


@functools.cache
def _words(keywords: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(re.escape(k.lower()) for k in keywords) + r")\b")


def titled_as_break(session: Session, criteria: CriteriaSet) -> str | None:
    """Return the meal or break word in the title of a session entered as taught (kind instruction or empty), else None.

    Only under a criteria set with the rule ``session.break_titles`` (its value lists the words),
    and only when the session describes no content and names no presenter: "Lunch and Learn:
    Records" with a description is taught; "Lunch" with nothing else is a meal.
    """
    if session.description or session.instructors or not is_instructional(session.kind):
        return None  # checked first: most sessions are taught, and this runs for every session several times
    rule = criteria.rule("session.break_titles")
    if rule is None:
        return None
    m = _words(tuple(rule.value)).search((session.title or "").lower())
    return m.group(1) if m else None


_BREAK_KINDS = {"lunch": "meal", "luncheon": "meal", "breakfast": "meal", "dinner": "meal", "supper": "meal",
                "meal": "meal", "banquet": "social", "reception": "social"}


def break_kind(word: str) -> str:
    """Return the session kind a meal or break word in a title means: lunch -> meal, reception -> social, else break."""
    return _BREAK_KINDS.get(word, "break")


def taught(session: Session, criteria: CriteriaSet) -> bool:
    """Return whether the session is taught, and so needs an area, a description, a level and a presenter.

    A taught session is of kind instruction (``vocabulary.is_instructional``) and not a meal or
    break entered as one (``titled_as_break``).
    """
    return is_instructional(session.kind) and not titled_as_break(session, criteria)


def counts(session: Session, criteria: CriteriaSet) -> bool:
    """Return whether the session's kind counts as contact time under ``criteria``.

    Contact time is the criteria set's decision (its ``counts``: the shipped sets count exams too);
    whether a session is taught, and so needs a description, level and presenter, is ``taught``.
    A kind that is no session kind counts nothing, and neither does a meal or break entered as a
    taught session.
    """
    return criteria.counts.get(session.kind, False) and not titled_as_break(session, criteria)


def tally(submission: Submission, criteria: CriteriaSet) -> Tally:
    """Return the totals of ``submission`` under ``criteria``, with a line per session."""
    order = sorted(submission.sessions, key=lambda s: (s.date or dt.date.max, s.start_minute, s.index))
    doubtful = doubtful_times(submission.sessions)
    covered: dict[dt.date, tuple[int, int]] = {}  # day -> the covered stretch that began last (sessions in start order)
    trail = []
    area_minutes: dict[str, int] = {a.id: 0 for a in criteria.areas}
    day_minutes: dict[dt.date, int] = {}
    for s in order:
        counted, minutes = 0, s.minutes
        note, problem = _not_counted(s, criteria, doubtful)
        if not note and s.date is not None:  # no note: timed, so dated
            counted, covered[s.date] = _add_interval(covered.get(s.date), s.start_minute, s.end_minute)
            note = "" if counted == minutes else (
                f"{minutes - counted} minutes run alongside other sessions and are counted once")
            if s.area:
                area_minutes[s.area] = area_minutes.get(s.area, 0) + minutes
            day_minutes[s.date] = day_minutes.get(s.date, 0) + counted
        trail.append(TrailLine(
            index=s.index, title=s.label, date=s.date,
            start=_clock(s.start), end=_clock(s.end),
            kind=s.kind, area=s.area, track=s.track, scheduled=minutes, counted=counted, note=note,
            problem=problem,
        ))
    total = sum(day_minutes.values())
    minimum_rule = criteria.rule("points.minimum")
    minimum = float(minimum_rule.value) if minimum_rule else None
    raw = Fraction(total, criteria.hour_minutes) / exact(criteria.points.hours_per_point)
    floored = _floor(raw, criteria.points.unit)
    points = 0.0 if minimum_rule is not None and floored < exact(minimum_rule.value) else float(floored)
    return Tally(
        hour_minutes=criteria.hour_minutes,
        total_minutes=total,
        area_minutes=area_minutes,
        day_minutes=dict(sorted(day_minutes.items())),
        hours_per_point=criteria.points.hours_per_point,
        point_unit=criteria.points.unit,
        point_minimum=minimum,
        points=points,
        category=criteria.points.category,
        trail=tuple(trail),
        uncounted=tuple(kind for kind, counted in criteria.counts.items() if not counted),
        doubtful=doubtful,
    )


def _clock(time: dt.time | None) -> str:
    """Return ``time`` as HH:MM (what strftime("%H:%M") writes, without its format parsing), "?" for None."""
    return f"{time.hour:02d}:{time.minute:02d}" if time else "?"


def _not_counted(s: Session, criteria: CriteriaSet, doubtful: dict[int, Doubt]) -> tuple[str, str]:
    """Return why ``s`` adds no contact time (the trail's note) and, when a finding explains it, the problem.

    The problem is empty when the session was not meant to count (a break, a meal).
    """
    countable = s.kind in SESSION_KINDS and criteria.counts.get(s.kind, False) and not titled_as_break(s, criteria)
    if not s.timed:
        lacking = [name for name, value in (("date", s.date), ("start time", s.start), ("end time", s.end))
                   if value is None]
        why = f"its {' and '.join(lacking)} {'is' if len(lacking) == 1 else 'are'} missing or unreadable" \
            if lacking else "it ends before it starts"
        return "not counted: date or times missing or invalid", why if countable else ""
    if s.kind not in SESSION_KINDS:
        why = f"its kind {s.kind!r} is not a session kind"
        return f"not counted: {why}", why
    if word := titled_as_break(s, criteria):
        why = f"its title says {word} (a taught session describes its content and names its presenter)"
        return f"not counted: {why}", why
    if not criteria.counts.get(s.kind, False):
        return f"not counted: {s.kind} time is not contact time", ""
    if s.index in doubtful:
        why = "its times need checking: AM or PM?"
        return f"not counted: {why}", why
    return "", ""


def _add_interval(last: tuple[int, int] | None, start: int, end: int) -> tuple[int, tuple[int, int]]:
    """Add [start, end) to a day whose sessions come in start order; return the new minutes and the stretch now last.

    ``last`` is the day's covered stretch that began last. A session starting no earlier than every
    one before it can only overlap that stretch, so each session costs the same however long the day.
    """
    if last is None or start > last[1]:
        return end - start, (start, end)
    return max(end - last[1], 0), (last[0], max(last[1], end))
