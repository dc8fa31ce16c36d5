"""WordprocessingML as text: text Word can hold, and tables written as rows in one pass (w: is the package's NS)."""

from __future__ import annotations

import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from coursereview.word import NS
from coursereview.wording import shown

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(text: str) -> str:
    """Return ``text`` with ``&``, ``<`` and ``>`` escaped, as ``xml.sax.saxutils.escape`` does.

    Written here because importing xml.sax.saxutils imports urllib.request, and with it http,
    ssl and email: a fifth of the time `coursereview import` spends importing what `validate` does not.
    """
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


_ATTRIBUTE_ESCAPES = (("\n", "&#10;"), ("\r", "&#13;"), ("\t", "&#9;"))


def quoteattr(text: str) -> str:
    """Return ``text`` as a quoted XML attribute value, as ``xml.sax.saxutils.quoteattr`` does (see ``escape``)."""
    text = escape(text)
    for char, entity in _ATTRIBUTE_ESCAPES:
        text = text.replace(char, entity)
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    quoted = text.replace('"', "&quot;")
    return f'"{quoted}"'


def clean(text: object) -> str:
    """Return ``text`` as a string without the control characters XML cannot hold, shown safely (wording.shown)."""
    text = str(text)
    if text.isascii() and text.isprintable():  # most cells: nothing either pattern could find
        return text
    return shown(_NOT_XML.sub("", text))


@dataclass(frozen=True)
class Run:
    """A stretch of text with one format; a newline in it becomes a line break."""

    text: str
    bold: bool | None = None  # None: bold when its place is (a header row, a key column)
    italic: bool = False
    points: float | None = None  # font size; None keeps the paragraph's
    color: str | None = None  # RGB in hex, such as "595959"


@runtime_checkable
class Control(Protocol):
    """A cell that writes its own paragraph, such as a dropdown list (see word.controls)."""

    def cell_xml(self, paragraph: str, points: float | None) -> str:
        """Return the cell's w:p, opened by ``paragraph``, its text at ``points`` (None: the style's size)."""
        ...


Paragraph = Sequence[Run]
# plain text (one paragraph, lines broken by "\n"), paragraphs of runs, or a control such as a dropdown list
Cell = str | Sequence[Paragraph] | Control
EMPTY: Cell = ()  # a cell left blank to be filled in: one empty paragraph, no run


@dataclass(frozen=True)
class Banner:
    """A row that is one cell across the whole table, such as a caption or a note above an example row."""

    cell: Cell
    fill: str | None = None  # RGB in hex


@dataclass(frozen=True)
class TableLook:
    """How a table is drawn: its style, the header row's fill, the cells' font size and padding."""

    style_id: str = "TableGrid"
    header_fill: str | None = None  # RGB in hex; None leaves the header row unshaded
    points: float | None = None  # font size of every cell; None keeps the style's
    spacing: int | None = None  # twips above and below each cell paragraph; None keeps the style's
    padding: int | None = None  # twips left and right inside each cell; None keeps the style's (108)


def _rpr(bold: bool | None, italic: bool = False, color: str | None = None, points: float | None = None) -> str:
    props = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
    props += f'<w:color w:val="{color}"/>' if color else ""
    props += f'<w:sz w:val="{round(points * 2)}"/>' if points else ""
    return f"<w:rPr>{props}</w:rPr>" if props else ""


def _texts(text: str) -> str:
    """Return the w:t of each line of ``text``, with a w:br between lines (a line break lives inside a run)."""
    if type(text) is str and text.isprintable():  # most cells: one line, nothing to clean (see _Rows.row)
        return f'<w:t xml:space="preserve">{escape(text)}</w:t>'
    return "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in clean(text).split("\n"))


def run_xml(run: Run, bold: bool = False, points: float | None = None) -> str:
    """Return one w:r; ``bold`` and ``points`` apply unless the run sets its own."""
    size = run.points if run.points is not None else points
    return f"<w:r>{_rpr(bold if run.bold is None else run.bold, run.italic, run.color, size)}{_texts(run.text)}</w:r>"


_T = '<w:t xml:space="preserve">'
_TC_END = "</w:t></w:r></w:p></w:tc>"  # a plain text cell's end
_ROW_END = _TC_END + "</w:tr>"


