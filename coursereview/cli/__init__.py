"""The `coursereview` command: a thin layer over the library (parse options, call, print)."""

from __future__ import annotations

import click

from coursereview import __version__
from coursereview.cli.batch_cmd import batch, decide, history_cmd, letter
from coursereview.cli.criteria_cmd import criteria
from coursereview.cli.form_cmd import import_, new
from coursereview.cli.render_cmd import example, render
from coursereview.cli.validate import validate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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


main.add_command(validate)
main.add_command(criteria)
main.add_command(new)
main.add_command(import_)
main.add_command(batch)
main.add_command(decide)
main.add_command(history_cmd)
main.add_command(letter)
main.add_command(render)
main.add_command(example)
