"""Intake: a submission file -> plain data (Document), chosen by its content: YAML, JSON or a Word form."""

from __future__ import annotations

from pathlib import Path as FsPath

from coursereview.intake.document import Document
from coursereview.intake.text import parse_text
from coursereview.io import MAX_BYTES, read_bytes

__all__ = ["MAX_BYTES", "Document", "load_document", "parse_text", "read_bytes"]

_OFFICE_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # zip (docx, odt), OLE (Word 97-2003 .doc)


def load_document(path: str | FsPath) -> Document:
    """Return the plain data of a submission file (.yaml, .yml, .json or .docx)."""
    path = FsPath(path)
    raw = None if path.suffix.lower() == ".docx" else read_bytes(path)
    if raw is None or raw.startswith(_OFFICE_MAGIC):  # .docx, or a .doc/.docm/.odt by another name
        from coursereview.intake.form import read_form  # imported lazily: pulls in python-docx

        return read_form(path)
    return parse_text(raw, str(path), json_syntax=path.suffix.lower() == ".json")
