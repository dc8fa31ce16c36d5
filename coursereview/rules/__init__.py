"""Rule families: small generator functions over (submission, criteria, tally) that yield findings."""

from __future__ import annotations

from coursereview.rules import areas, documentation, hours, instructors, provider, timetable
from coursereview.rules.context import Context, RuleFunction

__all__ = ["Context", "RuleFunction", "families"]


def families() -> dict[str, tuple[tuple[str, ...], RuleFunction]]:
    """Return each rule family's name, the codes it may emit and its check function."""
    return {m.__name__.rsplit(".", 1)[1]: (m.CODES, m.check)
            for m in (timetable, hours, areas, instructors, documentation, provider)}
