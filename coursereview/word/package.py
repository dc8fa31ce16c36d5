"""Save python-docx documents as reproducible bytes: fixed times in the properties and the zip."""

from __future__ import annotations

import datetime as dt
import io
import os
from typing import Any

from coursereview.errors import CourseReviewError

DEFAULT_STAMP = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def source_date(environ: dict[str, str] | None = None) -> dt.datetime:
    """Return the time documents are stamped with: SOURCE_DATE_EPOCH when set, else 2000-01-01 UTC."""
    value = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return DEFAULT_STAMP
    try:
        return dt.datetime.fromtimestamp(int(value), dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise CourseReviewError(f"SOURCE_DATE_EPOCH={value!r} is not a number of seconds since 1970") from None


def save_reproducible(document: Any, stamp: dt.datetime = DEFAULT_STAMP) -> bytes:
    """Return ``document`` as .docx bytes that depend only on its content and ``stamp``."""
    props = document.core_properties
    props.created = props.modified = props.last_printed = stamp.astimezone(dt.UTC).replace(tzinfo=None)
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue(), stamp)


def reproducible_zip(data: bytes, stamp: dt.datetime = DEFAULT_STAMP) -> bytes:
    """Return the package ``data`` re-zipped with one fixed entry time and a stable entry order."""
    import zipfile  # here: importing the documents (for render's name) does not load it

    when = max(stamp.astimezone(dt.UTC), dt.datetime(1980, 1, 1, tzinfo=dt.UTC))
    date_time = (when.year, when.month, when.day, when.hour, when.minute, when.second // 2 * 2)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        names = sorted(src.namelist(), key=lambda n: (n != "[Content_Types].xml", n))
        for name in names:
            info = zipfile.ZipInfo(name, date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            dst.writestr(info, src.read(name), compresslevel=6)
    return out.getvalue()
