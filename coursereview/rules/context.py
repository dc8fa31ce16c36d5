"""The context every rule reads: the submission, the criteria set and the tally; it makes findings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from coursereview import findings as F
from coursereview.criteria import CriteriaSet, Rule
from coursereview.schema.model import Submission
from coursereview.tally import Tally
from coursereview.wording import Suggestions


@dataclass(frozen=True)
class Context:
    """What every rule reads, and the one place findings get their location and criterion."""

    submission: Submission
    criteria: CriteriaSet
    tally: Tally
    suggest: Suggestions = field(default_factory=Suggestions)  # did-you-mean hints, their work bounded per check

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
