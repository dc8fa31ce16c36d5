"""Save python-docx documents as reproducible bytes: fixed times in the properties and the zip."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections.abc import Sequence
from typing import Any

from coursereview.errors import CourseReviewError

DEFAULT_STAMP = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
RAW_XML = "coursereview-xml"  # the processing instruction that marks XML written as text (see save_reproducible)
_RAW_MARK = re.compile(rb"<\?" + RAW_XML.encode() + rb" (\d+)\?>")


def source_date(environ: dict[str, str] | None = None) -> dt.datetime:
    """Return the time documents are stamped with: SOURCE_DATE_EPOCH when set, else 2000-01-01 UTC."""
    value = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return DEFAULT_STAMP
    try:
        return dt.datetime.fromtimestamp(int(value), dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise CourseReviewError(f"SOURCE_DATE_EPOCH={value!r} is not a number of seconds since 1970") from None


def save_reproducible(document: Any, stamp: dt.datetime = DEFAULT_STAMP, raw: Sequence[bytes] = ()) -> bytes:
    """Return ``document`` as .docx bytes that depend only on its content and ``stamp``.

    The parts are serialized as python-docx saves them (``OpcPackage.save``) and zipped once,
    in a stable order with one fixed entry time: the same bytes as saving, then re-zipping.
    ``raw`` holds XML written as text: the processing instruction ``<?RAW_XML i?>`` in the main
    document part is replaced by ``raw[i]``.
    """
    from docx.opc.pkgwriter import _ContentTypesItem

    props = document.core_properties
    props.created = props.modified = props.last_printed = stamp.astimezone(dt.UTC).replace(tzinfo=None)
    props.revision = 1
    package = document.part.package
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    entries = {"[Content_Types].xml": _ContentTypesItem.from_parts(parts).blob, "_rels/.rels": package.rels.xml}
    for part in parts:
        entries[part.partname.membername] = _splice(part.blob, raw) if raw and part is document.part else part.blob
        if len(part.rels):
            entries[part.partname.rels_uri.membername] = part.rels.xml
    return _zip(entries, stamp)


def _splice(blob: bytes, raw: Sequence[bytes]) -> bytes:
    """Return ``blob`` with each ``<?RAW_XML i?>`` replaced by ``raw[i]``, each exactly once."""
    pieces = _RAW_MARK.split(blob)  # text, index, text, index, ..., text
    indexes = [int(i) for i in pieces[1::2]]
    if sorted(indexes) != list(range(len(raw))):
        raise ValueError(f"{len(raw)} pieces of XML written as text, but {len(indexes)} places for them")
    pieces[1::2] = [raw[i] for i in indexes]
    return b"".join(pieces)


def reproducible_zip(data: bytes, stamp: dt.datetime = DEFAULT_STAMP) -> bytes:
    """Return the package ``data`` re-zipped with one fixed entry time and a stable entry order."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as src:
        return _zip({name: src.read(name) for name in src.namelist()}, stamp)


def _zip(entries: dict[str, bytes], stamp: dt.datetime) -> bytes:
    """Return ``entries`` zipped: [Content_Types].xml first, then by name, every entry at one time."""
    import zipfile  # here: importing the documents (for render's name) does not load it

    when = max(stamp.astimezone(dt.UTC), dt.datetime(1980, 1, 1, tzinfo=dt.UTC))
    date_time = (when.year, when.month, when.day, when.hour, when.minute, when.second // 2 * 2)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(entries, key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            dst.writestr(info, entries[name], compresslevel=6)
    return out.getvalue()
