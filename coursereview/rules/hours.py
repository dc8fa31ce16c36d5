"""Hours rules: program minimum and expected hours, session length, daily load, points, meals entered as sessions."""

from __future__ import annotations

from collections.abc import Iterator

from coursereview import voice
from coursereview.findings import Finding
from coursereview.rules.context import Context
from coursereview.tally import break_kind, counts, days_without_sessions, fmt, titled_as_break

CODES = ("H001", "H002", "H003", "H004", "H005", "H006", "H007", "H008")

NAMED_AT_MOST = 3  # sessions a total names when it could not count them; more are counted, not named


def check(ctx: Context) -> Iterator[Finding]:
    tally, program = ctx.tally, ctx.submission.program
    hours = tally.contact_hours
    missed = _not_counted(ctx)
    if (rule := ctx.rule("program.min_hours")) and hours < rule.value:
        yield ctx.finding("H001", ("sessions",), "add instructional sessions or lengthen them" + missed,
                          hours=fmt(hours), minimum=fmt(rule.value))
    if (rule := ctx.rule("program.expected_hours")) and hours < rule.value:
        hint = f"{fmt(rule.value - hours)} more contact hours would meet it{missed}"
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
        if word := titled_as_break(s, ctx.criteria):
            kind = break_kind(word)
            yield ctx.finding("H008", ("sessions", s.index, "kind"), _kind_hint(ctx, word, kind),
                              title=s.label, what=word, kind=s.kind)
        if not (s.timed and counts(s, ctx.criteria)) or s.index in tally.doubtful:
            continue
        path = ("sessions", s.index, "end")
        if minimum and s.minutes < minimum.value:
            yield ctx.finding("H003", path, "merge it with a neighbouring session on the same subject",
                              title=s.label, minutes=s.minutes, minimum=minimum.value)
        if unit and unit.value and s.minutes % unit.value:
            yield ctx.finding("H005", path, f"schedule in blocks of {unit.value} minutes",
                              title=s.label, minutes=s.minutes, unit=unit.value)
    if rule := ctx.rule("day.max_hours"):
        first_of_day: dict = {}  # day -> its first session in the file: one pass, however many long days
        for s in ctx.submission.sessions:
            if s.date is not None and (s.date not in first_of_day or s.index < first_of_day[s.date].index):
                first_of_day[s.date] = s
        for day, minutes in tally.day_minutes.items():
            if minutes / tally.hour_minutes > rule.value:
                first = first_of_day[day]
                yield ctx.finding("H004", ("sessions", first.index, "date"), "spread the sessions over more days",
                                  date=voice.day(day, ctx.sources.style), hours=fmt(tally.hours(minutes)),
                                  maximum=fmt(rule.value))
    rule = ctx.rule("points.minimum")
    if rule and tally.points < rule.value:
        yield ctx.finding("H006", ("sessions",),
                          f"at least {fmt(rule.value * tally.hours_per_point)} contact hours earn the minimum"
                          + missed, hours=fmt(hours), points=0, minimum=fmt(rule.value))


def _not_counted(ctx: Context) -> str:
    """Return what a total says about the sessions it could not count (and where) and the days without any.

    Each of them has a finding of its own (a missing end, an end before the start, a time in
    doubt, a kind that is no kind, a day without sessions), so the total names its causes instead
    of hiding them. Empty when there are none.
    """
    text = ""
    missed = [line for line in ctx.tally.trail if line.problem]
    if missed:
        named = [f"{line.title!r} ({voice.place(ctx.sources, ('sessions', line.index))}: {line.problem})"
                 for line in missed[:NAMED_AT_MOST]]
        more = f" and {len(missed) - NAMED_AT_MOST} more" if len(missed) > NAMED_AT_MOST else ""
        sessions = "session" if len(missed) == 1 else "sessions"
        text = f"; {len(missed)} {sessions} could not be counted: " + ", ".join(named) + more
    if ctx.rule("program.every_day") and (empty := days_without_sessions(ctx.submission)):
        style = ctx.sources.style
        days = [voice.day(a, style) + (f" to {voice.day(b, style)}" if b != a else "") for a, b in empty]
        text += "; no sessions on " + ", ".join(days[:NAMED_AT_MOST])
        text += f" and {len(days) - NAMED_AT_MOST} more" if len(days) > NAMED_AT_MOST else ""
    return text


def _kind_hint(ctx: Context, word: str, kind: str) -> str:
    """Return how to say that a session titled as a meal or break is one, in the words of the input."""
    rest = "; a taught session describes its content and names its presenter"
    if voice.is_form(ctx.sources):
        return f'if it is a {word}, set "Kind" to {kind}{rest}'
    return f"if it is a {word}, add 'kind: {kind}'{rest}"
