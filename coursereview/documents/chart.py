"""The bar chart of hours offered by curriculum area against what the criteria require.

One drawing, laid out once (``chart_layout``) and written two ways: as SVG for pages (the HTML
review and the web application's result page; text stays text, classes for the site's style sheet
and presentation attributes for a page without it) and as PNG for Word and PDF, drawn by Pillow
with its bundled font (imported only when a PNG is drawn) straight into a palette image, and written
by Pillow's PNG encoder. The same review gives the same picture and the same bytes, so the docx that
holds it keeps the same bytes.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from markupsafe import escape

from coursereview.review import Review
from coursereview.wording import fmt

if TYPE_CHECKING:
    from PIL import Image
    from PIL.ImageFont import FreeTypeFont

WIDTH_INCHES = 6.5  # the text width of a portrait US Letter page with 1-inch margins
PNG_DPI = 150
WIDTH = 624  # drawing units: CSS pixels, 96 to the inch
_SCALE = PNG_DPI / 96
_NOTE_SIZE, _LABEL_SIZE = 12.0, 12.5
_TOP = 28  # below the note line
_ROW, _LABEL, _BAR = 36, 17, 12  # a row's height; the bar's top below the row's; the bar's height
_INK, _GREY_INK, _TRACK, _MINIMUM = "#1a1a1a", "#404040", "#e6e9ef", "#1a1a1a"
_FILL = {"ok": "#2e7d46", "short": "#c77700", "unknown": "#8c8c8c"}
_TEXT = {"ok": _INK, "short": "#8a4f00", "unknown": _GREY_INK}  # 4.5:1 or better on white


@dataclass(frozen=True)
class Bar:
    """One curriculum area in the chart."""

    label: str
    hours: float
    minimum: float  # 0: no minimum set
    state: str  # "ok" | "short" (not covered, or below its minimum) | "unknown" (not an area of the criteria)

    @property
    def value(self) -> str:
        """The hours as written at the end of the bar, with what is short."""
        text = f"{fmt(self.hours)} h"
        if self.state == "short":
            text += f" (minimum {fmt(self.minimum)})" if self.minimum else " (not covered)"
        return text


@dataclass(frozen=True)
class Layout:
    """Where everything is drawn, in drawing units (``width`` wide, ``height`` high)."""

    width: int
    height: int
    note: str
    rows: list[tuple[Bar, int, float, float | None]]  # bar, top of its row, bar length, x of its minimum


def chart_bars(review: Review) -> list[Bar]:
    """Return the chart's bars: every area of the criteria in their order, then areas the criteria do not know."""
    tally, crit = review.tally, review.criteria
    bars = []
    for area in crit.areas:
        hours = tally.hours(tally.area_minutes.get(area.id, 0))
        short = hours < area.min_hours if area.min_hours else hours == 0
        bars.append(Bar(area.title, hours, area.min_hours, "short" if short else "ok"))
    for area_id, minutes in tally.area_minutes.items():
        if crit.area(area_id) is None:
            bars.append(Bar(f"{area_id} (not an area of these criteria)", tally.hours(minutes), 0.0, "unknown"))
    return bars


def chart_caption(review: Review) -> str:
    """Return what the chart shows, in words (its alternative text, and the caption of the image)."""
    bars = chart_bars(review)
    parts = [f"{b.label} {fmt(b.hours)}" + (f" (minimum {fmt(b.minimum)})" if b.minimum else "") for b in bars]
    return "Hours offered by curriculum area: " + "; ".join(parts) + "."


def chart_layout(review: Review, width: int = WIDTH) -> Layout:
    """Return the chart laid out ``width`` units wide: a note on the areas covered, then per area its name, hours, bar.

    Text keeps its size whatever the width, so a narrower chart shown in a narrower column reads the same.
    """
    bars = chart_bars(review)
    known = [b for b in bars if b.state != "unknown"]
    note = f"{sum(1 for b in known if b.hours > 0)} of {len(known)} areas covered"
    if rule := review.criteria.rule("areas.min_covered"):
        note += f" (at least {rule.value} expected)"
    if any(b.minimum for b in bars):
        note += "; black marks: required minimum"
    top = max([1.0, *(b.hours for b in bars), *(b.minimum for b in bars)])
    rows = [(bar, _TOP + i * _ROW, round(width * bar.hours / top, 1),
             round(min(width - 1, width * bar.minimum / top), 1) if bar.minimum else None)
            for i, bar in enumerate(bars)]
    return Layout(width, _TOP + len(bars) * _ROW + 4, note + ".", rows)


