"""The pages IIMC staff use: sign in, the queue, a submission and its decision, season intake, users, audit, outbox."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from flask import Blueprint, Response, abort, g, redirect, render_template, request, session, url_for

from coursereview.errors import CourseReviewError
from coursereview.staff import accounts
from coursereview.staff.desk import CHOICES, changes, decide, has_conditions
from coursereview.staff.register import DecisionError, history
from coursereview.staff.submissions import (
    QUEUE_STATES,
    StoredSubmission,
    StoreError,
    assign,
    queue,
    queue_counts,
    queue_csv_rows,
)
from coursereview.vocabulary import KINDS, VERDICTS
from coursereview.web.common import download, run_check
from coursereview.web.services import services
from coursereview.web.services import stored_file as send_stored_file
from coursereview.web.uploads import UploadProblem, read_upload
from coursereview.web.view import result_view

bp = Blueprint("staff", __name__, url_prefix="/staff")

STATE_WORDS = {"received": "Received", "in-review": "In review", "approved": "Approved", "returned": "Returned",
               "superseded": "Superseded", "waiting": "Waiting (received or in review)"}
MAX_INTAKE_FILES = 200
_SESSION_KEY = "staff"
_PUBLIC = {"staff.login"}
_ADMIN = {"staff.users", "staff.user_add", "staff.user_active", "staff.audit", "staff.outbox", "staff.outbox_send"}


# --- who is signed in -----------------------------------------------------------------------------------


@bp.before_request
def _require_staff() -> Any:
    """Every staff page needs a live session of an active account; admin pages need an admin."""
    g.staff = None
    token = session.get(_SESSION_KEY)
    if isinstance(token, str):
        idle = dt.timedelta(minutes=services().settings.idle_minutes)
        g.staff = accounts.session_user(services().store.db, token, idle)
        if g.staff is None:
            session.pop(_SESSION_KEY, None)
    if request.endpoint in _PUBLIC:
        return None
    if g.staff is None:
        return redirect(url_for("staff.login"), 303)
    if request.endpoint in _ADMIN and not g.staff.is_admin:
        abort(403, "This page is for administrators.")
    return None


def _address() -> str:
    return request.remote_addr or "unknown"


def _me() -> accounts.User:
    user = g.get("staff")
    assert user is not None  # _require_staff let the request in
    return user  # type: ignore[no-any-return]


@bp.app_context_processor
def _staff_globals() -> dict[str, Any]:
    return {"staff_user": g.get("staff"), "staff_state_words": STATE_WORDS}


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Sign in: a fresh session (the old one is cleared, a new server-side token issued) for the right password."""
    if request.method == "GET":
        if g.staff is not None:
            return redirect(url_for("staff.queue_page"), 303)
        return render_template("staff_login.html", error="", name="")
    name = request.form.get("name", "")[:100]
    password = request.form.get("password", "")[:1024]
    try:
        user, token = accounts.login(services().store.db, name, password, _address())
    except accounts.LoginRefused as exc:
        response = Response(render_template("staff_login.html", error=str(exc), name=name),
                            status=429 if exc.wait else 401)
        if exc.wait:
            response.headers["Retry-After"] = str(exc.wait)
        return response
    session.clear()  # nothing of the anonymous session (nor its CSRF secret) carries over
    session[_SESSION_KEY] = token
    session.permanent = False
    return redirect(url_for("staff.queue_page"), 303)


@bp.post("/logout")
def logout() -> Any:
    """Sign out: the server-side session ends, the cookie is cleared."""
    token = session.get(_SESSION_KEY)
    if isinstance(token, str):
        accounts.logout(services().store.db, token, _address())
    session.clear()
    return redirect(url_for("staff.login"), 303)


# --- the queue ----------------------------------------------------------------------------------------


@bp.get("/")
def queue_page() -> Any:
    """Every submission in order of arrival, with filters and counts."""
    status, kind, verdict = _filters()
    rows = queue(services().store, status, kind, verdict)
    everything = rows if not (status or kind or verdict) else queue(services().store)
    return render_template("staff_queue.html", rows=rows, counts=queue_counts(everything), status=status, kind=kind,
                           verdict=verdict, states=("waiting", *QUEUE_STATES), kinds=KINDS, verdicts=VERDICTS)


def _filters() -> tuple[str, str, str]:
    status = request.args.get("status", "waiting")
    status = status if status in ("waiting", *QUEUE_STATES) else ""
    kind = request.args.get("kind", "")
    verdict = request.args.get("verdict", "")
    return status, kind if kind in KINDS else "", verdict if verdict in VERDICTS else ""


