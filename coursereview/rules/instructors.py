"""Instructor rules: every reference resolves, everyone listed teaches, no one is in two places."""

from __future__ import annotations

from collections.abc import Iterator

from coursereview import voice
from coursereview.findings import Finding
from coursereview.rules.context import Context
from coursereview.rules.timetable import double_bookings
from coursereview.schema.model import Instructor
from coursereview.tally import taught

CODES = ("I001", "I002", "I003", "I004", "I005", "I006")

SUGGEST_AT_MOST = 100  # unknown ids given a did-you-mean; beyond it (a hostile file) the plain hint only


def check(ctx: Context) -> Iterator[Finding]:
    sub, sources = ctx.submission, ctx.sources
    listed: dict[str, str] = {}
    for person in sub.instructors:
        if person.id in listed:
            yield ctx.finding("I006", ("instructors", person.index, "id"), _unique_hint(ctx, person),
                              who=_who(ctx, person, with_id=False))
        elif person.id:
            listed[person.id] = person.name or person.id
    names = [*listed, *(name for name in listed.values() if name)]  # a session may name them by id or by name
    used: set[str] = set()
    hints: dict[str, str] = {}  # unknown id -> its hint, so an id misspelt in many sessions is compared once
    for s in sub.sessions:
        for j, ref in enumerate(s.instructors):
            used.add(ref)
            if ref not in listed:
                if ref not in hints:
                    close = ctx.suggest(ref, names) if len(hints) < SUGGEST_AT_MOST else None
                    hints[ref] = close or f"add them to {voice.listing(sources, 'instructors')}"
                hint = hints[ref]
                yield ctx.finding("I001", ("sessions", s.index, "instructors", j), hint, title=s.label, id=ref,
                                  listing="instructors table" if voice.is_form(sources) else "instructors list")
        if ctx.rule("instructors.presenter") and taught(s, ctx.criteria) and not s.instructors:
            yield ctx.missing("I005", ("sessions", s.index), "instructors", "the presenters' names or ids",
                              title=s.label)
    for person in sub.instructors:
        if not person.id:
            continue
        if ctx.rule("instructors.unused") and person.id not in used:
            yield ctx.finding("I002", ("instructors", person.index), "remove them or add them to a session",
                              who=_who(ctx, person))
        if ctx.rule("instructors.qualifications") and not person.qualifications:
            yield ctx.finding("I003", ("instructors", person.index),
                              "say why they are qualified to teach: position, years, credentials",
                              who=_who(ctx, person))
    for ref, first, second in double_bookings(sub.sessions, ctx.tally.doubtful):
        yield ctx.finding("I004", ("sessions", second.index, "instructors"),
                          "one person can present only one session at a time",
                          name=listed.get(ref, ref), title=second.label, other=first.label,
                          date=voice.day(second.date, sources.style))


def _made_id(ctx: Context, person: Instructor) -> bool:
    """Return whether the instructor's id was made from the name (the ID left empty), not typed."""
    return ("instructors", person.index, "id") in ctx.sources.derived


def _who(ctx: Context, person: Instructor, with_id: bool = True) -> str:
    """Return how a message names an instructor: ``'Jane Doe' (jdoe)``; without an id that was never typed."""
    if _made_id(ctx, person):
        return repr(person.name or person.id)
    if not with_id:
        return f"{'ID' if voice.is_form(ctx.sources) else 'id'} {person.id!r}"
    return f"{person.name or person.id!r} ({person.id})"


def _unique_hint(ctx: Context, person: Instructor) -> str:
    if _made_id(ctx, person):
        return "list each instructor once"
    return f"give each instructor a unique {'ID' if voice.is_form(ctx.sources) else 'id'}"
