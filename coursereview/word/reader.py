"""Read the tables of a .docx as rows of cell text per grid column, merged cells and content controls resolved."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError

from coursereview.errors import InputError
from coursereview.word.markup import W
from coursereview.word.safety import MAX_COLUMNS, check_docx_bytes

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
    check_docx_bytes(raw, name)
    return [_grid_rows(tbl, name) for tbl in _open_body(raw, name).iter(_TBL)]


def _open_body(raw: bytes, name: str) -> Any:
    """Return the body element of the main document, parsed by python-docx."""
    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, KeyError, ValueError, AttributeError) as exc:
        raise InputError(name, f"not a Word document that can be read ({_short(exc)})") from None
    except Exception as exc:  # lxml syntax errors and zip errors from a damaged part
        raise InputError(name, f"damaged .docx: its XML cannot be read ({_short(exc)})") from None
    return document.element.body


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


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


def _cell_text(tc: Any) -> str:
    """Return a cell's text: runs joined, paragraphs on separate lines, tracked deletions left out."""
    lines = []
    for p in tc.iter(_P):
        parts = []
        for el in p.iter(*_TEXT_TAGS):
            fixed = _TEXT_TAGS[el.tag]
            parts.append(el.text or "" if fixed is None else fixed)
        lines.append("".join(parts))
    return "\n".join(lines).strip()


def _int_attr(element: Any, path: str, default: int) -> int:
    found = element.find(path)
    if found is None:
        return default
    try:
        return max(int(found.get(W + "val", default)), 0)
    except ValueError:
        return default


def _grid_rows(tbl: Any, name: str) -> list[Row]:
    """Return each row's text per grid column, resolving merged cells.

    A cell spanning several columns gives its text to the first; a cell that continues a
    vertical merge repeats the text of the cell above (a date merged down a day's rows applies
    to each of them) and is marked as carried. A row wider than MAX_COLUMNS (a crafted gridSpan
    or gridBefore of millions) is refused before anything is allocated for it.
    """
    rows: list[Row] = []
    above: dict[int, str] = {}
    for tr in _children(tbl, _TR):
        column = _int_attr(tr, f"{W}trPr/{W}gridBefore", 0)
        _check_width(column, name)
        texts: dict[int, str] = {}
        carried: set[int] = set()
        cells = _children(tr, _TC)
        span = 1
        for tc in cells:
            span = max(_int_attr(tc, f"{W}tcPr/{W}gridSpan", 1), 1)
            _check_width(column + span, name)
            merge = tc.find(f"{W}tcPr/{W}vMerge")
            if merge is not None and merge.get(W + "val", "continue") == "continue":
                text = above.get(column, "")
                carried.add(column)
            else:
                text = _cell_text(tc)
            texts[column] = text
            for extra in range(1, span):
                texts[column + extra] = ""
            column += span
        _check_width(column + _int_attr(tr, f"{W}trPr/{W}gridAfter", 0), name)
        width = max(texts, default=-1) + 1
        row = tuple(texts.get(i, "") for i in range(width))
        above = dict(enumerate(row))
        rows.append(Row(row, frozenset(carried), len(cells) == 1 and span > 1))
    return rows


def _check_width(columns: int, name: str) -> None:
    if columns > MAX_COLUMNS:
        raise InputError(name, f"table row has {columns} columns; the limit is {MAX_COLUMNS}")
