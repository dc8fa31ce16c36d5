"""The README's console examples and every command's --help examples, run from an empty folder.

How a README block is read (keep README edits within these rules and they stay tested):
- ``$ coursereview ARGS`` runs the command in an empty folder, as after a plain ``pip install`` (an
  example submission is got with ``coursereview example NAME --source -o FILE``); the lines up to
  the next ``$`` are what the terminal shows (stdout and stderr as they interleave).
- ``$ echo $?`` shows the exit status of the command before it.
- A line ``...`` stands for any number of lines (a long output shortened).
Only ```console blocks are run; ```sh blocks are instructions and are not.

The lines of each command's ``--help`` after "Example" (and of ``coursereview --help``) are run in
order, each command's in a fresh empty folder: each must run (exit 0 or 1: it judged something),
never exit 2 (could not run).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
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
            assert args[:1] != ["serve"], "`coursereview serve` runs until stopped: show it in a ```text block"
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
    assert not list(tmp_path.iterdir())  # the conftest runs every test in its own empty tmp_path
    _run(_steps(block))


def test_an_ellipsis_stands_for_lines_and_nothing_else_is_loose() -> None:
    pattern = _pattern(["first", "  ...", "last"])
    assert pattern.fullmatch("first\nlast\n") and pattern.fullmatch("first\na\nb\nlast\n")
    assert not pattern.fullmatch("first\nlast\nmore\n") and not pattern.fullmatch("first\nlast")
    assert not _pattern(["a.b"]).fullmatch("axb\n")


# --- every command's --help examples ----------------------------------------------------------


def _help_examples(command: click.Command, path: list[str]) -> list[str]:
    """Return the command lines a command's --help shows under "Example" (or under any heading, for the group)."""
    text = CliRunner().invoke(main, [*path, "--help"], terminal_width=200).stdout
    if path:
        text = text.split("Example", 1)[1] if "Example" in text else ""
        text = text.split("\nOptions:", 1)[0]
    else:
        text = text.split("\nOptions:", 1)[0]
    lines, joined = [], ""
    for line in text.splitlines():
        line = joined + line.strip()
        joined = ""
        if line.endswith("\\"):
            joined = line[:-1]
            continue
        if line.startswith("coursereview "):
            lines.append(line.split("  #", 1)[0].strip())
    return lines


def _all_commands(group: click.Group, path: list[str]) -> list[tuple[list[str], click.Command]]:
    found: list[tuple[list[str], click.Command]] = [(path, group)]
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # the commands as --help lists them (main imports each when asked)
        command = group.get_command(ctx, name)
        assert command is not None, name
        if isinstance(command, click.Group):
            found += _all_commands(command, [*path, name])
        else:
            found.append(([*path, name], command))
    return found


COMMANDS = [(path, command) for path, command in _all_commands(main, []) if path[:1] != ["criteria"] or path[1:]]


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) or "coursereview" for p, _ in COMMANDS])
def test_help_examples_run_from_an_empty_folder(path: list[str], command: click.Command, tmp_path: Path) -> None:
    examples = _help_examples(command, path)
    if path and not isinstance(command, click.Group):
        assert examples, f"coursereview {' '.join(path)} --help shows no example"
    runner = CliRunner()
    for line in examples:
        program, *args = shlex.split(line)
        assert program == "coursereview"
        if path[:1] in (["serve"], ["user"], ["outbox"]):
            # These run a server until stopped, ask for a password, or act on a server's data folder and mail
            # server: check that the example names a real command whose options parse, and nothing more.
            target: click.Command = main
            rest = list(args)
            while isinstance(target, click.Group) and rest and rest[0] in target.list_commands(click.Context(target)):
                found = target.get_command(click.Context(target), rest.pop(0))
                assert found is not None, line
                target = found
            assert not isinstance(target, click.Group), line
            target.make_context(line, rest)
            continue
        result = runner.invoke(main, args, prog_name="coursereview")
        assert result.exception is None or isinstance(result.exception, SystemExit), (line, result.exception)
        assert result.exit_code in (0, 1), f"`{line}` could not run (exit {result.exit_code}): {result.output}"
