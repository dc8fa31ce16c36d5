"""Rule families: small generator functions over (submission, criteria, tally) that yield findings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from coursereview import findings as F
from coursereview.criteria import CriteriaSet, Rule
from coursereview.hours import Tally
from coursereview.model import Submission


@dataclass(frozen=True)
class Context:
    """What every rule reads, and the one place findings get their location and criterion."""

    submission: Submission
    criteria: CriteriaSet
    tally: Tally

    def rule(self, rule_id: str) -> Rule | None:
        """Return the criteria rule ``rule_id`` when the set applies it."""
        return self.criteria.rule(rule_id)

    def finding(self, code: str, path: tuple = (), hint: str = "", at_key: bool = False, **fields: Any) -> F.Finding:
        """Return finding ``code`` at ``path`` with severity and criterion from the criteria set."""
        kind = F.CATALOG[code]
        sources = self.submission.sources
        location = sources.key(path) if at_key else sources.value(path)
        if kind.rule is None:
            return F.make(code, path, location, hint=hint, **fields)
        rule = self.criteria.rules[kind.rule]
        return F.make(
            code, path, location, hint=hint, severity=rule.severity,
            criterion=f"{self.criteria.ref} {rule.id}", provisional=rule.provisional, **fields,
        )


RuleFunction = Callable[[Context], Iterator[F.Finding]]


def families() -> dict[str, tuple[tuple[str, ...], RuleFunction]]:
    """Return each rule family's name, the codes it may emit and its check function."""
    from coursereview.rules import areas, documentation, hours, instructors, provider, timetable

    return {m.__name__.rsplit(".", 1)[1]: (m.CODES, m.check)
            for m in (timetable, hours, areas, instructors, documentation, provider)}
