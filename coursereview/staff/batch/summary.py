"""The batch register in the output folder: summary.csv, summary.json and summary.html, one row per submission."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from coursereview.io import content_hash, write_atomic
from coursereview.staff.batch.job import COLUMNS, REVIEWED, UNCHANGED, UNREADABLE, BatchResult, Row
from coursereview.vocabulary import VERDICTS

if TYPE_CHECKING:  # the profile module loads only where a document is written
    from coursereview.documents.profile import Profile

SUMMARIES = ("summary.csv", "summary.json", "summary.html")


def write_summaries(result: BatchResult, outdir: str | Path, profile: Profile | None = None,
                    decisions: bool = False) -> list[Path]:
    """Write summary.csv, summary.json and summary.html into ``outdir`` (the batch owns them); ``decisions``:
    the rows carry IIMC's recorded decisions (a register was read), which the dashboard then shows."""
    outdir = Path(outdir)
    texts = (summary_csv(result.rows), summary_json(result), summary_html(result, profile, decisions))
    return [write_atomic(outdir / name, text, force=True) for name, text in zip(SUMMARIES, texts, strict=True)]


def summaries_key(result: BatchResult, profile_id: str | None, decisions: bool) -> str:
    """Return what the registers are made from, as one string: every row, the issuing profile, decisions shown.

    Each row is the list of its values in ``COLUMNS`` order (the columns are part of the key), which
    is quicker to make and to serialise than a dictionary with sorted keys.
    """
    values = attrgetter(*COLUMNS)
    rows = [values(row) for row in result.rows]  # tuples: written as JSON lists
    return content_hash(json.dumps([COLUMNS, rows, result.outdir, profile_id, decisions],
                                   ensure_ascii=False, default=str).encode("utf-8"))


def counts(result: BatchResult) -> dict[str, int]:
    """Return how many submissions the batch holds, then how many of each verdict and of each status."""
    found = {"submissions": len(result.rows)}
    for verdict in VERDICTS:
        found[verdict] = sum(r.verdict == verdict for r in result.rows)
    for status in (UNREADABLE, REVIEWED, UNCHANGED):
        found[status] = result.count(status)
    return found


def summary_csv(rows: Iterable[Row]) -> str:
    """Return the batch register as CSV (outputs joined with '; ')."""
    out = io.StringIO()
    import csv

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        data = row.to_dict()
        data["outputs"] = "; ".join(row.outputs)
        writer.writerow(["" if data[c] is None else data[c] for c in COLUMNS])
    return out.getvalue()


def summary_json(result: BatchResult) -> str:
    """Return the batch register as JSON: counts by verdict and status, and one object per submission."""
    data = {"counts": counts(result), "exit_code": result.exit_code, "submissions": [r.to_dict() for r in result.rows]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def summary_html(result: BatchResult, profile: Profile | None = None, decisions: bool = False) -> str:
    """Return the batch register as the staff's HTML dashboard (documents.summary: every value escaped)."""
    from coursereview.documents.summary import summary_html as _page  # here: a run that writes no page loads none

    return _page([r.to_dict() for r in result.rows], counts(result), profile, decisions)
