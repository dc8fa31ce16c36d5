"""Inputs found by review that once slipped through: each now gives the right finding or one clear line."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from coursereview import check, load_submission
from coursereview.cli import main

DATA = Path(__file__).parent / "data"
BASE = yaml.safe_load((DATA / "base-institute.yaml").read_text())
BODY = (DATA / "base-institute.yaml").read_text().split("\n", 2)[2]  # without the comment and schema lines
SHIPPED = Path(__file__).resolve().parent.parent / "criteria" / "iimc-institute.yaml"


def _write(tmp_path: Path, doc: dict, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def _codes(path: Path, criteria: str | None = None) -> set[tuple[str, str]]:
    return {(f.code, f.path_text) for f in check(load_submission(path), criteria).findings}


def test_blank_required_text_is_missing(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["program"]["title"] = ""
    doc["provider"]["director"]["email"] = "   "
    doc["sessions"][0]["title"] = "  "
    codes = _codes(_write(tmp_path, doc))
    assert {("S002", "program.title"), ("S002", "provider.director.email"), ("S002", "sessions[0].title")} <= codes


def test_choices_are_read_case_insensitively(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["sessions"][0]["level"] = "Basic"
    doc["program"]["kind"] = "Institute"
    assert _codes(_write(tmp_path, doc)) == set()


def test_a_session_that_is_not_a_mapping_is_reported_once(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["sessions"].insert(1, None)
    doc["sessions"].insert(2, "a stray line")
    review = check(load_submission(_write(tmp_path, doc)))
    assert {(f.code, f.path_text) for f in review.findings} == {("S003", "sessions[1]"), ("S003", "sessions[2]")}
    assert [s.index for s in review.submission.sessions][:3] == [0, 3, 4]  # paths still point into the file


def test_unquoted_decimal_and_four_digit_times(tmp_path: Path) -> None:
    text = (DATA / "base-institute.yaml").read_text()
    text = text.replace("start: 08:00", "start: 8.00", 1).replace("end: '12:00'", "end: 1200", 1)
    path = tmp_path / "s.yaml"
    path.write_text(text)
    assert _codes(path) == set()


def test_hostile_scalars_are_one_line(tmp_path: Path) -> None:
    cases = {
        "merge.yaml": ("base: &b {title: x}\nprogram:\n  <<: *b\n", "YAML merge keys ('<<') are not supported"),
        "escape.yaml": ('provider: {name: "x\\e[2J"}\n', "character U+001B is not allowed in text"),
        "huge.yaml": (BODY.replace("part: 1", "part: " + "9" * 5000), None),
        "huge.json": ('{"program": {"part": ' + "9" * 5000 + "}}", "invalid JSON"),
        "surrogate.json": ('{"program": {"title": "Bad \\ud800"}}', "character U+D800 is not allowed"),
    }
    for name, (body, expected) in cases.items():
        path = tmp_path / name
        path.write_text(("schema: coursereview/submission@1\n" if name.endswith("yaml") else "") + body)
        result = CliRunner().invoke(main, ["validate", str(path)])
        assert "Traceback" not in result.output and not isinstance(result.exception, ValueError), name
        if expected:
            assert result.exit_code == 2 and expected in result.stderr, (name, result.stderr)
        else:  # a 5000-digit part number is a finding, not a crash
            assert result.exit_code == 1 and "S003" in result.stdout


def test_a_submission_cannot_choose_a_criteria_file(tmp_path: Path) -> None:
    lenient = tmp_path / "iimc-institute.yaml"
    lenient.write_text(SHIPPED.read_text().replace("value: 40", "value: 1"))
    doc = copy.deepcopy(BASE)
    doc["program"]["criteria"] = str(lenient)
    result = CliRunner().invoke(main, ["validate", str(_write(tmp_path, doc))])
    assert result.exit_code == 2
    assert "a submission may name a shipped set (id or id@version) only" in result.stderr


def test_a_criteria_file_cannot_reuse_a_shipped_id_and_version(tmp_path: Path) -> None:
    lenient = tmp_path / "mine.yaml"
    lenient.write_text(SHIPPED.read_text().replace("value: 40", "value: 1"))
    result = CliRunner().invoke(main, ["validate", "--criteria", str(lenient), str(DATA / "base-institute.yaml")])
    assert result.exit_code == 2
    assert "reuses the id and version of the shipped set iimc-institute@2026.1" in result.stderr
    same = tmp_path / "copy.yaml"
    same.write_bytes(SHIPPED.read_bytes())  # an identical copy is the same set: fine
    result = CliRunner().invoke(main, ["validate", "--criteria", str(same), str(DATA / "base-institute.yaml")])
    assert result.exit_code == 0


def test_misspelt_kind_is_a_finding_at_its_place_that_suggests(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["program"]["kind"] = "instiute"
    path = _write(tmp_path, doc)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1, result.output  # judged (as the institute it most likely is), not "could not run"
    assert result.stdout.startswith(f"{path}:") and "did you mean 'institute'?" in result.stdout


def test_a_folder_among_the_files_does_not_stop_the_others(tmp_path: Path) -> None:
    args = ["validate", "--format", "json", str(tmp_path), str(DATA / "base-institute.yaml")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert objects[0]["verdict"] is None and "not a regular file" in objects[0]["error"]
    assert objects[1]["verdict"] == "approvable"


def test_criteria_check_problems(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["criteria", "check", str(tmp_path / "nope.yaml")]).exit_code == 2
    bad = tmp_path / "bad.yaml"
    text = SHIPPED.read_text().replace("  program.min_hours:\n    value: 2", "  program.min_hours:\n    value: x")
    bad.write_text(text.replace("    topics: [levels and forms", "    min_hours: 3\n    topics: [levels and forms"))
    result = runner.invoke(main, ["criteria", "check", str(bad)])
    assert result.exit_code == 1
    assert "unknown rule" not in result.stdout
    assert "value must be a number of hours" in result.stdout
    assert "min_hours is set but the rule areas.min_hours is absent" not in result.stdout  # the institute set has it
    text = (DATA / "criteria-custom.yaml").read_text().replace("  areas.min_hours: {value: true, basis: published, "
                                                                 "source: test fixture}\n", "")
    custom = tmp_path / "custom.yaml"
    custom.write_text(text)
    result = runner.invoke(main, ["criteria", "check", str(custom)])
    assert result.exit_code == 1 and "min_hours is set but the rule areas.min_hours is absent" in result.stdout


def test_a_criteria_file_that_is_not_a_mapping_is_told_what_a_criteria_set_holds(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("hi\n")
    result = CliRunner().invoke(main, ["criteria", "check", str(bad)])
    assert result.exit_code == 2
    expected = "the top level must be a mapping with keys such as 'id', 'version', 'rules'"
    assert result.stderr.strip() == f"{bad}:1:1: {expected}"


def test_a_misspelt_choice_in_any_case_gets_a_suggestion(tmp_path: Path) -> None:
    doc = copy.deepcopy(BASE)
    doc["sessions"][0]["level"] = "Advancd"
    review = check(load_submission(_write(tmp_path, doc)))
    (finding,) = [f for f in review.findings if f.code == "S003"]
    assert finding.hint == "did you mean 'advanced'?"
