"""Write a criteria set as a readable document (docx, md or html): areas, hours, points, rules with basis and source."""

from __future__ import annotations

from typing import Any

from coursereview.criteria import CriteriaSet, Rule
from coursereview.hours import fmt

FORMATS = ("docx", "md", "html")

_RULE_TEXT = {
    "program.min_hours": "The program gives at least {v} contact hours.",
    "program.expected_hours": "The program is expected to give {v} contact hours.",
    "program.max_hours": "The program gives at most {v} contact hours.",
    "session.min_minutes": "Each instructional session lasts at least {v} minutes.",
    "session.granularity_minutes": "Sessions are scheduled in blocks of {v} minutes.",
    "day.max_hours": "No day has more than {v} contact hours.",
    "points.minimum": "A program earns at least {v} points (IIMC awards no less).",
    "areas.min_hours": "Each curriculum area gets at least the minimum hours set on it.",
    "areas.min_covered": "The program covers at least {v} curriculum areas.",
    "areas.ethics": "At least one session covers ethics (its title or description mentions: {v}).",
    "documentation.assessment": "The program states its learning assessment.",
    "documentation.attendance": "The program states how attendance is verified.",
    "documentation.certificate": "The program names its certificate or transcript template.",
    "documentation.session_description": "Every instructional session describes its content.",
    "documentation.session_level": "Every instructional session states its level.",
    "documentation.min_level": "Sessions are offered at {v} level or above.",
    "instructors.qualifications": "Every instructor's qualifications are stated.",
    "instructors.presenter": "Every instructional session names its presenter(s).",
    "instructors.unused": "Every listed instructor teaches at least one session.",
    "provider.institution": "An institute names its sponsoring university or college.",
    "provider.director": "The program names a director with an email address.",
}
_BASIS_TEXT = {
    "published": "IIMC's own pages say it; a breach is an error.",
    "observed": "every approved program read does it, but no IIMC text was found; a breach is a warning.",
    "provisional": "our own reasonable reading, to be replaced when IIMC's text is at hand; a breach is a warning.",
}


def number(value: float) -> str:
    """Return a number from a criteria set for people: ``4``, ``30``, ``0.5``, ``37.5`` (no ``4.0``)."""
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return fmt(value)


def rule_sentence(rule: Rule) -> str:
    """Return what ``rule`` asks for, in one sentence."""
    value = rule.value
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        value = number(value)
    return _RULE_TEXT.get(rule.id, rule.id + ": {v}").format(v=value)


def hours_lines(criteria: CriteriaSet) -> list[str]:
    """Return how hours and points are counted under ``criteria``, one sentence each."""
    counted = [k for k, v in criteria.counts.items() if v]
    not_counted = [k for k, v in criteria.counts.items() if not v]
    p = criteria.points
    return [
        f"One contact hour is {criteria.hour_minutes} minutes of {' or '.join(counted)}"
        + (f"; {', '.join(not_counted)} count no hours." if not_counted else "."),
        f"A participant earns 1 {p.category} point per {number(p.hours_per_point)} contact hours, in steps of "
        f"{number(p.unit)} point rounded down ({p.basis}: {p.source}).",
        "Simultaneous sessions (tracks) count once toward the program's contact hours.",
    ]


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
        "bases": list(_BASIS_TEXT.items()),
    }


def criteria_document(criteria: CriteriaSet, fmt_: str) -> bytes:
    """Return the criteria set ``criteria`` as a document in ``fmt_`` (docx, md or html)."""
    data = content(criteria)
    if fmt_ == "docx":
        return _docx(data)
    if fmt_ not in ("md", "html"):
        raise ValueError(f"unknown criteria document format {fmt_!r}; use one of {', '.join(FORMATS)}")
    import jinja2

    from coursereview.resources import templates_dir

    def load(name: str) -> str:
        return (templates_dir() / name).read_text(encoding="utf-8")

    env = jinja2.Environment(loader=jinja2.FunctionLoader(load), autoescape=fmt_ == "html",
                             keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["cell"] = lambda s: str(s).replace("|", "\\|").replace("\n", " ")
    return env.get_template(f"criteria.{fmt_}.j2").render(c=data).encode("utf-8")


def _docx(c: dict[str, Any]) -> bytes:
    import docx

    from coursereview.form_docx import reproducible_bytes, table_rows

    doc = docx.Document()
    doc.core_properties.title = c["title"]
    doc.add_heading(c["title"], 0)
    doc.add_paragraph(f"Criteria set {c['ref']} (sha256 {c['sha256'][:16]}...). Applies to: {c['kinds']}. "
                      f"In force {c['in_force']}.")
    if c["description"]:
        doc.add_paragraph(c["description"])
    for key, value in c["source"]:
        doc.add_paragraph(f"Source {key}: {value}", style="List Bullet")
    doc.add_heading("Hours and points", 1)
    for line in c["hours"]:
        doc.add_paragraph(line, style="List Bullet")
    doc.add_heading("Curriculum areas", 1)
    table_rows(doc, ["ID", "Title", "Description", "Topics", "Minimum hours"],
               [[a["id"], a["title"], a["description"], a["topics"], a["min_hours"]] for a in c["areas"]])
    doc.add_heading("Documentation required", 1)
    for line in c["documentation"] or ["None beyond the program and session fields."]:
        doc.add_paragraph(line, style="List Bullet")
    doc.add_heading("Rules", 1)
    table_rows(doc, ["Rule", "What it asks", "Basis", "Severity", "Source"],
               [[r["id"], r["text"] + (f" Note: {r['note']}" if r["note"] else ""), r["basis"], r["severity"],
                 r["source"]] for r in c["rules"]])
    doc.add_heading("How sure each rule is (basis)", 2)
    for basis, text in c["bases"]:
        doc.add_paragraph(f"{basis}: {text}", style="List Bullet")
    return reproducible_bytes(doc)
