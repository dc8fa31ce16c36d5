"""Helpers the pages and the API share: run the check on bytes, find a shipped criteria set, send a download."""

from __future__ import annotations

from urllib.parse import quote

from flask import Response

from coursereview.checking import check, read_submission
from coursereview.criteria import CriteriaSet, shipped_criteria
from coursereview.review import Review
from coursereview.web.security import STORED_CSP


def run_check(raw: bytes, name: str, criteria: CriteriaSet | None = None) -> Review:
    """Return the review of submission bytes ``raw`` (no file is written); InputError or CriteriaError if it cannot."""
    return check(read_submission(raw, name), criteria)


def shipped_set(ref: str) -> CriteriaSet | None:
    """Return the shipped criteria set ``ref`` names (id@version, or id for the newest), else None.

    Only shipped sets are looked up: text from a request never reaches a file path.
    """
    sets = shipped_criteria()
    exact = [s for s in sets if s.ref == ref]
    if exact:
        return exact[0]
    by_id = [s for s in sets if s.id == ref]
    return max(by_id, key=lambda s: tuple(int(p) if p.isdigit() else 0 for p in s.version.split(".")), default=None)


def download(data: bytes, filename: str, mimetype: str, stored: bool = False) -> Response:
    """Return ``data`` as a file to save (Content-Disposition: attachment), never shown in the page.

    ``stored`` marks a file someone uploaded: it goes out as plain bytes under a sandboxing policy.
    """
    response = Response(data, mimetype="application/octet-stream" if stored else mimetype)
    fallback = filename.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_")
    response.headers["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    if stored:
        response.headers["Content-Security-Policy"] = STORED_CSP
    return response


def stem(name: str) -> str:
    """Return a file name without its suffix ('nwci.docx' -> 'nwci')."""
    base, dot, _ = name.rpartition(".")
    return base if dot and base else name
