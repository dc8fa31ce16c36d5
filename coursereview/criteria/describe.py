"""Say in sentences what each criteria rule asks for (the findings catalog holds them) and how hours are counted."""

from __future__ import annotations

from coursereview.criteria.sets import CriteriaSet, Rule
from coursereview.findings import RULES
from coursereview.wording import number

BASIS_TEXT = {
    "published": "IIMC's own pages say it; a breach is an error.",
    "observed": "every approved program read does it, but no IIMC text was found; a breach is a warning.",
    "provisional": "our own reasonable reading, to be replaced when IIMC's text is at hand; a breach is a warning.",
}


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
        f"A participant earns 1 {p.category} point per {number(p.hours_per_point)} contact hours, in steps of "
        f"{number(p.unit)} point rounded down ({p.basis}: {p.source}).",
        "Simultaneous sessions (tracks) count once toward the program's contact hours.",
    ]
