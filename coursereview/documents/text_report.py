"""The plain-text report of a Review, as `coursereview validate` prints it: findings, verdict, hours, trail."""

from __future__ import annotations

from coursereview.findings import Finding
from coursereview.review import Review
from coursereview.tally import Tally, TrailLine
from coursereview.wording import fmt, shown

_ORDER = {"error": 0, "warning": 1, "info": 2}


def text_report(review: Review, explain: bool = False) -> str:
    """Return the text report of ``review``: one line per finding, the verdict line and the hours by area.

    Errors come first, then warnings, then info (each in file order), so that a cause (a missing
    end time) is read before the totals it leaves short. With ``explain``, add the calculation
    trail: each session's minutes (sessions numbered from 1, as findings name them), then the
    arithmetic from minutes to points. Every line ends with a newline; the text of each is as
    ``wording.shown`` writes it.
    """
    t = review.tally
    lines = [str(finding) for finding in reading_order(review.findings)]
    lines.append(f"{review.submission.file}: {review.verdict_text.upper()} by {review.criteria.ref}: "
                 f"{t.summary()}; {review.counts_text}")
    lines.append("  hours by area: " + ", ".join(f"{area} {fmt(h)}" for area, h in t.area_hours().items()))
    if explain:
        lines.extend(_trail(t))
    return "".join(shown(line) + "\n" for line in lines)  # a terminal shows it: no escapes, no bidi overrides


def reading_order(findings: tuple[Finding, ...]) -> list[Finding]:
    """Return the findings as a reader should meet them: errors, then warnings, then info, each in file order."""
    return sorted(findings, key=lambda f: _ORDER.get(f.severity, len(_ORDER)))  # sorted is stable: file order kept


def _trail(t: Tally) -> list[str]:
    """Return the calculation trail: a heading, one line per session, then one per step of the arithmetic."""
    return ["  calculation trail:", *(_trail_line(line) for line in t.trail), *(f"  {step}" for step in t.steps())]


def _trail_line(line: TrailLine) -> str:
    where = f"{line.date} {line.start}-{line.end}"
    area = line.area or "-"
    track = f" track {line.track}" if line.track else ""
    note = f"  [{line.note}]" if line.note else ""
    return (f"    session {line.index + 1} {where} {line.kind:<11} {area:<14}{track} "
            f"{line.scheduled:>4} min scheduled, {line.counted:>4} counted  {line.title}{note}")
