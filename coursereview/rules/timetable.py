"""Timetable rules: times that make sense and are plausible, no overlaps within a track, dates inside the program."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator

from coursereview import voice
from coursereview.findings import Finding
from coursereview.rules.context import Context
from coursereview.schema.model import Session
from coursereview.tally import EARLIEST, LATEST, days_without_sessions

CODES = ("T001", "T002", "T003", "T004", "T005", "T006", "T007")


def check(ctx: Context) -> Iterator[Finding]:
    program, style = ctx.submission.program, ctx.sources.style
    if program.start and program.end and program.end < program.start:
        yield ctx.finding("T004", ("program", "end"), "the end date must be on or after the start date",
                          start=voice.day(program.start, style), end=voice.day(program.end, style))
    doubtful = ctx.tally.doubtful
    for s in ctx.submission.sessions:
        if s.start and s.end and s.end <= s.start:
            yield ctx.finding("T001", ("sessions", s.index, "end"), _end_hint(s, style),
                              title=s.label, start=voice.clock(s.start, style), end=voice.clock(s.end, style))
        start, end = program.start, program.end
        if s.date and start and end and start <= end and not start <= s.date <= end:
            yield ctx.finding("T003", ("sessions", s.index, "date"), "correct the date or the program dates",
                              title=s.label, date=voice.day(s.date, style), start=voice.day(start, style),
                              end=voice.day(end, style))
        doubt = doubtful.get(s.index)
        if doubt is not None and doubt.code == "T005":
            yield ctx.finding("T005", ("sessions", s.index, "start"), _afternoon_hint(s, style),
                              title=s.label, start=voice.clock(s.start, style), end=voice.clock(s.end, style),
                              earliest=voice.clock(_time(EARLIEST), style), latest=voice.clock(_time(LATEST), style))
        elif doubt is not None and doubt.above is not None:
            yield ctx.finding("T006", ("sessions", s.index, "start"), _afternoon_hint(s, style),
                              title=s.label, start=voice.clock(s.start, style), other=doubt.above.label,
                              other_start=voice.clock(doubt.above.start, style))
    for first, second in first_clashes(ctx.submission.sessions, doubtful):
        yield ctx.finding(
            "T002", ("sessions", second.index, "start"), _overlap_hint(ctx),
            title=second.label, start=voice.clock(second.start, style), end=voice.clock(second.end, style),
            other=first.label, other_start=voice.clock(first.start, style), other_end=voice.clock(first.end, style),
            date=voice.day(second.date, style),
        )
    if ctx.rule("program.every_day"):
        yield from _days_without_sessions(ctx)


def _time(minutes: int) -> dt.time:
    return dt.time(minutes // 60 % 24, minutes % 60)


def _later(t: dt.time) -> dt.time | None:
    """Return the afternoon reading of a morning time (1:15 -> 13:15, 12:15 AM -> 12:15 PM), else None."""
    return dt.time(t.hour + 12, t.minute) if t.hour < 12 else None


LONGEST = 6 * 60  # the longest session an afternoon reading may make: a longer one is no likely reading


def afternoon_end(s: Session) -> dt.time | None:
    """Return the afternoon reading of an end not after its start (1:00 for 1:00 PM) when it makes a likely session."""
    later = _later(s.end) if s.end else None
    if later is None or s.start is None:
        return None
    minutes = later.hour * 60 + later.minute - (s.start.hour * 60 + s.start.minute)
    return later if 0 < minutes <= LONGEST and later.hour * 60 + later.minute <= LATEST else None


def afternoon_times(s: Session) -> tuple[dt.time, dt.time] | None:
    """Return the afternoon reading of a session's start and end (1:15-5:15 for 1:15 PM-5:15 PM) when it fits."""
    start = _later(s.start) if s.start else None
    end = s.end if s.end is None or s.end.hour >= 12 else _later(s.end)  # an end in the afternoon already stays
    if start and end and start < end and end.hour * 60 + end.minute <= LATEST:
        return start, end
    return None


