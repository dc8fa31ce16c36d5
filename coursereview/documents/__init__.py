"""Render a Review as a document: docx, html, md or json (bytes, ready for io.write_atomic)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from coursereview.documents.profile import Profile
from coursereview.review import Decision, Review
from coursereview.word.package import DEFAULT_STAMP, source_date

__all__ = ["FORMATS", "TEXT_FORMATS", "format_for", "render", "source_date"]

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




def render(review: Review, fmt: str, decision: Decision | None = None, stamp: dt.datetime | None = None,
           profile: Profile | None = None) -> bytes:
    """Return the review document of ``review`` in format ``fmt`` as bytes, issued by ``profile`` (default: IIMC's).

    The same review gives the same bytes: a docx is stamped with ``stamp`` (default 2000-01-01;
    the CLI passes ``source_date()``, which honours SOURCE_DATE_EPOCH), never with the clock.
    """
    if fmt == "json":
        return (json.dumps(review.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    from coursereview.documents.review_context import review_context

    ctx = review_context(review, decision, profile)
    if fmt == "docx":
        from coursereview.documents.review_docx import build_docx

        return build_docx(ctx, stamp or DEFAULT_STAMP)
    from coursereview.documents.environment import render_text

    return render_text(ctx, fmt).encode("utf-8")
