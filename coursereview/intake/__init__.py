"""Intake: a submission file -> plain data (Document), chosen by its content: YAML, JSON or a Word form.

Whatever the format, the agenda is then read the same way (``intake.agenda``): dates carried down
a day, time ranges, instructors by name.
"""

from __future__ import annotations

from pathlib import Path as FsPath

from coursereview.errors import InputError
from coursereview.intake.agenda import read_agenda
from coursereview.intake.document import Document
from coursereview.intake.text import check_text, parse_head, parse_text
from coursereview.io import MAX_BYTES, read_bytes

__all__ = ["MAX_BYTES", "Document", "load_document", "parse_head", "parse_text", "read_bytes", "read_document"]

_OFFICE_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # zip (docx, odt), OLE (Word 97-2003 .doc)


def load_document(path: str | FsPath) -> Document:
    """Return the plain data of a submission file (.yaml, .yml, .json or .docx)."""
    path = FsPath(path)
    raw = None if path.suffix.lower() == ".docx" else read_bytes(path)
    if raw is None or raw.startswith(_OFFICE_MAGIC):  # .docx, or a .doc/.docm/.odt by another name
        from coursereview.intake.form import read_form  # imported lazily: pulls in python-docx

        return _checked(read_form(path))
    return read_agenda(parse_text(raw, str(path), json_syntax=path.suffix.lower() == ".json"))


def read_document(raw: bytes, name: str) -> Document:
    """Return the plain data of submission bytes (an upload, say); ``name`` is the file name shown in messages.

    The content decides how it is read: a Word form by its zip signature, JSON by a ``.json`` name
    or a leading ``{``, YAML otherwise. The same limits apply as to a file.
    """
    if raw.startswith(_OFFICE_MAGIC):
        from coursereview.intake.form import read_form_bytes  # imported lazily: pulls in python-docx
        from coursereview.word.safety import MAX_FILE

        if len(raw) > MAX_FILE:
            raise InputError(name, f"file is larger than the limit for a Word form of {MAX_FILE // (1024 * 1024)} MiB")
        return _checked(read_form_bytes(raw, name))
    if len(raw) > MAX_BYTES:
        raise InputError(name, f"file is larger than the limit of {MAX_BYTES // (1024 * 1024)} MiB for a submission")
    json_syntax = name.lower().endswith(".json") or raw.lstrip()[:1] == b"{"
    return read_agenda(parse_text(raw, name, json_syntax=json_syntax))


def _checked(document: Document) -> Document:
    """Return a Word form's ``document`` once its text passes the checks YAML and JSON text pass (no control
    characters: XML 1.0 admits U+007F to U+009F, which a terminal may obey)."""
    check_text(document.data, (), document.sources)
    return document
