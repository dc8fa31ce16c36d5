"""Documentation rules: assessment, attendance, certificate, session descriptions and levels."""

from __future__ import annotations

from collections.abc import Iterator

from coursereview.findings import Finding
from coursereview.rules.context import Context
from coursereview.tally import taught
from coursereview.vocabulary import LEVELS

CODES = ("D001", "D002", "D003", "D004", "D005", "D006")


def check(ctx: Context) -> Iterator[Finding]:
    program = ctx.submission.program
    if ctx.rule("documentation.assessment") and not program.assessment:
        yield ctx.missing("D001", ("program",), "assessment", "the test, assignment or plan participants complete")
    if ctx.rule("documentation.attendance") and not program.attendance:
        yield ctx.missing("D002", ("program",), "attendance", "for example a sign-in sheet each session")
    if ctx.rule("documentation.certificate") and not program.certificate:
        yield ctx.missing("D003", ("program",), "certificate", "the template's file name or a description")
    minimum = ctx.rule("documentation.min_level")
    for s in ctx.submission.sessions:
        if not taught(s, ctx.criteria):  # the taught sessions; contact time is the criteria set's own choice
            continue
        if ctx.rule("documentation.session_description") and not s.description:
            yield ctx.missing("D004", ("sessions", s.index), "description", "what the session teaches",
                              title=s.label)
        if s.level is None:
            if ctx.rule("documentation.session_level"):
                yield ctx.missing("D005", ("sessions", s.index), "level", "basic, intermediate or advanced",
                                  title=s.label)
        elif minimum and LEVELS.index(s.level) < LEVELS.index(minimum.value):
            yield ctx.finding("D006", ("sessions", s.index, "level"),
                              f"raise the session to {minimum.value} level or move it to a CMC program",
                              title=s.label, level=s.level, kind=program.kind or "these", minimum=minimum.value)