@bp.post("/submissions/<int:number>/assign")
def assign_to_me(number: int) -> Any:
    """Take a submission into review ("assign to me")."""
    stored = _submission_or_404(number)
    me = _me()
    try:
        assign(services().store, stored, me.name)
    except StoreError as exc:
        abort(409, str(exc))
    accounts.audit(services().store.db, me.name, "assigned", stored.reference, f"to {me.name}", _address())
    back = request.form.get("back")
    if back == "queue":
        return redirect(url_for("staff.queue_page"), 303)
    return redirect(url_for("staff.submission", number=number), 303)


# --- a submission ----------------------------------------------------------------------------------------


@bp.get("/submissions/<int:number>")
def submission(number: int) -> Any:
    """The review as the director sees it, earlier versions and what changed, and the decision form."""
    return _submission_page(_submission_or_404(number))


def _submission_page(stored: StoredSubmission, form: dict[str, str] | None = None, error: str = "",
                     code: int = 200) -> Any:
    svc = services()
    review = svc.stored_review(stored)
    state = svc.store.status(stored)
    versions = svc.store.versions(stored)
    changed = None
    if versions:
        earlier = versions[0]
        try:
            changed = changes(earlier, svc.stored_review(earlier), review)
        except CourseReviewError:
            changed = None
    decisions = history(svc.store.db, stored.sha256)
    assigned = svc.store.assigned(stored)
    page = render_template("staff_submission.html", s=stored, review=review, v=result_view(review), state=state,
                           versions=versions, changed=changed, decisions=decisions, assigned=assigned,
                           choices=CHOICES, form=form or {}, error=error, pdf=svc.pdf_available,
                           has_conditions=has_conditions)
    return page, code


@bp.post("/submissions/<int:number>/decide")
def decide_page(number: int) -> Any:
    """Record the decision (the same register and function as `coursereview decide`), write the letter, e-mail it."""
    stored = _submission_or_404(number)
    svc = services()
    form = {k: request.form.get(k, "").strip()[:4000] for k in ("choice", "note", "conditions")}
    override = request.form.get("override") == "yes"
    state = svc.store.status(stored)
    if state.superseded_by is not None:
        return _submission_page(stored, form, f"A corrected version ({state.superseded_by.reference}) replaced this "
                                               "one; decide on that version.", 409)
    review = svc.stored_review(stored)
    try:
        decide(svc.store, stored, review, form["choice"], _me().name, form["note"], form["conditions"], override,
               svc.mailer, svc.pdf if svc.pdf_available else None, _address())
    except DecisionError as exc:
        return _submission_page(stored, form, str(exc), 422)
    return redirect(url_for("staff.submission", number=number, decided=1), 303)


@bp.get("/submissions/<int:number>/letter.<any(docx, pdf):fmt>")
def letter(number: int, fmt: str) -> Any:
    """The status letter of the newest decision on a submission."""
    from coursereview.staff.desk import letter_for

    stored = _submission_or_404(number)
    svc = services()
    state = svc.store.status(stored)
    if state.decision is None or (fmt == "pdf" and not svc.pdf_available):
        abort(404)
    data = letter_for(svc.stored_review(stored), state.decision)
    if fmt == "pdf":
        data = svc.pdf(data)
    mimetype = "application/pdf" if fmt == "pdf" else \
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return download(data, f"{stored.reference}-letter.{fmt}", mimetype)


@bp.get("/submissions/<int:number>/files/<int:file_number>")
def stored_file(number: int, file_number: int) -> Any:
    """A file of the submission as sent (0: the program), always as a download."""
    return send_stored_file(_submission_or_404(number), file_number)

def _submission_or_404(number: int) -> StoredSubmission:
    stored = services().store.by_id(number) if 0 < number < 2**62 else None
    if stored is None:
        abort(404)
    return stored


# --- season intake and exports ----------------------------------------------------------------------


@bp.route("/intake", methods=["GET", "POST"])
def intake() -> Any:
    """Place a season's files in the queue: many programs uploaded at once, each checked and stored."""
    if request.method == "GET":
        return render_template("staff_intake.html", results=None)
    svc = services()
    files = [f for f in request.files.getlist("files") if f.filename][:MAX_INTAKE_FILES + 1]
    if not files:
        return render_template("staff_intake.html", results=None, error="Choose one or more files."), 400
    if len(files) > MAX_INTAKE_FILES:
        return render_template("staff_intake.html", results=None,
                               error=f"At most {MAX_INTAKE_FILES} files at once."), 400
    results: list[tuple[str, StoredSubmission | None, str]] = []
    me = _me()
    for f in files:
        try:
            raw, name = read_upload(f, svc.settings.upload_limit, "submission")
            review = run_check(raw, name)
        except UploadProblem as exc:
            results.append((f.filename or "?", None, exc.message))
            continue
        except CourseReviewError as exc:
            results.append((f.filename or "?", None, str(exc)))
            continue
        director = review.submission.provider.director
        stored, _token = svc.store.receive(review, raw, director.name or "(not given)", director.email or "")
        accounts.audit(svc.store.db, me.name, "intake", stored.reference, name, _address())
        results.append((name, stored, ""))
    return render_template("staff_intake.html", results=results)


