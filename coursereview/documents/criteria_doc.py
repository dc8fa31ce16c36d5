"""Write a criteria set as a readable document (docx, md or html): areas, hours, points, rules with basis and source."""

from __future__ import annotations

from typing import Any

from coursereview.criteria import CriteriaSet
from coursereview.criteria.describe import BASIS_TEXT, hours_lines, rule_sentence
from coursereview.wording import number

FORMATS = ("docx", "md", "html")

def content(criteria: CriteriaSet) -> dict[str, Any]:
    """Return the document's content as plain data (shared by every format)."""
    rules = list(criteria.rules.values())
    return {
        "title": criteria.title,
        "ref": criteria.ref,
        "sha256": criteria.sha256,
        "description": criteria.description,
        "kinds": ", ".join(criteria.kinds),
        "in_force": f"{criteria.effective_from} to {criteria.effective_until or 'open'}",
        "source": list(criteria.source.items()),
        "hours": hours_lines(criteria),
        "areas": [
            {"id": a.id, "title": a.title, "description": a.description, "topics": ", ".join(a.topics),
             "min_hours": number(a.min_hours) if a.min_hours else "-"}
            for a in criteria.areas
        ],
        "documentation": [rule_sentence(r) for r in rules if r.id.startswith("documentation.")],
        "rules": [
            {"id": r.id, "text": rule_sentence(r), "basis": r.basis, "severity": r.severity, "source": r.source,
             "note": r.note}
            for r in rules
        ],
        "bases": list(BASIS_TEXT.items()),
    }


def criteria_document(criteria: CriteriaSet, fmt_: str) -> bytes:
    """Return the criteria set ``criteria`` as a document in ``fmt_`` (docx, md or html)."""
    data = content(criteria)
    if fmt_ == "docx":
        return _docx(data)
    if fmt_ not in ("md", "html"):
        raise ValueError(f"unknown criteria document format {fmt_!r}; use one of {', '.join(FORMATS)}")
    from coursereview.documents.environment import render_template

    return render_template(f"criteria.{fmt_}.j2", c=data).encode("utf-8")


def _docx(c: dict[str, Any]) -> bytes:
    from coursereview.word.writer import Writer  # imported here: it loads python-docx, which md and html need not

    doc = Writer()
    doc.properties(title=c["title"], author="coursereview", last_modified_by="coursereview")
    doc.heading(c["title"], 0)
    doc.paragraph(f"Criteria set {c['ref']} (sha256 {c['sha256'][:16]}...). Applies to: {c['kinds']}. "
                  f"In force {c['in_force']}.")
    if c["description"]:
        doc.paragraph(c["description"])
    for key, value in c["source"]:
        doc.paragraph(f"Source {key}: {value}", "List Bullet")
    doc.heading("Hours and points", 1)
    for line in c["hours"]:
        doc.paragraph(line, "List Bullet")
    doc.heading("Curriculum areas", 1)
    doc.table([[a["id"], a["title"], a["description"], a["topics"], a["min_hours"]] for a in c["areas"]],
              ["ID", "Title", "Description", "Topics", "Minimum hours"])
    doc.heading("Documentation required", 1)
    for line in c["documentation"] or ["None beyond the program and session fields."]:
        doc.paragraph(line, "List Bullet")
    doc.heading("Rules", 1)
    doc.table([[r["id"], r["text"] + (f" Note: {r['note']}" if r["note"] else ""), r["basis"], r["severity"],
                r["source"]] for r in c["rules"]],
              ["Rule", "What it asks", "Basis", "Severity", "Source"])
    doc.heading("How sure each rule is (basis)", 2)
    for basis, text in c["bases"]:
        doc.paragraph(f"{basis}: {text}", "List Bullet")
    return doc.save()
