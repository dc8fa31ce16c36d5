"""The application factory: settings in, a Flask application out (pages, JSON API, security headers, errors)."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, abort, current_app, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix

from coursereview import __version__
from coursereview.documents.pdf import PdfError, find_soffice
from coursereview.errors import CourseReviewError
from coursereview.staff.accounts import ensure_tables
from coursereview.staff.register import RegisterError
from coursereview.staff.submissions import StoreError, SubmissionStore
from coursereview.web.api import bp as api
from coursereview.web.api import problem
from coursereview.web.pages import bp as pages
from coursereview.web.security import secure_headers
from coursereview.web.services import PdfBusy, Services, services
from coursereview.web.settings import Settings, SettingsError, coerce, secret_key
from coursereview.web.staff import MAX_INTAKE_FILES
from coursereview.web.staff import bp as staff
from coursereview.web.uploads import size_text

SMALL_BODY = 64 * 1024  # any request that carries no file
_FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the other fields beside a file
_INTAKE_BODY = 64 * 1024 * 1024  # a season's files uploaded at once by staff
_FORM_MEMORY = 512 * 1024  # the largest text field of a form that carries no file back
_STATUS_TITLES = {400: "Bad request", 401: "Sign in", 403: "Not allowed", 404: "Not found", 409: "Conflict",
                  429: "Too many attempts", 405: "Method not allowed", 413: "Too large",
                  415: "Unsupported file type", 422: "Cannot read the file", 500: "Server error",
                  503: "Busy, try again"}


def create_app(settings: Settings | Mapping[str, Any] | None = None) -> Flask:
    """Return the coursereview web application for ``settings`` (a Settings, a plain mapping, or None).

    The data folder is made when missing: the register (the same SQLite file ``decide`` and
    ``history`` use), stored files, and a secret key readable only by its owner.
    """
    settings = coerce(settings)
    store = SubmissionStore(settings.data_dir).create()
    ensure_tables(store.db)  # staff accounts, sessions, login throttling, the audit log
    key = settings.secret_key or secret_key(settings.data_dir)
    soffice = _soffice(settings.soffice)

    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=key,
        SESSION_COOKIE_NAME="coursereview_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        MAX_CONTENT_LENGTH=SMALL_BODY,
        MAX_FORM_MEMORY_SIZE=_FORM_MEMORY,  # above werkzeug's 64 KiB read size: its parser buffers a chunk
        WTF_CSRF_TIME_LIMIT=8 * 3600,  # a working day on one result page
    )
    app.extensions["coursereview"] = Services(settings, store, soffice)
    if settings.proxy_hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_hops,  # type: ignore[method-assign]
                                x_proto=settings.proxy_hops, x_host=settings.proxy_hops)
    app.before_request(_limit_body)  # before CSRF's hook, which reads the form
    csrf = CSRFProtect(app)

    csrf.exempt(api)  # no cookies, no session, no side effects: nothing a forged request could use
    app.register_blueprint(pages)
    app.register_blueprint(api)
    app.register_blueprint(staff)
    app.after_request(secure_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CourseReviewError, _library_error)
    app.jinja_env.globals.update(version=__version__, size_text=size_text, upload_limit=settings.upload_limit)
    app.jinja_env.filters["sentence"] = _sentence
    return app


def _sentence(text: str) -> str:
    """Return ``text`` with its first letter in capitals (the rest untouched, unlike jinja's capitalize)."""
    return text[:1].upper() + text[1:]


def _soffice(choice: str) -> str | None:
    if choice == "auto":
        return find_soffice()
    if not choice:
        return None
    found = shutil.which(choice)
    if not found:
        raise SettingsError(f"soffice: {choice} is not an executable program")
    return found


def _limit_body() -> None:
    """Set this request's body limit from what its view accepts: a submission, a carried file, attachments."""
    settings = services().settings
    upload = settings.upload_limit
    carried = (upload + 2) // 3 * 4
    limits = {
        "pages.check": upload + _FORM_OVERHEAD,
        "api.check": upload + _FORM_OVERHEAD,
        "pages.review_download": carried + _FORM_OVERHEAD,
        "pages.submit": carried + settings.max_attachments * settings.attachment_limit + _FORM_OVERHEAD,
        "staff.intake": min(MAX_INTAKE_FILES * upload, _INTAKE_BODY) + _FORM_OVERHEAD,
    }
    limit = limits.get(request.endpoint or "", SMALL_BODY)
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        abort(413)  # at once: nothing of the body is read or parsed
    if request.endpoint in ("pages.review_download", "pages.submit"):
        request.max_form_memory_size = carried + 1024


def _http_error(exc: HTTPException) -> Any:
    code = exc.code or 500
    if isinstance(exc, CSRFError):
        message = ("The form has expired or did not come from this site. Go back, reload the page and "
                   "send it again.")
    elif code == 413:
        message = _too_large_text()
    elif isinstance(exc, InternalServerError):
        message = "Something went wrong on the server. The error has been logged; please try again later."
    else:
        message = exc.description or ""
    if request.path.startswith("/api/"):
        response = problem(code, message if code != 404 else "No such resource.")
    else:
        response = Response(render_template("error.html", code=code, title=_STATUS_TITLES.get(code, exc.name),
                                            message=message), status=code)
    if code == 405 and exc.get_response().headers.get("Allow"):
        response.headers["Allow"] = exc.get_response().headers["Allow"]
    return response


def _too_large_text() -> str:
    settings = services().settings
    if request.endpoint == "pages.submit":
        return (f"The files sent are larger than allowed: each attachment may be up to "
                f"{size_text(settings.attachment_limit)}, at most {settings.max_attachments} of them.")
    return f"The file is larger than the limit of {size_text(settings.upload_limit)} for a submission."


def _library_error(exc: CourseReviewError) -> Any:
    """Answer an error of the store, register or PDF maker that no view handled: 503, one line, no traceback."""
    busy = isinstance(exc, PdfBusy | RegisterError | StoreError | PdfError)
    code = 503 if busy else 500
    current_app.logger.error("%s: %s", type(exc).__name__, exc)
    message = str(exc)
    if isinstance(exc, RegisterError | StoreError):  # its detail names server paths: logged, not shown
        message = "The submission register is unavailable at the moment; please try again shortly."
    if request.path.startswith("/api/"):
        return problem(code, message)
    response = Response(render_template("error.html", code=code, title=_STATUS_TITLES[code], message=message),
                        status=code)
    if busy:
        response.headers["Retry-After"] = "5"
    return response
