"""What the views share, made once per application: the settings, the submission store, PDF making."""

from __future__ import annotations

import shutil
import tempfile
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from flask import Response as FlaskResponse
from flask import current_app

from coursereview.documents.pdf import PdfError, docx_to_pdf
from coursereview.errors import CourseReviewError
from coursereview.review import Review
from coursereview.staff.desk import Mailer
from coursereview.staff.outbox import Outbox, SmtpConfig
from coursereview.staff.submissions import StoredSubmission, SubmissionStore
from coursereview.web.common import download, run_check, shipped_set
from coursereview.web.settings import Settings

_REVIEWS_KEPT = 128  # reviews of stored submissions kept in memory (a submission page checks up to two)


@dataclass
class Services:
    """What the views share, made once per application: settings, the store, PDF making."""

    settings: Settings
    store: SubmissionStore
    soffice: str | None
    _pdf_slots: threading.BoundedSemaphore = field(default_factory=lambda: threading.BoundedSemaphore(2))
    _pdf_lock: threading.Lock = field(default_factory=threading.Lock)
    _profile: Path | None = None
    _reviews: OrderedDict[tuple[str, str], Review] = field(default_factory=OrderedDict)
    _reviews_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def mailer(self) -> Mailer:
        """Where decision e-mails go: DATA/outbox, and the SMTP server when one is configured."""
        s = self.settings
        smtp = SmtpConfig(s.smtp_host, s.smtp_port, s.smtp_starttls, s.smtp_user) if s.smtp_host else None
        return Mailer(Outbox(self.store.root / "outbox"), s.mail_from, smtp)

    def stored_review(self, stored: StoredSubmission) -> Review:
        """Return the review of a stored submission under the criteria it was checked by (when still shipped).

        Stored bytes never change (they are kept by hash), so reviews are kept in memory, the newest 128.
        """
        key = (stored.sha256, stored.criteria_ref)
        with self._reviews_lock:
            if key in self._reviews:
                self._reviews.move_to_end(key)
                return self._reviews[key]
        review = run_check(self.store.read(stored.sha256), stored.file_name, shipped_set(stored.criteria_ref))
        with self._reviews_lock:
            self._reviews[key] = review
            while len(self._reviews) > _REVIEWS_KEPT:
                self._reviews.popitem(last=False)
        return review

    @property
    def pdf_available(self) -> bool:
        return self.soffice is not None

    def pdf(self, docx: bytes) -> bytes:
        """Return ``docx`` printed to PDF by LibreOffice: one conversion at a time, one more waiting, others refused.

        A refused request gets 503 at once, so PDF requests never tie up every server thread.
        """
        if not self.soffice:
            raise PdfError("PDF needs LibreOffice (soffice), which is not installed on this server")
        if not self._pdf_slots.acquire(blocking=False):
            raise PdfBusy("the server is making other PDFs; try again in a moment")
        try:
            with self._pdf_lock:
                if self._profile is None:
                    self._profile = Path(tempfile.mkdtemp(prefix="coursereview-lo-"))
                    weakref.finalize(self, shutil.rmtree, self._profile, True)
                return docx_to_pdf(docx, self.soffice, self.settings.pdf_timeout, self._profile / "profile")
        finally:
            self._pdf_slots.release()


class PdfBusy(CourseReviewError):
    """Too many PDFs are being made at once."""


def services() -> Services:
    """Return the current application's Services."""
    return current_app.extensions["coursereview"]  # type: ignore[no-any-return]


def stored_file(stored: StoredSubmission, number: int) -> FlaskResponse:
    """Return file ``number`` of a stored submission as a download (0: the program itself); 404 past the last."""
    from flask import abort

    store = services().store
    if number == 0:
        return download(store.read(stored.sha256), stored.file_name, "application/octet-stream", stored=True)
    if not 1 <= number <= len(stored.files):
        abort(404)
    f = stored.files[number - 1]
    return download(store.read(f.sha256), f.name, f.media_type, stored=True)
