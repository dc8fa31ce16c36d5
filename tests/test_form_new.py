"""`coursereview new` (Word form and YAML template) and `criteria show --format` documents."""

from __future__ import annotations

import io
import itertools
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from coursereview.cli import main
from coursereview.criteria import resolve_criteria
from coursereview.documents.form import INSTRUCTOR_ROWS, SESSION_ROWS
from coursereview.documents.yaml_template import dump_submission, scalar
from coursereview.intake import load_document, parse_text
from coursereview.intake.fields import EXAMPLE_MARK
from coursereview.word.reader import read_tables


def _new(tmp_path: Path, name: str, *args: str) -> Path:
    path = tmp_path / name
    result = CliRunner().invoke(main, ["new", "-o", str(path), *args])
    assert result.exit_code == 0, result.output
    return path


def _text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_word_form_has_instructions_areas_and_tables(tmp_path: Path) -> None:
    path = _new(tmp_path, "form.docx", "--kind", "academy")
    text = _text(path)
    criteria = resolve_criteria(None, "academy")
    for needle in ("month/day/year (US order)", "Need more rows?", "Instruction (a taught session",
                   "Basic, Intermediate or Advanced", criteria.ref, "One contact hour is 60 minutes",
                   "for example 8:30 AM or 1:15 PM", "What happens next", "janelong@iimc.com"):
        assert needle in text
    for squeezed in ("instruction/exam", "basic/intermediate", "in-person/online"):
        assert squeezed not in text  # allowed values are explained in the instructions, not in headers
    for area in criteria.areas:
        assert area.id in text and area.title in text
    document = docx.Document(str(path))
    sessions = next(t for t in document.tables if t.rows[0].cells[0].text.startswith("Date"))
    people = next(t for t in document.tables if t.rows[0].cells[1].text.startswith("Name"))
    # the header, the example note, the example row, then the rows to fill in
    assert len(sessions.rows) == SESSION_ROWS + 3 and len(people.rows) == INSTRUCTOR_ROWS + 3
    for table in document.tables:
        assert table.rows[0]._tr.trPr.xpath("./w:tblHeader"), "header rows repeat on every page"
        assert table.rows[0].cells[0]._tc.xpath("./w:tcPr/w:shd/@w:fill"), "header rows are shaded"
    program = next(rows for rows in read_tables(path.read_bytes(), "form.docx") if rows[0].cells[0] == "Program")
    kind_row = next(r for r in program if r.cells[0].startswith("Kind"))
    assert kind_row.cells[1] == "academy"


def test_word_form_is_the_same_bytes_every_time(tmp_path: Path) -> None:
    first = _new(tmp_path, "a.docx").read_bytes()
    assert first == _new(tmp_path, "b.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(2000, 1, 1, 0, 0, 0)}  # docx_package.DEFAULT_STAMP


@pytest.mark.parametrize("kind", ["institute", "academy", "association"])
def test_blank_yaml_loads_and_validates_to_findings(tmp_path: Path, kind: str) -> None:
    path = _new(tmp_path, f"{kind}.yaml", "--kind", kind)
    text = path.read_text()
    for area in resolve_criteria(None, kind).areas:
        assert f"#   {area.id}" in text
    for line in text.splitlines():
        if not line.startswith("#") and ":" in line and not line.rstrip().endswith(":"):
            assert "#" in line or line.startswith("schema"), f"no comment on {line!r}"
    assert load_document(path).data["program"]["kind"] == kind
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("key", "says"), [
    ("area", "a curriculum area id"), ("instructors", "list of instructor ids"), ("association", "a list"),
    ("objectives", "list, one objective per item"),
], ids=["area", "instructors", "association", "objectives"])
def test_blank_yaml_comments_say_what_yaml_accepts(tmp_path: Path, key: str, says: str) -> None:
    text = _new(tmp_path, "blank.yaml").read_text()
    line = next(line for line in text.splitlines() if line.startswith(" ") and line.strip().startswith(f"{key}:"))
    comment = line.split("#", 1)[1]
    assert says in comment
    for word_only in ("comma separated", "one per line", "in the instructions"):  # YAML reads titles and names too
        assert word_only not in comment, comment


