"""Hostile .docx files: one clear line, exit 2, no traceback, nothing written."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from coursereview.cli import main
from coursereview.word.safety import MAX_COLUMNS, MAX_ROWS


def _blank(tmp_path: Path) -> bytes:
    path = tmp_path / "blank.docx"
    assert CliRunner().invoke(main, ["new", "-o", str(path)]).exit_code == 0
    return path.read_bytes()


def _rezip(raw: bytes, changes: dict[str, bytes], compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", compress) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, changes.pop(info.filename, src.read(info.filename)))
        for name, data in changes.items():
            dst.writestr(name, data)
    return out.getvalue()


def _document_xml(raw: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        return z.read("word/document.xml")


def _dtd(raw: bytes) -> bytes:
    xml = _document_xml(raw)
    head, rest = xml.split(b"?>", 1)
    evil = b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return _rezip(raw, {"word/document.xml": head + b"?>" + evil + rest.replace(b"Provider", b"&xxe;", 1)})


def _dtd_utf16(raw: bytes) -> bytes:
    evil = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    return _rezip(raw, {"word/styles.xml": evil.encode("utf-16")})


def _many_rows(raw: bytes) -> bytes:
    xml = _document_xml(raw)
    row = b"<w:tr><w:tc><w:p/></w:tc></w:tr>"
    extra = b"<w:tbl>" + row * (MAX_ROWS + 1) + b"</w:tbl>"
    return _rezip(raw, {"word/document.xml": xml.replace(b"</w:body>", extra + b"</w:body>")})


def _wide(properties: bytes, tag: bytes) -> Callable[[bytes], bytes]:
    """Return a maker that puts ``tag`` into the first ``properties`` element (w:tcPr or w:trPr) of the form."""

    def make(raw: bytes) -> bytes:
        xml = _document_xml(raw)
        if properties == b"w:trPr":
            xml = xml.replace(b"<w:trPr>", b"<w:trPr>" + tag, 1)
        else:
            xml = xml.replace(b"<w:tcPr>", b"<w:tcPr>" + tag, 1)
        return _rezip(raw, {"word/document.xml": xml})

    return make


def _bomb(raw: bytes) -> bytes:
    return _rezip(raw, {"word/media/bomb.xml": b" " * (3 * 1024 * 1024)})


def _huge(raw: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(60):
                fh.write(chunk)
    return out.getvalue()


def _not_office(raw: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hi")
    return out.getvalue()


def _no_tables(raw: bytes) -> bytes:
    xml = _document_xml(raw)
    start, end = xml.index(b"<w:body>") + len(b"<w:body>"), xml.index(b"<w:sectPr", xml.rindex(b"</w:tbl>"))
    return _rezip(raw, {"word/document.xml": xml[:start] + b"<w:p/>" + xml[end:]})


def _corrupt_xml(raw: bytes) -> bytes:
    return _rezip(raw, {"word/document.xml": _document_xml(raw)[:500]})


# (id, how to make the file from a good form, text expected in the one line)
HOSTILE: list[tuple[str, Callable[[bytes], bytes], str]] = [
    ("not-a-zip", lambda raw: b"This is plain text, not a Word file.\n", "not a Word .docx file"),
    ("empty", lambda raw: b"", "not a Word .docx file"),
    ("old-doc", lambda raw: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "Word 97-2003 .doc"),
    ("truncated", lambda raw: raw[: len(raw) // 2], "damaged or truncated .docx"),
    ("corrupt-xml", _corrupt_xml, "damaged .docx"),
    ("zip-bomb-ratio", _bomb, "zip bomb"),
    ("zip-bomb-size", _huge, "zip bomb"),
    ("dtd-entities", _dtd, "declares a DTD or entities"),
    ("dtd-in-utf16-part", _dtd_utf16, "part word/styles.xml declares a DTD or entities"),
    ("too-many-rows", _many_rows, f"the limit is {MAX_ROWS}"),
    ("huge-gridspan", _wide(b"w:tcPr", b'<w:gridSpan w:val="200000000"/>'), f"the limit is {MAX_COLUMNS}"),
    ("huge-gridbefore", _wide(b"w:trPr", b'<w:gridBefore w:val="300000000"/>'), "table row has 300000000 columns"),
    ("huge-gridafter", _wide(b"w:trPr", b'<w:gridAfter w:val="300000000"/>'), f"the limit is {MAX_COLUMNS}"),
    ("wide-gridspan", _wide(b"w:tcPr", b'<w:gridSpan w:val="65"/>'), f"the limit is {MAX_COLUMNS}"),
    ("zip-not-office", _not_office, "not an Office document"),
    ("no-form-tables", _no_tables, "no coursereview form tables found"),
]


@pytest.mark.parametrize(("make", "expected"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
@pytest.mark.parametrize("command", ["validate", "import"])
def test_hostile_docx_gives_one_line_exit_2_and_writes_nothing(
    tmp_path: Path, make: Callable[[bytes], bytes], expected: str, command: str
) -> None:
    good = _blank(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    path = work / "hostile.docx"
    path.write_bytes(make(good))
    args = ["validate", str(path)] if command == "validate" else ["import", str(path), "-o", str(work / "out.yaml")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{path}: ")
    assert expected in lines[0]
    assert "Traceback" not in result.output
    assert sorted(p.name for p in work.iterdir()) == ["hostile.docx"]


def test_the_good_form_passes_the_safety_checks(tmp_path: Path) -> None:
    path = tmp_path / "form.docx"
    path.write_bytes(_blank(tmp_path))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1, result.output
