"""The README says what the code does: codes table from the catalog, every command and option."""

from __future__ import annotations

import re
from pathlib import Path

import click

from coursereview.cli import main
from coursereview.findings import codes_table

README = Path(__file__).resolve().parent.parent / "README.md"


def test_codes_table_is_generated_from_the_catalog() -> None:
    text = README.read_text()
    block = re.search(r"<!-- codes:start -->\n(.*?)\n<!-- codes:end -->", text, re.DOTALL)
    assert block, "README.md lacks the codes block"
    assert block.group(1) == codes_table(), "run: python tools/readme.py"


def _commands(group: click.Group, prefix: str = "coursereview") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        full = f"{prefix} {name}"
        found.append((full, command))
        if isinstance(command, click.Group):
            found.extend(_commands(command, full))
    return found


def test_every_command_and_option_is_documented() -> None:
    text = README.read_text()
    missing = []
    for full, command in _commands(main):
        if full not in text:
            missing.append(full)
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--") and opt not in text:
                    missing.append(f"{full} {opt}")
    assert not missing, f"README.md does not mention: {missing}"
