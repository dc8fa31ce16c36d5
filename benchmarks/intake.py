"""Time the Word form paths against python-docx and an lxml floor, and `import` against `validate`, in one run.

Run: python benchmarks/intake.py [--sessions N] [--rounds N] [--smoke]
A blank form is made by ``coursereview new`` (untimed) and filled with a generated program by
python-docx. In-process, interleaved: reading the filled form as an upload (``read_document``,
every safety check included); the lxml floor (unzip, parse word/document.xml, walk each table's
cell text); plain python-docx (``docx.Document`` and each table cell's text). Whole processes,
interleaved: `python -c pass`, importing coursereview.cli, `coursereview import` of the form,
`coursereview validate` of the form and of the YAML that import wrote. Then making the blank
form. Prints medians and paired ratios; never fails on timing.
Targets (issue 15): `import` <= 1.15x `validate` of the same YAML; reading the form <= 3x the lxml floor.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from harness import command, in_process, interleave, loads, machine, process, program, ratio_line, table

from coursereview.intake import read_document
from coursereview.intake.fields import INSTRUCTORS, PROGRAM, PROVIDER, SESSIONS, Field

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _text(value: Any, f: Field) -> str:
    """Return ``value`` as a director would type it into the form."""
    if value is None:
        return ""
    if f.kind == "date":
        day = dt.date.fromisoformat(value)
        return f"{day.month}/{day.day}/{day.year}"
    if f.kind == "time":
        hour, minute = map(int, value.split(":"))
        return f"{(hour - 1) % 12 + 1}:{minute:02d} {'AM' if hour < 12 else 'PM'}"
    if isinstance(value, list):
        return ("\n" if f.kind in ("lines", "names") else ", ").join(map(str, value))
    return str(value)


def _get(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None  # type: ignore[assignment]
    return data


def filled_form(sessions: int, folder: Path) -> Path:
    """Return a form made by `coursereview new` and filled with ``program(sessions)`` (rows added as needed).

    Rows are filled below the form's greyed example, which the importer leaves out while unchanged.
    """
    import subprocess

    import docx

    blank = folder / "blank.docx"
    subprocess.run([*command("coursereview"), "new", "-o", str(blank), "--force"], check=True, capture_output=True)
    data = program(sessions)
    document = docx.Document(str(blank))
    labels = {f.label: (kind, f) for kind, group in (("provider", PROVIDER), ("program", PROGRAM)) for f in group}
    for t in document.tables:
        header = [c.text for c in t.rows[0].cells]
        if header[0].startswith("ID") and len(header) == len(INSTRUCTORS):
            _fill_rows(t, data["instructors"], INSTRUCTORS)
        elif header[0].startswith("Date") and len(header) == len(SESSIONS):
            _fill_rows(t, data["sessions"], SESSIONS)
        elif len(header) == 2:
            for row in t.rows[1:]:
                label, value = row.cells
                found = labels.get(label.paragraphs[0].text.split(" (")[0])
                if found and found[1].key != "criteria":
                    value.text = _text(_get(data[found[0]], found[1].path), found[1])
    path = folder / "filled.docx"
    document.save(str(path))
    return path


def _fill_rows(t: Any, items: list[dict[str, Any]], fields: tuple[Field, ...]) -> None:
    first = 3 if t.rows[1].cells[0].text.startswith("Example") else 1  # below the form's example and its note
    while len(t.rows) - first < len(items):
        t.add_row()
    for row, item in zip(t.rows[first:], items, strict=False):
        for cell, f in zip(row.cells, fields, strict=True):
            cell.text = _text(_get(item, f.path), f)


def lxml_floor(raw: bytes) -> list[list[list[str]]]:
    """Return every table's cell text: unzip, parse the main part with lxml, walk w:tbl/w:tr/w:tc."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        body = etree.fromstring(z.read("word/document.xml"))
    return [[["".join(tc.itertext()) for tc in tr.iter(f"{_W}tc")] for tr in tbl.iter(f"{_W}tr")]
            for tbl in body.iter(f"{_W}tbl")]


def python_docx_cells(raw: bytes) -> list[list[list[str]]]:
    """Return every table's cell text the plain python-docx way: open the document, read cell.text."""
    import docx

    document = docx.Document(io.BytesIO(raw))
    return [[[cell.text for cell in row.cells] for row in t.rows] for t in document.tables]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--smoke", action="store_true", help="two rounds, for CI")
    args = parser.parse_args()
    rounds = 1 if args.smoke else args.rounds
    machine("intake")
    python, tool = sys.executable, command("coursereview")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        form = filled_form(args.sessions, folder)
        raw = form.read_bytes()
        read = read_document(raw, form.name)
        assert len(read.data["sessions"]) == len(program(args.sessions)["sessions"]), "the form was not read whole"
        inner = interleave({
            "read_document (Word form)": in_process(lambda: read_document(raw, form.name)),
            "lxml floor": in_process(lambda: lxml_floor(raw)),
            "python-docx cell text": in_process(lambda: python_docx_cells(raw)),
        }, rounds * 3, warmup=2, budget=3 if args.smoke else 30, min_rounds=min(rounds, 3))
        print()
        table(inner, f"in-process, a filled {args.sessions}-session form ({len(raw) / 1024:.0f} KiB), warm")
        ratio_line(inner, "read_document (Word form)", "lxml floor", target=3)
        ratio_line(inner, "read_document (Word form)", "python-docx cell text")

        imported = folder / "imported.yaml"
        cases = {
            "python -c pass": process([python, "-c", "pass"]),
            "import coursereview.cli": process([python, "-c", "import coursereview.cli"]),
            "coursereview import form": process([*tool, "import", form, "-o", imported, "--force"]),
            "validate form": process([*tool, "validate", form], ok=(0, 1)),
            "validate imported YAML": process([*tool, "validate", imported], ok=(0, 1)),
        }
        cases["coursereview import form"]()  # the YAML that validate reads
        outer = interleave(cases, rounds, warmup=0 if args.smoke else 1, budget=60, min_rounds=min(rounds, 3))
        print()
        table(outer, "whole processes")
        ratio_line(outer, "coursereview import form", "validate imported YAML", target=1.15)
        ratio_line(outer, "validate form", "validate imported YAML")
        ratio_line(outer, "coursereview import form", "python -c pass")

        from coursereview.criteria import resolve_criteria
        from coursereview.documents.form import build_form

        criteria = resolve_criteria(None, "institute")
        blank = interleave({"blank form (build_form)": in_process(lambda: build_form(criteria, "institute"))},
                           rounds, budget=2 if args.smoke else 15)
        print()
        table(blank, "making the blank Word form, in-process")
    print(loads())


if __name__ == "__main__":
    main()
