"""coursereview: validate IIMC course program submissions and render their review documents.

The public API below is imported on first use (lazy_loader, PEP 562): a command pays only for what it uses.
"""

from typing import TYPE_CHECKING

import lazy_loader

from coursereview import lazy_regex  # noqa: F401  (first: marshmallow and PyYAML defer their patterns)

if TYPE_CHECKING:
    from coursereview.checking import check, choose_criteria, example_submission, load_submission, read_submission
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

# Each name is imported from its module on first use, then kept on the package.
__getattr__, __dir__, _ = lazy_loader.attach(__name__, submod_attrs={
    "checking": ["check", "choose_criteria", "example_submission", "load_submission", "read_submission"],
    "criteria": ["CriteriaSet", "resolve_criteria", "shipped_criteria"],
    "documents": ["render", "review_reference"],
    "errors": ["CourseReviewError", "CriteriaError", "InputError", "OutputError"],
    "findings": ["CATALOG", "Finding"],
    "review": ["Decision", "Review"],
})
