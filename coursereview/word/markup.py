"""WordprocessingML as text: the namespace, text Word can hold, and tables written as rows in one pass."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{NS}}}"  # the Clark prefix of a w: name: W + "tbl" is w:tbl

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: object) -> str:
    """Return ``text`` as a string without the control characters XML cannot hold."""
    return _NOT_XML.sub("", str(text))


@dataclass(frozen=True)
class Run:
    """A stretch of text with one format; a newline in it becomes a line break."""

    text: str
    bold: bool = False
    italic: bool = False
    points: float | None = None  # font size; None keeps the paragraph's
    color: str | None = None  # RGB in hex, such as "595959"


Paragraph = Sequence[Run]
Cell = str | Sequence[Paragraph]  # plain text (one paragraph, lines broken by "\n") or paragraphs of runs
EMPTY: Cell = ()  # a cell left blank to be filled in: one empty paragraph, no run


@dataclass(frozen=True)
class TableLook:
    """How a table is drawn: its style, the header row's fill, the cells' font size and padding."""

    style_id: str = "TableGrid"
    header_fill: str | None = None  # RGB in hex; None leaves the header row unshaded
    points: float | None = None  # font size of every cell; None keeps the style's
    spacing: int | None = None  # twips above and below each cell paragraph; None keeps the style's


def run_xml(run: Run, bold: bool = False, points: float | None = None) -> str:
    """Return one w:r; ``bold`` and ``points`` apply unless the run sets its own."""
    props = "<w:b/>" if run.bold or bold else ""
    props += "<w:i/>" if run.italic else ""
    props += f'<w:color w:val="{run.color}"/>' if run.color else ""
    size = run.points if run.points is not None else points
    props += f'<w:sz w:val="{round(size * 2)}"/>' if size is not None else ""
    lines = clean(run.text).split("\n")
    texts = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in lines)
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f"<w:r>{rpr}{texts}</w:r>"  # a line break lives inside a run (w:br is a run child)


def _cell_xml(cell: Cell, width: int, look: TableLook, header: bool, bold: bool) -> str:
    shade = f'<w:shd w:val="clear" w:color="auto" w:fill="{look.header_fill}"/>' if header and look.header_fill else ""
    ppr = f'<w:pPr><w:spacing w:before="{look.spacing}" w:after="{look.spacing}"/></w:pPr>' if look.spacing else ""
    paragraphs = [[Run(cell)]] if isinstance(cell, str) else cell
    body = "".join(f"<w:p>{ppr}{''.join(run_xml(r, bold, look.points) for r in p)}</w:p>"
                   for p in paragraphs)
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}</w:tcPr>{body or "<w:p/>"}</w:tc>'


def _row_xml(cells: Sequence[Cell], widths: Sequence[int], look: TableLook, header: bool = False,
             key_column: bool = False, min_height: int | None = None) -> str:
    props = "<w:cantSplit/>" + ("<w:tblHeader/>" if header else "")
    if min_height:
        props += f'<w:trHeight w:val="{min_height}" w:hRule="atLeast"/>'
    tcs = "".join(_cell_xml(cell, width, look, header, header or (key_column and i == 0))
                  for i, (cell, width) in enumerate(zip(cells, widths, strict=True)))
    return f"<w:tr><w:trPr>{props}</w:trPr>{tcs}</w:tr>"


def table_xml(rows: Sequence[Sequence[Cell]], widths: Sequence[int], look: TableLook = TableLook(),
              header: Sequence[Cell] | None = None, key_column: bool = False, min_height: int | None = None) -> str:
    """Return a w:tbl: a bold header row that repeats on every page, then ``rows`` (widths in twips).

    Written as text in one pass and parsed once: python-docx's ``table.cell(r, c)`` re-reads
    the whole grid on every call and grows quadratically. ``key_column`` makes the first
    column bold; ``min_height`` (twips) leaves room to write in. A table with no rows at all
    gets one row of dashes, as Word refuses an empty table.
    """
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    parts = [
        f'<w:tbl xmlns:w="{NS}"><w:tblPr><w:tblStyle w:val="{look.style_id}"/>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblLayout w:type="fixed"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
        f'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
    ]
    if header:
        parts.append(_row_xml(header, widths, look, header=True))
    parts.extend(_row_xml(row, widths, look, key_column=key_column, min_height=min_height) for row in rows)
    if not rows and not header:
        parts.append(_row_xml(["—"] * len(widths), widths, look))
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
