"""The words that describe a criteria set: what each rule asks for, how hours and points are counted, the text view."""

from __future__ import annotations

import re

from coursereview.criteria.sets import CriteriaSet, Rule
from coursereview.findings import RULES
from coursereview.wording import fmt, number

BASIS_TEXT = {
    "published": "IIMC's own pages say it; a breach is an error.",
    "observed": "every approved program read does it, but no IIMC text was found; a breach is a warning.",
    "provisional": "our own reasonable reading, to be replaced when IIMC's text is at hand; a breach is a warning.",
}


# What only the people who encoded a criteria set can read: their working notes ("shared/domain.md",
# "seed 000") and instructions for editing the file (a data key such as "min_hours").
_INTERNAL = re.compile(r"shared/|\b[\w-]+\.md\b|\bseeds?\b(?:\s+\d+)?|\b[a-z]+_[a-z_]+\b", re.IGNORECASE)
_PARENTHESIS = re.compile(r"\s*\(([^()]*)\)")


def public_text(text: str) -> str:
    """Return a source or note of a criteria set with what cites internal notes left out.

    A parenthesis citing an internal note goes ("... half hours (shared/domain.md)" -> "... half
    hours"), and so does a clause (between semicolons) that names one or a data key. What is left
    cites public documents only; the empty string when nothing is.
    """
    kept = _PARENTHESIS.sub(lambda m: "" if _INTERNAL.search(m.group(1)) else m.group(0), text)
    clauses = [c.strip() for c in kept.split(";")]
    return "; ".join(c for c in clauses if c and not _INTERNAL.search(c))


def rule_sentence(rule: Rule) -> str:
    """Return what ``rule`` asks for, in one sentence."""
    value = rule.value
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        value = number(value)
    declared = RULES.get(rule.id)
    return (declared.sentence if declared else rule.id + ": {v}").format(v=value)


def hours_lines(criteria: CriteriaSet) -> list[str]:
    """Return how hours and points are counted under ``criteria``, one sentence each."""
    counted = [k for k, v in criteria.counts.items() if v]
    not_counted = [k for k, v in criteria.counts.items() if not v]
    p = criteria.points
    return [
        f"One contact hour is {criteria.hour_minutes} minutes of {' or '.join(counted)}"
        + (f"; {', '.join(not_counted)} count no hours." if not_counted else "."),
        f"A participant earns 1 point per {number(p.hours_per_point)} contact hours, in steps of "
        f"{number(p.unit)} point rounded down, as {p.category} ({p.basis}"
        + (f": {public_text(p.source)})." if public_text(p.source) else ")."),
        "Simultaneous sessions (tracks) count once toward the program's contact hours.",
    ]


def criteria_text(criteria: CriteriaSet) -> str:
    """Return a readable summary of ``criteria`` (`criteria show` in text): source, hours, points, areas, rules.

    Every line ends with a newline.
    """
    s = criteria
    p = s.points
    counted = ", ".join(k for k, v in s.counts.items() if v)
    lines = [
        f"{s.ref}: {s.title}",
        f"  applies to: {', '.join(s.kinds)}; in force {s.effective_from} to {s.effective_until or 'open'}",
        f"  sha256: {s.sha256}",
        *(f"  source {key}: {value}" for key, value in s.source.items()),
        f"  contact hour: {s.hour_minutes} minutes; counted session kinds: {counted}",
        f"  points: 1 {p.category} point per {fmt(p.hours_per_point)} contact hours, in steps of "
        f"{fmt(p.unit)} rounded down [{p.basis}: {p.source}]",
        "  curriculum areas:",
    ]
    for a in s.areas:
        minimum = f" (minimum {fmt(a.min_hours)} h)" if a.min_hours else ""
        lines.append(f"    {a.id:<15} {a.title}{minimum}")
    lines.append("  rules:")
    for r in s.rules.values():
        value = "on" if r.value is True else r.value
        lines.append(f"    {r.id:<34} {str(value):<14} {r.basis:<11} -> {r.severity:<7} {r.source}")
    return "".join(line + "\n" for line in lines)
