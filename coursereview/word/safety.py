"""Check an untrusted .docx before any XML parser sees it: zip sanity, bomb limits, no DTDs, bounded tables."""

from __future__ import annotations

import io
import re
import xml.parsers.expat
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

from coursereview.errors import InputError
from coursereview.io import read_bytes
from coursereview.word import MAX_FILE

MAX_TOTAL = 50 * 1024 * 1024  # all parts, uncompressed
MAX_PART = 25 * 1024 * 1024  # one part, uncompressed
MAX_RATIO = 100  # uncompressed : compressed, per part (checked for parts over RATIO_FLOOR bytes)
RATIO_FLOOR = 1024 * 1024
MAX_ENTRIES = 1000
MAX_ROWS = 2000  # table rows in any one XML part
MAX_COLUMNS = 64  # grid columns in one table row, merged cells and gridBefore/gridAfter included

_XML_SUFFIXES = (".xml", ".rels", ".vml")
# How an XML part may begin: "<" (after spaces) in UTF-8 or another ASCII-compatible encoding, in UTF-16 with or
# without a byte-order mark, in UTF-32, or "<?xm" in EBCDIC. libxml2 reads all of these, so all are scanned.
_BOMS = {b"\xef\xbb\xbf": "utf-8", b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
_XML_STARTS = (b"\x00<", b"<\x00", b"\x00\x00\x00<", b"<\x00\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00",
               b"\x4c\x6f\xa7\x94")
_SNIFF = 64  # bytes read of a part whose name and content type are not XML, to see whether it is XML anyway
_HEAD = 4096  # bytes read of each part: enough to see whether it is XML, and the prolog of an XML part
_ROW_HINT = re.compile(rb"[<:]tr[\s/>]")  # matches every w:tr start tag in ASCII-compatible XML (and end tags)
# every start tag of a tr element, whatever its prefix, in plain UTF-8 (see _plain_utf8): in XML a raw "<" only
# opens markup, and a prefix holds none of these bytes (a comment or CDATA may add matches, never hide one)
_ROW_START = re.compile(rb"<(?:[^\s<>/:!?\"'=]+:)?tr[\s/>]")
_ENCODING = re.compile(rb"\sencoding\s*=\s*[\"']([^\"'>]*)[\"']")
_UTF8_NAMES = (b"utf-8", b"utf8", b"us-ascii", b"ascii")


def safe_docx_bytes(path: str | Path) -> bytes:
    """Return the bytes of the .docx at ``path`` once they are known to be safe to parse.

    Refuse (InputError, one line) a file that is not a zip, a damaged or encrypted zip, a zip
    bomb (too much data in all, or a part that expands more than MAX_RATIO times), XML with a
    document type declaration or entities, and tables of more than MAX_ROWS rows.
    """
    path = Path(path)
    name = str(path)
    raw = read_bytes(path, MAX_FILE)
    check_docx_bytes(raw, name)
    return raw


def check_docx_bytes(raw: bytes, name: str) -> None:
    """Raise InputError when ``raw`` is not a .docx that is safe to hand to an XML parser.

    Every part any parser may read is scanned: those [Content_Types].xml declares as XML (by
    override or by extension, whatever their names), those named like XML, and any other part
    whose first bytes look like XML in any encoding libxml2 detects. Each is parsed by expat in
    full: the file is kept, and other programs may parse any part (see ``open_xml_parts``).
    """
    with _checked_package(raw, name, thorough=True):
        pass


@contextmanager
def open_xml_parts(raw: bytes, name: str) -> Iterator[XmlParts]:
    """Yield the XML parts of the .docx ``raw`` once it has passed the checks, for reading some of them.

    Raise InputError as ``check_docx_bytes`` does. The package and every XML part are checked as
    there, but a part is read in full only when asked for (see ``XmlParts``): every part is checked
    for a document type declaration where XML allows one, before its root element (the start of a
    part in plain UTF-8 is searched, any other part is parsed by expat in full); a part asked for is
    checked in full, its rows bounded, as bytes searched or by expat. Only bytes from the parts may
    be handed to an XML parser, which must say whether they are well-formed.
    """
    with _checked_package(raw, name, thorough=False) as parts:
        yield parts


class XmlParts(Mapping[str, bytes]):
    """The XML parts of a checked .docx by name, each read and checked in full when first asked for."""

    def __init__(self, archive: zipfile.ZipFile, name: str) -> None:
        self._archive = archive
        self._name = name
        self._infos: dict[str, zipfile.ZipInfo] = {}  # the last entry of a name, the one zipfile reads
        self._read: dict[str, bytes] = {}

    def add(self, info: zipfile.ZipInfo, data: bytes | None = None) -> None:
        """Add the part ``info``, with its bytes when they were read and checked in full."""
        self._infos[info.filename] = info
        if data is not None:
            self._read[info.filename] = data

    def __getitem__(self, part: str) -> bytes:
        if part not in self._read:
            data = _read_part(self._archive, self._infos[part], self._name)
            if not _searched(data):
                _scan_xml(data, part, self._name)
            self._read[part] = data
        return self._read[part]

    def __contains__(self, part: object) -> bool:
        return part in self._infos

    def __iter__(self) -> Iterator[str]:
        return iter(self._infos)

    def __len__(self) -> int:
        return len(self._infos)


@contextmanager
def _checked_package(raw: bytes, name: str, thorough: bool) -> Iterator[XmlParts]:
    """Yield the XML parts of ``raw`` once the package and each of them have passed the checks.

    With ``thorough`` expat parses every XML part in full; else see ``open_xml_parts``.
    """
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(name, "is a Word 97-2003 .doc or a password-protected file; save it as an unprotected .docx")
    if not raw.startswith(b"PK"):
        raise InputError(name, "not a Word .docx file (a .docx is a zip archive; this file is not)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, EOFError, ValueError, OSError):
        raise InputError(name, "damaged or truncated .docx (the zip archive cannot be read)") from None
    except NotImplementedError as exc:  # a zip version or feature Python cannot read
        raise InputError(name, f"the .docx uses a zip feature that cannot be read ({exc}); save it again") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise InputError(name, f"the .docx holds {len(infos)} parts; the limit is {MAX_ENTRIES}")
        total = 0
        for info in infos:
            _check_entry(info, name)
            total += info.file_size
            if total > MAX_TOTAL:
                raise InputError(name, f"the .docx expands to more than {MAX_TOTAL // (1024 * 1024)} MiB (zip bomb?)")
        types = [info for info in infos if info.filename == "[Content_Types].xml"]
        if not types:
            raise InputError(name, "not a Word .docx file (a zip archive, but not an Office document)")
        parts = XmlParts(archive, name)
        for info in types:  # a duplicate entry is scanned too: some reader may take either
            declared = _read_part(archive, info, name)
            _scan_xml(declared, info.filename, name)
            parts.add(info, declared)
        defaults, overrides = _content_types(declared)
        for info in infos:
            if info.filename == "[Content_Types].xml" or info.is_dir():
                continue
            head = _read_part(archive, info, name, _HEAD)
            if _is_xml_part(info.filename, defaults, overrides) or _looks_like_xml(head[:_SNIFF]):
                if thorough or not (_plain_utf8(head) and _no_dtd_before_root(head)):
                    data = _read_part(archive, info, name)
                    if thorough or not _searched(data):
                        _scan_xml(data, info.filename, name)
                parts.add(info)
        yield parts


def _is_xml_part(part: str, defaults: dict[str, str], overrides: dict[str, str]) -> bool:
    """Return whether ``part`` is named like XML or declared XML (by its override, else its extension's default)."""
    lowered = part.lower()
    if lowered.endswith(_XML_SUFFIXES):
        return True
    base = lowered.rpartition("/")[2]
    extension = base.rpartition(".")[2] if "." in base else ""
    return _is_xml_type(overrides.get("/" + lowered) or defaults.get(extension, ""))


def _is_xml_type(content_type: str) -> bool:
    """Return whether a content type says XML: ``application/xml``, ``text/xml`` or any ``...+xml``."""
    kind = content_type.split(";")[0].strip().lower()
    return kind.endswith(("/xml", "+xml"))


def _looks_like_xml(head: bytes) -> bool:
    """Return whether the first bytes of a part read as the start of XML in any encoding an XML parser detects."""
    if head.startswith(_XML_STARTS):
        return True
    for bom, encoding in _BOMS.items():
        if head.startswith(bom):
            return head[len(bom):].decode(encoding, "ignore").lstrip(" \t\r\n").startswith("<")
    return head.lstrip(b" \t\r\n").startswith(b"<")


def _content_types(data: bytes) -> tuple[dict[str, str], dict[str, str]]:
    """Return the Default (extension -> type) and Override (part name -> type) declarations, names in lower case.

    ``data`` has passed ``_scan_xml``: it is well-formed and declares no DTD or entity.
    """
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = tag.rpartition(" ")[2]
        if local == "Default" and "Extension" in attrs:
            defaults[attrs["Extension"].lower()] = attrs.get("ContentType", "")
        elif local == "Override" and "PartName" in attrs:
            overrides[attrs["PartName"].lower()] = attrs.get("ContentType", "")

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.Parse(data, True)
    return defaults, overrides


def _check_entry(info: zipfile.ZipInfo, name: str) -> None:
    if info.flag_bits & 0x1:
        raise InputError(name, "the .docx is encrypted; save it without a password")
    if info.file_size > MAX_PART:
        raise InputError(name, f"part {info.filename} expands to {info.file_size // (1024 * 1024)} MiB (zip bomb?)")
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        ratio = info.file_size // max(info.compress_size, 1)
        raise InputError(name, f"part {info.filename} expands {ratio} times (limit {MAX_RATIO}:1; zip bomb?)")


def _read_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, size: int = MAX_PART) -> bytes:
    """Return a part's first ``size`` bytes (all of it by default), reading no more than its declared size allows."""
    try:
        with archive.open(info) as fh:
            data = fh.read(min(size, MAX_PART) + 1)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError):
        raise InputError(name, f"damaged .docx: part {info.filename} cannot be read") from None
    except Exception as exc:  # zlib.error and friends from a crafted stream
        raise InputError(name, f"damaged .docx: part {info.filename} cannot be read ({type(exc).__name__})") from None
    if len(data) > MAX_PART:
        raise InputError(name, f"part {info.filename} expands beyond {MAX_PART // (1024 * 1024)} MiB (zip bomb?)")
    return data[:size]


