"""Read the tables of a .docx as rows of cell text per grid column, merged cells and content controls resolved."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

from coursereview.errors import InputError
from coursereview.word import W
from coursereview.word.safety import MAX_COLUMNS, XmlParts, open_xml_parts

_TBL, _TR, _TC, _P = W + "tbl", W + "tr", W + "tc", W + "p"
_SDT, _SDT_CONTENT, _CUSTOM = W + "sdt", W + "sdtContent", W + "customXml"
# what each text element of a run reads as: w:t its own text (None), the others a fixed character
_TEXT_TAGS: dict[str, str | None] = {W + "t": None, W + "tab": " ", W + "br": "\n", W + "cr": "\n",
                                     W + "noBreakHyphen": "-"}


@dataclass(frozen=True)
class Row:
    """One table row: its text per grid column, and how its cells were merged."""

    cells: tuple[str, ...]
    carried: frozenset[int] = frozenset()  # columns whose text continues a vertical merge from the row above
    single: bool = False  # the row is one cell merged across several columns: a caption or a day heading

    def own(self) -> dict[int, str]:
        """Return column -> text of the row's own non-empty cells (not those carried down from above)."""
        return {i: text for i, text in enumerate(self.cells) if text and i not in self.carried}


def read_tables(raw: bytes, name: str) -> list[list[Row]]:
    """Return every table in the .docx ``raw`` (nested ones too, in document order) as its rows.

    The bytes pass the safety checks first; whatever cannot be read is an InputError naming ``name``.
    """
    with open_xml_parts(raw, name) as parts:
        body = _open_body(parts, name)
    texts = _plain_cell_texts(body)
    return [_grid_rows(tbl, name, texts) for tbl in body.iter(_TBL)]


_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


class _NotWord(Exception):
    """The package is not a Word document: no main document part, or one of another kind."""


def _open_body(parts: XmlParts, name: str) -> Any:
    """Return the body element of the main document part, as python-docx finds and parses it.

    The main part is the package's officeDocument relationship, of Word's content type; it is
    parsed by lxml with python-docx's parser settings (but plain elements: no proxy classes, and
    no other part is parsed). Only parts in ``parts``, which passed the safety scan, are parsed;
    the scan need not have parsed them (see ``open_xml_parts``), so lxml says whether each is
    well-formed, naming the part as the scan would.
    """
    parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
    part = "_rels/.rels"
    try:
        main = _main_part(parts, parser)
        part = "[Content_Types].xml"
        kind = _content_type(parts, main, parser)
        part = main
        root = etree.fromstring(parts[main], parser) if kind == _WORD_MAIN else None
    except _NotWord as exc:
        raise InputError(name, f"not a Word document that can be read ({exc})") from None
    except etree.LxmlError as exc:
        message = f"damaged .docx: part {part} is not well-formed XML ({_short(exc, name)})"
        raise InputError(name, message) from None
    if root is None:
        raise InputError(name, _not_word(kind))
    body = root.find(W + "body") if root.tag == W + "document" else None
    if body is None:
        raise InputError(name, "damaged .docx: its XML cannot be read (the main document has no body)")
    return body


def _main_part(parts: XmlParts, parser: Any) -> str:
    """Return the zip name of the part the package's officeDocument relationship points to."""
    if "_rels/.rels" not in parts:
        raise _NotWord("the package has no relationships part")
    for rel in etree.fromstring(parts["_rels/.rels"], parser).iter(_RELATIONSHIP):
        if rel.get("Type") == _OFFICE_DOCUMENT and rel.get("TargetMode") != "External":
            target = posixpath.normpath(posixpath.join("/", rel.get("Target", ""))).lstrip("/")
            if target not in parts:
                raise _NotWord(f"its main document part {target} is missing or is not XML")
            return target
    raise _NotWord("the package has no main document part")


def _content_type(parts: XmlParts, part: str, parser: Any) -> str:
    """Return the content type [Content_Types].xml gives ``part``: its override, else its extension's default."""
    types = etree.fromstring(parts["[Content_Types].xml"], parser)
    for override in types.iter(_TYPES + "Override"):
        if override.get("PartName", "").lower() == "/" + part.lower():
            return override.get("ContentType", "")
    extension = posixpath.splitext(part)[1].lstrip(".").lower()
    for default in types.iter(_TYPES + "Default"):
        if default.get("Extension", "").lower() == extension:
            return default.get("ContentType", "")
    return ""


_OTHER_KINDS = {"macroEnabled": "a macro-enabled Word document (.docm)", "template": "a Word template (.dotx)"}


