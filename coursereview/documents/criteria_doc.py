"""Write a criteria set as a readable document (docx, md or html): areas, hours, points, rules with basis and source.

Sources and notes cite public documents only: what cites the encoders' internal notes is left out
(``criteria.describe.public_text``), in older shipped sets too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coursereview.criteria import CriteriaSet
from coursereview.criteria.describe import BASIS_TEXT, hours_lines, public_text, rule_sentence
from coursereview.documents.profile import Profile, load_profile
from coursereview.wording import number

if TYPE_CHECKING:
    from coursereview.word.writer import Writer

FORMATS = ("docx", "md", "html")
SOURCE_LABELS = {"document": "Document", "date": "Read on", "pages": "Pages read", "supersedes": "Replaces"}
_POINTS = 9  # table text
_GREY = "595959"  # ids under titles: 7:1 on white, readable when printed


def content(criteria: CriteriaSet) -> dict[str, Any]:
    """Return the document's content as plain data (shared by every format); sources and notes are public only."""
    rules = list(criteria.rules.values())
    sources = [(SOURCE_LABELS.get(key, key.replace("_", " ").capitalize()), public_text(str(value)))
               for key, value in criteria.source.items()]
    return {
        "title": criteria.title,
        "ref": criteria.ref,
        "sha256": criteria.sha256,
        "description": criteria.description,
        "kinds": ", ".join(criteria.kinds),
        "in_force": f"{criteria.effective_from} to {criteria.effective_until or 'open'}",
        "source": [(label, text) for label, text in sources if text],
        "hours": hours_lines(criteria),
        "areas": [
            {"id": a.id, "title": a.title, "description": a.description, "topics": ", ".join(a.topics),
             "min_hours": number(a.min_hours) if a.min_hours else "-"}
            for a in criteria.areas
        ],
        "area_minimums": any(a.min_hours for a in criteria.areas),
        "documentation": [rule_sentence(r) for r in rules if r.id.startswith("documentation.")],
        "rules": [
            {"id": r.id, "text": rule_sentence(r), "basis": r.basis, "severity": r.severity,
             "source": public_text(r.source) or "-", "note": public_text(r.note)}
            for r in rules
        ],
        "bases": list(BASIS_TEXT.items()),
    }


def criteria_document(criteria: CriteriaSet, fmt_: str, profile: Profile | None = None) -> bytes:
    """Return the criteria set ``criteria`` as a document in ``fmt_`` (docx, md or html), issued by ``profile``."""
    data = content(criteria)
    if fmt_ == "docx":
        return _docx(data, profile or load_profile())
    if fmt_ not in ("md", "html"):
        raise ValueError(f"unknown criteria document format {fmt_!r}; use one of {', '.join(FORMATS)}")
    from coursereview.documents.environment import render_template

    return render_template(f"criteria.{fmt_}.j2", c=data).encode("utf-8")


def _docx(c: dict[str, Any], profile: Profile) -> bytes:
    from coursereview.documents.letterhead import letterhead
    from coursereview.word.markup import ParagraphLook, Run
    from coursereview.word.writer import Writer  # imported here: it loads python-docx, which md and html need not

    doc = Writer(side_margins_inches=1)
    doc.margins(1, 0.8)
    doc.properties(title=c["title"], subject=f"Criteria set {c['ref']}", author=profile.name,
                   last_modified_by=profile.name, keywords=c["ref"], category="criteria")
    doc.first_page_apart()
    doc.running_line([Run(f"{profile.short_name}: {c['title']} ({c['ref']})", points=9, color=_GREY)])
    doc.running_line(footer=True, page_numbers=True)
    doc.running_line(footer=True, first_page=True, page_numbers=True)
    letterhead(doc, profile)
    doc.heading(c["title"], 0)
    doc.block([Run(f"Criteria set {c['ref']}. Applies to {c['kinds']} programs; in force {c['in_force']}.")])
    if c["description"]:
        doc.paragraph(c["description"])
    if c["source"]:
        doc.block([Run("Sources", bold=True)], ParagraphLook(after=2, keep_with_next=True))
        for label, value in c["source"]:
            doc.runs([Run(f"{label}: ", bold=True), Run(value)], "List Bullet")
    _heading(doc, "Hours and points")
    for line in c["hours"]:
        doc.paragraph(line, "List Bullet")
    _heading(doc, "Curriculum areas")
    _areas(doc, c)
    _heading(doc, "Documentation required")
    for line in c["documentation"] or ["None beyond the program and session fields."]:
        doc.paragraph(line, "List Bullet")
    _heading(doc, "Rules")
    _rules(doc, c)
    _heading(doc, "How sure each rule is (basis)", 2)
    for basis, text in c["bases"]:
        doc.runs([Run(f"{basis}: ", bold=True), Run(text)], "List Bullet")
    doc.block([Run(f"Criteria file sha256 {c['sha256']}", points=8, color=_GREY)], ParagraphLook(before=12))
    return doc.save()


def _heading(doc: Writer, text: str, level: int = 1) -> None:
    doc.heading(text, level)  # Word's heading styles keep with the next paragraph


def _areas(doc: Writer, c: dict[str, Any]) -> None:
    from coursereview.word.markup import Cell, Run
    from coursereview.word.widths import fit_widths

    header = ["Area", "Description", "Typical topics"] + (["Minimum hours"] if c["area_minimums"] else [])
    rows: list[list[Cell]] = []
    measured: list[list[str]] = []
    for a in c["areas"]:
        row: list[Cell] = [[[Run(a["title"], bold=True)], [Run(a["id"], points=8, color=_GREY)]],
                           a["description"], a["topics"]]
        text = [f"{a['title']} {a['id']}", a["description"], a["topics"]]
        if c["area_minimums"]:
            row.append(a["min_hours"])
            text.append(a["min_hours"])
        rows.append(row)
        measured.append(text)
    doc.table(rows, header, fit_widths(header, measured, doc.text_width, _POINTS), _look(doc))
    if not c["area_minimums"]:
        doc.paragraph("No curriculum area has a minimum number of hours in this criteria set.")


def _rules(doc: Writer, c: dict[str, Any]) -> None:
    from coursereview.word.markup import Cell, Run
    from coursereview.word.widths import fit_widths

    header = ["What it asks", "Basis", "Severity", "Source"]
    rows: list[list[Cell]] = []
    measured: list[list[str]] = []
    for r in c["rules"]:
        asks: list[list[Run]] = [[Run(r["text"])]]
        if r["note"]:
            asks.append([Run(f"Note: {r['note']}", italic=True)])
        asks.append([Run(r["id"], points=8, color=_GREY)])
        rows.append([asks, r["basis"], r["severity"], r["source"]])
        measured.append([f"{r['text']} {r['id']}", r["basis"], r["severity"], r["source"]])  # the id: one word
    doc.table(rows, header, fit_widths(header, measured, doc.text_width, _POINTS), _look(doc))


def _look(doc: Writer) -> Any:
    from coursereview.word.markup import TableLook

    return TableLook(style_id=doc.style_id("Table Grid"), header_fill="D9D9D9", points=_POINTS, spacing=20)
