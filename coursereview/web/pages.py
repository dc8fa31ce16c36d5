"""The pages directors use: home, check a program, the result, submit to IIMC, the receipt and the status page."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from werkzeug.datastructures import FileStorage

from coursereview.criteria import CriteriaSet, resolve_criteria, shipped_criteria
from coursereview.documents import render
from coursereview.errors import CourseReviewError
from coursereview.review import Review
from coursereview.staff.submissions import ATTACHMENT_ROLES, NewFile, StoredSubmission
from coursereview.vocabulary import KINDS
from coursereview.web.common import download, run_check, shipped_set, stem
from coursereview.web.services import services
from coursereview.web.services import stored_file as send_stored_file
from coursereview.web.uploads import (
    ATTACHMENT_SUFFIX,
    ATTACHMENT_TYPES,
    DOCX,
    UploadProblem,
    attachment,
    carried,
    carry,
    display_name,
    read_upload,
)
from coursereview.web.view import result_view

bp = Blueprint("pages", __name__)

KIND_TITLES = {"institute": "CMC institute (university-based, multi-year)", "academy": "MMC academy",
               "association": "Association program (conference, workshop)"}
MIMETYPES = {"docx": DOCX, "html": "text/html; charset=utf-8", "pdf": "application/pdf",
             "yaml": "application/yaml; charset=utf-8"}
STATE_WORDS = {"received": "Received", "in-review": "In review", "approved": "Approved", "returned": "Returned"}
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# --- home, blank forms, criteria ---------------------------------------------------------------------


@bp.get("/")
def home() -> str:
    """The three steps, the blank forms, the criteria, and the upload."""
    return render_template("home.html", kinds=[(k, KIND_TITLES[k], resolve_criteria(None, k)) for k in KINDS])


@bp.get("/forms/<kind>.<any(docx, yaml):fmt>")
def blank(kind: str, fmt: str) -> Any:
    """A blank Word form or commented YAML template for a kind of program (the newest criteria for it)."""
    if kind not in KINDS:
        abort(404)
    criteria = resolve_criteria(None, kind)
    if fmt == "docx":
        from coursereview.documents.form import build_form

        data = build_form(criteria, kind)
        name = f"{kind}-program-form.docx"
    else:
        from coursereview.documents.yaml_template import blank_submission

        data = blank_submission(criteria, kind).encode("utf-8")
        name = f"{kind}-program.yaml"
    response = download(data, name, MIMETYPES[fmt])
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/criteria")
def criteria_list() -> str:
    """Every shipped criteria set, with links to read it."""
    return render_template("criteria_list.html", sets=shipped_criteria())


@bp.get("/criteria/<ref>")
def criteria_page(ref: str) -> str:
    """A criteria set as a readable page."""
    from coursereview.documents.criteria_doc import content

    criteria = _criteria_or_404(ref)
    return render_template("criteria.html", c=content(criteria), criteria=criteria,
                           pdf=services().pdf_available)


@bp.get("/criteria/<ref>.<any(docx, pdf):fmt>")
def criteria_download(ref: str, fmt: str) -> Any:
    """A criteria set as a Word document or PDF."""
    from coursereview.documents.criteria_doc import criteria_document

    criteria = _criteria_or_404(ref)
    _pdf_or_404(fmt)
    data = criteria_document(criteria, "docx")
    if fmt == "pdf":
        data = services().pdf(data)
    response = download(data, f"{criteria.id}-{criteria.version}.{fmt}", MIMETYPES[fmt])
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def _pdf_or_404(fmt: str) -> None:
    """PDF is offered only when LibreOffice is installed; otherwise the PDF address does not exist."""
    if fmt == "pdf" and not services().pdf_available:
        abort(404)


def _criteria_or_404(ref: str) -> CriteriaSet:
    criteria = shipped_set(ref)
    if criteria is None:
        abort(404)
    return criteria


# --- check, result, review downloads ---------------------------------------------------------------


@bp.route("/check", methods=["GET", "POST"])
def check() -> Any:
    """GET: the upload form. POST: check the uploaded file and show the result (the file is not kept)."""
    if request.method == "GET":
        return render_template("check.html")
    previous = _previous_or_404(request.form.get("previous"))
    try:
        raw, name = read_upload(request.files.get("file"), services().settings.upload_limit, "submission")
    except UploadProblem as exc:
        return render_template("check.html", error=exc.message, previous=request.form.get("previous")), exc.status
    return _result(raw, name, previous_token=request.form.get("previous") if previous else None)


@bp.post("/review.<any(docx, html, pdf):fmt>")
def review_download(fmt: str) -> Any:
    """The review document of the checked file (carried back by the result page) as docx, HTML or PDF."""
    _pdf_or_404(fmt)
    raw, name = _carried_file()
    review = _review_or_page(raw, name)
    if not isinstance(review, Review):
        return review
    data = services().pdf(render(review, "docx")) if fmt == "pdf" else render(review, fmt)
    return download(data, f"{stem(name)}-review.{fmt}", MIMETYPES[fmt])


def _result(raw: bytes, name: str, previous_token: str | None = None, form: dict[str, Any] | None = None,
            errors: dict[str, str] | None = None) -> Any:
    review = _review_or_page(raw, name, previous_token)
    if not isinstance(review, Review):
        return review
    director = review.submission.provider.director
    form = form or {"director_name": director.name or "", "director_email": director.email or ""}
    settings = services().settings
    page = render_template("result.html", review=review, v=result_view(review), upload=carry(raw), name=name,
                           previous=previous_token, form=form, errors=errors or {}, roles=ATTACHMENT_ROLES,
                           pdf=services().pdf_available, attachment_limit=settings.attachment_limit,
                           max_attachments=settings.max_attachments, types=", ".join(ATTACHMENT_TYPES.values()),
                           accept=",".join(list(ATTACHMENT_TYPES) + list(ATTACHMENT_SUFFIX.values())))
    return page, 422 if errors else 200


def _review_or_page(raw: bytes, name: str, previous_token: str | None = None) -> Review | Any:
    """Return the review of the file, or the check page saying (422) why the file cannot be checked."""
    try:
        return run_check(raw, name)
    except CourseReviewError as exc:
        return render_template("check.html", error=str(exc), previous=previous_token), 422


def _carried_file() -> tuple[bytes, str]:
    try:
        raw = carried(request.form.get("upload"), services().settings.upload_limit)
    except UploadProblem as exc:
        abort(exc.status, exc.message)
    return raw, display_name(request.form.get("name"), "submission")


# --- submit, receipt, status -----------------------------------------------------------------------


@bp.post("/submit")
def submit() -> Any:
    """Store the checked file with the director's details and attachments; then show the receipt."""
    raw, name = _carried_file()
    previous_token = request.form.get("previous") or None
    previous = _previous_or_404(previous_token)
    form = {"director_name": request.form.get("director_name", "").strip(),
            "director_email": request.form.get("director_email", "").strip()}
    errors = _director_errors(form)
    if not request.form.get("confirm"):
        errors["confirm"] = "Confirm that the program is ready to be reviewed."
    files: list[NewFile] = []
    try:
        files = _attachments()
    except UploadProblem as exc:
        if exc.status == 413:
            abort(413)
        errors["attachments"] = exc.message
    if errors:
        return _result(raw, name, previous_token, form, errors)
    review = _review_or_page(raw, name, previous_token)
    if not isinstance(review, Review):
        return review
    stored, token = services().store.receive(review, raw, form["director_name"], form["director_email"],
                                             tuple(files), previous)
    session["receipt"] = {"id": stored.id, "token": token}
    return redirect(url_for("pages.receipt"), 303)