def _plain_utf8(data: bytes) -> bool:
    """Return whether every XML parser reads ``data`` as UTF-8 (or ASCII), where markup is in ASCII bytes.

    That is: no NUL byte (UTF-16 and UTF-32 hold them, with a byte-order mark or without), no
    byte-order mark but UTF-8's, and an XML declaration, if any, that names no other encoding.
    Whatever else (another encoding declared, EBCDIC, a declaration not closed soon) is not plain.
    """
    if b"\x00" in data:
        return False
    head = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if not head.startswith(b"<?xml"):
        return head.lstrip(b" \t\r\n")[:1] == b"<"
    end = head.find(b"?>", 0, 512)
    if end < 0:
        return False
    declared = _ENCODING.search(head, 0, end)
    return declared is None or declared[1].strip().lower() in _UTF8_NAMES


def _no_dtd_before_root(head: bytes) -> bool:
    """Return whether ``head``, the start of a part in plain UTF-8, reaches the root element's start tag with no
    document type declaration before it.

    XML allows one only there, before the root element, so that is where any parser reads one: a
    DTD further on is no DTD but an error, and entities cannot be declared outside one. Before the
    root only an XML declaration, processing instructions, comments and spaces may stand; anything
    else, or a ``head`` that ends first, gives False (and the part is checked in full).
    """
    at = 0
    while (at := head.find(b"<", at)) >= 0:
        if head.startswith(b"<?", at):
            end, skip = head.find(b"?>", at + 2), 2
        elif head.startswith(b"<!--", at):
            end, skip = head.find(b"-->", at + 4), 3
        else:
            return at + 1 < len(head) and head[at + 1:at + 2] != b"!"  # the root element's start tag
        if end < 0:
            return False
        at = end + skip
    return False


