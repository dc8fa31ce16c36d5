"""The `coursereview` command: a thin layer over the library (parse options, call, print)."""

from __future__ import annotations

import importlib

import click

from coursereview import __version__

# Each command is imported when it is run (or listed by --help), so that a command pays for its
# own modules only: `coursereview import` never loads the checker, an unchanged batch never loads
# a document template. Click's "lazily loading subcommands" pattern.
COMMANDS = {
    "batch": "coursereview.cli.batch_cmd:batch",
    "criteria": "coursereview.cli.criteria_cmd:criteria",
    "decide": "coursereview.cli.batch_cmd:decide",
    "example": "coursereview.cli.render_cmd:example",
    "history": "coursereview.cli.batch_cmd:history_cmd",
    "import": "coursereview.cli.form_cmd:import_",
    "letter": "coursereview.cli.batch_cmd:letter",
    "new": "coursereview.cli.form_cmd:new",
    "outbox": "coursereview.cli.user_cmd:outbox",
    "render": "coursereview.cli.render_cmd:render",
    "serve": "coursereview.cli.serve_cmd:serve",
    "user": "coursereview.cli.user_cmd:user",
    "validate": "coursereview.cli.validate:validate",
}


class LazyGroup(click.Group):
    """A group whose subcommands (``COMMANDS``: name -> "module:attribute") are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, _, attribute = COMMANDS[cmd_name].partition(":")
            command = getattr(importlib.import_module(module), attribute)
            if not isinstance(command, click.Command) or command.name != cmd_name:
                raise TypeError(f"{COMMANDS[cmd_name]} is not the command {cmd_name!r}")
            self.add_command(command)
        return self.commands.get(cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coursereview")
def main() -> None:
    """Review IIMC continuing-education course programs (CMC/MMC).

    Validate a course program submission against the guideline criteria, see exactly what is
    missing and where, and render the review document for IIMC approval.

    \b
    A director's week:
      coursereview new -o my-institute.docx          # a Word form to fill in (or .yaml)
      coursereview validate my-institute.docx        # what is missing, and where
      coursereview render my-institute.docx -o review.docx
    \b
    IIMC staff:
      coursereview batch my-institute.docx -o reviews/   # validate and render a queue
      coursereview decide my-institute.docx --return --reviewer "A. Staff" --note "Add the sessions"
      coursereview letter my-institute.docx -o letter.docx
    \b
    See an example, or start from one:
      coursereview example institute-part1 -o reviews
      coursereview example institute-part1 --source -o institute-part1.yaml
    """

