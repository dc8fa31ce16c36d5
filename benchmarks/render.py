"""Time rendering the review document of a 60- and a 300-session program (docx and HTML).

Run: python benchmarks/render.py [--runs N] [--smoke]
Prints ms per document, how time grows with sessions, and the same tables built the naive
python-docx way (``table.cell(r, c)``) in the same run. The hours chart (matplotlib) is a fixed
cost per document whatever its length: it is timed on its own, and the documents are timed with
and without it. Never fails on timing.
Targets: docx of 60 sessions under 150 ms, of 300 sessions under 500 ms (without the chart).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from coursereview import check, load_submission
from coursereview.documents import chart, render
from coursereview.documents.review_context import review_context
from coursereview.review import Review

AREAS = ["government", "clerk-role", "management", "interpersonal", "professional", "special-topics"]
SIZES = (60, 300)


def program(sessions: int) -> dict:
    """Return an institute-like program of ``sessions`` sessions: 6 one-hour sessions and a lunch a day."""
    start = dt.date(2027, 5, 17)
    items = []
    for i in range(sessions):
        day, slot = divmod(i, 7)
        date = (start + dt.timedelta(days=day)).isoformat()
        if slot == 3:
            items.append({"title": "Lunch", "date": date, "start": "12:00", "end": "13:00", "kind": "meal"})
            continue
        hour = 9 + slot if slot < 3 else 10 + slot
        items.append({
            "title": f"Session {i + 1}: Ethics in records and meetings", "date": date,
            "start": f"{hour:02d}:00", "end": f"{hour + 1:02d}:00", "area": AREAS[i % len(AREAS)],
            "instructors": [f"p{i % 5}"], "level": "intermediate", "description": "Realistic content text.",
        })
    days = (sessions + 6) // 7
    return {
        "schema": "coursereview/submission@1",
        "provider": {"name": "Bench Institute", "institution": "Bench University",
                     "director": {"name": "B", "email": "b@example.org"}},
        "program": {"title": f"Bench Institute, {sessions} sessions", "kind": "institute", "part": 1,
                    "start": start.isoformat(), "end": (start + dt.timedelta(days=days - 1)).isoformat(),
                    "assessment": "exam", "attendance": "sign-in", "certificate": "cert.pdf"},
        "instructors": [{"id": f"p{i}", "name": f"P {i}", "qualifications": "q"} for i in range(5)],
        "sessions": items,
    }


def review_of(sessions: int, folder: Path) -> Review:
    path = folder / f"bench-{sessions}.yaml"
    path.write_text(yaml.safe_dump(program(sessions), sort_keys=False))
    return check(load_submission(path))


def naive_tables(review: Review) -> bytes:
    """Build the document's tables the naive python-docx way: add_table, then table.cell(r, c) per cell."""
    import io

    from docx import Document

    ctx = review_context(review)
    tables = [(ctx["areas"]["headers"], ctx["areas"]["rows"]), (ctx["instructor_headers"], ctx["instructors"]),
              (ctx["trail_headers"], ctx["trail"])]
    tables += [(ctx["timetable_headers"], [row["cells"] for row in day["rows"]]) for day in ctx["days"]]
    doc = Document()
    for headers, rows in tables:
        table = doc.add_table(rows=len(rows) + 1, cols=len(headers))
        table.style = "Table Grid"
        for c, text in enumerate(headers):
            table.cell(0, c).text = text
        for r, row in enumerate(rows, start=1):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def timed(func: Callable[[], object], runs: int, warm_up: bool = True) -> float:
    """Return the median wall time of ``func`` in ms over ``runs`` runs (after one warm-up run)."""
    if warm_up:
        func()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        func()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--smoke", action="store_true", help="few runs, for CI")
    args = parser.parse_args()
    runs = 2 if args.smoke else args.runs
    results: dict[tuple[str, int], float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        reviews = {n: review_of(n, Path(tmp)) for n in SIZES}
    for n, review in reviews.items():
        results["docx", n] = timed(lambda r=review: render(r, "docx"), runs)
        results["html", n] = timed(lambda r=review: render(r, "html"), runs)
        results["png", n] = timed(lambda r=review: chart.hours_chart_png(r), runs)
        results["svg", n] = timed(lambda r=review: chart.hours_chart_svg(r), runs)
    drawn = {id(r): chart.hours_chart_png(r) for r in reviews.values()}
    draw, chart.hours_chart_png = chart.hours_chart_png, lambda r: drawn[id(r)]  # the docx as if drawn already
    for n, review in reviews.items():
        results["docx-nochart", n] = timed(lambda r=review: render(r, "docx"), runs)
    chart.hours_chart_png = draw
    for n, review in reviews.items():  # quadratic: one run each (about 2 minutes at 300 sessions)
        if n == SIZES[0] or not args.smoke:
            results["naive", n] = timed(lambda r=review: naive_tables(r), 1, warm_up=False)
    small, large = SIZES
    print(f"render: median of {runs} runs per document")
    for n in SIZES:
        naive = results.get(("naive", n))
        compared = (f"naive python-docx, tables only, table.cell(r, c): {naive:8.1f} ms = "
                    f"x{naive / results['docx', n]:.1f} our whole docx") if naive else "naive: skipped (--smoke)"
        print(f"  {n:>3} sessions: docx {results['docx', n]:6.1f} ms   html {results['html', n]:5.1f} ms   {compared}")
        print(f"               docx without drawing the chart {results['docx-nochart', n]:6.1f} ms;   the chart "
              f"alone: PNG {results['png', n]:5.1f} ms, SVG {results['svg', n]:5.1f} ms")
    for kind in ("docx", "docx-nochart", "html", "naive"):
        if (kind, large) not in results:
            continue
        growth = results[kind, large] / results[kind, small]
        per = (results[kind, large] - results[kind, small]) / (large - small)
        print(f"  growth {small}->{large} sessions ({large / small:.0f}x): {kind:<12} x{growth:.2f}, "
              f"{per:.3f} ms per extra session")
    ok = results["docx-nochart", small] < 150 and results["docx-nochart", large] < 500
    print(f"  targets: docx without the chart {small} < 150 ms, {large} < 500 ms: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
