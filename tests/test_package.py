"""A document is zipped once, to exactly the bytes python-docx's save gives once re-zipped reproducibly."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest

from coursereview.word.package import DEFAULT_STAMP, reproducible_zip, save_reproducible
from coursereview.word.writer import Writer


def _document() -> docx.document.Document:
    writer = Writer(side_margins_inches=1, font_points=10)
    writer.heading("A title & <more>", 0)
    writer.table([["one", "two\nlines"]], header=["A", "B"])
    writer.page_header("header")
    writer.page_numbers()
    writer.properties(title="t", author="a")
    return writer._doc


@pytest.mark.parametrize("stamp", [DEFAULT_STAMP, dt.datetime(2031, 7, 9, 13, 45, 17, tzinfo=dt.UTC)],
                         ids=["default", "2031"])
def test_zipping_once_gives_the_bytes_of_saving_then_rezipping(stamp: dt.datetime) -> None:
    once = save_reproducible(_document(), stamp)
    document = _document()
    save_reproducible(document, stamp)  # sets the same properties on this copy
    saved = io.BytesIO()
    document.save(saved)
    assert once == reproducible_zip(saved.getvalue(), stamp)
    assert once == save_reproducible(_document(), stamp)
