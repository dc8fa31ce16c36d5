"""Size a table's columns to their content: no column narrower than its longest word, the rest shared by text length."""

from __future__ import annotations

from collections.abc import Sequence

CELL_PADDING = 216  # twips: Table Grid's left and right cell margins (0.075 inch each)
_MAX_LINE = 60  # characters: a longer text is measured as one line of this length (it will wrap anyway)


def text_width(text: str, points: float, bold: bool = False) -> int:
    """Return an estimate of ``text``'s printed width in twips at ``points`` (generous, so that words fit).

    Widths are those of Carlito and Caladea (metric twins of Calibri and Cambria): about half an em
    for a lower-case letter or digit, two thirds of an em for a capital; bold is wider still.
    """
    ems = sum(0.66 if ch.isupper() or ch in "mwMW@%" else 0.3 if ch in "il.,:;'| " else 0.53 for ch in text)
    return round(ems * points * 20 * (1.08 if bold else 1.0))


def fit_widths(header: Sequence[str], rows: Sequence[Sequence[str]], total: int, points: float) -> list[int]:
    """Return column widths in twips that add up to ``total`` (the text width), sized to the cells' text.

    Each column gets at least the width of its longest word (the header's words are bold), so no
    word breaks inside a header or a cell unless even those minimums overrun ``total``; the width
    left over goes to the columns whose text is longest, so long text wraps into fewer lines.
    """
    columns = len(header) if header else len(rows[0]) if rows else 0
    if not columns:
        return []
    least = [CELL_PADDING + max((text_width(w, points, True) for w in str(header[c]).split()), default=0)
             if header else CELL_PADDING for c in range(columns)]
    wanted = list(least)
    for row in rows:
        for c, cell in enumerate(row):
            words = str(cell).split()
            if words:
                least[c] = max(least[c], CELL_PADDING + max(text_width(w, points) for w in words))
            line = " ".join(words)[:_MAX_LINE]
            wanted[c] = max(wanted[c], CELL_PADDING + text_width(line, points))
    wanted = [max(w, m) for w, m in zip(wanted, least, strict=True)]
    if sum(least) >= total:  # even the longest words overrun: shrink them all alike
        return _exact([m * total / sum(least) for m in least], total)
    if sum(wanted) <= total:  # everything fits on one line: share the spare width by the columns' widths
        return _exact([w * total / sum(wanted) for w in wanted], total)
    spare = total - sum(least)
    extra = [w - m for w, m in zip(wanted, least, strict=True)]
    return _exact([m + spare * e / sum(extra) for m, e in zip(least, extra, strict=True)], total)


def _exact(widths: Sequence[float], total: int) -> list[int]:
    """Return ``widths`` rounded down to whole twips, the remainder added to the widest, so they sum to ``total``."""
    out = [int(w) for w in widths]
    out[out.index(max(out))] += total - sum(out)
    return out
