"""Timetable rules: times that make sense, no overlaps within a track, dates inside the program."""

from __future__ import annotations

from collections.abc import Iterator

from coursereview.findings import Finding
from coursereview.model import Session
from coursereview.rules import Context

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
        dated = s.date and program.start and program.end and program.start <= program.end
        if dated and not program.start <= s.date <= program.end:
            yield ctx.finding("T003", ("sessions", s.index, "date"), "correct the date or the program dates",
                                  title=s.label, date=s.date, start=program.start, end=program.end)
    for first, second in overlapping_pairs(ctx.submission.sessions):
        if first.track and second.track and first.track != second.track:
            continue  # concurrent breakouts in different tracks
        yield ctx.finding(
            "T002", ("sessions", second.index, "start"),
            "move one of them, or give concurrent breakouts different 'track' values",
            title=second.label, start=_hm(second.start), end=_hm(second.end), other=first.label,
            other_start=_hm(first.start), other_end=_hm(first.end), date=second.date,
        )


def overlapping_pairs(sessions: tuple[Session, ...]) -> Iterator[tuple[Session, Session]]:
    """Yield each pair of timed sessions on the same day whose times overlap, earlier one first."""
    timed = sorted((s for s in sessions if s.timed), key=lambda s: (s.date, s.start_minute, s.index))
    for i, first in enumerate(timed):
        for second in timed[i + 1:]:
            if second.date != first.date or second.start_minute >= first.end_minute:
                break
            yield first, second


def _hm(t: object) -> str:
    return t.strftime("%H:%M") if t else "?"  # type: ignore[attr-defined]