def _end_hint(s: Session, style: str) -> str:
    """Return the hint for an end not after its start: the afternoon reading of the end when that fits."""
    later = afternoon_end(s)
    if later is not None:
        return f"did you mean {voice.clock(later, style)}?"
    if style == voice.FORM:
        return "the end must be after the start; write afternoon times with PM, e.g. 1:30 PM"
    return "times use a 24-hour clock: 1:30 pm is 13:30"


def _afternoon_hint(s: Session, style: str) -> str:
    """Return the hint for a session at an implausible hour or out of order: its afternoon reading when that fits."""
    if reading := afternoon_times(s):
        return f"did you mean {voice.clock(reading[0], style)} to {voice.clock(reading[1], style)}?"
    earliest, latest = voice.clock(_time(EARLIEST), style), voice.clock(_time(LATEST), style)
    return f"check the times: sessions are held between {earliest} and {latest}"


def _overlap_hint(ctx: Context) -> str:
    if voice.is_form(ctx.sources):
        return 'move one of them, or put concurrent breakouts in different tracks (the "Track" column)'
    return "move one of them, or give concurrent breakouts different 'track' values"


def _days_without_sessions(ctx: Context) -> Iterator[Finding]:
    """Yield one finding per run of days inside the program dates that have no session at all."""
    program, style = ctx.submission.program, ctx.sources.style
    for first, last in days_without_sessions(ctx.submission):
        named = voice.day(first, style) + (f" to {voice.day(last, style)}" if last != first else "")
        hint = "add that day's sessions" if last == first else "add those days' sessions"
        yield ctx.finding("T007", ("sessions",), f"{hint}, or correct the program dates", days=named,
                          start=voice.day(program.start, style), end=voice.day(program.end, style))


def first_clashes(sessions: tuple[Session, ...], skip: Collection[int] = ()) -> Iterator[tuple[Session, Session]]:
    """Yield, for each timed session that overlaps an earlier one it may not overlap, that earlier one.

    Sessions in different tracks may overlap; a session without a track may overlap nothing. One
    pass per day in start order, keeping the latest-ending session of each track: linear in the
    number of sessions, and at most one finding per session however crowded the day. Sessions
    whose index is in ``skip`` (times in doubt, see ``tally.doubtful_times``) are left out.
    """
    for day in _by_day(sessions, skip):
        latest: dict[str | None, Session] = {}  # track (None: no track) -> the session ending last so far
        for s in day:
            rivals = [latest.get(s.track), latest.get(None)] if s.track else list(latest.values())
            clash = [r for r in rivals if r is not None and r.end_minute > s.start_minute]
            if clash:
                yield min(clash, key=lambda r: (r.start_minute, r.index)), s
            if s.track not in latest or s.end_minute > latest[s.track].end_minute:
                latest[s.track] = s


def double_bookings(sessions: tuple[Session, ...],
                    skip: Collection[int] = ()) -> Iterator[tuple[str, Session, Session]]:
    """Yield (instructor id, earlier session, session) for each session whose instructor is already teaching."""
    for day in _by_day(sessions, skip):
        busy: dict[str, Session] = {}  # instructor -> the session of theirs ending last so far
        for s in day:
            for ref in sorted(set(s.instructors)):
                other = busy.get(ref)
                if other is not None and other.end_minute > s.start_minute:
                    yield ref, other, s
                if other is None or s.end_minute > other.end_minute:
                    busy[ref] = s


def _by_day(sessions: tuple[Session, ...], skip: Collection[int] = ()) -> Iterator[list[Session]]:
    timed = sorted((s for s in sessions if s.timed and s.index not in skip),
                   key=lambda s: (s.date, s.start_minute, s.index))
    day: list[Session] = []
    for s in timed:
        if day and s.date != day[0].date:
            yield day
            day = []
        day.append(s)
    if day:
        yield day
