"""A document is zipped reproducibly: parts shared by every document are compressed once and copied, giving the
very bytes of zipping every part in one pass; one entry time; [Content_Types].xml first; pictures stored."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest

from coursereview.word.package import DEFAULT_STAMP, _add, _date_time, _in_order, zip_package
from coursereview.word.writer import Writer


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (30, 20), "navy").save(out, "PNG", dpi=(150, 150))
    return out.getvalue()


def _document(stamp: dt.datetime) -> bytes:
    writer = Writer(side_margins_inches=1, font_points=10)
    writer.heading("A title & <more>", 0)
    writer.table([["one", "two\nlines"]], header=["A", "B"])
    writer.image(_png(), 720, description="a dot")
    writer.page_header("header")
    writer.page_numbers()
    writer.properties(title="t", author="a")
    return writer.save(stamp)


def _one_pass(data: bytes, stamp: dt.datetime) -> bytes:
    """Return the package ``data`` zipped again, every entry in its order, in one pass."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        entries = [(name, src.read(name)) for name in src.namelist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, blob in entries:
            _add(dst, name, blob, _date_time(stamp))
    return out.getvalue()


@pytest.mark.parametrize("stamp", [DEFAULT_STAMP, dt.datetime(2031, 7, 9, 13, 45, 17, tzinfo=dt.UTC)],
                         ids=["default", "2031"])
def test_shared_parts_compressed_once_give_the_bytes_of_zipping_in_one_pass(stamp: dt.datetime) -> None:
    once = _document(stamp)
    assert once == _document(stamp)  # the second one copies the shared parts compressed for the first
    assert once == _one_pass(once, stamp)
    with zipfile.ZipFile(io.BytesIO(once)) as package:
        infos = package.infolist()
        assert package.testzip() is None
    when = _date_time(stamp)
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {when}
    kinds = {i.filename: i.compress_type for i in infos}
    assert kinds["word/media/image1.png"] == zipfile.ZIP_STORED  # a PNG is compressed already
    assert kinds["word/document.xml"] == kinds["word/styles.xml"] == zipfile.ZIP_DEFLATED


def test_parts_shared_and_parts_of_one_document_are_each_in_name_order() -> None:
    fixed = {"b.xml": b"<b/>", "[Content_Types].xml": b"<Types/>", "a.xml": b"<a/>"}
    varying = {"z.xml": b"<z/>", "c.xml": b"<c/>"}
    with zipfile.ZipFile(io.BytesIO(zip_package(fixed, varying))) as package:
        assert package.namelist() == ["[Content_Types].xml", "a.xml", "b.xml", "c.xml", "z.xml"]
        assert package.read("c.xml") == b"<c/>"
    assert [name for name, _ in _in_order(fixed)] == ["[Content_Types].xml", "a.xml", "b.xml"]