class _Rows:
    """Write the rows of one kind (header or body) of one table, every per-cell constant made once.

    A row's paragraphs may carry ``keepNext`` (keep this row on the page of the next one): a
    header row always does, so it never stands alone at the foot of a page (LibreOffice 7.4 then
    drops the rows that should follow it); a table kept together has it in every row but the last.
    """

    def __init__(self, widths: Sequence[int], look: TableLook, header: bool = False, key_column: bool = False,
                 min_height: int | None = None, align: Sequence[str | None] | None = None) -> None:
        self.props = "<w:cantSplit/>" + ("<w:tblHeader/>" if header else "")
        self.start = self._start(min_height)
        fill = look.header_fill if header else None
        shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
        self.cells = [f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/>{shade}</w:tcPr>' for w in widths]
        self.bold = [header or (key_column and i == 0) for i in range(len(widths))]
        self.rpr = [_rpr(bold, points=look.points) for bold in self.bold]
        spacing = f'<w:spacing w:before="{look.spacing}" w:after="{look.spacing}"/>' if look.spacing else ""
        aligns = list(align or [None] * len(widths))
        if len(aligns) != len(widths):
            raise ValueError(f"{len(aligns)} alignments for a table of {len(widths)} columns")
        self.p = {keep: [_ppr(keep, spacing, a) for a in aligns] for keep in (False, True)}
        # a cell of plain text: all of it but the text, made once per column
        self.text_start = {keep: [f"{tc}{p}<w:r>{rpr}" for tc, p, rpr in zip(self.cells, ps, self.rpr, strict=True)]
                           for keep, ps in self.p.items()}
        # a row of plain text cells: the markup before each cell's text (closing the cell before it), made once
        self.plain_row = {keep: [self.start + starts[0] + _T] + [f"{_TC_END}{start}{_T}" for start in starts[1:]]
                          for keep, starts in self.text_start.items()}
        self.keep = header
        self.points = look.points
        self.widths = widths

    def _start(self, height: int | None) -> str:
        size = f'<w:trHeight w:val="{height}" w:hRule="atLeast"/>' if height else ""
        return f"<w:tr><w:trPr>{self.props}{size}</w:trPr>"

    def row(self, cells: Sequence[Cell], keep_next: bool = False, height: int | None = None) -> str:
        """Return one w:tr holding ``cells``; ``keep_next`` keeps it on the page of the next row."""
        if len(cells) != len(self.cells):
            raise ValueError(f"a row of {len(cells)} cells in a table of {len(self.cells)} columns")
        keep = keep_next or self.keep
        if not height:
            try:  # most rows: every cell one line of printable text, which needs no cleaning (none of the
                # characters wording.shown escapes is printable); their texts are escaped at once, joined by \x00
                # (a cell holding \x00 itself takes the cell-by-cell way), and set between the markup made once
                joined = "\x00".join(cells)  # type: ignore[arg-type]  # not all text: TypeError
            except TypeError:
                joined = ""
            if joined and joined.count("\x00") == len(cells) - 1 and joined.replace("\x00", "").isprintable():
                return "".join(map(operator.add, self.plain_row[keep], escape(joined).split("\x00"))) + _ROW_END
        out = [self._start(height) if height else self.start]
        for start, tc, p, rpr, bold, cell in zip(self.text_start[keep], self.cells, self.p[keep], self.rpr,
                                                 self.bold, cells, strict=True):
            out.append(f"{start}{_texts(cell)}</w:r></w:p></w:tc>" if type(cell) is str
                       else f"{tc}{self._body(cell, p, rpr, bold)}</w:tc>")
        out.append("</w:tr>")
        return "".join(out)

    def banner(self, banner: Banner, keep_next: bool = False) -> str:
        """Return one w:tr whose single cell spans every column."""
        shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{banner.fill}"/>' if banner.fill else ""
        span = f'<w:gridSpan w:val="{len(self.widths)}"/>' if len(self.widths) > 1 else ""
        tc = f'<w:tc><w:tcPr><w:tcW w:w="{sum(self.widths)}" w:type="dxa"/>{span}{shade}</w:tcPr>'
        p = self.p[keep_next or self.keep][0]
        return f"{self.start}{tc}{self._body(banner.cell, p, self.rpr[0], self.bold[0])}</w:tc></w:tr>"

    def _body(self, cell: Cell, p: str, rpr: str, bold: bool) -> str:
        """Return the paragraphs of one cell, each opened by ``p``."""
        if isinstance(cell, str):
            return f"{p}<w:r>{rpr}{_texts(cell)}</w:r></w:p>"
        if isinstance(cell, Control):
            return cell.cell_xml(p, self.points)
        body = "".join(f"{p}{''.join(run_xml(r, bold, self.points) for r in para)}</w:p>" for para in cell)
        return body or p + "</w:p>"


def _ppr(keep_next: bool, spacing: str, align: str | None) -> str:
    """Return the opening of a cell paragraph: w:p with its properties in schema order."""
    props = ("<w:keepNext/>" if keep_next else "") + spacing + (f'<w:jc w:val="{align}"/>' if align else "")
    return f"<w:p><w:pPr>{props}</w:pPr>" if props else "<w:p>"


def table_xml(rows: Sequence[Sequence[Cell] | Banner], widths: Sequence[int], look: TableLook = TableLook(),
              header: Sequence[Cell] | None = None, key_column: bool = False, min_height: int | None = None,
              align: Sequence[str | None] | None = None, keep_together: bool = False,
              heights: Mapping[int, int] | None = None) -> str:
    """Return a w:tbl: a bold header row that repeats on every page, then ``rows`` (widths in twips).

    Written as text in one pass and parsed once: python-docx's ``table.cell(r, c)`` re-reads
    the whole grid on every call and grows quadratically. ``key_column`` makes the first
    column bold; ``min_height`` (twips) leaves room to write in every row, ``heights`` in the
    rows it names (by index); ``align`` gives each column's alignment ("right" for numbers, or
    None); ``keep_together`` keeps a short table on one page. No row ever splits across pages,
    and the header row stays with the first row under it. A table with no rows at all gets one
    row of dashes, as Word refuses an empty table.
    """
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    padding = look.padding
    margins = (f'<w:tblCellMar><w:left w:w="{padding}" w:type="dxa"/><w:right w:w="{padding}" w:type="dxa"/>'
               "</w:tblCellMar>" if padding is not None else "")
    parts = [
        f'<w:tbl xmlns:w="{NS}"><w:tblPr><w:tblStyle w:val="{look.style_id}"/>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>{margins}'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        f'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
    ]
    if header:
        parts.append(_Rows(widths, look, header=True, align=align).row(header))
    body = _Rows(widths, look, key_column=key_column, min_height=min_height, align=align)
    last = len(rows) - 1
    heights = heights or {}
    parts.extend(body.banner(row, keep_together and i < last) if isinstance(row, Banner)
                 else body.row(row, keep_together and i < last, heights.get(i)) for i, row in enumerate(rows))
    if not rows and not header:
        parts.append(_Rows(widths, look).row(["—"] * len(widths)))
    parts.append("</w:tbl>")
    return "".join(parts)


def page_number_xml() -> list[str]:
    """Return the runs and fields of a 'Page N of M' line, one w: element each."""

    def run(text: str) -> str:
        return f'<w:r xmlns:w="{NS}"><w:t xml:space="preserve">{text}</w:t></w:r>'

    def field(instr: str) -> str:
        return (f'<w:fldSimple xmlns:w="{NS}" w:instr=" {instr} \\* MERGEFORMAT ">'
                '<w:r><w:t>1</w:t></w:r></w:fldSimple>')

    return [run("Page "), field("PAGE"), run(" of "), field("NUMPAGES")]


@dataclass(frozen=True)
class ParagraphLook:
    """How one paragraph is set: alignment, space around it, what it keeps with, a rule below it."""

    align: str | None = None  # "left", "center", "right" or "both" (justified); None keeps the style's
    before: float | None = None  # points of space above; None keeps the style's
    after: float | None = None  # points of space below; None keeps the style's
    keep_with_next: bool = False  # on the same page as the next paragraph
    keep_together: bool = False  # never split across pages
    rule_below: bool = False  # a thin line under the paragraph, as under a letterhead
    indent: float | None = None  # points of left indent


JC = {"left": "left", "center": "center", "right": "right", "both": "both"}  # w:jc by alignment name


def paragraph_xml(runs: Sequence[Run], style_id: str | None = None, look: ParagraphLook | None = None) -> str:
    """Return one body w:p of ``runs`` in the style ``style_id``, set as ``look`` says (properties in schema order)."""
    return paragraph_start(style_id, look) + "".join(run_xml(r) for r in runs) + "</w:p>"


def paragraph_start(style_id: str | None = None, look: ParagraphLook | None = None) -> str:
    """Return the opening of a body w:p in the style ``style_id``, set as ``look`` says (properties in schema order)."""
    look = look or ParagraphLook()
    props = [f'<w:pStyle w:val="{style_id}"/>' if style_id else "",
             "<w:keepNext/>" if look.keep_with_next else "", "<w:keepLines/>" if look.keep_together else "",
             '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="4" w:color="808080"/></w:pBdr>'
             if look.rule_below else ""]
    if look.before is not None or look.after is not None:
        before = f' w:before="{round(look.before * 20)}"' if look.before is not None else ""
        after = f' w:after="{round(look.after * 20)}"' if look.after is not None else ""
        props.append(f"<w:spacing{before}{after}/>")
    if look.indent is not None:
        props.append(f'<w:ind w:left="{round(look.indent * 20)}"/>')
    if look.align:
        props.append(f'<w:jc w:val="{JC[look.align]}"/>')
    ppr = "".join(props)
    return f"<w:p><w:pPr>{ppr}</w:pPr>" if ppr else "<w:p>"
