"""--profile FILE and $COURSEREVIEW_PROFILE reach every command that writes a document; a bad profile is one line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from coursereview.cli import main

ROOT = Path(__file__).parent.parent
CLEAN = ROOT / "tests" / "data" / "base-institute.yaml"
OHIO = "Ohio Municipal Clerks Association Education Committee"  # the issuer, as sentences name it


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    path = tmp_path / "ohio.yaml"
    path.write_text("name: Ohio Municipal Clerks Association\ndepartment: Education Committee\n"
                    "email: ed@ohclerks.org\nsignatory: {name: Dana Whitaker, title: Education Chair}\n")
    return path


def _text(path: Path) -> str:
    if path.suffix == ".docx":
        document = docx.Document(io.BytesIO(path.read_bytes()))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    return path.read_text()


# (command line with OUT for the output path, the output file, what the document must say)
COMMANDS = [
    (["render", str(CLEAN), "-o", "OUT"], "review.md", f"Recorded decision of the {OHIO}|For the {OHIO}"),
    (["render", str(CLEAN), "-o", "OUT"], "review.docx", f"For the {OHIO}: record the decision"),
    (["letter", str(CLEAN), "-o", "OUT", "--draft"], "letter.docx", "Dana Whitaker\nEducation Chair"),
    (["criteria", "show", "iimc-institute", "-o", "OUT"], "criteria.docx", "Ohio Municipal Clerks Association"),
    (["new", "-o", "OUT"], "form.docx", f"send it to the {OHIO} at ed@ohclerks.org"),
    (["new", "-o", "OUT"], "form.yaml", f"# Send it to: {OHIO}, ed@ohclerks.org"),
]
IDS = ["render-md", "render-docx", "letter", "criteria-show", "new-docx", "new-yaml"]


@pytest.mark.parametrize(("args", "name", "says"), COMMANDS, ids=IDS)
def test_profile_option_and_environment_reach_the_document(tmp_path: Path, profile: Path, args: list[str], name: str,
                                                           says: str) -> None:
    for how, extra, env in (("option", ["--profile", str(profile)], {}), ("env", [], {"COURSEREVIEW_PROFILE":
                                                                                      str(profile)})):
        out = tmp_path / f"{how}-{name}"
        result = CliRunner().invoke(main, [a.replace("OUT", str(out)) for a in args] + extra, env=env)
        assert result.exit_code in (0, 1), result.output
        text = _text(out)
        assert any(s in text for s in says.split("|")), (how, text[:400])
    default = tmp_path / f"default-{name}"
    assert CliRunner().invoke(main, [a.replace("OUT", str(default)) for a in args]).exit_code in (0, 1)
    assert "Ohio" not in _text(default)


@pytest.mark.parametrize(("args", "name"), [(a, n) for a, n, _ in COMMANDS]
                         + [(["batch", str(CLEAN), "-o", "OUT"], "batch"), (["example", "academy", "-o", "OUT"], "ex")],
                         ids=[*IDS, "batch", "example"])
def test_a_bad_profile_is_one_line_and_writes_nothing(tmp_path: Path, args: list[str], name: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: X\nsignatory: {name: A, title: B}\ncolour: red\n")
    out = tmp_path / name
    for extra, env in ((["--profile", str(bad)], {}), ([], {"COURSEREVIEW_PROFILE": str(bad)})):
        result = CliRunner().invoke(main, [a.replace("OUT", str(out)) for a in args] + extra, env=env)
        assert result.exit_code == 2
        assert result.stderr == "cannot use the profile: bad.yaml:3:1: unknown key 'colour'\n"
        assert not out.exists()
    missing = CliRunner().invoke(main, [a.replace("OUT", str(out)) for a in args] + ["--profile", "nope.yaml"])
    assert missing.exit_code == 2 and missing.stderr == "cannot use the profile: nope.yaml: no such file\n"


def test_batch_documents_carry_the_profile_and_are_redone_when_it_changes(tmp_path: Path, profile: Path) -> None:
    out = tmp_path / "reviews"
    runner = CliRunner()
    first = runner.invoke(main, ["batch", str(CLEAN), "-o", str(out), "--format", "md", "-j", "1"])
    assert first.exit_code == 0, first.output
    assert "Ohio" not in (out / "base-institute-review.md").read_text()
    same = runner.invoke(main, ["batch", str(CLEAN), "-o", str(out), "--format", "md", "-j", "1"])
    assert "(1 unchanged since the last run)" in same.stdout
    other = runner.invoke(main, ["batch", str(CLEAN), "-o", str(out), "--format", "md", "-j", "1",
                                 "--profile", str(profile)])
    assert other.exit_code == 0 and "(0 unchanged since the last run)" in other.stdout
    assert f"For the {OHIO}" in (out / "base-institute-review.md").read_text()
    again = runner.invoke(main, ["batch", str(CLEAN), "-o", str(out), "--format", "md", "-j", "1",
                                 "--profile", str(profile)])
    assert "(1 unchanged since the last run)" in again.stdout
    manifest = json.loads((out / ".coursereview-batch.json").read_text())
    assert all(entry["profile"] for entry in manifest["entries"].values())
