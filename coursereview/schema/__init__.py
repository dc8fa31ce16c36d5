"""Schema: plain data (Document) -> the typed Submission; structural problems become findings."""

from coursereview.schema.model import Director, Instructor, Program, Provider, Session, Submission
from coursereview.schema.submission import build_submission

__all__ = ["Director", "Instructor", "Program", "Provider", "Session", "Submission", "build_submission"]
