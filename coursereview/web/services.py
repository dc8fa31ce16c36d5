"""What the views share, made once per application: the settings, the submission store, PDF making."""

from __future__ import annotations

import shutil
import tempfile
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from coursereview.documents.pdf import PdfError, docx_to_pdf
from coursereview.errors import CourseReviewError
from coursereview.staff.submissions import SubmissionStore
from coursereview.web.settings import Settings


@dataclass
class Services:
    """What the views share, made once per application: settings, the store, PDF making."""

    settings: Settings
    store: SubmissionStore
    soffice: str | None
    _pdf_slots: threading.BoundedSemaphore = field(default_factory=lambda: threading.BoundedSemaphore(2))
    _pdf_lock: threading.Lock = field(default_factory=threading.Lock)
    _profile: Path | None = None

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
