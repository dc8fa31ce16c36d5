"""The README's console examples, run: every ```console block shows real commands and their real output.

How a block is read (keep README edits within these rules and they stay tested):
- ``$ coursereview ARGS`` runs the command in a folder holding a copy of ``examples/``; the lines up to
  the next ``$`` are what the terminal shows (stdout and stderr as they interleave).
- ``$ echo $?`` shows the exit status of the command before it.
- A line ``...`` stands for any number of lines (a long output shortened).
Only ```console blocks are run; ```sh blocks are instructions and are not.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from coursereview.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
ELLIPSIS = "..."


def _console_blocks() -> list[str]:
    return re.findall(r"^```console\n(.*?)^```$", README.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)


def _steps(block: str) -> list[tuple[str, list[str]]]:
    """Return the block's commands, each with the lines of output shown under it."""
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
        else:
            raise AssertionError(f"a console block must start with a '$ ' command, not {line!r}")
    return steps


def _pattern(expected: list[str]) -> re.Pattern[str]:
    """Return a regular expression for the expected lines, each ``...`` line matching any number of lines."""
    parts = ["(?:.*\n)*?" if line.strip() == ELLIPSIS else re.escape(line + "\n") for line in expected]
    return re.compile("".join(parts))


def _run(steps: list[tuple[str, list[str]]]) -> None:
    runner = CliRunner()
    status: int | None = None
    for command, expected in steps:
        if command == "echo $?":
            assert status is not None, "'$ echo $?' must follow a command"
            shown = f"{status}\n"
        else:
            program, *args = shlex.split(command)
            assert program == "coursereview", f"README console blocks run coursereview only, not: {command}"
            result = runner.invoke(main, args, prog_name="coursereview")
            assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
            status, shown = result.exit_code, result.output
        matches = _pattern(expected).fullmatch(shown) is not None
        assert matches, f"README shows for `$ {command}`:\n" + "\n".join(expected) + f"\n\nbut it prints:\n{shown}"


BLOCKS = _console_blocks()


def test_the_readme_has_console_examples() -> None:
    assert len(BLOCKS) >= 3 and all(_steps(block) for block in BLOCKS)


@pytest.mark.parametrize("block", BLOCKS, ids=[_steps(b)[0][0] for b in BLOCKS])
def test_console_example(block: str, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")  # the conftest runs every test in tmp_path
    _run(_steps(block))


def test_an_ellipsis_stands_for_lines_and_nothing_else_is_loose() -> None:
    pattern = _pattern(["first", "  ...", "last"])
    assert pattern.fullmatch("first\nlast\n") and pattern.fullmatch("first\na\nb\nlast\n")
    assert not pattern.fullmatch("first\nlast\nmore\n") and not pattern.fullmatch("first\nlast")
    assert not _pattern(["a.b"]).fullmatch("axb\n")
