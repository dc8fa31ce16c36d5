"""Documentation rules: assessment, attendance, certificate, session descriptions and levels."""

from __future__ import annotations

from collections.abc import Iterator

from coursereview.findings import Finding
from coursereview.rules.context import Context
from coursereview.vocabulary import LEVELS, is_instructional

CODES = ("D001", "D002", "D003", "D004", "D005", "D006")


def check(ctx: Context) -> Iterator[Finding]:
    program = ctx.submission.program
    if ctx.rule("documentation.assessment") and not program.assessment:
        yield ctx.finding("D001", ("program",), "add 'assessment': the test, assignment or plan participants complete")
    if ctx.rule("documentation.attendance") and not program.attendance:
        yield ctx.finding("D002", ("program",), "add 'attendance': for example a sign-in sheet each session")
    if ctx.rule("documentation.certificate") and not program.certificate:
        yield ctx.finding("D003", ("program",), "add 'certificate': the template's file name or a description")
    minimum = ctx.rule("documentation.min_level")
    for s in ctx.submission.sessions:
        if not is_instructional(s.kind):  # the taught sessions; contact time is the criteria set's own choice
            continue
        if ctx.rule("documentation.session_description") and not s.description:
            yield ctx.finding("D004", ("sessions", s.index), "add 'description': what the session teaches",
                              title=s.label)
        if s.level is None:
            if ctx.rule("documentation.session_level"):
                yield ctx.finding("D005", ("sessions", s.index), "add 'level': basic, intermediate or advanced",
                                  title=s.label)
        elif minimum and LEVELS.index(s.level) < LEVELS.index(minimum.value):
            yield ctx.finding("D006", ("sessions", s.index, "level"),
                              f"raise the session to {minimum.value} level or move it to a CMC program",
                              title=s.label, level=s.level, kind=program.kind or "these", minimum=minimum.value)
