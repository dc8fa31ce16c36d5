"""coursereview: validate IIMC course program submissions and render their review documents."""

from coursereview import lazy_regex  # noqa: F401  (first: marshmallow's e-mail patterns compile on first use)
from coursereview.check import check, choose_criteria, example_submission, load_submission, read_submission
from coursereview.criteria import CriteriaSet, resolve_criteria, shipped_criteria
from coursereview.documents import render, review_reference
from coursereview.errors import CourseReviewError, CriteriaError, InputError, OutputError
from coursereview.findings import CATALOG, Finding
from coursereview.review import Decision, Review

__version__ = "0.1.0"

__all__ = [
    "CATALOG",
    "CourseReviewError",
    "CriteriaError",
    "CriteriaSet",
    "Decision",
    "Finding",
    "InputError",
    "OutputError",
    "Review",
    "check",
    "choose_criteria",
    "example_submission",
    "load_submission",
    "read_submission",
    "render",
    "resolve_criteria",
    "review_reference",
    "shipped_criteria",
]