def test_word_form_keeps_its_own_ways_of_writing_values(tmp_path: Path) -> None:
    text = _text(_new(tmp_path, "form.docx"))
    for needle in ("Area: the curriculum area the session counts toward, from the list below. Typing its title "
                   "or its ID works too.", "Instructors\n(names or IDs)", "Objectives\n(one per line)",
                   "Association (one per line)", "Start\n(e.g. 8:30 AM)"):
        assert needle in text


def test_blank_yaml_says_how_times_and_dates_may_be_written(tmp_path: Path) -> None:
    text = _new(tmp_path, "blank.yaml").read_text()
    start = next(line for line in text.splitlines() if line.strip().startswith("start:") and line.startswith("    "))
    assert "a time of day, e.g. 8:30 AM, 1:15 PM, or 13:15 on the 24-hour clock" in start
    assert "HH:MM" not in text and "8:30 AM or 13:00" not in text
    date = next(line for line in text.splitlines() if line.strip().startswith("date:"))
    assert "7/12/2027 (month/day/year)" in date


def test_blank_docx_validates_to_findings(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(_new(tmp_path, "form.docx"))])
    assert result.exit_code == 1, result.output


def test_new_refuses_to_overwrite_and_unknown_suffixes(tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "form.docx"
    path.write_bytes(b"mine")
    result = runner.invoke(main, ["new", "-o", str(path)])
    assert result.exit_code == 2 and "already exists" in result.stderr and path.read_bytes() == b"mine"
    assert runner.invoke(main, ["new", "-o", str(path), "--force"]).exit_code == 0
    assert path.read_bytes() != b"mine"
    result = runner.invoke(main, ["new", "-o", str(tmp_path / "form.pdf")])
    assert result.exit_code == 2 and "cannot tell the format" in result.stderr
    result = runner.invoke(main, ["new", "-o", str(tmp_path / "x.yaml"), "--kind", "academy",
                                  "--criteria", "iimc-institute"])
    assert result.exit_code == 2 and "not academy" in result.stderr
    assert not (tmp_path / "x.yaml").exists()


def test_new_with_criteria_pins_the_set(tmp_path: Path) -> None:
    path = _new(tmp_path, "pinned.yaml", "--criteria", "iimc-institute@2026.1")
    assert load_document(path).data["program"]["criteria"] == "iimc-institute@2026.1"


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_criteria_show_writes_a_document(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"criteria.{fmt}"
    result = CliRunner().invoke(main, ["criteria", "show", "iimc-institute", "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    criteria = resolve_criteria("iimc-institute")
    text = _text(out) if fmt == "docx" else out.read_text()
    assert criteria.ref in text and "Curriculum areas" in text and "Documentation required" in text
    for rule in criteria.rules.values():
        assert rule.id in text
    for area in criteria.areas:
        assert area.id in text
    assert "published" in text and criteria.points.category in text


def test_criteria_show_stays_text_by_default_and_md_goes_to_stdout(tmp_path: Path) -> None:
    runner = CliRunner()
    text = runner.invoke(main, ["criteria", "show", "iimc-institute"])
    assert text.exit_code == 0 and text.stdout.startswith("iimc-institute@")
    md = runner.invoke(main, ["criteria", "show", "iimc-institute", "--format", "md"])
    assert md.exit_code == 0 and md.stdout.startswith("# ")
    docx_out = runner.invoke(main, ["criteria", "show", "iimc-institute", "--format", "docx"])
    assert docx_out.exit_code == 2 and "-o" in docx_out.stderr


# Any text a submission may hold: no control characters (the loader refuses them) and no surrogates.
_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029"),
                max_size=40).map(lambda s: " ".join(s.split()))


@given(_TEXT)
def test_any_text_survives_the_yaml_writer(value: str) -> None:
    if not value:
        return
    data = {"schema": "coursereview/submission@1", "provider": {"name": value}}
    assert parse_text(dump_submission(data).encode("utf-8"), "x.yaml").data == data
    assert scalar(value)


def test_whole_numbers_in_criteria_read_as_whole_numbers(tmp_path: Path) -> None:
    md = CliRunner().invoke(main, ["criteria", "show", "iimc-institute", "--format", "md"]).stdout
    form = _text(_new(tmp_path, "form.docx"))
    for text in (md, form):
        assert "at least 4 curriculum areas" in text and "at least 30 minutes" in text
        assert "point per 2 contact hours, in steps of 0.5 point" in text
        assert "4.0 curriculum" not in text and "30.0 minutes" not in text


def test_blank_yaml_missing_values_point_at_their_empty_keys(tmp_path: Path) -> None:
    from coursereview.checking import check, load_submission

    path = _new(tmp_path, "blank.yaml")
    lines = path.read_text().splitlines()
    email = next(i for i, line in enumerate(lines, 1) if line.startswith("    email:"))
    found = {f.path_text: f.location for f in check(load_submission(path)).findings if f.code == "S002"}
    assert (found["provider.director.email"].line, found["provider.director.email"].column) == (email, 5)


# --- the form's layout and dropdowns ------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _tables_by_section(path: Path) -> list[tuple[Any, Any]]:
    """Return (table, sectPr of the section holding it) for every top-level table, in document order."""
    body = docx.Document(str(path)).element.body
    out: list[tuple[Any, Any]] = []
    waiting: list[Any] = []
    for child in body:
        if child.tag == _W + "tbl":
            waiting.append(child)
        ends = child if child.tag == _W + "sectPr" else child.find(f"{_W}pPr/{_W}sectPr")
        if ends is not None:
            out += [(table, ends) for table in waiting]
            waiting = []
    return out


def _twips(element: Any, path: str, attribute: str) -> int:
    return int(element.find(path).get(_W + attribute))


@pytest.mark.parametrize("kind", ["institute", "academy", "association"])
def test_every_table_fits_the_text_width_of_its_page(tmp_path: Path, kind: str) -> None:
    path = _new(tmp_path, "form.docx", "--kind", kind)
    seen = {}
    for table, section in _tables_by_section(path):
        page_width = _twips(section, f"{_W}pgSz", "w")
        text_width = page_width - _twips(section, f"{_W}pgMar", "left") - _twips(section, f"{_W}pgMar", "right")
        columns = [int(c.get(_W + "w")) for c in table.iter(_W + "gridCol")]
        first = "".join(t.text for t in table.find(_W + "tr").find(_W + "tc").iter(_W + "t"))
        assert sum(columns) <= text_width, f"the {first!r} table is {sum(columns)} twips on {text_width}"
        for row in table.iter(_W + "tr"):
            widths = [int(w.get(_W + "w")) for w in row.iter(_W + "tcW")]
            assert sum(widths) <= text_width
        landscape = page_width > _twips(section, f"{_W}pgSz", "h")
        seen[first.split("(")[0]] = (landscape, text_width)
    assert seen["Date"] == (True, 14400)  # the sessions: 10 inches across a landscape page
    for name in ("Provider", "Program", "ID", "Curriculum area"):
        assert seen[name] == (False, 10080)  # 7 inches across a portrait page


def _controls(cell: Any) -> list[tuple[list[tuple[str, str]], bool, str]]:
    """Return each dropdown in a python-docx cell as (items as (value, shown), showing placeholder, text)."""
    out = []
    for sdt in cell._tc.iter(_W + "sdt"):
        items = [(i.get(_W + "value"), i.get(_W + "displayText")) for i in sdt.iter(_W + "listItem")]
        placeholder = sdt.find(f"{_W}sdtPr/{_W}showingPlcHdr") is not None
        out.append((items, placeholder, "".join(t.text for t in sdt.iter(_W + "t"))))
    return out


def test_the_form_offers_dropdowns_for_every_choice(tmp_path: Path) -> None:
    from coursereview.vocabulary import DELIVERY, KINDS, LEVELS, SESSION_KINDS

    path = _new(tmp_path, "form.docx", "--kind", "academy")
    criteria = resolve_criteria(None, "academy")
    document = docx.Document(str(path))
    sessions = next(t for t in document.tables if t.rows[0].cells[0].text.startswith("Date"))
    columns = [c.text.split("\n")[0] for c in sessions.rows[0].cells]
    for row in sessions.rows[3:]:
        kind, area, level = (_controls(row.cells[columns.index(name)]) for name in ("Kind", "Area", "Level"))
        assert kind == [([(k, k.capitalize()) for k in SESSION_KINDS], True, "Choose…")]
        assert level == [([(v, v.capitalize()) for v in LEVELS], True, "Choose…")]
        assert area == [([(a.id, a.title) for a in criteria.areas], True, "Choose…")]
        assert not [c for name in columns if name not in ("Kind", "Area", "Level")
                    for c in _controls(row.cells[columns.index(name)])]  # dates and times are plain text
    program = next(t for t in document.tables if t.rows[0].cells[0].text == "Program")
    answers = {row.cells[0].paragraphs[0].text.split(" (")[0]: _controls(row.cells[1]) for row in program.rows[1:]}
    assert answers["Kind"] == [([(k, k.capitalize()) for k in KINDS], False, "Academy")]
    assert answers["Delivery"] == [([(d, d.replace("-", " ").capitalize()) for d in DELIVERY], True, "Choose…")]
    assert sum(1 for controls in answers.values() if controls) == 2


def test_the_example_rows_are_grey_marked_and_not_read(tmp_path: Path) -> None:
    path = _new(tmp_path, "form.docx")
    document = docx.Document(str(path))
    for first in ("ID", "Date"):
        table = next(t for t in document.tables if t.rows[0].cells[0].text.startswith(first))
        note, example = table.rows[1], table.rows[2]
        assert note.cells[0].text.startswith(EXAMPLE_MARK) and len(note._tr.findall(_W + "tc")) == 1
        runs = [r for c in example.cells for p in c.paragraphs for r in p.runs]
        assert runs and all(str(r.font.color.rgb) == "767676" for r in runs)
    data = load_document(path).data
    assert (data["instructors"], data["sessions"]) == ([], [])


def _header_words(path: Path) -> set[str]:
    words = set()
    for rows in read_tables(path.read_bytes(), path.name):
        words.update(w for w in re.findall(r"[A-Za-z]+", " ".join(rows[0].cells)) if len(w) > 1)
    return words


@pytest.mark.libreoffice
def test_printed_headers_keep_their_words_whole_and_every_row_shows(tmp_path: Path) -> None:
    from coursereview.documents.pdf import docx_to_pdf, find_soffice

    if find_soffice() is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) and pdftotext are required in CI")
        pytest.skip("LibreOffice (soffice) or pdftotext is not installed")
    path = _new(tmp_path, "form.docx")
    pdf = docx_to_pdf(path.read_bytes())
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    tokens = [w for w in (re.sub(r"[^A-Za-z]", "", t) for t in text.split()) if w]
    broken = {a + b for a, b in itertools.pairwise(tokens)} & _header_words(path)
    assert not broken, f"header words broken across lines: {sorted(broken)}"
    flat = " ".join(text.split())
    for needle in (EXAMPLE_MARK, "The Role of the Municipal Clerk", "20 years as clerk; IIMC Academy faculty",
                   "Role of the Clerk (technical)", "Page 1 of"):
        assert needle in flat
    in_text = sum(p.text.count("Choose…") for p in docx.Document(str(path)).paragraphs)
    assert flat.count("Choose…") == 3 * SESSION_ROWS + 1 + in_text  # each row's kind, area and level; delivery