def _searched(data: bytes) -> bool:
    """Return whether a byte search shows that ``data`` passes ``_scan_xml``'s checks, well-formedness aside.

    In plain UTF-8 (``_plain_utf8``) a document type declaration is the bytes ``<!DOCTYPE``, which
    entity declarations can only sit inside, and every table row start tag holds the bytes ``tr``
    (and matches ``_ROW_START``, looked for when there are many): a part without the one and with
    no more than MAX_ROWS of the other has no DTD, so no entity a parser could expand, and no more
    rows than the limit. Anything else (a DTD, a comment that mentions one, more row tags than the
    limit, another encoding) is left to ``_scan_xml``, which decides.
    """
    if not _plain_utf8(data) or b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return False
    return data.count(b"tr") <= MAX_ROWS or len(_ROW_START.findall(data)) <= MAX_ROWS


class _Refused(Exception):
    """A DTD, an entity declaration or an external reference was found."""


def _refuse(*_args: object) -> NoReturn:
    raise _Refused


class _TooManyRows(Exception):
    """More table rows than MAX_ROWS in one part."""


def _scan_xml(data: bytes, part: str, name: str) -> None:
    """Parse one XML part with expat, refusing any DTD, entity or external reference; bound its tables.

    These are the handlers defusedxml installs; its ElementTree parser also builds a pure-Python
    tree, which took 97 ms on a rendered review (800 KB of styles) against 9 ms for expat alone.
    Table rows (``tr`` elements, whatever their namespace prefix) are counted by the parser; a
    part in an ASCII-compatible encoding whose text cannot hold more than MAX_ROWS of them is
    not counted element by element, which would double the time of a large part.
    """
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    rows = 0
    ascii_compatible = not data.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" not in data[:4]
    if not ascii_compatible or len(_ROW_HINT.findall(data)) > MAX_ROWS:

        def start(tag: str, _attrs: object) -> None:
            nonlocal rows
            if tag.rpartition(" ")[2] == "tr":
                rows += 1
                if rows > MAX_ROWS:
                    raise _TooManyRows

        parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except _Refused:
        message = f"part {part} declares a DTD or entities; refused as unsafe (XML external entities)"
        raise InputError(name, message) from None
    except _TooManyRows:
        raise InputError(name, f"part {part} has more than {MAX_ROWS} table rows; the limit is {MAX_ROWS}") from None
    except xml.parsers.expat.ExpatError as exc:
        raise InputError(name, f"damaged .docx: part {part} is not well-formed XML ({exc})") from None
    except ValueError as exc:  # an encoding expat cannot read, such as UTF-7 ("multi-byte encodings ...")
        raise InputError(name, f"damaged .docx: part {part} is not well-formed XML ({exc})") from None
