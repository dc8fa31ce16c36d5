"""Render a Review as a document: docx, pdf, html, md or json (bytes, ready for io.write_atomic)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING

from coursereview.documents.reference import review_reference
from coursereview.word.package import DEFAULT_STAMP, source_date
from coursereview.wording import shown_json

if TYPE_CHECKING:
    from coursereview.documents.profile import Profile  # loaded by the renderers that print a letterhead
    from coursereview.review import Decision, Review

__all__ = ["FORMATS", "RENDER_FORMATS", "TEXT_FORMATS", "format_for", "render", "review_reference", "source_date"]

FORMATS = ("docx", "html", "md", "json")
RENDER_FORMATS = (*FORMATS, "pdf")  # pdf: the docx printed by LibreOffice (documents.pdf)
TEXT_FORMATS = ("html", "md", "json")


def format_for(path: str | Path, given: str | None = None) -> str:
    """Return the output format: ``given`` if set, else from the file suffix."""
    if given:
        return given
    suffix = Path(path).suffix.lower().lstrip(".")
    suffix = {"markdown": "md", "htm": "html"}.get(suffix, suffix)
    if suffix not in RENDER_FORMATS:
        raise ValueError(f"cannot tell the format from {str(path)!r}; use a .docx, .pdf, .html, .md or .json name "
                         "or give --format")
    return suffix


def render(review: Review, fmt: str, decision: Decision | None = None, stamp: dt.datetime | None = None,
           profile: Profile | None = None, reviewed: dt.date | None = None) -> bytes:
    """Return the review document of ``review`` in format ``fmt`` as bytes, issued by ``profile`` (default: IIMC's).

    ``reviewed`` is the review date it shows (None: the day of ``stamp`` when one other
    than the default is given, else not dated). The same review gives
    the same bytes: a docx is stamped with ``stamp`` (default 2000-01-01; the CLI passes
    ``source_date()``, which honours SOURCE_DATE_EPOCH), never with the clock. "pdf" is the docx
    printed by LibreOffice (``documents.pdf.PdfError`` when it is not installed).
    """
    if fmt == "json":
        return (shown_json(json.dumps(review.to_dict(), ensure_ascii=False, indent=2)) + "\n").encode("utf-8")
    if fmt not in RENDER_FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(RENDER_FORMATS)}")
    from coursereview.documents import chart
    from coursereview.documents.review_context import review_context

    if reviewed is None and stamp is not None and stamp != DEFAULT_STAMP:
        reviewed = stamp.date()
    ctx = review_context(review, decision, profile, reviewed)
    ctx["chart_caption"] = chart.chart_caption(review)
    if fmt in ("docx", "pdf"):
        from coursereview.documents.review_docx import build_docx

        ctx["chart_png"] = chart.hours_chart_png(review)
        data = build_docx(ctx, stamp or DEFAULT_STAMP)
        if fmt == "docx":
            return data
        from coursereview.documents.pdf import docx_to_pdf

        return docx_to_pdf(data)
    from coursereview.documents.environment import render_text

    if fmt == "html":
        ctx["chart_svg"] = chart.hours_chart_svg(review)
    return render_text(ctx, fmt).encode("utf-8")
