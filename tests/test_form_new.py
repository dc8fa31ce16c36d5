"""`coursereview new` (Word form and YAML template) and `criteria show --format` documents."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

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
    for needle in ("month/day/year (US order)", "Rows may be added", "instruction (the default",
                   "basic, intermediate or advanced", criteria.ref, "One contact hour is 60 minutes",
                   "Kind (instruction/exam/break/meal/social)", "Level (basic/intermediate/advanced)"):
        assert needle in text
    for area in criteria.areas:
        assert area.id in text and area.title in text
    document = docx.Document(str(path))
    sessions = next(t for t in document.tables if t.rows[0].cells[0].text.startswith("Date"))
    people = next(t for t in document.tables if t.rows[0].cells[1].text.startswith("Name"))
    assert len(sessions.rows) == SESSION_ROWS + 1 and len(people.rows) == INSTRUCTOR_ROWS + 1
    for table in document.tables:
        assert table.rows[0]._tr.trPr.xpath("./w:tblHeader"), "header rows repeat on every page"
    program = next(t for t in document.tables if t.rows[0].cells[0].text == "Program")
    kind_row = next(r for r in program.rows if r.cells[0].text.startswith("Kind"))
    assert kind_row.cells[1].text == "academy"


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
    for needle in ("Area (id or title)", "Instructors (ids, comma separated)", "Objectives (one per line)",
                   "Association (one per line)"):
        assert needle in text


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
    from coursereview.check import check, load_submission

    path = _new(tmp_path, "blank.yaml")
    lines = path.read_text().splitlines()
    email = next(i for i, line in enumerate(lines, 1) if line.startswith("    email:"))
    found = {f.path_text: f.location for f in check(load_submission(path)).findings if f.code == "S002"}
    assert (found["provider.director.email"].line, found["provider.director.email"].column) == (email, 5)
