"""Contact hours and points, with a calculation trail that says how every total was reached."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from fractions import Fraction

from coursereview.criteria import CriteriaSet
from coursereview.parsing import exact
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
    covered: dict[dt.date, tuple[int, int]] = {}  # day -> the covered stretch that began last (sessions in start order)
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
            counted, covered[s.date] = _add_interval(covered.get(s.date), s.start_minute, s.end_minute)
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
    )


def _add_interval(last: tuple[int, int] | None, start: int, end: int) -> tuple[int, tuple[int, int]]:
    """Add [start, end) to a day whose sessions come in start order; return the new minutes and the stretch now last.

    ``last`` is the day's covered stretch that began last. A session starting no earlier than every
    one before it can only overlap that stretch, so each session costs the same however long the day.
    """
    if last is None or start > last[1]:
        return end - start, (start, end)
    return max(end - last[1], 0), (last[0], max(last[1], end))
