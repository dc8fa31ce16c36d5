"""The batch register as an HTML page: counts on top, then one table row per submission (templates/summary.html.j2)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from coursereview.documents.environment import render_template

TEMPLATE = "summary.html.j2"


def summary_html(rows: Iterable[Mapping[str, Any]], counts: Mapping[str, int]) -> str:
    """Return the register page for ``rows`` (one mapping per submission: file, status, reason, provider, program,
    kind, part, start, end, verdict, errors, warnings, contact_hours, points, criteria, outputs) and ``counts``
    (submissions, each verdict, each status); every value is escaped."""
    return render_template(TEMPLATE, rows=list(rows), counts=counts)