def hours_chart_svg(review: Review, width: int = WIDTH) -> str:
    """Return the chart as an ``<svg>`` element to put inline in a page, laid out ``width`` CSS pixels wide.

    Colours are presentation attributes and every part has a class (``chart-label``, ``chart-bar``,
    ``chart-short``, ``chart-minimum`` …), so a page's style sheet may restyle it; no inline style,
    so a strict Content-Security-Policy holds.
    """
    lay = chart_layout(review, width)
    out = [f'<svg class="chart" viewBox="0 0 {width} {lay.height}" width="100%" role="img" '
           'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
           '<title id="chart-title">Contact hours offered by curriculum area</title>',
           f'<desc id="chart-desc">{escape(chart_caption(review))}</desc>',
           f'<text class="chart-note" x="0" y="14" font-size="{_NOTE_SIZE}" fill="{_GREY_INK}">'
           f'{escape(lay.note)}</text>']
    for bar, y, length, minimum in lay.rows:
        short = " chart-short" if bar.state == "short" else ""
        out.append(f'<text class="chart-label" x="0" y="{y + 13}" font-size="{_LABEL_SIZE}" fill="{_INK}">'
                   f'{escape(bar.label)}</text>')
        out.append(f'<text class="chart-value{short}" x="{width}" y="{y + 13}" text-anchor="end" '
                   f'font-size="{_LABEL_SIZE}" font-weight="bold" fill="{_TEXT[bar.state]}">{escape(bar.value)}</text>')
        out.append(f'<rect class="chart-track" x="0" y="{y + _LABEL}" width="{width}" height="{_BAR}" '
                   f'fill="{_TRACK}"/>')
        if length:
            out.append(f'<rect class="chart-bar{short}" x="0" y="{y + _LABEL}" width="{length}" height="{_BAR}" '
                       f'fill="{_FILL[bar.state]}"/>')
        if minimum is not None:
            out.append(f'<line class="chart-minimum" x1="{minimum}" x2="{minimum}" y1="{y + _LABEL - 3}" '
                       f'y2="{y + _LABEL + _BAR + 3}" stroke="{_MINIMUM}" stroke-width="2"/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def hours_chart_png(review: Review) -> bytes:
    """Return the chart as PNG bytes, ``WIDTH_INCHES`` wide at ``PNG_DPI`` dots per inch (for Word and PDF).

    Drawn straight into a palette image of the few dozen colours the chart has (fills, and each text
    colour blended into white), so nothing is converted (converting an RGB drawing to the palette
    was a quarter of a chart's cost), then written by Pillow at its fastest compression, as the
    docx zip compresses again.
    """
    from PIL import Image  # imported here: only documents that hold a picture pay for it

    lay = chart_layout(review)

    def at(units: float) -> int:
        return round(units * _SCALE)

    width, height = at(WIDTH), at(lay.height)
    image = Image.new("P", (width, height), _SOLID.index(_WHITE))

    def text(xy: tuple[int, int], words: str, ink: str, size: float, bold: bool = False, end: bool = False) -> None:
        tile, mask, (left, top, right, _) = _text_tile(words, at(size), bold, ink)
        image.paste(tile, (xy[0] - right if end else xy[0] + left, xy[1] + top), mask)

    def fill(colour: str, box: tuple[int, int, int, int]) -> None:  # box: left, top, right, bottom, the last two out
        image.paste(_SOLID.index(colour), box)

    text((0, at(14)), lay.note, _GREY_INK, _NOTE_SIZE)
    for bar, y, length, minimum in lay.rows:
        text((0, at(y + 13)), bar.label, _INK, _LABEL_SIZE)
        text((width - 2, at(y + 13)), bar.value, _TEXT[bar.state], _LABEL_SIZE, bold=True, end=True)
        top, bottom = at(y + _LABEL), at(y + _LABEL + _BAR)
        fill(_TRACK, (0, top, width, bottom))
        if length:
            fill(_FILL[bar.state], (0, top, max(1, at(length)), bottom))
        if minimum is not None:
            x = at(minimum)
            fill(_MINIMUM, (max(0, x - 1), at(y + _LABEL - 3), min(width, x + 2), at(y + _LABEL + _BAR + 3) + 1))
    image.putpalette(_colours())
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(PNG_DPI, PNG_DPI), compress_level=1)  # the docx zip compresses it again
    return out.getvalue()


