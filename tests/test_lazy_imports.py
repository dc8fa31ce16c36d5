"""A command imports what it uses: the package's public names and the commands load on first use, and are the same."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

import coursereview
from coursereview.cli import COMMANDS, main


def _modules_after(code: str, *args: str, cwd: Path | None = None) -> set[str]:
    """Run ``code`` in a fresh interpreter and return the top-level packages and coursereview modules it loaded."""
    report = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", report, *args], capture_output=True, text=True, check=True,
                         cwd=cwd).stdout
    loaded = json.loads(out.splitlines()[-1])
    return {name for name in loaded if "." not in name or name.startswith("coursereview.")}


def test_importing_coursereview_loads_none_of_its_libraries() -> None:
    loaded = _modules_after("import coursereview")
    assert not loaded & {"marshmallow", "yaml", "jinja2", "docx", "lxml", "click", "coursereview.checking"}
    assert {"coursereview", "coursereview.lazy_regex", "lazy_loader"} <= loaded


def test_every_public_name_is_there_and_is_the_object_of_its_module() -> None:
    import coursereview.checking
    import coursereview.criteria.sets
    import coursereview.documents

    assert set(coursereview.__all__) <= set(dir(coursereview))
    for name in coursereview.__all__:
        assert getattr(coursereview, name) is not None, name
    # the submodule coursereview.checking is imported, yet coursereview.check is still the function
    assert coursereview.check is coursereview.checking.check and callable(coursereview.check)
    from coursereview import check, render, shipped_criteria

    assert check is coursereview.checking.check and render is coursereview.documents.render
    assert shipped_criteria is coursereview.criteria.sets.shipped_criteria


def test_an_unknown_name_is_an_attribute_error_and_a_submodule_still_imports() -> None:
    with pytest.raises(AttributeError, match="nothing_here"):
        coursereview.nothing_here  # noqa: B018
    from coursereview import errors, vocabulary

    assert errors.CourseReviewError is coursereview.CourseReviewError and vocabulary.KINDS
    from coursereview.criteria import shipped_sha256s

    assert shipped_sha256s() and all(len(sha) == 64 for sha in shipped_sha256s())


def test_every_command_loads_by_its_name_and_help_lists_them_all() -> None:
    ctx = click.Context(main)
    assert main.list_commands(ctx) == sorted(COMMANDS)
    for name in COMMANDS:
        command = main.get_command(ctx, name)
        assert isinstance(command, click.Command) and command.name == name
    assert main.get_command(ctx, "no-such-command") is None
    shown = subprocess.run([sys.executable, "-m", "coursereview", "--help"], capture_output=True, text=True,
                           check=True).stdout
    assert all(f"  {name} " in shown for name in COMMANDS)


def test_a_mistyped_command_is_one_line_with_a_suggestion() -> None:
    done = subprocess.run([sys.executable, "-m", "coursereview", "validat", "x.yaml"], capture_output=True, text=True)
    assert done.returncode == 2 and "No such command 'validat'" in done.stderr and "Traceback" not in done.stderr


RUN = """
import sys
from coursereview.cli import main
try:
    main(sys.argv[1:], prog_name="coursereview")
except SystemExit as done:
    assert done.code in (0, 1, None), done.code
"""


def test_import_of_a_word_form_never_loads_the_checker_or_marshmallow(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "coursereview", "new", "-o", str(tmp_path / "form.docx")], check=True,
                   capture_output=True)
    loaded = _modules_after(RUN, "import", str(tmp_path / "form.docx"), "-o", str(tmp_path / "form.yaml"))
    assert (tmp_path / "form.yaml").is_file()
    assert "coursereview.intake.form" in loaded
    assert not loaded & {"marshmallow", "coursereview.checking", "coursereview.rules", "docx", "jinja2"}


def test_a_batch_with_nothing_to_do_loads_neither_the_checker_nor_a_template(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "coursereview", "example", "academy", "--source", "-o",
                    str(tmp_path / "academy.yaml")], check=True, capture_output=True)
    args = ("batch", str(tmp_path / "academy.yaml"), "-o", str(tmp_path / "out"), "-j", "1")
    first = _modules_after(RUN, *args)
    assert "coursereview.checking" in first and (tmp_path / "out" / "academy-review.docx").is_file()
    _modules_after(RUN, *args)  # the register now says "unchanged": written once more
    again = _modules_after(RUN, *args)
    assert not again & {"marshmallow", "yaml", "jinja2", "coursereview.checking", "coursereview.rules",
                        "coursereview.criteria.sets", "multiprocessing"}
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert [row["status"] for row in summary["submissions"]] == ["unchanged"]
