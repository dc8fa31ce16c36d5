"""Hostile Word files, second round: every part a parser reads is scanned whatever its name, rows are counted
by the parser, and zip features or package kinds python-docx cannot read are one line."""

from __future__ import annotations

import io
import struct
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from coursereview.cli import main
from coursereview.errors import InputError
from coursereview.intake import read_document
from coursereview.word.markup import NS
from coursereview.word.safety import MAX_ROWS, check_docx_bytes

DTD = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
WORD_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
BUDGET = 30.0


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("form") / "blank.docx"
    assert CliRunner().invoke(main, ["new", "-o", str(path)]).exit_code == 0
    return path.read_bytes()


def _rezip(raw: bytes, changes: dict[str, bytes | None], types: Callable[[bytes], bytes] = lambda t: t) -> bytes:
    """Return ``raw`` with parts replaced, added or (None) left out, and [Content_Types].xml through ``types``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = changes.pop(info.filename, src.read(info.filename))
            if data is not None:
                dst.writestr(info.filename, types(data) if info.filename == "[Content_Types].xml" else data)
        for name, data in changes.items():
            dst.writestr(name, data)
    return out.getvalue()


def _declare(entry: bytes) -> Callable[[bytes], bytes]:
    return lambda types: types.replace(b"</Types>", entry + b"</Types>")


def _one_line(tmp_path: Path, raw: bytes, *expected: str, name: str = "hostile.docx") -> str:
    path = tmp_path / name
    path.write_bytes(raw)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.stderr
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


# --- the safety scan reads what parsers read, by content type and by content ----------------------------


HIDDEN_XML: list[tuple[str, dict[str, bytes], Callable[[bytes], bytes], str]] = [
    ("override-names-a-bin-part", {"word/settings.bin": DTD},
     _declare(b'<Override PartName="/word/settings.bin" ContentType="application/vnd.openxmlformats-officedocument'
              b'.wordprocessingml.settings+xml"/>'), "word/settings.bin"),
    ("default-by-extension", {"customXml/item9.dat": DTD},
     _declare(b'<Default Extension="dat" ContentType="application/xml"/>'), "customXml/item9.dat"),
    ("override-in-other-case", {"Word/Notes.PART": DTD},
     _declare(b'<Override PartName="/word/notes.part" ContentType="text/xml"/>'), "Word/Notes.PART"),
    ("undeclared-but-xml", {"word/readme.txt": b"\n  " + DTD}, lambda t: t, "word/readme.txt"),
    ("undeclared-utf16", {"word/notes": DTD.replace(b'"1.0"?>', b'"1.0" encoding="UTF-16"?>').decode()
                          .encode("utf-16")}, lambda t: t, "word/notes"),
    ("undeclared-utf16-no-bom", {"word/notes2": DTD.decode().encode("utf-16-le")}, lambda t: t, "word/notes2"),
]


@pytest.mark.parametrize(("parts", "types", "part"), [h[1:] for h in HIDDEN_XML], ids=[h[0] for h in HIDDEN_XML])
def test_a_dtd_in_any_part_a_parser_may_read_is_refused(tmp_path: Path, blank: bytes, parts: dict[str, bytes],
                                                       types: Callable[[bytes], bytes], part: str) -> None:
    line = _one_line(tmp_path, _rezip(blank, dict(parts), types))
    assert part in line and ("declares a DTD or entities" in line or "not well-formed" in line)


def test_the_main_document_under_another_name_is_scanned(tmp_path: Path, blank: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(blank)) as z:
        body = z.read("word/document.xml")
        rels = z.read("_rels/.rels")
    evil = body.replace(b"?>", b"?>" + b'<!DOCTYPE w:document [<!ENTITY e "x">]>', 1)
    raw = _rezip(blank, {"word/document.xml": None, "word/body.bin": evil, "_rels/.rels": rels.replace(
        b"word/document.xml", b"word/body.bin")}, _declare(f'<Override PartName="/word/body.bin" '
                                                          f'ContentType="{WORD_DOCUMENT}"/>'.encode()))
    assert "part word/body.bin declares a DTD or entities" in _one_line(tmp_path, raw)


def test_binary_parts_are_left_alone(tmp_path: Path, blank: bytes) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    raw = _rezip(blank, {"word/media/image9.png": png, "word/fonts/font1.odttf": bytes(range(255, -1, -1)) * 4},
                 _declare(b'<Default Extension="png" ContentType="image/png"/>'))
    check_docx_bytes(raw, "images.docx")  # no exception
    path = tmp_path / "images.docx"
    path.write_bytes(raw)
    assert CliRunner().invoke(main, ["validate", str(path)]).exit_code == 1  # the blank form: read, not approvable


def _with_styles(blank: bytes, styles: bytes) -> bytes:
    return _rezip(blank, {"word/styles.xml": styles})


UNREAD_PARTS: list[tuple[str, bytes]] = [
    ("utf8", DTD),
    ("utf8-bom", b"\xef\xbb\xbf" + DTD),
    ("after-comments-and-instructions", DTD.replace(b"?>", b"?>\n<?mso-application progid='Word'?><!-- a -->\n", 1)),
    ("after-a-long-comment", DTD.replace(b"?>", b"?><!--" + b"-x" * 4096 + b"-->", 1)),
    ("utf7", b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE x +AFs-+ADw-!ENTITY e "x"+AD4-+AF0-+AD4-<x/>'),
    ("latin1-declared", DTD.replace(b'"1.0"?>', b'"1.0" encoding="ISO-8859-1"?>')),
    ("utf16-declared-after-utf8-bom", b"\xef\xbb\xbf" + DTD.replace(b'"1.0"?>', b'"1.0" encoding="UTF-16"?>')),
]


@pytest.mark.parametrize("styles", [u[1] for u in UNREAD_PARTS], ids=[u[0] for u in UNREAD_PARTS])
def test_a_dtd_in_a_part_the_reader_never_parses_is_refused_in_any_encoding(blank: bytes, styles: bytes) -> None:
    """A part the reader does not parse is searched for a DTD before its root element, where XML allows one
    (in plain UTF-8; a part in any other encoding is parsed)."""
    with pytest.raises(InputError) as refused:
        read_document(_with_styles(blank, styles), "form.docx")
    line = str(refused.value)
    assert "part word/styles.xml" in line and ("declares a DTD or entities" in line or "not well-formed" in line)


def test_what_only_looks_like_a_dtd_or_rows_is_parsed_and_read(blank: bytes) -> None:
    """A comment naming a DTD and text full of "tr" send a part to the parser, which finds neither."""
    with zipfile.ZipFile(io.BytesIO(blank)) as z:
        styles = z.read("word/styles.xml")
        body = z.read("word/document.xml")
    styles = styles.replace(b"?>", b"?><!-- no <!DOCTYPE here -->", 1)
    words = b"<w:p><w:r><w:t>" + b"tr " * (MAX_ROWS + 1) + b"</w:t></w:r></w:p>"
    body = body.replace(b"</w:body>", words + b"</w:body>")
    raw = _rezip(blank, {"word/styles.xml": styles, "word/document.xml": body})
    check_docx_bytes(raw, "fine.docx")
    assert read_document(raw, "fine.docx").data["program"]


DAMAGED = [
    ("cut-short", b'<?xml version="1.0" encoding="UTF-8"?><w:styles><w:style>'),
    ("dtd-after-the-root", b'<?xml version="1.0"?><x/>' + DTD.split(b"?>", 1)[1]),
    ("entity-in-the-root", b'<?xml version="1.0"?><x><!ENTITY e "x"></x>'),
    ("rows-past-the-limit", b'<?xml version="1.0"?><x>' + b"<tr/>" * (MAX_ROWS + 1) + b"</x>"),
]


@pytest.mark.parametrize("styles", [d[1] for d in DAMAGED], ids=[d[0] for d in DAMAGED])
def test_a_damaged_part_nobody_parses_is_refused_only_by_the_thorough_check(blank: bytes, styles: bytes) -> None:
    """Reading a form parses no styles: markup no parser reads as a DTD, rows in them, cannot harm it. A kept
    attachment, which other programs may open, has every part parsed whole."""
    raw = _with_styles(blank, styles)
    assert read_document(raw, "form.docx").data["program"]
    with pytest.raises(InputError, match="part word/styles.xml (is not well-formed XML|has more than)"):
        check_docx_bytes(raw, "attachment.docx")


@pytest.mark.parametrize(("where", "markup"), [("prolog", b'<!DOCTYPE w:document [<!ENTITY e "x">]>'),
                                               ("body", b'<!ENTITY e "x">')], ids=["dtd", "entity-in-the-body"])
def test_the_parts_the_reader_parses_are_checked_whole(blank: bytes, where: str, markup: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(blank)) as z:
        body = z.read("word/document.xml")
    at = b"?>" if where == "prolog" else b"<w:body>"
    body = body.replace(at, at + markup, 1)
    with pytest.raises(InputError) as refused:
        read_document(_rezip(blank, {"word/document.xml": body}), "form.docx")
    assert "part word/document.xml" in str(refused.value)


def test_a_damaged_part_the_reader_parses_is_named_in_one_line(blank: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(blank)) as z:
        body = z.read("word/document.xml")
    with pytest.raises(InputError) as refused:
        read_document(_rezip(blank, {"word/document.xml": body[:5000]}), "form.docx")
    line = str(refused.value)
    assert line.startswith("form.docx: damaged .docx: part word/document.xml is not well-formed XML (")
    assert "<string>" not in line and "\n" not in line


# --- table rows are counted by the parser ----------------------------------------------------------------


def _extra_table(blank: bytes, prefix: str, rows: int, encoding: str = "utf-8") -> bytes:
    with zipfile.ZipFile(io.BytesIO(blank)) as z:
        body = z.read("word/document.xml").decode("utf-8")
    row = f"<{prefix}:tr><{prefix}:tc><{prefix}:p/></{prefix}:tc></{prefix}:tr>"
    table = f'<{prefix}:tbl xmlns:{prefix}="{NS}">{row * rows}</{prefix}:tbl>'
    body = body.replace("</w:body>", table + "</w:body>")
    if encoding != "utf-8":
        body = body.replace("encoding='UTF-8'", f"encoding='{encoding}'").replace(
            'encoding="UTF-8"', f'encoding="{encoding}"')
    return _rezip(blank, {"word/document.xml": body.encode(encoding)})


@pytest.mark.parametrize(("prefix", "encoding"), [("ü", "utf-8"), ("表", "utf-8"), ("w", "utf-16"), ("x", "utf-16")],
                         ids=["latin-prefix", "cjk-prefix", "utf16", "utf16-other-prefix"])
def test_rows_past_the_limit_are_refused_whatever_the_prefix_or_encoding(tmp_path: Path, blank: bytes, prefix: str,
                                                                          encoding: str) -> None:
    raw = _extra_table(blank, prefix, MAX_ROWS + 1, encoding)
    assert f"the limit is {MAX_ROWS}" in _one_line(tmp_path, raw)


def test_rows_under_the_limit_with_an_unusual_prefix_are_read(blank: bytes) -> None:
    check_docx_bytes(_extra_table(blank, "ü", 50), "fine.docx")


# --- zip features and package kinds that cannot be read --------------------------------------------------


def _needs_zip_version(raw: bytes, version: int) -> bytes:
    """Return ``raw`` with the central directory saying its first entry needs zip ``version`` (63 is 6.3)."""
    at = raw.index(b"PK\x01\x02")
    return raw[:at + 6] + struct.pack("<H", version) + raw[at + 8:]


def test_a_zip_version_python_cannot_read_is_one_line(tmp_path: Path, blank: bytes) -> None:
    line = _one_line(tmp_path, _needs_zip_version(blank, 99))
    assert "zip feature that cannot be read" in line and "9.9" in line


def test_an_unsupported_compression_method_is_one_line(tmp_path: Path, blank: bytes) -> None:
    raw = bytearray(blank)
    at = raw.index(b"PK\x01\x02")
    raw[at + 10:at + 12] = struct.pack("<H", 99)  # the central directory's compression method: 99 (AES)
    assert "cannot be read" in _one_line(tmp_path, bytes(raw))


@pytest.mark.parametrize(("content_type", "kind"), [
    ("application/vnd.ms-word.document.macroEnabled.main+xml", ".docm"),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml", ".dotx"),
    ("application/vnd.oasis.opendocument.text", "main part is"),
], ids=["docm", "dotx", "other"])
@pytest.mark.parametrize("name", ["form.docx", "form.docm"])
def test_other_package_kinds_say_what_they_are_without_python_internals(tmp_path: Path, blank: bytes,
                                                                        content_type: str, kind: str,
                                                                        name: str) -> None:
    raw = _rezip(blank, {}, lambda t: t.replace(WORD_DOCUMENT.encode(), content_type.encode()))
    line = _one_line(tmp_path, raw, kind, name=name)
    assert "_io." not in line and "object at 0x" not in line
    with pytest.raises(InputError) as caught:
        read_document(raw, "upload.docx")
    assert "object at 0x" not in str(caught.value) and str(caught.value).startswith("upload.docx: ")


# --- a crowded instructors cell stays linear ---------------------------------------------------------


def test_an_instructors_cell_of_thousands_of_names_is_read_in_linear_time(tmp_path: Path, blank: bytes) -> None:
    document = docx.Document(io.BytesIO(blank))
    people = next(t for t in document.tables if t.rows[0].cells[0].text.startswith("ID"))
    sessions = next(t for t in document.tables if t.rows[0].cells[0].text.startswith("Date"))
    for table in (people, sessions):  # the form's example note and example row go, as a director may delete them
        for row in table.rows[1:3]:
            row._tr.getparent().remove(row._tr)
    people.rows[1].cells[0].text, people.rows[1].cells[1].text = "ann", "Ann Author, MMC, CMC"
    header = [c.text.split(" (")[0].split("\n")[0].lower() for c in sessions.rows[0].cells]
    cells = sessions.rows[1].cells
    values = {"date": "2027-07-12", "start": "8:00", "end": "9:00", "title": "Crowded",
              "instructors": ", ".join(["Ann Author", "MMC", "CMC"] + [f"Guest {i}" for i in range(20_000)])}
    for key, value in values.items():
        cells[header.index(key)].text = value
    path = tmp_path / "crowded.docx"
    document.save(str(path))
    began = time.monotonic()
    result = CliRunner().invoke(main, ["validate", "--format", "json", str(path)])
    assert time.monotonic() - began < BUDGET
    assert result.exit_code == 2, result.output  # more than MAX_ITEMS instructors in one session: one line
    assert "lists 20003 items; the limit is 100" in result.stderr or "lists 20001 items" in result.stderr