def _not_word(content_type: str) -> str:
    """Return the line for a package whose main part is of another kind than a Word document's: what it is."""
    for word, kind in _OTHER_KINDS.items():
        if word in content_type:
            return f"is {kind}, not a Word Document; save it as a Word Document (.docx)"
    return f"not a Word document: its main part is {content_type[:100]!r}; save it as a Word Document (.docx)"


def _short(exc: Exception, name: str) -> str:
    """Return the text of ``exc`` on one line, at most 120 characters, an in-memory file shown by ``name``.

    A syntax error is its message with its line and column, without lxml's "(<string>, line 1)".
    """
    said = exc.msg if isinstance(exc, etree.XMLSyntaxError) and exc.msg else str(exc)
    text = " ".join(_IN_MEMORY.sub(name, said).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


_IN_MEMORY = re.compile(r"<_io\.\w+ object at 0x[0-9a-fA-F]+>")


def _children(element: Any, tag: str) -> list[Any]:
    """Return the ``tag`` children of ``element``, looking through content controls and custom XML."""
    out = []
    for child in element:
        if child.tag == tag:
            out.append(child)
        elif child.tag in (_SDT, _CUSTOM):
            inner = child.find(_SDT_CONTENT) if child.tag == _SDT else child
            if inner is not None:
                out.extend(_children(inner, tag))
    return out


_BODY = W + "body"
_PASS_TAGS = (_TBL, _TC, _P, _SDT, *_TEXT_TAGS)


def _plain_cell_texts(body: Any) -> dict[Any, str]:
    """Return the text of every cell that holds only paragraphs of runs of text, as ``_cell_text`` reads it.

    One pass over the body's tables, cells, paragraphs and text elements: ``_cell_text`` takes
    three times as long, most of it in lxml matching the tags given to each ``iter`` anew. A
    cell that holds anything else is left out, to be read by ``_cell_text``: a paragraph that is
    not the cell's child (in a control, a text box, custom XML), text that is not in a run of
    the cell's paragraph, a content control. None at all is read when a table is not the body's
    child, or a cell is not in the row of the cell before or in a row beside it: a cell may then
    be inside another, whose text holds its paragraphs too.
    """
    texts: dict[Any, list[list[str]]] = {}
    awry: set[Any] = set()  # cells this pass cannot read
    cell: Any = None
    paragraph: Any = None
    line: list[str] = []
    for element in body.iter(*_PASS_TAGS):
        tag = element.tag
        if tag in _TEXT_TAGS:
            if paragraph is not None and element.getparent().getparent() is paragraph:
                fixed = _TEXT_TAGS[tag]
                line.append((element.text or "") if fixed is None else fixed)
            elif cell is not None:
                awry.add(cell)
        elif tag == _P:
            parent = element.getparent()
            if cell is not None and parent is cell:
                paragraph, line = element, []
                texts[cell].append(line)
            else:
                paragraph = None
                if parent.tag == _BODY:
                    cell = None  # between tables
                elif cell is not None:
                    awry.add(cell)
        elif tag == _TC:
            if cell is not None:  # the cell before is in the same row, or in the row before: not around this one
                row, row_before = element.getparent(), cell.getparent()
                if row is not row_before and row.getparent() is not row_before.getparent():
                    return {}  # a cell inside another cell, rows in a control or custom XML
            cell, paragraph = element, None
            texts[cell] = []
        elif tag == _SDT:
            if cell is not None:
                awry.add(cell)
        elif element.getparent().tag != _BODY:  # a table inside a cell, a control, custom XML
            return {}
        else:
            cell = paragraph = None
    return {tc: "\n".join(["".join(parts) for parts in lines]).strip() for tc, lines in texts.items()
            if tc not in awry}


def _cell_text(tc: Any) -> str:
    """Return a cell's text: runs joined, paragraphs on separate lines, tracked deletions left out.

    A content control reads as what it holds (see ``control_text``): nothing while it
    shows its placeholder, a dropdown's value for the item picked, whether the control sits
    inside the paragraph (as the form writes it) or around it.
    """
    if next(tc.iter(_SDT), None) is None:  # most cells: no control to look through
        return "\n".join("".join(_text(el) for el in p.iter(*_TEXT_TAGS)) for p in tc.iter(_P)).strip()
    lines = []
    for p in tc.iter(_P):
        parts = []
        for el in p.iter(_SDT, *_TEXT_TAGS):
            if _control_around(el, p) is not None:
                continue  # read with its control
            parts.append(control_text(el, _text(el)) if el.tag == _SDT else _text(el))
        line = "".join(parts)
        around = _control_around(p, tc)
        lines.append(line if around is None else control_text(around, line))
    return "\n".join(lines).strip()


_SDT_PR, _SHOWING_PLACEHOLDER = W + "sdtPr", W + "showingPlcHdr"
_LISTS = (W + "dropDownList", W + "comboBox")


def control_text(sdt: Any, shown: str) -> str:
    """Return what the content control ``sdt`` (an lxml w:sdt) holds, given the text it ``shown``.

    A control still showing its placeholder holds nothing; a list item picked by its display
    text reads as the item's value ("Role of the Clerk" -> "clerk-role"); anything else, such as
    text typed into a combo box, reads as shown.
    """
    props = sdt.find(_SDT_PR)
    if props is None:
        return shown
    if props.find(_SHOWING_PLACEHOLDER) is not None:
        return ""
    wanted = " ".join(shown.split())
    for kind in _LISTS:
        for item in props.iterfind(f"{kind}/{W}listItem"):
            value = item.get(W + "value")
            text = item.get(W + "displayText", value)
            if value is not None and text is not None and " ".join(text.split()) == wanted:
                return value
    return shown


def _text(element: Any) -> str:
    """Return what a text element reads as, or the text of everything inside a content control."""
    if element.tag in _TEXT_TAGS:
        fixed = _TEXT_TAGS[element.tag]
        return element.text or "" if fixed is None else fixed
    content = element.find(_SDT_CONTENT)
    return "" if content is None else "".join(_text(el) for el in content.iter(*_TEXT_TAGS))


def _control_around(element: Any, stop: Any) -> Any:
    """Return the innermost content control holding ``element`` below ``stop``, else None."""
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == _SDT:
            return parent
        parent = parent.getparent()
    return None


def _child(element: Any, tag: str) -> Any:
    """Return the first ``tag`` child of ``element``, or None (as ``find``, without its path parser: 3x faster)."""
    if element is not None:
        for child in element:
            if child.tag == tag:
                return child
    return None


def _int_val(props: Any, tag: str, default: int) -> int:
    """Return the whole-number ``w:val`` of the ``tag`` child of a properties element (trPr, tcPr), else ``default``."""
    found = _child(props, tag)
    return default if found is None else _int_of(found, default)


_VAL = W + "val"


def _int_of(element: Any, default: int) -> int:
    """Return the whole-number ``w:val`` of ``element`` (negative numbers as 0), else ``default``."""
    try:
        return max(int(element.get(_VAL, default)), 0)
    except ValueError:
        return default


_TR_PR, _TC_PR = W + "trPr", W + "tcPr"
_GRID_BEFORE, _GRID_AFTER, _GRID_SPAN, _V_MERGE = W + "gridBefore", W + "gridAfter", W + "gridSpan", W + "vMerge"


def _grid_rows(tbl: Any, name: str, cell_texts: dict[Any, str]) -> list[Row]:
    """Return each row's text per grid column, resolving merged cells.

    A cell spanning several columns gives its text to the first; a cell that continues a
    vertical merge repeats the text of the cell above (a date merged down a day's rows applies
    to each of them) and is marked as carried. A row wider than MAX_COLUMNS (a crafted gridSpan
    or gridBefore of millions) is refused before anything is allocated for it. A cell's text is
    taken from ``cell_texts`` (see ``_plain_cell_texts``), else read.
    """
    rows: list[Row] = []
    above: tuple[str, ...] = ()
    for tr in _children(tbl, _TR):
        row_props = _child(tr, _TR_PR)
        before = _int_val(row_props, _GRID_BEFORE, 0)
        _check_width(before, name)
        texts = [""] * before  # per grid column
        carried: list[int] = []
        cells = _children(tr, _TC)
        span = 1
        for tc in cells:
            column = len(texts)
            span, continued = _merge(_child(tc, _TC_PR))
            _check_width(column + span, name)
            if continued:
                texts.append(above[column] if column < len(above) else "")
                carried.append(column)
            else:
                texts.append(cell_texts[tc] if tc in cell_texts else _cell_text(tc))
            if span > 1:
                texts.extend([""] * (span - 1))
        _check_width(len(texts) + _int_val(row_props, _GRID_AFTER, 0), name)
        above = tuple(texts) if cells else ()
        rows.append(Row(above, frozenset(carried), len(cells) == 1 and span > 1))
    return rows


def _merge(props: Any) -> tuple[int, bool]:
    """Return how many grid columns a cell spans and whether it continues a vertical merge, from its tcPr."""
    span = merge = None  # the first of each, as _child finds it
    if props is not None:
        for child in props:
            tag = child.tag
            if tag == _GRID_SPAN and span is None:
                span = max(_int_of(child, 1), 1)
            elif tag == _V_MERGE and merge is None:
                merge = child.get(_VAL, "continue") == "continue"
    return span or 1, bool(merge)


def _check_width(columns: int, name: str) -> None:
    if columns > MAX_COLUMNS:
        raise InputError(name, f"table row has {columns} columns; the limit is {MAX_COLUMNS}")
