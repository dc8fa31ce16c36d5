"""Judge a submission: choose the criteria, tally the hours, run every rule family, give a verdict."""

from __future__ import annotations

from pathlib import Path as FsPath

from coursereview.criteria import CriteriaSet, resolve_criteria
from coursereview.errors import CriteriaError
from coursereview.hours import tally
from coursereview.load import load_document
from coursereview.model import Submission
from coursereview.review import Review, verdict_of
from coursereview.rules import Context, families
from coursereview.schema import build_submission


def load_submission(path: str | FsPath) -> Submission:
    """Return the Submission in ``path`` (.yaml, .yml, .json, .docx); raise InputError if unreadable."""
    return build_submission(load_document(path))


def choose_criteria(submission: Submission, criteria: CriteriaSet | str | None = None) -> CriteriaSet:
    """Return the criteria set to judge ``submission`` by: given, named in the submission, or by kind."""
    if isinstance(criteria, CriteriaSet):
        return criteria
    program = submission.program
    ref = criteria or program.criteria
    if ref is None and program.kind is None:
        where = submission.sources.value(("program", "kind"))
        raise CriteriaError(f"{where}: cannot choose a criteria set: program.kind is missing or not one of "
                            "institute, academy, association (or give --criteria)")
    return resolve_criteria(ref, program.kind, program.start)


def check(submission: Submission, criteria: CriteriaSet | str | None = None) -> Review:
    """Return the Review of ``submission`` under ``criteria`` (a set, an id[@version], a file, or None)."""
    chosen = choose_criteria(submission, criteria)
    totals = tally(submission, chosen)
    ctx = Context(submission, chosen, totals)
    found = list(submission.findings)
    for _codes, rule_check in families().values():
        found.extend(rule_check(ctx))
    ordered = tuple(sorted(found, key=lambda f: f.sort_key()))
    return Review(submission, chosen, ordered, totals, verdict_of(ordered))