_WHITE = "#ffffff"
_SOLID = (_WHITE, _TRACK, _MINIMUM, *_FILL.values())  # the palette's first entries, in this order
_INKS = tuple(dict.fromkeys((_INK, _GREY_INK, *_TEXT.values())))  # in a fixed order: the same bytes every run
_LEVELS = 16  # shades of each ink between white and the ink itself
_Box = tuple[int, int, int, int]  # left, top, right, bottom


@lru_cache(maxsize=1)
def _colours() -> bytes:
    """Return the palette as red, green, blue: the solid colours, then each ink blended into white."""
    from PIL import ImageColor

    channels: list[int] = []
    for colour in _SOLID:
        channels += ImageColor.getrgb(colour)[:3]
    for ink in _INKS:
        rgb = ImageColor.getrgb(ink)[:3]
        for k in range(1, _LEVELS + 1):
            channels += [round(c * k / _LEVELS + 255 * (1 - k / _LEVELS)) for c in rgb]
    return bytes(channels)


@lru_cache(maxsize=1)
def _palette() -> Image.Image:
    """Return a palette image of every colour the chart draws (``_colours``), for Pillow to convert to."""
    from PIL import Image

    palette = Image.new("P", (1, 1))
    palette.putpalette(_colours())
    return palette


@lru_cache(maxsize=len(_INKS))
def _shades(ink: str) -> list[int]:
    """Return, for each coverage 0-255 of ``ink`` over white, the palette entry nearest the blended colour.

    Found by Pillow itself: it blends the ink into white as it pastes text, and picks the nearest entry
    as it converts to the palette, so the text looks as if drawn in full colour and then converted.
    """
    from PIL import Image

    coverage = Image.frombytes("L", (256, 1), bytes(range(256)))
    blended = Image.new("RGB", (256, 1), _WHITE)
    blended.paste(ink, (0, 0), coverage)
    return list(blended.quantize(palette=_palette(), dither=Image.Dither.NONE).tobytes())


@lru_cache(maxsize=512)
def _text_tile(words: str, size: int, bold: bool, ink: str) -> tuple[Image.Image, Image.Image, _Box]:
    """Return ``words`` in ``ink`` as palette entries, the mask of where it is not white, and its box (``_text_mask``).

    Kept for the process: area names and most hours recur in every review under the same criteria.
    """
    mask, box = _text_mask(words, size, bold)
    shades = _shades(ink)
    tile = mask.point(shades)
    tile.putpalette(_colours())  # the same numbers, now read as palette entries
    return tile, mask.point([255 if entry else 0 for entry in shades], "1"), box


def _text_mask(words: str, size: int, bold: bool) -> tuple[Image.Image, _Box]:
    """Return ``words`` drawn as a coverage mask, and its box about the left end of its baseline.

    Bold is a hairline stroke of the same ink, as the bundled font has no bold face.
    """
    from PIL import Image, ImageDraw

    font, stroke = _font(size), 0.4 if bold else 0
    box = ImageDraw.Draw(Image.new("L", (1, 1))).textbbox((0, 0), words, font=font, anchor="ls", stroke_width=stroke)
    left, top, right, bottom = (int(v) for v in box)
    mask = Image.new("L", (max(1, right - left), max(1, bottom - top)), 0)
    ImageDraw.Draw(mask).text((-left, -top), words, fill=255, font=font, anchor="ls", stroke_width=stroke,
                              stroke_fill=255)
    return mask, (left, top, right, bottom)


@lru_cache(maxsize=4)
def _font(size: int) -> FreeTypeFont:
    """Return Pillow's bundled font (Aileron, SIL Open Font License) at ``size`` pixels."""
    from PIL import ImageFont

    font = ImageFont.load_default(size=size)
    if not isinstance(font, ImageFont.FreeTypeFont):  # only a Pillow built by hand without FreeType
        raise RuntimeError("Pillow was built without FreeType, so it cannot draw the chart's text")
    return font
