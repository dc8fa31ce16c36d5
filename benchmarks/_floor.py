"""The string-join + zip floor: what a review document says, read back from its XML, written again as
WordprocessingML strings and zipped, with nothing else. ``render.py`` and ``batch.py`` time our documents
against it; it imports nothing of coursereview, so a process that uses it pays only for itself.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any
from xml.sax.saxutils import escape, quoteattr

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
