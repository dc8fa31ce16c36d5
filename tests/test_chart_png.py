"""The hours chart's PNG: a well-formed file, the picture it was drawn as, the same bytes whatever was cached."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import PIL.Image
import pytest
import yaml

from coursereview import check, load_submission
from coursereview.documents import chart
from coursereview.documents.chart import chart_layout, hours_chart_png
from coursereview.review import Review

DATA = Path(__file__).parent / "data"
BASE = DATA / "base-institute.yaml"
CUSTOM = DATA / "criteria-custom.yaml"
EXAMPLES = Path(__file__).parent.parent / "examples"


def _review(tmp_path: Path, areas: dict[str, str] | None = None, criteria: str | None = None) -> Review:
    """Return the review of the base program with some sessions moved to other areas (by session title)."""
    data = yaml.safe_load(BASE.read_text(encoding="utf-8"))
    for session in data["sessions"]:
        if areas and session["title"] in areas:
            session["area"] = areas[session["title"]]
    path = tmp_path / "program.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return check(load_submission(path), criteria)


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """Return the PNG's chunks as (kind, data), checking the signature and every chunk's CRC."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(png):
        length = int.from_bytes(png[at:at + 4], "big")
        kind, data = png[at + 4:at + 8], png[at + 8:at + 8 + length]
        assert int.from_bytes(png[at + 8 + length:at + 12 + length], "big") == zlib.crc32(kind + data), kind
        chunks.append((kind, data))
        at += 12 + length
    assert at == len(png)
    return chunks


def test_the_chart_is_a_well_formed_png_that_pillow_reads_back(tmp_path: Path) -> None:
    review = _review(tmp_path, criteria=str(CUSTOM))
    png = hours_chart_png(review)
    kinds = [kind for kind, _ in _chunks(png)]
    assert kinds[:2] == [b"IHDR", b"PLTE"] and b"pHYs" in kinds and kinds[-1] == b"IEND"
    header = dict(_chunks(png))[b"IHDR"]
    assert header[8:10] == bytes((8, 3))  # 8 bits a pixel, palette
    zlib.decompress(b"".join(data for kind, data in _chunks(png) if kind == b"IDAT"))  # checks its Adler-32
    PIL.Image.open(io.BytesIO(png)).verify()
    picture = PIL.Image.open(io.BytesIO(png))
    assert picture.mode == "P"
    assert picture.size == (round(6.5 * 150), round(chart_layout(review).height * 150 / 96))
    assert picture.info["dpi"] == pytest.approx((150, 150), abs=0.05)
    assert max(picture.tobytes()) < len(chart._colours()) // 3  # every pixel a colour of the chart's palette


def test_labels_and_hours_are_written_in_their_inks(tmp_path: Path) -> None:
    moved = {"Forms of Local Government": "special-topics"}  # government falls short of its minimum
    review = _review(tmp_path, moved, criteria=str(CUSTOM))
    picture = PIL.Image.open(io.BytesIO(hours_chart_png(review))).convert("RGB")
    scale = 150 / 96
    for bar, y, _, _ in chart_layout(review).rows:
        top, bottom = round(y * scale), round((y + 17) * scale)  # the row's text, above its bar
        label = picture.crop((0, top, picture.width // 3, bottom))
        value = picture.crop((picture.width * 3 // 4, top, picture.width, bottom))
        inks = {"ok": (0x1A, 0x1A, 0x1A), "short": (0x8A, 0x4F, 0x00), "unknown": (0x40, 0x40, 0x40)}
        assert (0x1A, 0x1A, 0x1A) in {colour for _, colour in label.getcolors(4096) or []}, bar.label
        assert inks[bar.state] in {colour for _, colour in value.getcolors(4096) or []}, bar.value
    assert {bar.state for bar, *_ in chart_layout(review).rows} == {"ok", "short", "unknown"}


def test_the_bytes_do_not_depend_on_what_was_drawn_or_kept_before(tmp_path: Path) -> None:
    review = _review(tmp_path, criteria=str(CUSTOM))
    chart._text_tile.cache_clear()
    first = hours_chart_png(review)
    for example in sorted(EXAMPLES.glob("*.yaml")):  # other rows, kept and pushed out of the caches
        hours_chart_png(check(load_submission(example)))
    assert hours_chart_png(review) == first
    chart._text_tile.cache_clear()
    assert hours_chart_png(review) == first