@bp.get("/export/queue.csv")
def export_queue() -> Any:
    """The queue (with the page's filters) as CSV."""
    status, kind, verdict = _filters()
    if "status" not in request.args:
        status = ""
    return _csv(queue_csv_rows(queue(services().store, status, kind, verdict)), "queue.csv")


@bp.get("/export/decisions.csv")
def export_decisions() -> Any:
    """Every recorded decision as CSV (the register, oldest first)."""
    entries = history(services().store.db)
    header = ("id", "decided_at", "file", "program_title", "provider", "decision", "override", "reviewer", "note",
              "verdict", "criteria_id", "criteria_version", "criteria_sha256", "submission_sha256")
    rows: list[tuple] = [header]
    for e in entries:
        rows.append((e.id, e.decided_at, e.file, e.program_title or "", e.provider or "", e.decision,
                     "yes" if e.override else "no", e.reviewer, e.note, e.verdict, e.criteria_id,
                     e.criteria_version, e.criteria_sha256, e.submission_sha256))
    return _csv(rows, "decisions.csv")


def _csv(rows: list[tuple], name: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(c) for c in row])
    return download(out.getvalue().encode("utf-8-sig"), name, "text/csv; charset=utf-8")


def _cell(value: Any) -> Any:
    """Defuse text a spreadsheet would run as a formula (a program title starting with '=', say)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


# --- administration: users, audit, outbox ----------------------------------------------------------------


@bp.get("/users")
def users() -> Any:
    """Every account; add one, disable or enable one."""
    return _users_page()


def _users_page(error: str = "", form: dict[str, str] | None = None, code: int = 200) -> Any:
    db = services().store.db
    return render_template("staff_users.html", users=accounts.list_users(db), roles=accounts.ROLES, error=error,
                           form=form or {}, locks=accounts.locks(db)[-20:]), code


@bp.post("/users")
def user_add() -> Any:
    form = {k: request.form.get(k, "").strip()[:300] for k in ("name", "email", "role")}
    try:
        accounts.add_user(services().store.db, form["name"], form["email"], request.form.get("password", ""),
                          form["role"] or "reviewer", actor=_me().name, address=_address())
    except accounts.AccountError as exc:
        return _users_page(str(exc), form, 422)
    return redirect(url_for("staff.users"), 303)


@bp.post("/users/<name>/<any(disable, enable):what>")
def user_active(name: str, what: str) -> Any:
    me = _me()
    if what == "disable" and name.lower() == me.name.lower():
        return _users_page("You cannot disable your own account.", code=409)
    try:
        accounts.set_active(services().store.db, name, what == "enable", actor=me.name, address=_address())
    except accounts.AccountError:
        abort(404)
    return redirect(url_for("staff.users"), 303)


@bp.get("/audit")
def audit() -> Any:
    """The audit log, newest first: sign-ins, failures and locks, user changes, assignments, decisions."""
    action = request.args.get("action", "")
    entries = accounts.audit_log(services().store.db, limit=1000, action=action or None)
    return render_template("staff_audit.html", entries=entries, action=action)


@bp.get("/outbox")
def outbox() -> Any:
    """Decision e-mails waiting to be sent, and the ones sent."""
    mailer = services().mailer
    return render_template("staff_outbox.html", waiting=mailer.outbox.waiting(), sent=mailer.outbox.sent()[-50:],
                           smtp=mailer.smtp, result=None)


@bp.post("/outbox/send")
def outbox_send() -> Any:
    """Try again to send what waits in the outbox."""
    mailer = services().mailer
    result = mailer.send_waiting()
    accounts.audit(services().store.db, _me().name, "outbox-send", "",
                   f"{len(result.sent)} sent, {len(result.waiting)} waiting", _address())
    return render_template("staff_outbox.html", waiting=mailer.outbox.waiting(), sent=mailer.outbox.sent()[-50:],
                           smtp=mailer.smtp, result=result)

