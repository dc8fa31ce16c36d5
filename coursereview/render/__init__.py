"""Render a Review as a document: docx, html, md or json (bytes, ready for io.write_atomic)."""

from __future__ import annotations

import json
from pathlib import Path

from coursereview.review import Decision, Review

FORMATS = ("docx", "html", "md", "json")
TEXT_FORMATS = ("html", "md", "json")


def format_for(path: str | Path, given: str | None = None) -> str:
    """Return the output format: ``given`` if set, else from the file suffix."""
    if given:
        return given
    suffix = Path(path).suffix.lower().lstrip(".")
    suffix = {"markdown": "md", "htm": "html"}.get(suffix, suffix)
    if suffix not in FORMATS:
        raise ValueError(f"cannot tell the format from {str(path)!r}; use a .docx, .html, .md or .json name "
                         "or give --format")
    return suffix


def render(review: Review, fmt: str, decision: Decision | None = None) -> bytes:
    """Return the review document of ``review`` in format ``fmt`` as bytes."""
    if fmt == "json":
        return (json.dumps(review.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    raise NotImplementedError(fmt)  # docx, html and md land with the render issue
