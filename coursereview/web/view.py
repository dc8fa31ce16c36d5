"""What the result page shows, as plain data: the review's context plus findings placed at their rows and a chart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from coursereview.documents.chart import hours_chart_svg
from coursereview.documents.review_context import review_context
from coursereview.findings import Finding
from coursereview.review import Review
from coursereview.tally import fmt

SEVERITY_WORDS = {"error": "Error", "warning": "Warning", "info": "Note"}
_CHART_WIDTH = 440  # CSS pixels: about the column the result page gives it, so its text shows at full size


@dataclass(frozen=True)
class PlacedFinding:
    """A finding with its place said in plain words, and the timetable row it belongs to (if any)."""

    anchor: str  # id of the finding on the page
    code: str
    severity: str
    severity_word: str
    title: str
    message: str
    hint: str
    place: str
    criterion: str
    provisional: bool
    session: int | None  # index of the session it is about


def place_of(f: Finding) -> str:
    """Return where a finding is, as people say it: 'sessions table, row 7, column "End"' or 'line 12, column 3'."""
    loc = f.location
    if loc and loc.where:
        return loc.where
    if loc and loc.line is not None:
        return f"line {loc.line}, column {loc.column or 1}"
    return f.path_text or "the whole program"


def session_of(f: Finding) -> int | None:
    """Return the index of the session ``f`` is about (its path starts sessions[N]), else None."""
    path = f.path
    if len(path) >= 2 and path[0] == "sessions" and isinstance(path[1], int):
        return path[1]
    return None


def placed(review: Review) -> list[PlacedFinding]:
    """Return every finding of ``review`` in the review's order, placed."""
    from coursereview.findings import CATALOG

    out = []
    for number, f in enumerate(review.findings, start=1):
        kind = CATALOG.get(f.code)
        out.append(PlacedFinding(
            anchor=f"finding-{number}", code=f.code, severity=f.severity,
            severity_word=SEVERITY_WORDS.get(f.severity, f.severity), title=kind.title if kind else f.name,
            message=f.message, hint=f.hint, place=place_of(f), criterion=f.criterion, provisional=f.provisional,
            session=session_of(f)))
    return out


def result_view(review: Review) -> dict[str, Any]:
    """Return everything the result page shows about ``review``."""
    ctx = review_context(review)
    findings = placed(review)
    by_session: dict[int, list[PlacedFinding]] = {}
    for f in findings:
        if f.session is not None:
            by_session.setdefault(f.session, []).append(f)
    return {
        "ctx": ctx,
        "summary": summary(review),
        "chart": hours_chart(review),
        "findings": findings,
        "groups": [(sev, SEVERITY_WORDS[sev], [f for f in findings if f.severity == sev])
                   for sev in ("error", "warning", "info") if any(f.severity == sev for f in findings)],
        "days": _timetable(review, ctx, by_session),
        "details": [(k, v) for k, v in ctx["details"] if k not in ("Criteria hash", "Submission")],
    }


def summary(review: Review) -> list[tuple[str, str]]:
    """Return the summary lines: contact hours, points, curriculum areas covered against the rule, findings."""
    t, crit = review.tally, review.criteria
    hours = f"{fmt(t.contact_hours)}"
    wanted = [f"{word} {fmt(float(r.value))}" for word, r in (("expected", crit.rule("program.expected_hours")),
                                                           ("minimum", crit.rule("program.min_hours")),
                                                           ("maximum", crit.rule("program.max_hours"))) if r]
    if wanted:
        hours += f" ({'; '.join(wanted)})"
    covered = sum(1 for a in crit.areas if t.area_minutes.get(a.id, 0) > 0)
    areas = f"{covered} of {len(crit.areas)}"
    if rule := crit.rule("areas.min_covered"):
        areas += f" (at least {rule.value} expected)"
    counts = review.counts
    found = ", ".join(_count(counts[s], word) for s, word in (("error", "error"), ("warning", "warning"),
                                                             ("info", "note")))
    return [("Contact hours", hours), ("Points", f"{fmt(t.points)} {t.category}"),
            ("Curriculum areas covered", areas), ("Findings", found),
            ("Criteria", f"{crit.ref}: {crit.title}")]


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def hours_chart(review: Review) -> Markup:
    """Return the SVG bar chart of hours by curriculum area (minimums marked), as the review documents draw it."""
    return Markup(hours_chart_svg(review, width=_CHART_WIDTH))


def _timetable(review: Review, ctx: dict[str, Any], by_session: dict[int, list[PlacedFinding]]) -> list[dict]:
    """Return the timetable day by day; each row knows its session and the findings about it."""
    flat = [row for day in ctx["days"] for row in day["rows"]]
    labels = [day["label"] for day in ctx["days"] for _ in day["rows"]]
    days: list[dict[str, Any]] = []
    for line, cells, label in zip(review.tally.trail, flat, labels, strict=True):
        if not days or days[-1]["label"] != label:
            days.append({"label": label, "rows": []})
        found = by_session.get(line.index, [])
        worst = next((s for s in ("error", "warning", "info") if any(f.severity == s for f in found)), "")
        days[-1]["rows"].append({"index": line.index, "cells": cells["cells"][:-1], "findings": found, "worst": worst,
                                 "not_counted": line.note})
    return days
