"""Curriculum area rules: known areas, coverage, minimum hours per area, ethics."""

from __future__ import annotations

from collections.abc import Iterator

from coursereview import voice
from coursereview.findings import Finding
from coursereview.rules.context import Context
from coursereview.tally import counts, fmt

CODES = ("A001", "A002", "A003", "A004", "A005")


def check(ctx: Context) -> Iterator[Finding]:
    criteria = ctx.criteria
    known = [a.id for a in criteria.areas]
    contact = [s for s in ctx.submission.sessions if counts(s, criteria)]
    names = [*known, *(a.title for a in criteria.areas)]  # an area is named by its id or its title
    for s in contact:
        if s.area is None:
            if voice.is_form(ctx.sources):
                hint = voice.add(ctx.sources, ("sessions", s.index, "area"),
                                 "the id or title of one of: " + ", ".join(known))
            else:
                hint = "add 'area' with one of: " + ", ".join(known)
            yield ctx.finding("A005", ("sessions", s.index), hint, place=("sessions", s.index, "area"), title=s.label)
        elif criteria.area(s.area) is None:
            hint = ctx.suggest(s.area, names, cutoff=0.5) or "use one of: " + ", ".join(known)
            yield ctx.finding("A001", ("sessions", s.index, "area"), hint, title=s.label, area=s.area,
                              criteria=criteria.ref)
    minutes = ctx.tally.area_minutes
    if ctx.rule("areas.min_hours"):
        for area in criteria.areas:
            have = ctx.tally.hours(minutes.get(area.id, 0))
            if area.min_hours and have < area.min_hours:
                yield ctx.finding("A002", ("sessions",), f"add {fmt(area.min_hours - have)} hours of {area.title}",
                                  area=area.title, hours=fmt(have), minimum=fmt(area.min_hours))
    if rule := ctx.rule("areas.min_covered"):
        covered = [a for a in criteria.areas if minutes.get(a.id, 0) > 0]
        if len(covered) < rule.value:
            missing = [a.title for a in criteria.areas if a not in covered]
            yield ctx.finding("A003", ("sessions",), "not covered: " + "; ".join(missing),
                              count=len(covered), total=len(criteria.areas), minimum=rule.value)
    if rule := ctx.rule("areas.ethics"):
        words = [w.lower() for w in rule.value]
        if not any(_mentions(s, words) for s in contact):
            yield ctx.finding("A004", ("sessions",), "add a session on ethics, for example in "
                              "Personal and Professional Development")


def _mentions(session: object, words: list[str]) -> bool:
    text = " ".join(
        [getattr(session, "title", None) or "", getattr(session, "description", None) or "",
         *getattr(session, "objectives", ())]
    ).lower()
    return any(w in text for w in words)
