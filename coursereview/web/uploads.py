"""Files people send: read with a size limit, named safely, their type told by content, never by the name."""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from dataclasses import dataclass

from werkzeug.datastructures import FileStorage

from coursereview.errors import InputError
from coursereview.staff.submissions import NewFile
from coursereview.word.safety import check_docx_bytes

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ATTACHMENT_TYPES = {  # media type: what people call it
    "application/pdf": "PDF",
    DOCX: "Word document",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
}
ATTACHMENT_SUFFIX = {"application/pdf": ".pdf", DOCX: ".docx", "image/png": ".png", "image/jpeg": ".jpg"}
MAX_NAME = 200  # characters in a file name given with the API's ?name=
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"/\\|?*]")


@dataclass
class UploadProblem(Exception):
    """An upload the application cannot take: the HTTP status and one line saying why."""

    status: int
    message: str

    def __str__(self) -> str:
        return self.message


def size_text(n: int) -> str:
    """Return a byte count as people say it: 2 MiB, 512 KiB."""
    if n >= 1024 * 1024:
        value = n / (1024 * 1024)
        return f"{value:.0f} MiB" if value == int(value) else f"{value:.1f} MiB"
    return f"{n / 1024:.0f} KiB"


def display_name(name: str | None, default: str) -> str:
    """Return a file name fit to show and to put in a download header: no folders, no control characters.

    It is never used to name a file on disk: stored files are named by their hash.
    """
    text = unicodedata.normalize("NFC", name or "")
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = _UNSAFE.sub("_", text).strip(" .")
    if len(text) > 100:
        stem, dot, suffix = text.rpartition(".")
        text = (stem[: 95 - len(suffix)] + dot + suffix) if dot and len(suffix) <= 8 else text[:100]
    return text or default


def read_upload(storage: FileStorage | None, limit: int, what: str = "file") -> tuple[bytes, str]:
    """Return the bytes and display name of an uploaded file, refusing none, empty or too large."""
    if storage is None or not storage.filename:
        raise UploadProblem(400, f"no {what} was sent: choose a file")
    raw = storage.stream.read(limit + 1)
    if len(raw) > limit:
        raise UploadProblem(413, f"{display_name(storage.filename, what)}: the file is larger than the limit "
                                 f"of {size_text(limit)}")
    if not raw:
        raise UploadProblem(400, f"{display_name(storage.filename, what)}: the file is empty")
    return raw, display_name(storage.filename, "upload")


def carry(raw: bytes) -> str:
    """Return ``raw`` as the text a page carries in a hidden field (base64), so nothing is kept on the server."""
    return base64.b64encode(raw).decode("ascii")


def carried(text: str | None, limit: int) -> bytes:
    """Return the bytes a page carried back in a hidden field; refuse what is missing, damaged or too large."""
    if not text:
        raise UploadProblem(400, "the checked file was not sent back; check the file again")
    if len(text) > (limit + 2) // 3 * 4:
        raise UploadProblem(413, f"the checked file is larger than the limit of {size_text(limit)}")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise UploadProblem(400, "the checked file came back damaged; check the file again") from None


def sniff(raw: bytes) -> str | None:
    """Return the media type of an attachment by its content (PDF, Word .docx, PNG, JPEG), else None."""
    if raw.startswith(b"%PDF-"):
        return "application/pdf"
    if raw.startswith(b"\x89PNG\r\n\x1a\n") and raw[12:16] == b"IHDR":
        return "image/png"
    if raw.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if raw.startswith(b"PK\x03\x04") and b"word/document.xml" in raw:
        return DOCX
    return None


def attachment(storage: FileStorage, role: str, limit: int) -> NewFile:
    """Return an attached file checked like any untrusted file: size, type by content, a Word file's safety."""
    raw, name = read_upload(storage, limit, "attachment")
    media_type = sniff(raw)
    if media_type is None:
        raise UploadProblem(415, f"{name}: not a PDF, Word (.docx), PNG or JPEG file (told by its content, "
                                 "not its name)")
    if media_type == "application/pdf" and b"%%EOF" not in raw[-2048:]:
        raise UploadProblem(422, f"{name}: the PDF is incomplete (it has no end marker); save it again")
    if media_type == DOCX:
        try:
            check_docx_bytes(raw, name)
        except InputError as exc:
            raise UploadProblem(422, str(exc)) from None
    return NewFile(role, name, media_type, raw)
