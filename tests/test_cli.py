"""The validate and criteria commands as a user runs them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from coursereview.cli import main

DATA = Path(__file__).parent / "data"
BASE = DATA / "base-institute.yaml"


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def _with(tmp_path: Path, **program: object) -> Path:
    doc = yaml.safe_load(BASE.read_text())
    doc["program"].update(program)
    doc["program"] = {k: v for k, v in doc["program"].items() if v is not None}
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def test_validate_clean_prints_summary_and_exits_0() -> None:
    result = run("validate", str(BASE))
    assert result.exit_code == 0
    assert "APPROVABLE by iimc-institute@2026.2: 40.0 contact hours, 20.0 points (CMC Education)" in result.stdout
    assert "hours by area: government 8.0" in result.stdout


def test_validate_prints_findings_like_a_compiler(tmp_path: Path) -> None:
    path = _with(tmp_path, certificate=None)
    result = run("validate", str(path))
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{path}:")
    location, rest = first.split(": ", 1)
    _, line, column = location.rsplit(":", 2)
    assert line.isdigit() and column.isdigit()
    assert rest.startswith("error D003 the program names no certificate") and rest.endswith(")")


def test_warnings_pass_unless_strict(tmp_path: Path) -> None:
    path = _with(tmp_path, attendance=None)
    assert run("validate", str(path)).exit_code == 0
    assert run("validate", "--strict", str(path)).exit_code == 1


def test_json_output_shape(tmp_path: Path) -> None:
    path = _with(tmp_path, attendance=None)
    result = run("validate", "--format", "json", str(path), str(BASE))
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(objects) == 2
    first = objects[0]
    assert first["verdict"] == "approvable-with-notes"
    assert set(first["criteria"]) == {"id", "version", "sha256"}
    assert first["totals"]["contact_hours"] == 40.0 and first["totals"]["points"] == 20.0
    assert sum(first["totals"]["areas"].values()) == 40.0
    (finding,) = first["findings"]
    assert {"code", "name", "severity", "message", "path", "line", "column", "hint", "criterion"} <= set(finding)
    assert finding["code"] == "D002" and finding["criterion"] == "iimc-institute@2026.2 documentation.attendance"


def test_explain_prints_the_trail() -> None:
    result = run("validate", "--explain", str(BASE))
    assert "    session 2 2027-05-17 12:00-13:00 meal" in result.stdout  # numbered from 1, as findings name sessions
    assert "not counted: meal time is not contact time" in result.stdout
    assert "contact hours: 2400 / 60 minutes per hour = 40.0" in result.stdout
    assert "points a participant earns: 20.0 CMC Education" in result.stdout


def test_criteria_option_pins_a_set_or_a_file() -> None:
    assert "by iimc-institute@2026.1" in run("validate", "--criteria", "iimc-institute@2026.1", str(BASE)).stdout
    result = run("validate", "--criteria", str(DATA / "criteria-custom.yaml"), str(BASE))
    assert "by state-custom@1.0" in result.stdout and result.exit_code == 1
    result = run("validate", "--criteria", "iimc-nope", str(BASE))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{BASE}: unknown criteria set 'iimc-nope'; known sets: iimc-academy@2026.1, " \
        "iimc-academy@2026.2, iimc-association@2026.1, iimc-association@2026.2, iimc-institute@2026.1, " \
        "iimc-institute@2026.2"


def test_unknown_option_exits_2() -> None:
    assert run("validate", "--bogus", str(BASE)).exit_code == 2


def test_criteria_list_and_show() -> None:
    listing = run("criteria", "list").stdout
    assert [line.split()[0] for line in listing.splitlines()] == [
        "iimc-academy@2026.1", "iimc-academy@2026.2", "iimc-association@2026.1", "iimc-association@2026.2",
        "iimc-institute@2026.1", "iimc-institute@2026.2"]
    shown = run("criteria", "show", "iimc-association").stdout
    assert "1 CMC Education or MMC Advanced Education point per 4.0 contact hours" in shown
    assert "program.min_hours" in shown and "published" in shown
    assert "clerk-role" in shown


def test_criteria_check_reports_every_problem_with_location(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = (DATA / "criteria-custom.yaml").read_text()
    text = text.replace("{value: true, basis: published", "{value: true, basis: publishd")
    text = text.replace("program.max_hours: {value: 30", "program.max_hours: {value: lots")
    text += "extra_key: 1\n"
    bad.write_text(text)
    result = run("criteria", "check", str(bad))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line.split(": ", 1)[0].rsplit("/", 1)[1] for line in lines] == ["bad.yaml:20:23", "bad.yaml:21:34",
                                                                             "bad.yaml:22:1"]
    assert "value must be a number of hours" in lines[0]
    assert "basis: Must be one of: published, observed, provisional" in lines[1]
    assert "unknown key 'extra_key'" in lines[2]
    ok = run("criteria", "check", str(DATA / "criteria-custom.yaml"))
    assert ok.exit_code == 0 and "OK: state-custom@1.0" in ok.stdout


def test_shipped_criteria_all_check_clean() -> None:
    root = Path(__file__).parent.parent / "criteria"
    for path in sorted(root.glob("*.yaml")):
        assert run("criteria", "check", str(path)).exit_code == 0, path


def test_invalid_criteria_file_for_validate_is_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n")
    result = run("validate", "--criteria", str(bad), str(BASE))
    assert result.exit_code == 2 and result.stderr.count("\n") == 1


def test_program_kind_invalid_cannot_choose_criteria(tmp_path: Path) -> None:
    result = run("validate", str(_with(tmp_path, kind="seminar")))
    assert result.exit_code == 2
    assert "cannot choose a criteria set" in result.stderr


def test_help_explains_with_an_example() -> None:
    for command in (["validate"], ["criteria", "show"], ["criteria", "check"], ["criteria", "list"]):
        text = run(*command, "--help").stdout
        assert "Example" in text, command


def _console_script() -> str | None:
    beside = Path(sys.executable).parent / "coursereview"
    return str(beside) if beside.exists() else shutil.which("coursereview")


@pytest.mark.skipif(_console_script() is None, reason="coursereview is not installed as a console script")
def test_installed_console_script_runs_from_any_folder(tmp_path: Path) -> None:
    script = _console_script()
    proc = subprocess.run([script, "validate", "--format", "json", str(BASE)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, env={**os.environ, "PYTHONPATH": ""})
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["verdict"] == "approvable"
    proc = subprocess.run([sys.executable, "-m", "coursereview", "validate", str(tmp_path / "none.yaml")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().endswith("none.yaml: no such file")
