"""Timetable rules: times that make sense, no overlaps within a track, dates inside the program."""

from __future__ import annotations

from collections.abc import Iterator

from coursereview.findings import Finding
from coursereview.rules.context import Context
from coursereview.schema.model import Session

CODES = ("T001", "T002", "T003", "T004")


def check(ctx: Context) -> Iterator[Finding]:
    program = ctx.submission.program
    if program.start and program.end and program.end < program.start:
        yield ctx.finding("T004", ("program", "end"), "the end date must be on or after the start date",
                          start=program.start, end=program.end)
    for s in ctx.submission.sessions:
        if s.start and s.end and s.end <= s.start:
            yield ctx.finding("T001", ("sessions", s.index, "end"), "times use a 24-hour clock: 1:30 pm is 13:30",
                              title=s.label, start=_hm(s.start), end=_hm(s.end))
        start, end = program.start, program.end
        if s.date and start and end and start <= end and not start <= s.date <= end:
            yield ctx.finding("T003", ("sessions", s.index, "date"), "correct the date or the program dates",
                                  title=s.label, date=s.date, start=program.start, end=program.end)
    for first, second in first_clashes(ctx.submission.sessions):
        yield ctx.finding(
            "T002", ("sessions", second.index, "start"),
            "move one of them, or give concurrent breakouts different 'track' values",
            title=second.label, start=_hm(second.start), end=_hm(second.end), other=first.label,
            other_start=_hm(first.start), other_end=_hm(first.end), date=second.date,
        )


def first_clashes(sessions: tuple[Session, ...]) -> Iterator[tuple[Session, Session]]:
    """Yield, for each timed session that overlaps an earlier one it may not overlap, that earlier one.

    Sessions in different tracks may overlap; a session without a track may overlap nothing. One
    pass per day in start order, keeping the latest-ending session of each track: linear in the
    number of sessions, and at most one finding per session however crowded the day.
    """
    for day in _by_day(sessions):
        latest: dict[str | None, Session] = {}  # track (None: no track) -> the session ending last so far
        for s in day:
            rivals = [latest.get(s.track), latest.get(None)] if s.track else list(latest.values())
            clash = [r for r in rivals if r is not None and r.end_minute > s.start_minute]
            if clash:
                yield min(clash, key=lambda r: (r.start_minute, r.index)), s
            if s.track not in latest or s.end_minute > latest[s.track].end_minute:
                latest[s.track] = s


def double_bookings(sessions: tuple[Session, ...]) -> Iterator[tuple[str, Session, Session]]:
    """Yield (instructor id, earlier session, session) for each session whose instructor is already teaching."""
    for day in _by_day(sessions):
        busy: dict[str, Session] = {}  # instructor -> the session of theirs ending last so far
        for s in day:
            for ref in sorted(set(s.instructors)):
                other = busy.get(ref)
                if other is not None and other.end_minute > s.start_minute:
                    yield ref, other, s
                if other is None or s.end_minute > other.end_minute:
                    busy[ref] = s


def _by_day(sessions: tuple[Session, ...]) -> Iterator[list[Session]]:
    timed = sorted((s for s in sessions if s.timed), key=lambda s: (s.date, s.start_minute, s.index))
    day: list[Session] = []
    for s in timed:
        if day and s.date != day[0].date:
            yield day
            day = []
        day.append(s)
    if day:
        yield day


def _hm(t: object) -> str:
    return t.strftime("%H:%M") if t else "?"  # type: ignore[attr-defined]
