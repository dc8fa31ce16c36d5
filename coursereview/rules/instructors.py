"""Instructor rules: every reference resolves, everyone listed teaches, no one is in two places."""

from __future__ import annotations

from collections.abc import Iterator

from coursereview.findings import Finding
from coursereview.rules.context import Context
from coursereview.rules.timetable import double_bookings
from coursereview.vocabulary import is_instructional
from coursereview.wording import did_you_mean

CODES = ("I001", "I002", "I003", "I004", "I005", "I006")

SUGGEST_AT_MOST = 100  # unknown ids given a did-you-mean; beyond it (a hostile file) the plain hint only


def check(ctx: Context) -> Iterator[Finding]:
    sub = ctx.submission
    listed: dict[str, str] = {}
    for person in sub.instructors:
        if person.id in listed:
            yield ctx.finding("I006", ("instructors", person.index, "id"), "give each instructor a unique id",
                              id=person.id)
        elif person.id:
            listed[person.id] = person.name or person.id
    used: set[str] = set()
    hints: dict[str, str] = {}  # unknown id -> its hint, so an id misspelt in many sessions is compared once
    for s in sub.sessions:
        for j, ref in enumerate(s.instructors):
            used.add(ref)
            if ref not in listed:
                if ref not in hints:
                    close = did_you_mean(ref, listed) if len(hints) < SUGGEST_AT_MOST else None
                    hints[ref] = close or "add them to 'instructors'"
                hint = hints[ref]
                yield ctx.finding("I001", ("sessions", s.index, "instructors", j), hint, title=s.label, id=ref)
        if ctx.rule("instructors.presenter") and is_instructional(s.kind) and not s.instructors:
            yield ctx.finding("I005", ("sessions", s.index), "add 'instructors' with the presenters' ids",
                              title=s.label)
    for person in sub.instructors:
        if not person.id:
            continue
        if ctx.rule("instructors.unused") and person.id not in used:
            yield ctx.finding("I002", ("instructors", person.index), "remove them or add them to a session",
                              name=person.name or person.id, id=person.id)
        if ctx.rule("instructors.qualifications") and not person.qualifications:
            yield ctx.finding("I003", ("instructors", person.index),
                              "say why they are qualified to teach: position, years, credentials",
                              name=person.name or person.id, id=person.id)
    for ref, first, second in double_bookings(sub.sessions):
        yield ctx.finding("I004", ("sessions", second.index, "instructors"),
                          "one person can present only one session at a time",
                          name=listed.get(ref, ref), title=second.label, other=first.label, date=second.date)
