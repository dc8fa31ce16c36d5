"""The hours chart's PNG: a well-formed file, the picture it was drawn as, the same bytes whatever was cached."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import PIL.Image
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

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


def _rows(png: bytes) -> tuple[int, int, bytes, list[bytes]]:
    """Return width, height, palette and the decoded rows of palette indexes of an 8-bit palette PNG (filters 0, 2)."""
    chunks = dict(_chunks(png))
    header = chunks[b"IHDR"]
    width, height = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:8], "big")
    assert header[8:] == bytes((8, 3, 0, 0, 0))  # 8 bits, palette, deflate, adaptive filters, not interlaced
    data = zlib.decompress(chunks[b"IDAT"])  # checks the stream's Adler-32 too
    assert len(data) == height * (width + 1)
    rows, above = [], bytes(width)
    for y in range(height):
        kind, row = data[y * (width + 1)], data[y * (width + 1) + 1:(y + 1) * (width + 1)]
        assert kind in (0, 2), f"row {y} has filter {kind}"
        row = bytes((a + b) & 0xFF for a, b in zip(row, above, strict=True)) if kind == 2 else row
        rows.append(row)
        above = row
    return width, height, chunks[b"PLTE"], rows


def test_the_chart_is_a_well_formed_png_that_pillow_reads_back(tmp_path: Path) -> None:
    review = _review(tmp_path, criteria=str(CUSTOM))
    png = hours_chart_png(review)
    assert [kind for kind, _ in _chunks(png)] == [b"IHDR", b"PLTE", b"pHYs", b"IDAT", b"IEND"]
    width, height, palette, rows = _rows(png)
    assert (width, height) == (round(6.5 * 150), round(chart_layout(review).height * 150 / 96))
    assert len(palette) % 3 == 0 and max(max(row) for row in rows) < len(palette) // 3
    PIL.Image.open(io.BytesIO(png)).verify()
    picture = PIL.Image.open(io.BytesIO(png))
    assert picture.mode == "P" and picture.size == (width, height)
    assert picture.info["dpi"] == pytest.approx((150, 150), abs=0.05)
    assert picture.tobytes() == b"".join(rows)


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
    for cached in (chart._rows, chart._repeats, chart._text_tile):
        cached.cache_clear()
    first = hours_chart_png(review)
    for example in sorted(EXAMPLES.glob("*.yaml")):  # other rows, kept and pushed out of the caches
        hours_chart_png(check(load_submission(example)))
    assert hours_chart_png(review) == first
    chart._rows.cache_clear()
    assert hours_chart_png(review) == first


ROWS = st.lists(st.sampled_from([b"", b"\x01", b"\x02\x03", b"\x34" * 7]), min_size=1, max_size=40)


@settings(max_examples=60, deadline=None)
@given(rows=ROWS, width=st.sampled_from([1, 9, 30_000]))
def test_the_writer_keeps_every_row_whatever_repeats_and_wherever_the_reads_split(rows: list[bytes],
                                                                                 width: int) -> None:
    """At 30,000 pixels wide the image is read two rows at a time, so runs of rows span the reads."""
    pixels = [(pattern * width)[:width] if pattern else bytes(width) for pattern in rows]
    image = PIL.Image.frombytes("P", (1 + width, len(rows)), b"".join(b"\0" + row for row in pixels))
    png = chart._png(image)
    _, height, _, decoded = _rows(png)
    assert height == len(rows) and decoded == pixels
    assert PIL.Image.open(io.BytesIO(png)).tobytes() == b"".join(pixels)


@given(st.binary(max_size=300), st.binary(max_size=300), st.integers(0, 200_000))
def test_checksums_combine_as_zlib_computes_them_over_the_whole(first: bytes, second: bytes, zeros: int) -> None:
    second += bytes(zeros)  # lengths past the Adler-32 modulus
    combined = chart._adler32_combine(zlib.adler32(first), zlib.adler32(second), len(second))
    assert combined == zlib.adler32(first + second)
