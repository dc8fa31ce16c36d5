"""The CLI is a veneer: each command prints what one library function returns, and exits through an exception class."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from coursereview import check, load_submission, resolve_criteria, shipped_criteria
from coursereview.checking import example_submission, read_submission, shipped_examples
from coursereview.cli import main
from coursereview.cli.common import Fail, Failed, Interrupted, Unreadable
from coursereview.criteria.describe import criteria_text
from coursereview.documents.text_report import text_report
from coursereview.errors import CourseReviewError
from coursereview.resources import examples_dir

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SHIPPED = shipped_examples()
NOT_APPROVABLE = str(EXAMPLES / "not-approvable.yaml")


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("file", SHIPPED.values(), ids=list(SHIPPED))
def test_validate_json_is_review_to_dict(file: str) -> None:
    path = str(EXAMPLES / file)
    result = run("validate", "--format", "json", path)
    assert result.stdout.count("\n") == 1, "one JSON object per file, on one line"
    assert json.loads(result.stdout) == json.loads(json.dumps(check(load_submission(path)).to_dict()))


@pytest.mark.parametrize("explain", [False, True], ids=["plain", "explain"])
@pytest.mark.parametrize("file", SHIPPED.values(), ids=list(SHIPPED))
def test_validate_text_is_the_library_text_report(file: str, explain: bool) -> None:
    path = str(EXAMPLES / file)
    result = run("validate", path, *(["--explain"] if explain else []))
    assert result.stdout == text_report(check(load_submission(path)), explain)


def test_the_trail_numbers_sessions_from_1_as_findings_do() -> None:
    review = check(load_submission(EXAMPLES / "association-conference.yaml"))
    lines = text_report(review, explain=True).splitlines()
    start = lines.index("  calculation trail:")
    assert lines[start + 1].startswith("    session 1 2027-09-22 08:30-10:00 instruction clerk-role ")
    assert lines[start + 17].startswith("    session 17 2027-09-23 15:00-15:30 exam ")
    assert "calculation trail" not in text_report(review)


@pytest.mark.parametrize("ref", [s.ref for s in shipped_criteria()])
def test_criteria_show_is_the_library_criteria_text(ref: str) -> None:
    result = run("criteria", "show", ref)
    assert result.exit_code == 0 and result.stdout == criteria_text(resolve_criteria(ref))


def test_criteria_text_says_what_a_set_holds() -> None:
    text = criteria_text(resolve_criteria("iimc-institute@2026.1"))
    first, second = text.splitlines()[:2]
    assert first.startswith("iimc-institute@2026.1: ") and second.startswith("  applies to: institute; in force ")
    assert "  curriculum areas:\n" in text and "  rules:\n" in text and text.endswith("\n")


def test_shipped_examples_are_listed_by_name_in_order() -> None:
    assert list(SHIPPED.items()) == [(p.stem, p.name) for p in sorted(EXAMPLES.glob("*.yaml"))]
    assert run("example").stdout == "".join(f"{name}\t{file}\n" for name, file in SHIPPED.items())


@pytest.mark.parametrize("name", list(SHIPPED))
def test_an_example_is_read_like_an_upload_named_by_its_shipped_name(name: str) -> None:
    file = SHIPPED[name]
    submission = example_submission(name)
    assert submission.file == f"examples/{file}"
    assert submission == read_submission((examples_dir() / file).read_bytes(), f"examples/{file}")
    assert submission.sha256 == load_submission(EXAMPLES / file).sha256


def test_an_unknown_example_says_which_there_are(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CourseReviewError, match=r"^no example named 'nope'; the shipped examples are: academy, "):
        example_submission("nope")
    assert run("example", "nope").stderr.startswith("no example named 'nope'; the shipped examples are: academy, ")
    monkeypatch.setattr("coursereview.resources.examples_dir", lambda: tmp_path / "absent")
    assert shipped_examples() == {}
    with pytest.raises(CourseReviewError, match=r"^no example named 'academy'; the shipped examples are: none$"):
        example_submission("academy")


# --- exit codes: one exception class each, mapped to the status by click's standalone mode ----------------


@pytest.mark.parametrize(("args", "raised"), [
    (["validate", NOT_APPROVABLE], Failed),
    (["validate", str(EXAMPLES / "approvable-with-notes.yaml"), "--strict"], Failed),
    (["validate", "nope.yaml", NOT_APPROVABLE], Unreadable),
    (["render", NOT_APPROVABLE, "-o", "-"], Failed),
    (["criteria", "check", NOT_APPROVABLE], Failed),
    (["render", NOT_APPROVABLE, "-o", "-", "--criteria", "iimc-nope"], Fail),
], ids=["not-approvable", "strict-warnings", "unreadable-wins", "render", "criteria-problems", "cannot-run"])
def test_each_outcome_is_an_exception_class(args: list[str], raised: type[Exception]) -> None:
    with pytest.raises(raised) as caught:
        main.main(args, standalone_mode=False)
    assert type(caught.value) is raised
    assert run(*args).exit_code == raised.exit_code  # type: ignore[attr-defined]


def test_exit_codes_are_the_documented_ones() -> None:
    assert (Failed.exit_code, Unreadable.exit_code, Fail.exit_code, Interrupted.exit_code) == (1, 2, 2, 130)


def test_a_passing_run_raises_nothing() -> None:
    assert main.main(["validate", str(EXAMPLES / "academy.yaml")], standalone_mode=False) is None


def test_ctrl_c_is_one_line_and_exit_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    validate_module = importlib.import_module("coursereview.cli.validate")  # the package's name is the command
    monkeypatch.setattr(validate_module, "check", interrupt)
    result = run("validate", NOT_APPROVABLE)
    assert (result.exit_code, result.stdout, result.stderr) == (130, "", "interrupted\n")


def test_no_system_exit_in_the_cli() -> None:
    cli = Path(__file__).resolve().parent.parent / "coursereview" / "cli"
    offenders = [f"{path.name}:{n}" for path in sorted(cli.glob("*.py"))
                 for n, line in enumerate(path.read_text().splitlines(), 1)
                 if "SystemExit" in line or "sys.exit" in line]
    assert not offenders, "raise one of the exception classes in cli/common.py instead"


def test_the_documents_and_staff_packages_import_on_their_own() -> None:
    done = subprocess.run([sys.executable, "-c", "import coursereview.documents, coursereview.staff"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
