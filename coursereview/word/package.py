"""Zip a Word package reproducibly: one fixed entry time, a stable order, shared parts compressed once."""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Mapping
from functools import lru_cache
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


def zip_package(fixed: Mapping[str, bytes], varying: Mapping[str, bytes], stamp: dt.datetime = DEFAULT_STAMP) -> bytes:
    """Return a package of ``fixed`` and ``varying`` parts (member name -> bytes), the same bytes for the same parts.

    Every entry has one time (``stamp``'s); ``fixed`` parts come first ([Content_Types].xml first,
    then by name), then ``varying`` ones by name. Parts every document of a kind shares (styles,
    theme, settings, ...) are ``fixed``: they are compressed once per process and copied, and
    only what a document says is compressed for it. Pictures are stored as they are (PNG and
    JPEG are compressed already). Zipping everything in one pass gives the very same bytes.
    """
    import zipfile  # here: importing the documents (for render's name) does not load it

    date_time = _date_time(stamp)
    out = io.BytesIO(_zipped(date_time, tuple(_in_order(fixed))))
    with zipfile.ZipFile(out, "a") as package:
        for name in sorted(varying):
            _add(package, name, varying[name], date_time)
    return out.getvalue()


def _in_order(entries: Mapping[str, bytes]) -> list[tuple[str, bytes]]:
    """Return ``entries`` as (name, bytes), [Content_Types].xml first, then by name."""
    return sorted(entries.items(), key=lambda item: (item[0] != "[Content_Types].xml", item[0]))


@lru_cache(maxsize=16)
def _zipped(date_time: tuple[int, ...], entries: tuple[tuple[str, bytes], ...]) -> bytes:
    """Return ``entries`` zipped in order (the shared start of every package of one kind, made once)."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, data in entries:
            _add(package, name, data, date_time)
    return out.getvalue()


_STORED = (".png", ".jpg", ".jpeg", ".gif")  # compressed already: deflating them again costs time for nothing


def _add(package: Any, name: str, data: bytes, date_time: tuple[int, ...]) -> None:
    import zipfile

    info = zipfile.ZipInfo(name, date_time)  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_STORED if name.lower().endswith(_STORED) else zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 0
    package.writestr(info, data, compresslevel=6)


def _date_time(stamp: dt.datetime) -> tuple[int, ...]:
    """Return ``stamp`` as a zip entry time (UTC, even seconds, not before 1980)."""
    when = max(stamp.astimezone(dt.UTC), dt.datetime(1980, 1, 1, tzinfo=dt.UTC))
    return when.year, when.month, when.day, when.hour, when.minute, when.second // 2 * 2
