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
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from harness import MiB, exponent, in_process, interleave, loads, machine, peak_rss, ratio_line, table, write_program

from coursereview import check, load_submission, render
from coursereview.documents import chart
from coursereview.documents.review_context import review_context
from coursereview.review import Review

SIZES = (60, 300, 1500, 5000)
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_W = f"{{{W}}}"

Block = dict[str, Any]  # {"p": style_id, "text": str} or {"table": style_id, "widths": [...], "rows": [...]}


# --- what our document says: paragraphs and tables, read once from its XML (untimed) ----------------


def outline(data: bytes) -> dict[str, Any]:
    """Return the body of a docx as blocks, its header and footer text, and its style names by id."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{_W}body")
        styles = etree.fromstring(z.read("word/styles.xml"))
        header = " ".join(_text(etree.fromstring(z.read(n))) for n in z.namelist() if n.startswith("word/header"))
    names = {s.get(f"{_W}styleId"): s.find(f"{_W}name").get(f"{_W}val") for s in styles.iter(f"{_W}style")}
    blocks: list[Block] = []
    for child in body:
        if child.tag == f"{_W}p":
            blocks.append({"p": _style(child), "text": _text(child)})
        elif child.tag == f"{_W}tbl":
            rows = [{"header": tr.find(f"{_W}trPr/{_W}tblHeader") is not None,
                     "cells": ["\n".join(_text(p) for p in tc.iter(f"{_W}p")) for tc in tr.iter(f"{_W}tc")]}
                    for tr in child.iter(f"{_W}tr")]
            widths = [int(g.get(f"{_W}w")) for g in child.iter(f"{_W}gridCol")]
            blocks.append({"table": _style(child, "tblPr", "tblStyle"), "widths": widths, "rows": rows})
    used = {b["p"] if "p" in b else b["table"] for b in blocks} - {""}
    return {"blocks": blocks, "header": header.strip(), "styles": {i: names.get(i, i) for i in sorted(used)}}


def _style(element: Any, props: str = "pPr", tag: str = "pStyle") -> str:
    found = element.find(f"{_W}{props}/{_W}{tag}")
    return found.get(f"{_W}val") if found is not None else ""


def _text(element: Any) -> str:
    out = []
    for node in element.iter(f"{_W}t", f"{_W}br", f"{_W}tab"):
        out.append(node.text or "" if node.tag == f"{_W}t" else "\n" if node.tag == f"{_W}br" else "\t")
    return "".join(out)


# --- the floor: the same content as WordprocessingML strings, zipped ---------------------------------


def media(data: bytes) -> dict[str, bytes]:
    """Return the pictures of a docx (word/media/*) by part name."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("word/media/")}


def floor_docx(doc: dict[str, Any], pictures: dict[str, bytes]) -> bytes:
    """Return a minimal valid docx with ``doc``'s paragraphs, tables, header and page-number footer.

    ``pictures`` go in as parts (their bytes are zipped as ours are; the drawing markup is left out).
    """
    body = []
    for block in doc["blocks"]:
        if "p" in block:
            style = f'<w:pPr><w:pStyle w:val="{block["p"]}"/></w:pPr>' if block["p"] else ""
            body.append(f"<w:p>{style}{_run(block['text'], False)}</w:p>")
        else:
            body.append(_floor_table(block))
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W}" '
                f'xmlns:r="{R}"><w:body>{"".join(body)}<w:sectPr><w:headerReference w:type="default" r:id="rId2"/>'
                '<w:footerReference w:type="default" r:id="rId3"/><w:pgSz w:w="12240" w:h="15840"/>'
                '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="720" w:footer="720" '
                'w:gutter="0"/></w:sectPr></w:body></w:document>')
    field = '<w:fldSimple w:instr=" {} "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
    header = f'<w:hdr xmlns:w="{W}"><w:p>{_run(doc["header"], False)}</w:p></w:hdr>'
    footer = (f'<w:ftr xmlns:w="{W}"><w:p><w:pPr><w:jc w:val="center"/></w:pPr>{_run("Page ", False)}'
              f'{field.format("PAGE")}{_run(" of ", False)}{field.format("NUMPAGES")}</w:p></w:ftr>')
    parts = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _ROOT_RELS,
        "docProps/core.xml": _core(doc),
        "word/document.xml": document,
        "word/_rels/document.xml.rels": _DOCUMENT_RELS,
        "word/styles.xml": _styles(doc["styles"]),
        "word/header1.xml": header,
        "word/footer1.xml": footer,
    }
    kinds = {n.rsplit(".", 1)[-1].lower() for n in pictures}
    parts["[Content_Types].xml"] = _CONTENT_TYPES.replace("</Types>", "".join(
        f'<Default Extension="{k}" ContentType="image/{"jpeg" if k == "jpg" else k}"/>' for k in sorted(kinds))
        + "</Types>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(zipfile.ZipInfo(name, (2000, 1, 1, 0, 0, 0)), text.encode("utf-8"), zipfile.ZIP_DEFLATED, 6)
        for name, data in pictures.items():
            z.writestr(zipfile.ZipInfo(name, (2000, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED, 6)
    return out.getvalue()


def _run(text: str, bold: bool, size: str = "") -> str:
    props = ("<w:b/>" if bold else "") + size
    texts = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in text.split("\n"))
    return f"<w:r>{f'<w:rPr>{props}</w:rPr>' if props else ''}{texts}</w:r>"


_SMALL = '<w:sz w:val="18"/>'  # 9 pt, as in the review's tables


def _floor_table(block: Block) -> str:
    widths = block["widths"]
    out = [f'<w:tbl><w:tblPr><w:tblStyle w:val="{block["table"]}"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
           '<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>',
           "".join(f'<w:gridCol w:w="{w}"/>' for w in widths), "</w:tblGrid>"]
    for row in block["rows"]:
        header = row["header"]
        out.append(f"<w:tr><w:trPr><w:cantSplit/>{'<w:tblHeader/>' if header else ''}</w:trPr>")
        shade = '<w:shd w:val="clear" w:color="auto" w:fill="D9E2F3"/>' if header else ""
        for text, width in zip(row["cells"], widths, strict=False):
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{shade}</w:tcPr><w:p>'
                       f"{_run(text, header, _SMALL)}</w:p></w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _styles(used: dict[str, str]) -> str:
    sizes = {"Title": 56, "Subtitle": 30, "Heading1": 32, "Heading2": 26, "Caption": 18}
    out = [f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="{W}"><w:docDefaults>'
           '<w:rPrDefault><w:rPr><w:sz w:val="22"/></w:rPr></w:rPrDefault></w:docDefaults>'
           '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>']
    for style_id, name in used.items():
        if name.lower().startswith("table"):
            out.append(f'<w:style w:type="table" w:styleId="{style_id}"><w:name w:val={quoteattr(name)}/><w:tblPr>'
                       '<w:tblBorders>' + "".join(f'<w:{e} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
                                                  for e in ("top", "left", "bottom", "right", "insideH", "insideV"))
                       + "</w:tblBorders></w:tblPr></w:style>")
            continue
        size = sizes.get(style_id)
        run = f'<w:rPr><w:b/><w:sz w:val="{size}"/></w:rPr>' if size else ""
        out.append(f'<w:style w:type="paragraph" w:styleId="{style_id}"><w:name w:val={quoteattr(name)}/>'
                   f'<w:basedOn w:val="Normal"/><w:qFormat/>{run}</w:style>')
    out.append("</w:styles>")
    return "".join(out)


def _core(doc: dict[str, Any]) -> str:
    title = next((b["text"] for b in doc["blocks"] if b.get("p") == "Title"), "")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties xmlns:cp="http://schemas.'
            'openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:title>{escape(title)}</dc:title><dc:creator>coursereview</dc:creator></cp:coreProperties>")


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    + "".join(f'<Override PartName="/{part}" ContentType="application/vnd.openxmlformats-{kind}+xml"/>'
              for part, kind in (("word/document.xml", "officedocument.wordprocessingml.document.main"),
                                 ("word/styles.xml", "officedocument.wordprocessingml.styles"),
                                 ("word/header1.xml", "officedocument.wordprocessingml.header"),
                                 ("word/footer1.xml", "officedocument.wordprocessingml.footer"),
                                 ("docProps/core.xml", "package.core-properties")))
    + "</Types>")
_REL = '<Relationship Id="{}" Type="{}" Target="{}"/>'
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships">'
    + _REL.format("rId1", f"{R}/officeDocument", "word/document.xml")
    + _REL.format("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                  "docProps/core.xml")
    + "</Relationships>")
_DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.'
    'org/package/2006/relationships">'
    + _REL.format("rId1", f"{R}/styles", "styles.xml") + _REL.format("rId2", f"{R}/header", "header1.xml")
    + _REL.format("rId3", f"{R}/footer", "footer1.xml") + "</Relationships>")


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
