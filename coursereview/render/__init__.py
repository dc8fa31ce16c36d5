"""Render a Review as a document: docx, html, md or json (bytes, ready for io.write_atomic)."""

from __future__ import annotations

import datetime as dt
import json
import os
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


DEFAULT_STAMP = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def render(review: Review, fmt: str, decision: Decision | None = None, stamp: dt.datetime | None = None) -> bytes:
    """Return the review document of ``review`` in format ``fmt`` as bytes.

    The same review gives the same bytes: a docx is stamped with ``stamp`` (default:
    ``source_date()``), never with the clock.
    """
    if fmt == "json":
        return (json.dumps(review.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    from coursereview.render.context import review_context

    ctx = review_context(review, decision)
    if fmt == "docx":
        from coursereview.render.docx import build_docx

        return build_docx(ctx, stamp or source_date())
    from coursereview.render.text import render_text

    return render_text(ctx, fmt).encode("utf-8")


def source_date(environ: dict[str, str] | None = None) -> dt.datetime:
    """Return the time documents are stamped with: SOURCE_DATE_EPOCH when set, else 2000-01-01 UTC."""
    value = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return DEFAULT_STAMP
    try:
        return dt.datetime.fromtimestamp(int(value), dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise ValueError(f"SOURCE_DATE_EPOCH={value!r} is not a number of seconds since 1970") from None
