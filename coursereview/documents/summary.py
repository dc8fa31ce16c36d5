"""The batch register as the staff's dashboard: counts by verdict, then the submissions by verdict and date received.

Each verdict has a colour, a symbol and its words (the colour is never the only sign); the page
fits a 1280-pixel screen and prints in black and white as readably (templates/summary.html.j2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from coursereview.documents.environment import render_template
from coursereview.documents.profile import Profile, load_profile
from coursereview.wording import fmt

TEMPLATE = "summary.html.j2"
UNREADABLE = "could not read"
# The dashboard's order: what needs the staff's attention first. Key, label, symbol, CSS class.
VERDICT_ORDER = (
    (UNREADABLE, "Could not read", "?", "unreadable"),
    ("not-approvable", "Not approvable", "\u2717", "not-approvable"),  # ✗
    ("approvable-with-notes", "Approvable with notes", "!", "with-notes"),
    ("approvable", "Approvable", "\u2713", "approvable"),  # ✓
)
_RANK = {key: i for i, (key, *_rest) in enumerate(VERDICT_ORDER)}


def summary_html(rows: Iterable[Mapping[str, Any]], counts: Mapping[str, int], profile: Profile | None = None,
                 decisions: bool = False) -> str:
    """Return the dashboard for ``rows`` (one mapping per submission: file, status, reason, provider, program,
    kind, part, start, end, verdict, errors, warnings, contact_hours, points, criteria, outputs, received,
    decision, decision_override, decided_by, decided_at) and ``counts`` (submissions, each verdict, each
    status); with ``decisions`` (a register was read) a column shows IIMC's recorded decision. Every value
    is escaped."""
    profile = profile or load_profile()
    shown = sorted((_row(r, profile) for r in rows), key=lambda r: r["sort"])
    tiles = [{"label": label, "symbol": symbol, "css": css, "count": counts.get(key, 0)}
             for key, label, symbol, css in VERDICT_ORDER]
    decided = sum(1 for r in shown if r["decision"])
    return render_template(TEMPLATE, rows=shown, counts=counts, tiles=tiles, decided=decided,
                           issuer=profile.short_name, decisions=decisions)


def _row(row: Mapping[str, Any], profile: Profile) -> dict[str, Any]:
    """Return one submission as the dashboard shows it: every value a string, plus the key it sorts by."""
    key = UNREADABLE if row.get("status") == UNREADABLE else row.get("verdict") or UNREADABLE
    _, label, symbol, css = VERDICT_ORDER[_RANK.get(key, 0)]
    received = _when(row.get("received"))
    file = str(row.get("file") or "")
    name = file.replace("\\", "/").rsplit("/", 1)[-1]  # the reviewer's folders are nobody's business
    reason = str(row.get("reason") or "")
    start, end = _day(row.get("start")), _day(row.get("end"))
    return {
        **row,
        "sort": (_RANK.get(key, 0), row.get("received") or "9999", str(row.get("file", ""))),
        "label": label, "symbol": symbol, "css": css, "file_name": name,
        "reason": name + reason[len(file):] if file and reason.startswith(file) else reason,
        "received_text": _stamp(received, profile) if received else "unknown",
        "dates": _dates(start, end, profile),
        "kind_text": " ".join(x for x in ((row.get("kind") or "").capitalize(),
                                          f"part {row['part']}" if row.get("part") is not None else "") if x),
        "hours_text": "" if row.get("contact_hours") is None else fmt(row["contact_hours"]),
        "points_text": "" if row.get("points") is None else fmt(row["points"]),
        "decision": _decision(row, profile),
    }


def _decision(row: Mapping[str, Any], profile: Profile) -> str:
    if not row.get("decision"):
        return ""
    what = "Approved" if row["decision"] == "approved" else "Returned"
    if row.get("decision_override"):
        what += " (override)"
    when = _when(row.get("decided_at"))
    by = f" by {row['decided_by']}" if row.get("decided_by") else ""
    return f"{what}{by}" + (f", {profile.date(when.date())}" if when else "")


def _when(text: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _day(text: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _stamp(when: dt.datetime, profile: Profile) -> str:
    utc = when.astimezone(dt.UTC) if when.tzinfo else when
    return f"{profile.date(utc.date())}, {utc:%H:%M} UTC"


def _dates(start: dt.date | None, end: dt.date | None, profile: Profile) -> str:
    if start and end and start != end:
        return f"{profile.date(start)} to {profile.date(end)}"
    return profile.date(start or end) if (start or end) else "dates not given"
