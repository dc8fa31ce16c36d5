"""The JSON API for institutes' own systems: check a submission, read the criteria sets; errors as RFC 9457 problems."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, request, url_for

from coursereview.criteria import CriteriaSet, shipped_criteria
from coursereview.criteria.describe import hours_lines, rule_sentence
from coursereview.errors import CourseReviewError
from coursereview.web.common import run_check, shipped_set
from coursereview.web.services import services
from coursereview.web.uploads import DOCX, MAX_NAME, UploadProblem, display_name, read_upload, size_text

bp = Blueprint("api", __name__, url_prefix="/api/v1")

PROBLEM = "application/problem+json"
# Raw bodies the check takes, by media type, and the name the file gets when none is given.
RAW_TYPES = {
    "application/json": "upload.json",
    "application/yaml": "upload.yaml",
    "application/x-yaml": "upload.yaml",
    "text/yaml": "upload.yaml",
    "text/x-yaml": "upload.yaml",
    DOCX: "upload.docx",
    "application/octet-stream": "upload",
}
_TITLES = {400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 413: "Content Too Large",
           415: "Unsupported Media Type", 422: "Unprocessable Content", 500: "Internal Server Error",
           503: "Service Unavailable"}


def problem(status: int, detail: str) -> Response:
    """Return an RFC 9457 problem details response."""
    body = {"type": "about:blank", "title": _TITLES.get(status, "Error"), "status": status, "detail": detail}
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM)


def _json(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False) + "\n", status=status, mimetype="application/json")


@bp.post("/check")
def check() -> Response:
    """Check a submission sent as a multipart upload (field ``file``) or as the raw body; return the review."""
    limit = services().settings.upload_limit
    criteria = _criteria_param()
    try:
        raw, name = _body(limit)
    except UploadProblem as exc:
        return problem(exc.status, exc.message)
    try:
        review = run_check(raw, name, criteria)
    except CourseReviewError as exc:
        return problem(422, str(exc))
    return _json(review.to_dict())  # byte for byte what `validate --format json` prints


def _body(limit: int) -> tuple[bytes, str]:
    mimetype = request.mimetype
    given = request.args.get("name")
    if given is not None and len(given) > MAX_NAME:
        raise UploadProblem(400, f"name is longer than {MAX_NAME} characters")
    if mimetype == "multipart/form-data":
        raw, name = read_upload(request.files.get("file"), limit, "file (multipart field 'file')")
        return raw, display_name(given, name) if given else name
    if mimetype not in RAW_TYPES:
        shown = mimetype or "none"
        raise UploadProblem(415, f"Content-Type {shown} is not taken; send multipart/form-data with a 'file' field, "
                                 f"or the file itself as {', '.join(RAW_TYPES)}")
    raw = request.get_data(cache=False)
    if len(raw) > limit:
        raise UploadProblem(413, f"the body is larger than the limit of {size_text(limit)} for a submission")
    if not raw:
        raise UploadProblem(400, "the body is empty: send the submission file")
    return raw, display_name(given, RAW_TYPES[mimetype])


def _criteria_param() -> CriteriaSet | None:
    ref = request.args.get("criteria")
    if ref is None:
        return None
    found = shipped_set(ref)
    if found is None:
        known = ", ".join(s.ref for s in shipped_criteria())
        abort(400, f"criteria {ref[:80]!r} is not a shipped criteria set; use one of: {known}")
    return found


@bp.get("/criteria")
def criteria_list() -> Response:
    """Every shipped criteria set, newest version of each id last."""
    return _json([_summary(s) for s in shipped_criteria()])


@bp.get("/criteria/<ref>")
def criteria_detail(ref: str) -> Response:
    """One criteria set in full: areas, hours, points and every rule with its basis and source."""
    s = shipped_set(ref)
    if s is None:
        abort(404)
    data = _summary(s)
    data.update({
        "description": s.description,
        "hour_minutes": s.hour_minutes,
        "counts": dict(s.counts),
        "points": {"category": s.points.category, "hours_per_point": s.points.hours_per_point,
                   "unit": s.points.unit, "basis": s.points.basis, "source": s.points.source},
        "hours": hours_lines(s),
        "areas": [{"id": a.id, "title": a.title, "description": a.description, "topics": list(a.topics),
                   "min_hours": a.min_hours} for a in s.areas],
        "rules": [{"id": r.id, "value": r.value, "text": rule_sentence(r), "basis": r.basis, "severity": r.severity,
                   "source": r.source, "note": r.note} for r in s.rules.values()],
    })
    return _json(data)


def _summary(s: CriteriaSet) -> dict[str, Any]:
    return {
        "id": s.id,
        "version": s.version,
        "ref": s.ref,
        "title": s.title,
        "kinds": list(s.kinds),
        "effective_from": s.effective_from.isoformat(),
        "effective_until": s.effective_until.isoformat() if s.effective_until else None,
        "sha256": s.sha256,
        "links": {"self": url_for("api.criteria_detail", ref=s.ref), "page": url_for("pages.criteria_page", ref=s.ref),
                  "docx": url_for("pages.criteria_download", ref=s.ref, fmt="docx")},
    }


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3 description of this API."""
    from coursereview.web.openapi import document

    return _json(document())

