"""Time the review docx against a string-join + zip floor and docxtpl, in-process, at 60 to 5000 sessions.

Run: python benchmarks/render.py [--sizes 60,300,1500,5000] [--rounds N] [--smoke]
For each size, interleaved in one run: ``render(review, "docx")``; the same with its hours chart
drawn already (Pillow draws it, a fixed cost per document whatever its length), and the
chart alone; a floor that writes the very same paragraphs and tables (extracted from our
document once, untimed) by joining WordprocessingML strings, and zips them with our pictures;
docxtpl (``pip install .[bench]``) filling a template with the same text; ``render(review,
"html")``. Floor and peer also build the review context, so all start from the same Review.
Then the peak memory of one whole process per case at the largest size. Prints medians, paired
ratios and growth; never fails on timing.
Targets (issue 15): docx <= 2.5x the floor at every size, growth exponent <= 1.05 from 1500 to
5000 sessions, peak memory <= 1.5x the floor process's.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from _floor import floor_docx, media, outline
from harness import MiB, exponent, in_process, interleave, loads, machine, peak_rss, ratio_line, table, write_program

from coursereview import check, load_submission, render
from coursereview.documents import chart
from coursereview.documents.review_context import review_context
from coursereview.review import Review

SIZES = (60, 300, 1500, 5000)


# --- the peer: docxtpl filling one template with the same blocks -----------------------------------


def docxtpl_template(doc: dict[str, Any]) -> bytes:
    """Return a docxtpl template that writes each block: a paragraph in its style, or a table row by row."""
    from docx import Document

    template = Document()
    template.add_paragraph("{%p for b in blocks %}")
    first = True
    for style_id, name in doc["styles"].items():
        if name.lower().startswith("table"):
            continue
        template.add_paragraph(f"{{%p {'if' if first else 'elif'} b.p == '{style_id}' %}}")
        template.add_paragraph("{{ b.text }}", style=name)
        first = False
    template.add_paragraph("{%p elif b.p is defined %}" if not first else "{%p if b.p is defined %}")
    template.add_paragraph("{{ b.text }}")
    template.add_paragraph("{%p else %}")
    grid = template.add_table(rows=3, cols=3)
    grid.style = "Table Grid"
    grid.cell(0, 0).text = "{%tr for row in b.rows %}"
    grid.cell(1, 0).text = "{%tc for cell in row.cells %}"
    grid.cell(1, 1).text = "{{ cell }}"
    grid.cell(1, 2).text = "{%tc endfor %}"
    grid.cell(2, 0).text = "{%tr endfor %}"
    template.add_paragraph("{%p endif %}")
    template.add_paragraph("{%p endfor %}")
    template.sections[0].header.paragraphs[0].text = "{{ header }}"
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def docxtpl_docx(template: bytes, doc: dict[str, Any]) -> bytes:
    """Return the docxtpl document of ``doc`` from ``template`` (a fresh template object each time)."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(io.BytesIO(template))
    tpl.render({"blocks": doc["blocks"], "header": doc["header"]}, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


# --- the runs ---------------------------------------------------------------------------------------


def review_of(sessions: int, folder: Path) -> Review:
    """Return the review of a generated program of ``sessions`` sessions (with its breaks, a few more items).

    A submission may hold at most ``MAX_SESSIONS`` (2000) sessions; to time how the document grows
    beyond that, the limit is lifted while this one program is read.
    """
    from coursereview.schema import submission

    limit = submission.MAX_SESSIONS
    submission.MAX_SESSIONS = max(limit, 2 * sessions)
    try:
        return check(load_submission(write_program(folder, f"bench-{sessions}.yaml", sessions)))
    finally:
        submission.MAX_SESSIONS = limit


def _have_docxtpl() -> bool:
    try:
        import docxtpl  # noqa: F401
    except ImportError:
        return False
    return True


def drawn_already(review: Review, png: bytes) -> bytes:
    """Return the review docx with ``png`` as its hours chart, as if it had been drawn already."""
    draw, chart.hours_chart_png = chart.hours_chart_png, lambda _review: png
    try:
        return render(review, "docx")
    finally:
        chart.hours_chart_png = draw


def child(case: str, sessions: int, outline_file: str) -> None:
    """Run one case once in this process (for its peak memory): build the review, then write the document."""
    with tempfile.TemporaryDirectory() as tmp:
        review = review_of(sessions, Path(tmp))
    if case == "docx":
        render(review, "docx")
    elif case == "floor":
        pictures = media(Path(outline_file).with_suffix(".docx").read_bytes())
        review_context(review)
        floor_docx(json.loads(Path(outline_file).read_text(encoding="utf-8")), pictures)
    elif case == "docxtpl":
        doc = json.loads(Path(outline_file).read_text(encoding="utf-8"))
        template = docxtpl_template(doc)
        review_context(review)
        docxtpl_docx(template, doc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="session counts, comma-separated")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--budget", type=float, default=45, help="seconds of timed rounds per size at most")
    parser.add_argument("--smoke", action="store_true", help="60 sessions, two rounds, for CI")
    parser.add_argument("--child", nargs=3, metavar=("CASE", "SESSIONS", "OUTLINE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.child[2])
        return
    sizes = (60,) if args.smoke else tuple(int(s) for s in args.sizes.split(","))
    rounds = 2 if args.smoke else args.rounds
    peer = _have_docxtpl()
    machine("render")
    if not peer:
        print("docxtpl is not installed (pip install .[bench]): the peer is left out")
    medians: dict[tuple[str, int], float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in sizes:
            review = review_of(n, folder)
            ours = render(review, "docx")
            doc, pictures, png = outline(ours), media(ours), chart.hours_chart_png(review)
            floor = floor_docx(doc, pictures)
            assert outline(floor)["blocks"] == doc["blocks"], "the floor must say what our document says"
            assert drawn_already(review, png) == ours, "the chart drawn already must give the same document"
            cases = {
                "coursereview docx": in_process(lambda r=review: render(r, "docx")),
                "docx, chart drawn already": in_process(lambda r=review, p=png: drawn_already(r, p)),
                "hours chart alone (PNG)": in_process(lambda r=review: chart.hours_chart_png(r)),
                "string-join + zip floor": in_process(lambda r=review, d=doc, m=pictures: (review_context(r),
                                                                                            floor_docx(d, m))),
                "coursereview html": in_process(lambda r=review: render(r, "html")),
            }
            if peer:
                template = docxtpl_template(doc)
                cases["docxtpl"] = in_process(lambda r=review, d=doc, t=template: (review_context(r),
                                                                                     docxtpl_docx(t, d)))
            results = interleave(cases, rounds, budget=5 if args.smoke else args.budget, min_rounds=min(rounds, 3))
            print()
            table(results, f"{n} sessions, in-process ({len(ours) / 1024:.0f} KiB docx, "
                           f"{len(floor) / 1024:.0f} KiB floor)")
            ratio_line(results, "coursereview docx", "string-join + zip floor", target=2.5)
            ratio_line(results, "docx, chart drawn already", "string-join + zip floor", target=2.5)
            if peer:
                ratio_line(results, "docx, chart drawn already", "docxtpl")
            for name in results.samples:
                medians[name, n] = results.median(name)
            Path(folder / f"outline-{n}.json").write_text(json.dumps(doc), encoding="utf-8")
            Path(folder / f"outline-{n}.docx").write_bytes(ours)
            del review, ours, doc, floor, pictures, png, cases, results
        print()
        if len(sizes) > 1:
            print("growth (CPU time ~ sessions**k; 1 is linear):")
            pairs = list(zip(sizes, sizes[1:], strict=False))
            for name in ("coursereview docx", "docx, chart drawn already", "string-join + zip floor", "docxtpl",
                         "coursereview html"):
                if (name, sizes[0]) in medians:
                    ks = ", ".join(f"{a}->{b}: {exponent(medians[name, a], medians[name, b], a, b):.2f}"
                                   for a, b in pairs)
                    print(f"  {name:<26} {ks}")
        largest = sizes[-1]
        print(f"peak memory of one whole process at {largest} sessions (load, check, then write the document):")
        rss = {}
        for case in ("review only", "docx", "floor", *(("docxtpl",) if peer else ())):
            rss[case] = peak_rss([sys.executable, __file__, "--child", case, str(largest),
                                  str(folder / f"outline-{largest}.json")])
            print(f"  {case:<12} {rss[case] / MiB:7.1f} MiB")
        print(f"  docx / floor: {rss['docx'] / rss['floor']:.2f}x   target <= 1.5x: "
              f"{'met' if rss['docx'] <= 1.5 * rss['floor'] else 'NOT met'}")
    print(loads())


if __name__ == "__main__":
    main()
