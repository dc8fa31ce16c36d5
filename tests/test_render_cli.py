"""The render and example commands as a user runs them: outputs, exit codes, never a clobbered file."""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import types
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from coursereview.cli import main
from coursereview.review import Decision

FIXTURE = (Path(__file__).parent / "data" / "base-institute.yaml").read_text(encoding="utf-8")
OLD_TIME = 1_000_000_000


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    """An approvable submission."""
    path = tmp_path / "clean.yaml"
    path.write_text(FIXTURE, encoding="utf-8")
    return path


@pytest.fixture
def failing(tmp_path: Path) -> Path:
    """A not-approvable submission: no certificate template."""
    path = tmp_path / "failing.yaml"
    path.write_text(FIXTURE.replace("  certificate: certificate.pdf\n", ""), encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", ["docx", "html", "md", "json"], ids=str)
def test_render_writes_the_format_of_the_suffix(clean: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"review.{suffix}"
    result = run("render", str(clean), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out} (approvable: 40.0 contact hours, 20.0 points (CMC Education))\n"
    data = out.read_bytes()
    assert data.startswith({"docx": b"PK", "html": b"<!DOCTYPE html>", "md": b"# Test", "json": b"{"}[suffix])


def test_not_approvable_is_rendered_and_exits_1(failing: Path, tmp_path: Path) -> None:
    out = tmp_path / "review.docx"
    result = run("render", str(failing), "-o", str(out))
    assert result.exit_code == 1
    cells = [c.text for t in docx.Document(str(out)).tables for r in t.rows for c in r.cells]
    assert any(c.startswith("NOT APPROVABLE.") for c in cells)  # page 1's summary box
    assert "D003" in cells


def test_format_option_overrides_the_suffix(clean: Path, tmp_path: Path) -> None:
    out = tmp_path / "review.txt"
    assert run("render", str(clean), "-o", str(out), "--format", "md").exit_code == 0
    assert out.read_text().startswith("# Test Clerks Institute")


def test_unknown_suffix_is_one_line_exit_2(clean: Path, tmp_path: Path) -> None:
    result = run("render", str(clean), "-o", str(tmp_path / "review.txt"))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "cannot tell the format" in result.stderr
    assert list(tmp_path.iterdir()) == [clean]


def test_stdout_markdown(clean: Path) -> None:
    result = run("render", str(clean), "-o", "-", "--format", "md")
    assert result.exit_code == 0
    assert result.stdout.startswith("# Test Clerks Institute 2027, Part 1\n")
    assert "## Appendix: Calculation trail" in result.stdout
    assert result.stderr == f"{clean}: approvable: 40.0 contact hours, 20.0 points (CMC Education)\n"


def test_stdout_refuses_docx(clean: Path) -> None:
    result = run("render", str(clean), "-o", "-", "--format", "docx")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "cannot write docx to stdout; give a file name with -o\n"


@pytest.mark.parametrize("suffix", ["docx", "md"], ids=str)
def test_existing_output_untouched_without_force(failing: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"review.{suffix}"
    out.write_text("keep me")
    os.utime(out, (OLD_TIME, OLD_TIME))
    result = run("render", str(failing), "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr == f"{out}: already exists; use --force to replace it\n"
    assert out.read_text() == "keep me" and out.stat().st_mtime == OLD_TIME
    assert sorted(p.name for p in tmp_path.iterdir()) == ["failing.yaml", f"review.{suffix}"]
    result = run("render", str(failing), "-o", str(out), "--force")
    assert result.exit_code == 1 and out.read_text(errors="replace") != "keep me"


def test_failure_mid_render_leaves_no_file(clean: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coursereview.documents import review_docx as docx_builder

    def explode(ctx: dict, stamp: dt.datetime) -> bytes:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(docx_builder, "build_docx", explode)
    out = tmp_path / "review.docx"
    result = run("render", str(clean), "-o", str(out))
    assert result.exit_code != 0 and isinstance(result.exception, RuntimeError)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.yaml"]


def test_bad_input_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: [unclosed\n")
    result = run("render", str(bad), "-o", str(tmp_path / "review.docx"))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and result.stderr.startswith(str(bad))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]


def test_db_shows_the_recorded_decision(clean: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []

    def latest_decision(db_path: str, sha256: str) -> Decision:
        seen.append((db_path, sha256))
        return Decision("approved", "Robin Reviewer", dt.datetime(2027, 6, 1, 9, 0, tzinfo=dt.UTC))

    register = types.ModuleType("coursereview.staff.register")
    register.latest_decision = latest_decision  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "coursereview.staff.register", register)
    db = tmp_path / "decisions.db"
    db.write_bytes(b"")
    result = run("render", str(clean), "-o", "-", "--format", "md", "--db", str(db))
    assert result.exit_code == 0, result.stderr
    assert "| **Decision** | Approved |" in result.stdout and "| **Name** | Robin Reviewer |" in result.stdout
    assert seen and seen[0][0] == str(db) and len(seen[0][1]) == 64


def test_db_missing_is_one_line(clean: Path, tmp_path: Path) -> None:
    result = run("render", str(clean), "-o", "-", "--db", str(tmp_path / "nope.db"))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and result.stdout == ""


# --- coursereview example -----------------------------------------------------------------------


@pytest.fixture
def examples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in examples folder with one approvable and one not-approvable example."""
    folder = tmp_path / "shipped"
    folder.mkdir()
    (folder / "clean.yaml").write_text(FIXTURE, encoding="utf-8")
    (folder / "failing.yaml").write_text(FIXTURE.replace("  certificate: certificate.pdf\n", ""), encoding="utf-8")
    monkeypatch.setattr("coursereview.resources.examples_dir", lambda: folder)
    return folder


def test_example_lists_the_examples(examples: Path) -> None:
    result = run("example")
    assert result.exit_code == 0
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["clean", "failing"]


def test_example_renders_every_example_in_every_format(examples: Path, tmp_path: Path) -> None:
    out = tmp_path / "reviews"
    result = run("example", "-o", str(out), "--format", "docx,html")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["clean-review.docx", "clean-review.html", "failing-review.docx", "failing-review.html"]
    assert len(result.stdout.splitlines()) == 4 and "not approvable" in result.stdout
    docx.Document(str(out / "failing-review.docx"))


def test_example_one_by_name(examples: Path, tmp_path: Path) -> None:
    result = run("example", "clean", "-o", str(tmp_path / "reviews"))
    assert result.exit_code == 0
    assert [p.name for p in (tmp_path / "reviews").iterdir()] == ["clean-review.docx"]


def test_example_unknown_name_or_format(examples: Path, tmp_path: Path) -> None:
    result = run("example", "nope", "-o", str(tmp_path / "x"))
    assert result.exit_code == 2 and "clean, failing" in result.stderr
    result = run("example", "-o", str(tmp_path / "x"), "--format", "pdf")
    assert result.exit_code == 2 and "pdf" in result.stderr
    assert not (tmp_path / "x").exists()


def test_example_refuses_to_overwrite_anything_without_force(examples: Path, tmp_path: Path) -> None:
    out = tmp_path / "reviews"
    out.mkdir()
    (out / "failing-review.docx").write_text("keep me")
    result = run("example", "-o", str(out))
    assert result.exit_code == 2 and "already exists" in result.stderr
    assert [p.name for p in out.iterdir()] == ["failing-review.docx"]
    assert run("example", "-o", str(out), "--force").exit_code == 0
    docx.Document(io.BytesIO((out / "failing-review.docx").read_bytes()))


def test_shipped_examples_render() -> None:
    from coursereview.checking import check, load_submission
    from coursereview.documents import render
    from coursereview.resources import examples_dir

    shipped = sorted(p for p in examples_dir().iterdir() if p.name.endswith(".yaml"))
    if not shipped:
        pytest.skip("no examples shipped yet")
    for path in shipped:
        review = check(load_submission(Path(str(path))))
        document = docx.Document(io.BytesIO(render(review, "docx")))
        assert document.core_properties.title == review.submission.program.title


def test_example_without_examples_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("coursereview.resources.examples_dir", lambda: tmp_path / "absent")
    result = run("example")
    assert result.exit_code == 2 and result.stderr == "no example submissions are shipped with this installation\n"


def test_db_with_the_real_register(failing: Path, tmp_path: Path) -> None:
    register = pytest.importorskip("coursereview.staff.register")
    from coursereview.checking import check, load_submission

    db = tmp_path / "decisions.db"
    when = dt.datetime(2027, 6, 2, 10, 15, tzinfo=dt.UTC)
    register.record_decision(db, check(load_submission(failing)), "returned", "Robin Reviewer",
                             note="Attach the certificate template", now=when)
    out = tmp_path / "review.docx"
    result = run("render", str(failing), "-o", str(out), "--db", str(db))
    assert result.exit_code == 1, result.stderr
    [table] = [t for t in docx.Document(str(out)).tables if t.rows[0].cells[0].text == "Decision"]
    values = {row.cells[0].text: row.cells[1].text for row in table.rows}
    assert values["Decision"] == "Returned" and values["Name"] == "Robin Reviewer"
    assert values["Date"] == "June 2, 2027" and values["Conditions or note"] == "Attach the certificate template"


def test_examples_are_named_by_their_shipped_name_so_every_machine_gets_the_same_bytes(
        examples: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "one", tmp_path / "two"
    assert run("example", "failing", "-o", str(first), "--format", "md,docx").exit_code == 0
    assert run("example", "failing", "-o", str(second), "--format", "md,docx").exit_code == 0
    text = (first / "failing-review.md").read_text()
    assert "| **Submission file** | failing.yaml |" in text  # a file's own name, never a path
    assert "examples/" not in text and str(tmp_path) not in text
    for name in ("failing-review.md", "failing-review.docx"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_bad_source_date_epoch_is_one_line_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    out = tmp_path / "r.docx"
    source = tmp_path / "clean.yaml"
    source.write_text(FIXTURE, encoding="utf-8")
    result = CliRunner().invoke(main, ["render", str(source), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.strip() == "SOURCE_DATE_EPOCH='yesterday' is not a number of seconds since 1970"
    assert not out.exists()


def test_db_from_the_environment_or_the_working_folder(failing: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    register = pytest.importorskip("coursereview.staff.register")
    from coursereview.checking import check, load_submission

    monkeypatch.chdir(tmp_path)
    plain = CliRunner().invoke(main, ["render", str(failing), "-o", "-", "--format", "md"])
    assert plain.exit_code == 1 and "Robin Reviewer" not in plain.stdout  # no register here: no decision
    shared = tmp_path / "shared.db"
    register.record_decision(shared, check(load_submission(failing)), "returned", "Robin Reviewer",
                             note="Attach the certificate template")
    env = {"COURSEREVIEW_DB": str(shared)}
    from_env = CliRunner().invoke(main, ["render", str(failing), "-o", "-", "--format", "md"], env=env)
    assert from_env.exit_code == 1 and "| **Name** | Robin Reviewer |" in from_env.stdout
    missing = CliRunner().invoke(main, ["render", str(failing), "-o", "-"], env={"COURSEREVIEW_DB": "nope.db"})
    assert (missing.exit_code, missing.stderr, missing.stdout) == (2, "nope.db: no such decision register\n", "")
    shared.rename(tmp_path / "coursereview.db")
    default = CliRunner().invoke(main, ["render", str(failing), "-o", "-", "--format", "md"])
    assert default.exit_code == 1 and "| **Name** | Robin Reviewer |" in default.stdout