def _director_errors(form: dict[str, str]) -> dict[str, str]:
    errors = {}
    if not form["director_name"]:
        errors["director_name"] = "Give the director's name."
    elif len(form["director_name"]) > 200:
        errors["director_name"] = "The name is longer than 200 characters."
    if not _EMAIL.match(form["director_email"]) or len(form["director_email"]) > 254:
        errors["director_email"] = "Give an e-mail address such as director@example.edu."
    return errors


def _attachments() -> list[NewFile]:
    settings = services().settings
    chosen: list[tuple[str, FileStorage]] = [(role, f) for role in ATTACHMENT_ROLES
                                             for f in request.files.getlist(role) if f.filename]
    if len(chosen) > settings.max_attachments:
        raise UploadProblem(400, f"{len(chosen)} files were attached; at most {settings.max_attachments} can be sent")
    return [attachment(f, role, settings.attachment_limit) for role, f in chosen]


@bp.get("/receipt")
def receipt() -> Any:
    """The receipt of the submission just made: its reference and private status link."""
    mine = session.get("receipt")
    stored = services().store.by_token(mine["token"]) if isinstance(mine, dict) and "token" in mine else None
    if stored is None:
        return redirect(url_for("pages.home"), 303)
    link = url_for("pages.status", token=mine["token"], _external=True)  # type: ignore[index]
    return render_template("receipt.html", s=stored, link=link, status=services().store.status(stored))


@bp.get("/status/<token>")
def status(token: str) -> str:
    """Where a submission stands: received date, place in the queue, status, the letter once decided."""
    stored = _by_token_or_404(token)
    store = services().store
    state = store.status(stored)
    return render_template("status.html", s=stored, token=token, state=state, state_word=STATE_WORDS[state.state],
                           versions=store.versions(stored), pdf=services().pdf_available)


@bp.get("/status/<token>/letter.<any(docx, pdf):fmt>")
def letter(token: str, fmt: str) -> Any:
    """IIMC's status letter once a decision is recorded."""
    from coursereview.staff.desk import letter_for

    stored = _by_token_or_404(token)
    state = services().store.status(stored)
    if state.decision is None:
        abort(404)
    _pdf_or_404(fmt)
    review = _stored_review(stored)
    data = letter_for(review, state.decision)  # the very letter the decision e-mail carried
    if fmt == "pdf":
        data = services().pdf(data)
    return download(data, f"{stored.reference}-letter.{fmt}", MIMETYPES[fmt])


@bp.get("/status/<token>/files/<int:number>")
def stored_file(token: str, number: int) -> Any:
    """A file of the submission as sent (0: the program itself), always as a download."""
    return send_stored_file(_by_token_or_404(token), number)

def _stored_review(stored: StoredSubmission) -> Review:
    """Return the review of a stored submission under the criteria it was checked by (when still shipped)."""
    return services().stored_review(stored)


def _by_token_or_404(token: str) -> StoredSubmission:
    """Return the submission of a status token; any wrong token gets the same 404."""
    stored = services().store.by_token(token) if _TOKEN.match(token) else None
    if stored is None:
        abort(404)
    return stored


def _previous_or_404(token: str | None) -> StoredSubmission | None:
    return _by_token_or_404(token) if token else None
