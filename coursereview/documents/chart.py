"""The bar chart of hours offered by curriculum area against what the criteria require (SVG for pages, PNG for Word).

matplotlib draws it with its Agg renderer and its own bundled font (DejaVu Sans), without pyplot
(no global figure state) and is imported only when a chart is drawn. Its output is made
reproducible: the SVG's ids come from a fixed salt and carry no date, the PNG no software stamp,
so the same review gives the same picture and the docx that holds it the same bytes.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from coursereview.review import Review
from coursereview.wording import fmt

WIDTH_INCHES = 6.5  # the text width of a portrait US Letter page with 1-inch margins
PNG_DPI = 150
_COLOURS = {"ok": "#2e7d46", "short": "#c77700", "unknown": "#8c8c8c"}
_MINIMUM = "#1a1a1a"
_SVG_PREAMBLE = re.compile(r"^.*?(?=<svg)", re.DOTALL)


@dataclass(frozen=True)
class Bar:
    """One curriculum area in the chart."""

    label: str
    hours: float
    minimum: float  # 0: no minimum set
    state: str  # "ok" | "short" (not covered, or below its minimum) | "unknown" (not an area of the criteria)


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


def hours_chart_svg(review: Review) -> str:
    """Return the chart as an ``<svg>`` element to put inline in an HTML page (text stays text)."""
    data = _draw(review, "svg")
    return _SVG_PREAMBLE.sub("", data.decode("utf-8"), count=1).strip() + "\n"


def hours_chart_png(review: Review) -> bytes:
    """Return the chart as PNG bytes, ``WIDTH_INCHES`` wide at ``PNG_DPI`` dots per inch (for Word and PDF)."""
    return _draw(review, "png")


def _draw(review: Review, fmt_: str) -> bytes:
    import matplotlib  # imported here: about 0.3 s, paid only by documents that hold a chart
    from matplotlib.figure import Figure

    bars = chart_bars(review)
    rules = review.criteria.rule("areas.min_covered")
    covered = sum(1 for b in bars if b.state != "unknown" and b.hours > 0)
    known = sum(1 for b in bars if b.state != "unknown")
    labels = [_wrap(b.label) for b in bars][::-1]
    longest = max((len(line) for label in labels for line in label.split("\n")), default=10)
    height = 0.9 + 0.34 * max(len(bars), 1)
    with matplotlib.rc_context({"font.family": "DejaVu Sans", "font.size": 8.5, "svg.hashsalt": "coursereview",
                                "svg.fonttype": "none", "path.simplify": False}):
        figure = Figure(figsize=(WIDTH_INCHES, height))
        # Fixed margins, not tight_layout: it draws the figure twice, and every text costs.
        left = min(0.5, (0.15 + longest * 0.068) / WIDTH_INCHES)
        figure.subplots_adjust(left=left, right=0.97, top=1 - 0.55 / height, bottom=0.12 / height)
        axes = figure.add_subplot()
        values = [b.hours for b in bars][::-1]
        positions = list(range(len(bars)))
        axes.barh(positions, values, color=[_COLOURS[b.state] for b in bars][::-1], height=0.62)
        top = max([*values, *(b.minimum for b in bars), 1.0])
        labels_at = []
        for y, bar in zip(positions, bars[::-1], strict=True):
            text, colour = fmt(bar.hours), "#1a1a1a"
            if bar.state == "short":
                text += f" (minimum {fmt(bar.minimum)})" if bar.minimum else " (not covered)"
                colour = _COLOURS["short"]
            after = max(bar.hours, bar.minimum) + top * 0.015  # right of the bar and of its minimum mark
            axes.text(after, y, text, va="center", ha="left", fontsize=8, color=colour)
            labels_at.append((after, len(text)))
            if bar.minimum:
                axes.plot([bar.minimum, bar.minimum], [y - 0.42, y + 0.42], color=_MINIMUM, linewidth=2)
        # The x axis ends where the widest label ends (a character of 8 pt is about 0.07 inch).
        axes_inches = WIDTH_INCHES * (0.97 - left)
        axes.set_xlim(0, max(top * 1.05, *(at / max(0.2, 1 - chars * 0.07 / axes_inches) for at, chars in labels_at)))
        axes.set_yticks(positions, labels)
        axes.tick_params(axis="y", length=0)
        axes.set_ylim(-0.6, len(bars) - 0.4)
        axes.xaxis.set_visible(False)  # every bar says its hours: no axis, no grid (each text costs time)
        for side in ("top", "right", "bottom"):
            axes.spines[side].set_visible(False)
        note = f"{covered} of {known} areas covered" + (f" (at least {rules.value} expected)" if rules else "")
        if any(b.minimum for b in bars):
            note += "; black marks: required minimum"
        figure.text(0.02, 1 - 0.08 / height, "Contact hours offered by curriculum area", ha="left", va="top",
                    fontsize=9, weight="bold", color="#1a1a1a")
        figure.text(0.02, 1 - 0.3 / height, note + ".", ha="left", va="top", fontsize=8.5, color="#404040")
        out = io.BytesIO()
        if fmt_ == "svg":
            figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
        else:
            figure.savefig(out, format="png", dpi=PNG_DPI, metadata={"Software": None},
                           pil_kwargs={"compress_level": 1})  # the docx zip compresses it again
    return out.getvalue()


def _wrap(label: str, width: int = 30) -> str:
    """Return ``label`` broken into lines of at most about ``width`` characters, at spaces."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)
