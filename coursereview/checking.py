"""Load a submission (a file, bytes, a shipped example) and judge it: criteria, tally, every rule family, verdict."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path as FsPath

from coursereview import resources
from coursereview.criteria import CriteriaSet, resolve_criteria
from coursereview.errors import CourseReviewError, CriteriaError
from coursereview.findings import capped
from coursereview.intake import load_document, read_document
from coursereview.review import Review, verdict_of
from coursereview.rules import Context, families
from coursereview.schema import build_submission
from coursereview.schema.model import Submission
from coursereview.tally import tally


def load_submission(path: str | FsPath) -> Submission:
    """Return the Submission in ``path`` (.yaml, .yml, .json, .docx); raise InputError if unreadable."""
    return build_submission(load_document(path))


def read_submission(raw: bytes, name: str) -> Submission:
    """Return the Submission in the bytes ``raw`` (YAML, JSON or a Word form); ``name`` is shown in messages."""
    return build_submission(read_document(raw, name))


_EXAMPLE_SUFFIXES = (".yaml", ".yml", ".json")


def shipped_examples(name: str | None = None) -> dict[str, str]:
    """Return the example submissions shipped with coursereview by name, sorted: ``{"academy": "academy.yaml", ...}``.

    A name is the file name without its suffix; empty when none are shipped. With ``name``, return
    only that one, or raise CourseReviewError saying which examples there are.
    """
    folder = resources.examples_dir()
    found = {entry.name.rsplit(".", 1)[0]: entry.name for entry in folder.iterdir()
             if entry.name.endswith(_EXAMPLE_SUFFIXES) and not entry.name.startswith(".")} if folder.is_dir() else {}
    if name is None:
        return dict(sorted(found.items()))
    if name not in found:
        known = ", ".join(sorted(found)) or "none"
        raise CourseReviewError(f"no example named {name!r}; the shipped examples are: {known}")
    return {name: found[name]}


def example_source(name: str) -> bytes:
    """Return the text of the shipped example submission ``name`` (see ``shipped_examples``), as it is shipped."""
    return (resources.examples_dir() / shipped_examples(name)[name]).read_bytes()


def example_submission(name: str) -> Submission:
    """Return the shipped example submission ``name`` (see ``shipped_examples``), read like any upload.

    It is named ``examples/<file>`` wherever the package is installed, so that every message and
    document that shows the file name is the same on every machine.
    """
    file = shipped_examples(name)[name]
    return read_submission((resources.examples_dir() / file).read_bytes(), f"examples/{file}")


def choose_criteria(submission: Submission, criteria: CriteriaSet | str | None = None) -> CriteriaSet:
    """Return the criteria set to judge ``submission`` by: given, named in the submission, or by kind.

    ``criteria`` (the reviewer's choice) may be a set, an id[@version] or a criteria file. The
    submission itself may only name a shipped set, so a file cannot choose the rules it is judged by.
    """
    if isinstance(criteria, CriteriaSet):
        return criteria
    program = submission.program
    try:
        if criteria:
            return resolve_criteria(criteria, program.kind, program.start)
        if program.criteria:
            return resolve_criteria(program.criteria, program.kind, program.start, shipped_only=True)
        if program.kind is None:
            raise CriteriaError(f"{_kind_problem(submission)}; cannot choose a criteria set without a program kind")
        return resolve_criteria(None, program.kind, program.start)
    except CriteriaError as exc:
        message = str(exc)
        if not message.startswith(submission.file):
            message = f"{submission.file}: {message}"
        raise CriteriaError(message) from None


def _kind_problem(submission: Submission) -> str:
    """Return the finding about program.kind (with its did-you-mean), or a line saying it is missing."""
    for finding in submission.findings:
        if finding.path == ("program", "kind"):
            return str(finding)
    return f"{submission.sources.value(('program',))}: program.kind is missing"


def check(submission: Submission, criteria: CriteriaSet | str | None = None) -> Review:
    """Return the Review of ``submission`` under ``criteria`` (a set, an id[@version], a file, or None)."""
    chosen = choose_criteria(submission, criteria)
    submission = _area_ids(submission, chosen)
    totals = tally(submission, chosen)
    ctx = Context(submission, chosen, totals)
    found = list(submission.findings)
    for _codes, rule_check in families().values():
        found.extend(rule_check(ctx))
    listed = capped(sorted(found, key=lambda f: f.sort_key()))  # the first of each code in reading order
    ordered = tuple(sorted(listed, key=lambda f: f.sort_key()))
    return Review(submission, chosen, ordered, totals, verdict_of(ordered))


def _area_ids(submission: Submission, criteria: CriteriaSet) -> Submission:
    """Return ``submission`` with each session's area given by title (or "id - title") read as its id."""
    sessions = []
    for s in submission.sessions:
        known = criteria.area_id(s.area) if s.area else None
        sessions.append(replace(s, area=known) if known and known != s.area else s)
    return replace(submission, sessions=tuple(sessions))
