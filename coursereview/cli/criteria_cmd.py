"""`coursereview criteria`: list, show and check criteria sets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from coursereview.cli.common import Fail, Failed, one_line_errors, profile_option
from coursereview.criteria import (
    check_criteria_file,
    criteria_source,
    load_criteria_file,
    resolve_criteria,
    shipped_criteria,
)
from coursereview.io import write_atomic
from coursereview.wording import shown

if TYPE_CHECKING:
    from coursereview.documents.profile import Profile


@click.group()
def criteria() -> None:
    """List, read and check the criteria sets that submissions are judged by."""


@criteria.command("list")
@one_line_errors
def list_() -> None:
    """List the criteria sets shipped with coursereview.

    \b
    Example:
      coursereview criteria list
    """
    for s in shipped_criteria():
        until = s.effective_until or "open"
        click.echo(f"{s.ref:<26} {', '.join(s.kinds):<12} {s.effective_from} to {until}  {s.title}")


@criteria.command("show")
@click.argument("ref", metavar="ID[@VERSION]|FILE")
@click.option("--format", "fmt_", type=click.Choice(["text", "docx", "md", "html"]), default=None,
              help="text (default, to stdout), or a document: docx, md or html (from the -o suffix if not given).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the document to this file.")
@click.option("--source", is_flag=True,
              help="Write the criteria set's own YAML file instead (to -o FILE, or to stdout): a start for a set "
                   "of one's own.")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists.")
@profile_option()
@one_line_errors
def show(ref: str, fmt_: str | None, output: str | None, source: bool, force: bool, profile: Profile) -> None:
    """Print a readable summary of every rule and curriculum area of a criteria set.

    With --format docx, md or html, write it as a document instead: areas, hours, points,
    documentation required, and each rule's basis and source. With --source, write the set's
    YAML file itself: edit the copy (give it its own id), then check it.

    \b
    Example:
      coursereview criteria show iimc-institute
      coursereview criteria show iimc-institute --format docx -o criteria.docx
      coursereview criteria show iimc-association --source -o my-association.yaml
    """
    if source:
        if fmt_ not in (None, "text"):
            raise Fail("--source writes the criteria set's YAML file; leave out --format")
        data = criteria_source(resolve_criteria(ref))
        if output is None:
            click.echo(data.decode("utf-8"), nl=False)
            return
        if Path(output).suffix.lower() not in (".yaml", ".yml"):
            raise Fail(f"{output}: a criteria set is YAML; name the file {Path(output).stem}.yaml")
        write_atomic(output, data, force)
        click.echo(f"wrote {output} (check it with: coursereview criteria check {output})", err=True)
        return
    if output or fmt_ not in (None, "text"):
        from coursereview.cli.form_cmd import write_criteria_document

        write_criteria_document(ref, fmt_, output, force, profile)
        return
    from coursereview.criteria.describe import criteria_text  # here: only this command describes a set

    click.echo(shown(criteria_text(resolve_criteria(ref))), nl=False)


@criteria.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
@one_line_errors
def check_(file: str) -> None:
    """Check a criteria YAML file against the criteria schema (exit 1 when it has problems).

    \b
    Example:
      coursereview criteria show iimc-association --source -o my-association.yaml
      coursereview criteria check my-association.yaml
    """
    problems = check_criteria_file(file)
    for line in problems:
        click.echo(shown(line))
    if problems:
        raise Failed()
    s = load_criteria_file(file)
    click.echo(shown(f"{file}: OK: {s.ref}, {len(s.areas)} areas, {len(s.rules)} rules, sha256 {s.sha256[:12]}"))
