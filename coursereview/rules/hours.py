"""Hours rules: program minimum and expected hours, session length, daily load, points."""

from __future__ import annotations

from collections.abc import Iterator

from coursereview.findings import Finding
from coursereview.rules.context import Context
from coursereview.tally import counts, fmt

CODES = ("H001", "H002", "H003", "H004", "H005", "H006", "H007")


def check(ctx: Context) -> Iterator[Finding]:
    tally, program = ctx.tally, ctx.submission.program
    hours = tally.contact_hours
    if (rule := ctx.rule("program.min_hours")) and hours < rule.value:
        yield ctx.finding("H001", ("sessions",), "add instructional sessions or lengthen them",
                          hours=fmt(hours), minimum=fmt(rule.value))
    if (rule := ctx.rule("program.expected_hours")) and hours < rule.value:
        hint = f"{fmt(rule.value - hours)} more contact hours would meet it"
        if rule.note:  # the approved programs that run fewer hours, so the reader can weigh the warning
            hint = f"{hint}. {rule.note}"
        yield ctx.finding("H002", ("sessions",), hint, hours=fmt(hours), kind=program.kind or "program",
                          expected=fmt(rule.value))
    if (rule := ctx.rule("program.max_hours")) and hours > rule.value:
        yield ctx.finding("H007", ("sessions",), "split the program into parts", hours=fmt(hours),
                          maximum=fmt(rule.value))
    minimum = ctx.rule("session.min_minutes")
    unit = ctx.rule("session.granularity_minutes")
    for s in ctx.submission.sessions:
        if not (s.timed and counts(s, ctx.criteria)):
            continue
        path = ("sessions", s.index, "end")
        if minimum and s.minutes < minimum.value:
            yield ctx.finding("H003", path, "merge it with a neighbouring session on the same subject",
                              title=s.label, minutes=s.minutes, minimum=minimum.value)
        if unit and unit.value and s.minutes % unit.value:
            yield ctx.finding("H005", path, f"schedule in blocks of {unit.value} minutes",
                              title=s.label, minutes=s.minutes, unit=unit.value)
    if rule := ctx.rule("day.max_hours"):
        for day, minutes in tally.day_minutes.items():
            if minutes / tally.hour_minutes > rule.value:
                first = min((s for s in ctx.submission.sessions if s.date == day), key=lambda s: s.index)
                yield ctx.finding("H004", ("sessions", first.index, "date"), "spread the sessions over more days",
                                  date=day, hours=fmt(tally.hours(minutes)), maximum=fmt(rule.value))
    rule = ctx.rule("points.minimum")
    if rule and tally.points < rule.value:
        yield ctx.finding("H006", ("sessions",),
                          f"at least {fmt(rule.value * tally.hours_per_point)} contact hours earn the minimum",
                          hours=fmt(hours), points=0, minimum=fmt(rule.value))
