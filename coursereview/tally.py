"""Contact hours and points, with a calculation trail that says how every total was reached."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from fractions import Fraction

from coursereview.criteria import CriteriaSet
from coursereview.schema.model import Session, Submission
from coursereview.wording import fmt


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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
        raw = Fraction(self.total_minutes, self.hour_minutes) / Fraction(self.hours_per_point)
        lines = [
            f"contact time: {self.total_minutes} minutes (simultaneous sessions counted once; "
            f"{_uncounted_text(self.uncounted)})",
            f"contact hours: {self.total_minutes} / {self.hour_minutes} minutes per hour = {fmt(self.contact_hours)}",
            f"points: {fmt(self.contact_hours)} hours / {fmt(self.hours_per_point)} hours per point = "
            f"{float(raw):.3f}, rounded down to a multiple of {fmt(self.point_unit)} = "
            f"{fmt(_floor(raw, self.point_unit))}",
        ]
        if self.point_minimum is not None and 0 < _floor(raw, self.point_unit) < self.point_minimum:
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


def _floor(value: Fraction, unit: float) -> float:
    step = Fraction(unit).limit_denominator(1000)
    return float(math.floor(value / step) * step)


def counts(session: Session, criteria: CriteriaSet) -> bool:
    """Return whether the session's kind counts as contact time under ``criteria``.

    Contact time is the criteria set's decision (its ``counts``: the shipped sets count exams too);
    whether a session is taught, and so needs a description, level and presenter, is a matter of its
    kind alone: ``vocabulary.is_instructional``.
    """
    return criteria.counts.get(session.kind, False)


def tally(submission: Submission, criteria: CriteriaSet) -> Tally:
    """Return the totals of ``submission`` under ``criteria``, with a line per session."""
    order = sorted(submission.sessions, key=lambda s: (s.date or dt.date.max, s.start_minute, s.index))
    covered: dict[dt.date, list[tuple[int, int]]] = {}
    trail = []
    area_minutes: dict[str, int] = {a.id: 0 for a in criteria.areas}
    day_minutes: dict[dt.date, int] = {}
    for s in order:
        counted = 0
        if not s.timed or s.date is None:
            note = "not counted: date or times missing or invalid"
        elif not counts(s, criteria):
            note = f"not counted: {s.kind} time is not contact time"
        else:
            counted = _add_interval(covered.setdefault(s.date, []), s.start_minute, s.end_minute)
            note = "" if counted == s.minutes else (
                f"{s.minutes - counted} minutes run alongside other sessions and are counted once")
            if s.area:
                area_minutes[s.area] = area_minutes.get(s.area, 0) + s.minutes
            day_minutes[s.date] = day_minutes.get(s.date, 0) + counted
        trail.append(TrailLine(
            index=s.index, title=s.label, date=s.date,
            start=s.start.strftime("%H:%M") if s.start else "?", end=s.end.strftime("%H:%M") if s.end else "?",
            kind=s.kind, area=s.area, track=s.track, scheduled=s.minutes, counted=counted, note=note,
        ))
    total = sum(day_minutes.values())
    minimum_rule = criteria.rule("points.minimum")
    minimum = float(minimum_rule.value) if minimum_rule else None
    raw = Fraction(total, criteria.hour_minutes) / Fraction(criteria.points.hours_per_point)
    points = _floor(raw, criteria.points.unit)
    if minimum is not None and points < minimum:
        points = 0.0
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
    )


def _add_interval(intervals: list[tuple[int, int]], start: int, end: int) -> int:
    """Add [start, end) to a day's covered intervals; return how many minutes were new."""
    new = end - start
    for a, b in intervals:
        overlap = min(b, end) - max(a, start)
        if overlap > 0:
            new -= overlap
    # intervals stay disjoint: merge the new one with every interval it touches
    merged = [(a, b) for a, b in intervals if b < start or a > end]
    lo = min([start] + [a for a, b in intervals if not (b < start or a > end)])
    hi = max([end] + [b for a, b in intervals if not (b < start or a > end)])
    intervals[:] = sorted(merged + [(lo, hi)])
    return new
