"""The context every rule reads: the submission, the criteria set and the tally; it makes findings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import field
from typing import Any

from coursereview import findings as F
from coursereview import voice
from coursereview.criteria import CriteriaSet, Rule
from coursereview.location import SourceMap
from coursereview.records import record
from coursereview.schema.model import Submission
from coursereview.tally import Tally
from coursereview.wording import Suggestions


@record
class Context:
    """What every rule reads, and the one place findings get their location and criterion."""

    submission: Submission
    criteria: CriteriaSet
    tally: Tally
    suggest: Suggestions = field(default_factory=Suggestions)  # did-you-mean hints, their work bounded per check

    @property
    def sources(self) -> SourceMap:
        """Return where every value of the submission came from, and how its input writes values (``style``)."""
        return self.submission.sources

    def rule(self, rule_id: str) -> Rule | None:
        """Return the criteria rule ``rule_id`` when the set applies it."""
        return self.criteria.rule(rule_id)

    def finding(self, code: str, path: tuple = (), hint: str = "", at_key: bool = False, place: tuple | None = None,
                **fields: Any) -> F.Finding:
        """Return finding ``code`` at ``path`` with severity and criterion from the criteria set.

        ``place`` is the value to point at when it is not ``path`` itself: the empty "Certificate" row
        of a Word form for a finding about the program (where a YAML file has no key, its location
        falls back to the nearest one there is, the program's).
        """
        kind = F.CATALOG[code]
        sources = self.submission.sources
        where = path if place is None else place
        location = sources.key(where) if at_key else sources.value(where)
        if kind.rule is None:
            return F.make(code, path, location, hint=hint, **fields)
        rule = self.criteria.rules[kind.rule]
        return F.make(
            code, path, location, hint=hint, severity=rule.severity,
            criterion=f"{self.criteria.ref} {rule.id}", provisional=rule.provisional, **fields,
        )


    def missing(self, code: str, path: tuple, key: str, what: str, **fields: Any) -> F.Finding:
        """Return finding ``code`` about ``path`` lacking its ``key``: at the empty place, saying how to give it.

        The hint speaks the input's language: "add 'certificate': what" in YAML, 'fill in
        "Certificate": what' on a Word form (see ``voice.add``).
        """
        place = (*path, key)
        return self.finding(code, path, voice.add(self.sources, place, what), place=place, **fields)


RuleFunction = Callable[[Context], Iterator[F.Finding]]
