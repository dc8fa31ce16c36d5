"""The Review: an immutable record of one submission judged by one criteria set."""

from __future__ import annotations

import datetime as dt

from coursereview.criteria import CriteriaSet
from coursereview.findings import Finding
from coursereview.records import record
from coursereview.schema.model import Submission
from coursereview.tally import Tally


def verdict_of(findings: tuple[Finding, ...]) -> str:
    """Return the verdict: errors make it not approvable, warnings add notes, info changes nothing."""
    severities = {f.severity for f in findings}
    if "error" in severities:
        return "not-approvable"
    if "warning" in severities:
        return "approvable-with-notes"
    return "approvable"


@record
class Decision:
    """IIMC's recorded decision on a submission (shown in the approval block and letters)."""

    decision: str  # "approved" | "returned"
    reviewer: str
    decided_at: dt.datetime  # UTC
    note: str = ""
    override: bool = False  # approved although the tool found it not approvable


@record
class Review:
    """A submission, the criteria that judged it, what was found, the totals and the verdict."""

    submission: Submission
    criteria: CriteriaSet
    findings: tuple[Finding, ...]
    tally: Tally
    verdict: str

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def counts(self) -> dict[str, int]:
        """Return how many findings there are of each severity."""
        return {s: sum(f.severity == s for f in self.findings) for s in ("error", "warning", "info")}

    @property
    def counts_text(self) -> str:
        """Return the counts as every summary shows them: '5 errors, 0 warnings, 0 info'."""
        c = self.counts
        return f"{c['error']} errors, {c['warning']} warnings, {c['info']} info"

    @property
    def verdict_text(self) -> str:
        """Return the verdict as people write it: 'approvable with notes'."""
        return self.verdict.replace("-", " ")

    @property
    def exit_code(self) -> int:
        """Return 0 when approvable (with or without notes), 1 when not approvable."""
        return 1 if self.verdict == "not-approvable" else 0

    def to_dict(self) -> dict:
        """Return the JSON form of the review (what ``validate --format json`` prints)."""
        t = self.tally
        program = self.submission.program
        return {
            "file": self.submission.file,
            "sha256": self.submission.sha256,
            "verdict": self.verdict,
            "criteria": self.criteria.to_dict(),
            "program": {
                "title": program.title,
                "provider": self.submission.provider.name,
                "kind": program.kind,
                "part": program.part,
                "start": program.start.isoformat() if program.start else None,
                "end": program.end.isoformat() if program.end else None,
            },
            "totals": {
                "contact_hours": t.contact_hours,
                "points": t.points,
                "points_category": t.category,
                "areas": t.area_hours(),
                "days": {d.isoformat(): t.hours(m) for d, m in t.day_minutes.items()},
            },
            "counts": self.counts,
            "findings": [f.to_dict() for f in self.findings],
        }
